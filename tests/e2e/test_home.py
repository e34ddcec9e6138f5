import pytest

from tests import factories

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_home_renders_in_chinese_and_switches_to_english(live_server, page, screenshot_dir):
    week = factories.week(theme="创梦新天地，发展新经济")

    page.goto(live_server.url + "/")
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    assert page.locator("h1").inner_text() == week.unified_title
    assert "今日活动" in page.inner_text("main")
    assert week.theme in page.inner_text("header")
    page.screenshot(path=screenshot_dir / "home-zh.png", full_page=True)

    page.click("button[name=language][value=en]")
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    assert "Today's events" in page.inner_text("main")
    page.screenshot(path=screenshot_dir / "home-en.png", full_page=True)
