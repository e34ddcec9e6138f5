"""The hall on a 375 px phone, in Debian's Chromium: list, filter, open a project, express an
intent. Screenshots go to test-output/<test name>/."""

import re

import pytest
from django.core import mail

from events.demo import load_demo_week
from exhibits.demo import load_demo_exhibition
from exhibits.models import Intent, Project

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_phone_lists_filters_opens_and_expresses_an_intent(live_server, phone_page, screenshot_dir):
    load_demo_week()
    load_demo_exhibition()
    page = phone_page

    page.goto(f"{live_server.url}/expo/")
    page.wait_for_load_state("networkidle")
    assert page.locator(".project-card").count() == 24  # the first page
    # Nothing runs off the side of a 375 px screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.screenshot(path=str(screenshot_dir / "hall-375.png"), full_page=False)
    page.screenshot(path=str(screenshot_dir / "hall-375-full.png"), full_page=True)

    page.fill("#expo-q", "电池")
    page.click("form[data-expo-filters] button[type=submit]")
    page.wait_for_load_state()
    titles = page.locator(".project-card .title").all_inner_texts()
    assert titles[0] in {
        "固态锂电池隔膜材料",
        "钙钛矿叠层太阳能电池",
        "钠离子电池正极材料",
        "废旧动力电池梯次利用系统",
    }
    assert all("电池" in title for title in titles[:3])
    page.screenshot(path=str(screenshot_dir / "search-375.png"), full_page=True)

    page.click("text=固态锂电池隔膜材料")
    page.wait_for_load_state("networkidle")
    assert page.locator("h1").inner_text() == "固态锂电池隔膜材料"
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.screenshot(path=str(screenshot_dir / "project-375.png"), full_page=False)
    page.screenshot(path=str(screenshot_dir / "project-375-full.png"), full_page=True)

    page.click(".intent-bar a")
    page.fill("input[name=name]", "赵投资")
    page.fill("input[name=organization]", "某某创投")
    page.select_option("select[name=role]", "investor")
    page.select_option("select[name=kind]", "financing")
    page.fill("textarea[name=message]", "希望了解中试数据。")
    page.fill("input[name=email]", "zhao@vc.example.com")
    page.check("input[name=consent]")
    page.screenshot(path=str(screenshot_dir / "intent-375.png"), full_page=True)
    page.click("main form button[type=submit]")
    page.wait_for_load_state()
    assert "输入验证码" in page.locator("h1").inner_text()
    code = re.search(r"\b(\d{6})\b", mail.outbox[-1].body).group(1)
    page.fill("input[name=code]", code)
    page.click("main form button[type=submit] >> nth=0")
    page.wait_for_load_state()
    assert "合作意向已送达" in page.locator("h1").inner_text()
    project = Project.objects.get(title="固态锂电池隔膜材料")
    assert Intent.objects.filter(
        project=project, email="zhao@vc.example.com", confirmed_at__isnull=False
    ).exists()


def test_on_a_desktop_covers_and_placeholders_are_the_same_height(live_server, page, screenshot_dir):
    """Rows of cards line up: a cover image is as tall as a card without one (its height
    attribute used to win, 450 px beside 204 px placeholders)."""
    from tests.exhibits.factories import png_upload

    load_demo_week()
    load_demo_exhibition()
    for project in Project.objects.filter(status=Project.Status.ACCEPTED).order_by("pk")[:30:2]:
        project.cover.save("cover.png", png_upload(size=(1600, 900)))
    page.set_viewport_size({"width": 1366, "height": 900})

    page.goto(f"{live_server.url}/expo/")
    page.wait_for_load_state("networkidle")

    heights = page.evaluate(
        """() => [...document.querySelectorAll('.project-card .cover, .project-card .cover-placeholder')]
            .map(node => [node.tagName, Math.round(node.getBoundingClientRect().height)])"""
    )
    page.screenshot(path=str(screenshot_dir / "hall-1366.png"), full_page=False)
    assert {tag for tag, _height in heights} == {"IMG", "DIV"}
    assert max(height for _tag, height in heights) - min(height for _tag, height in heights) <= 2
