"""A signed-in person browsing the public schedule gets the page everybody gets from the cache,
and their account menu beside it (issue 21): their name, their area, the way out."""

import pytest

from tests import factories

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_cached_public_page_shows_the_signed_in_menu_and_signs_out(
    live_server, phone_page, login, screenshot_dir
):
    week = factories.week()
    unit = factories.organizer(name="昆山市科学技术局")
    member = factories.member(unit, full_name="王晓明")
    factories.event(week=week, host=unit, subtitle="科普日")
    page = phone_page
    page.goto(live_server.url + "/schedule/")  # an anonymous visitor stores the page
    assert page.locator("[data-account-box]").inner_text().strip() == "登录"

    login(page, member)
    page.goto(live_server.url + "/schedule/")
    box = page.locator("[data-account-box]")
    box.locator("text=王晓明").wait_for(state="attached")
    page.click(".navbar-toggler")
    page.locator("#portal-nav.show:not(.collapsing)").wait_for()
    nav = page.locator("[data-account-links]")
    assert nav.locator("a", has_text="每日报送").count() == 1  # the person's area, fetched
    page.screenshot(path=screenshot_dir / "schedule-signed-in-phone.png", full_page=False)

    box.locator("button", has_text="退出").click()
    page.wait_for_load_state()
    page.goto(live_server.url + "/schedule/")
    page.wait_for_load_state("networkidle")
    assert page.locator("[data-account-box]").inner_text().strip() == "登录"
    assert "王晓明" not in page.inner_text("header")
