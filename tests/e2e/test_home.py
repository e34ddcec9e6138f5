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

    page.click(".language-switch a[lang=en]")
    page.wait_for_load_state()
    assert page.url == live_server.url + "/en/"
    assert page.locator("html").get_attribute("lang") == "en"
    assert "Today's events" in page.inner_text("main")
    page.screenshot(path=screenshot_dir / "home-en.png", full_page=True)


def test_home_links_its_icon_share_card_and_the_feeds_page(live_server, phone_page, screenshot_dir):
    factories.week(theme="创梦新天地，发展新经济")
    page = phone_page

    page.goto(live_server.url + "/")
    assert page.locator("meta[property='og:title']").get_attribute("content")
    assert page.locator("meta[name='twitter:card']").get_attribute("content") == "summary_large_image"
    share_image = page.locator("meta[property='og:image']").get_attribute("content")
    assert share_image.endswith("/static/img/share.png")
    assert page.request.get(live_server.url + "/static/img/share.png").ok
    assert page.locator("footer a[href$='.json'], footer a[href$='.xml']").count() == 0

    page.click("footer >> text=订阅与数据")
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "订阅与数据"
    assert page.locator(".feed-card").count() == 4
    page.screenshot(path=screenshot_dir / "data-phone.png", full_page=True)
