"""The reporter's list on a phone: today first, each day saying what to do and by when."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone

from tests import factories

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
SHANGHAI = ZoneInfo("Asia/Shanghai")


def test_the_report_list_on_a_phone_says_what_to_do(live_server, phone_page, login, screenshot_dir):
    today = timezone.now().astimezone(SHANGHAI).date()
    week = factories.week(starts_on=today - dt.timedelta(days=1), ends_on=today + dt.timedelta(days=3))
    unit = factories.organizer(name="昆山市科技局")
    reporter = factories.member(unit, full_name="王晓明")
    for offset, subtitle in ((0, "沪昆新材料产学研沙龙"), (1, "青年创业项目路演"), (2, "创客市集")):
        day = today + dt.timedelta(days=offset)
        factories.event(
            week=week,
            host=unit,
            reporter=reporter,
            subtitle=subtitle,
            starts_at=factories.at(day, 9),
            ends_at=factories.at(day, 12),
        )

    with time_machine.travel(dt.datetime.combine(today, dt.time(10, 0), tzinfo=SHANGHAI), tick=True):
        login(phone_page, reporter)
        phone_page.goto(f"{live_server.url}/organizer/reports/")
        phone_page.screenshot(path=screenshot_dir / "report-list-phone.png", full_page=True)
        badges = phone_page.locator(".list-group .day-state").all_inner_texts()

    assert badges[0] == "待报送（今天 16:00前）"
    assert badges[1] == "明天开始"
    assert phone_page.evaluate(
        "document.documentElement.scrollWidth <= window.innerWidth"
    )  # nothing overflows


@pytest.mark.parametrize("device", ["phone_page", "page"])
def test_the_event_facts_keep_their_labels_whole(live_server, device, request, login, screenshot_dir):
    browser_page = request.getfixturevalue(device)
    week = factories.week()
    unit = factories.organizer(name="昆山市科技局")
    member = factories.member(unit, full_name="王晓明")
    event = factories.complete_event(week=week, host=unit, reporter=member, status="approved")

    login(browser_page, member)
    browser_page.goto(f"{live_server.url}/organizer/events/{event.pk}/")
    browser_page.screenshot(path=screenshot_dir / f"event-facts-{device}.png", full_page=True)
    widths = browser_page.eval_on_selector_all(
        ".event-facts dt", "els => els.map(e => e.getBoundingClientRect().width)"
    )

    assert widths and min(widths) >= 60  # "会场与地点" on one line, not squeezed to a character's width
    assert browser_page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
