"""A visitor on a phone (375x812) and on a desktop: schedule, day tabs, venue filter, search,
an event page and its .ics download. Screenshots go to test-output/<test>/."""

import datetime as dt

import icalendar
import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache

from core.roles import OFFICE_GROUP
from events.demo import load_demo_week
from venues.models import Venue

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo_week(db):
    cache.clear()
    Group.objects.get_or_create(name=OFFICE_GROUP)  # a transactional test flushed the migration's row
    load_demo_week(today=dt.date.today())
    yield
    cache.clear()


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_visitor_browses_filters_searches_and_downloads_an_event(
    live_server, request, screenshot_dir, demo_week, size
):
    page = request.getfixturevalue("phone_page" if size == "phone" else "page")
    shots = screenshot_dir

    # The schedule opens on today, the busiest day of the demo plan.
    page.goto(f"{live_server.url}/schedule/")
    assert page.locator("h1").inner_text() == "活动日程"
    today_count = page.locator(".event-card").count()
    assert today_count >= 3
    page.screenshot(path=shots / f"{size}-1-schedule.png", full_page=True)

    # Switch day: the tab after today's.
    tabs = page.locator(".day-tabs .nav-link")
    active_index = [i for i in range(tabs.count()) if "active" in (tabs.nth(i).get_attribute("class") or "")][
        0
    ]
    tabs.nth(active_index + 1).click()
    page.wait_for_load_state()
    assert "day=" in page.url
    assert "active" in page.locator(".day-tabs .nav-link").nth(active_index + 1).get_attribute("class")
    page.screenshot(path=shots / f"{size}-2-next-day.png", full_page=True)

    # Filter by venue: choosing a venue submits the form (public.js); the choice stays in the URL.
    page.goto(f"{live_server.url}/schedule/?day=all")
    all_cards = page.locator(".event-card").count()
    venue = Venue.objects.filter(kind="sub", events__status="approved").order_by("order").first()
    with page.expect_navigation():
        page.select_option("#filter-venue", str(venue.pk))
    assert f"venue={venue.pk}" in page.url
    shown = page.locator(".event-card").count()
    assert 0 < shown < all_cards
    page.screenshot(path=shots / f"{size}-3-venue-filter.png", full_page=True)

    # Search a Chinese partial word across the whole week.
    page.goto(f"{live_server.url}/schedule/")
    page.fill("#filter-q", "创业")
    with page.expect_navigation():
        page.press("#filter-q", "Enter")
    titles = page.locator(".event-card .subtitle").all_inner_texts()
    assert titles
    assert "q=%E5%88%9B%E4%B8%9A" in page.url
    page.screenshot(path=shots / f"{size}-4-search.png", full_page=True)

    # Open an event.
    first_title = titles[0]
    page.locator(".event-card .event-title a").first.click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text().endswith(first_title)
    assert page.locator("img.qr-code").evaluate("img => img.naturalWidth") > 0
    page.screenshot(path=shots / f"{size}-5-event.png", full_page=True)

    # Download its .ics and read it back.
    with page.expect_download() as download_info:
        page.click("text=下载日历文件")
    download = download_info.value
    assert download.suggested_filename.endswith(".ics")
    calendar = icalendar.Calendar.from_ical(open(download.path(), "rb").read())
    summaries = [str(item["summary"]) for item in calendar.walk("VEVENT")]
    assert len(summaries) == 1 and summaries[0].endswith(first_title)


def test_event_page_and_home_without_javascript(live_server, browser, screenshot_dir, demo_week):
    """Reading works with JavaScript off; the filter button submits the form."""
    context = browser.new_context(
        java_script_enabled=False, viewport={"width": 375, "height": 812}, locale="zh-CN"
    )
    page = context.new_page()
    page.goto(f"{live_server.url}/")
    assert "今日活动" in page.inner_text("main")
    page.screenshot(path=screenshot_dir / "home-phone-no-js.png", full_page=True)
    page.goto(f"{live_server.url}/schedule/?day=all")
    page.select_option("#filter-form", "contest")
    page.click("form.schedule-filters button[type=submit]")
    page.wait_for_load_state()
    assert "form=contest" in page.url
    assert page.locator(".event-card").count() >= 1
    page.goto(f"{live_server.url}/venues/")
    page.screenshot(path=screenshot_dir / "venues-phone-no-js.png", full_page=True)
    page.goto(f"{live_server.url}/archive/")
    assert page.locator("h1").inner_text() == "往届档案"
    context.close()


def test_phone_sees_each_event_once_and_a_share_card(live_server, phone_page, screenshot_dir, demo_week):
    """375 px: home, the schedule's "all dates" and a three-day event's page, screenshotted."""
    page = phone_page
    page.goto(f"{live_server.url}/")
    today = page.locator("section[aria-labelledby=today-heading] .event-list").first
    today_titles = today.locator(".subtitle").all_inner_texts()
    upcoming_titles = page.locator("section[aria-labelledby=today-heading] .event-list").nth(1)
    if upcoming_titles.count():
        assert not set(today_titles) & set(upcoming_titles.locator(".subtitle").all_inner_texts())
    assert page.locator("footer a[href$='.json'], footer a[href$='.xml']").count() == 0
    page.screenshot(path=screenshot_dir / "phone-1-home.png", full_page=True)

    page.goto(f"{live_server.url}/schedule/?day=all")
    titles = page.locator(".event-card .subtitle").all_inner_texts()
    assert len(titles) == len(set(titles))  # a multi-day event is one row
    conference = page.locator(".event-card", has_text="SAE 2017")
    assert conference.count() == 1
    assert "—" in conference.locator(".event-days").inner_text()
    page.screenshot(path=screenshot_dir / "phone-2-schedule-all.png", full_page=True)

    conference.locator(".event-title a").click()
    page.wait_for_load_state()
    assert page.locator("meta[property='og:title']").get_attribute("content").startswith("SAE 2017")
    assert page.locator("meta[property='og:image']").get_attribute("content").startswith("http")
    # The favicon is drawn from the linked SVG and answers at /favicon.ico too.
    icon = page.locator("link[rel=icon][type='image/svg+xml']").get_attribute("href")
    assert page.request.get(live_server.url + icon).ok
    assert page.request.get(live_server.url + "/favicon.ico").ok
    page.screenshot(path=screenshot_dir / "phone-3-event.png", full_page=True)

    page.goto(f"{live_server.url}/data/")
    assert page.locator(".feed-card").count() == 4
    page.screenshot(path=screenshot_dir / "phone-4-data.png", full_page=True)
