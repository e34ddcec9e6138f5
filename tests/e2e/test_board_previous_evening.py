"""Today's board lists yesterday's evening event (due at today's deadline) marked as such, on
a desktop and on a phone."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from tests import factories

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
SHANGHAI = ZoneInfo("Asia/Shanghai")


def test_yesterdays_evening_is_on_todays_board(live_server, page, phone_page, login, screenshot_dir):
    today = timezone.now().astimezone(SHANGHAI).date()
    yesterday = today - dt.timedelta(days=1)
    week = factories.week(starts_on=yesterday, ends_on=today + dt.timedelta(days=3))
    unit = factories.organizer(name="昆山市科技局")
    reporter = factories.member(unit, full_name="王晓明", phone="13800000001")
    reviewer = factories.office_user(full_name="胡丹")
    evening = factories.event(
        week=week,
        host=unit,
        reporter=reporter,
        subtitle="昨晚科创路演之夜",
        starts_at=factories.at(yesterday, 19),
        ends_at=factories.at(yesterday, 21),
    )
    factories.event(
        week=week,
        host=unit,
        reporter=reporter,
        subtitle="今日人工智能论坛",
        starts_at=factories.at(today, 9),
        ends_at=factories.at(today, 11),
    )
    factories.report(event=evening, day=yesterday, status="submitted", submitted_at=timezone.now(), photos=2)

    for browser_page, name in ((page, "desktop"), (phone_page, "phone")):
        login(browser_page, reviewer)
        browser_page.goto(f"{live_server.url}/review/?day={today.isoformat()}")
        row = browser_page.locator(f'tr[data-event="{evening.pk}"][data-day="{yesterday.isoformat()}"]')
        assert row.is_visible()
        assert "前一日晚间活动" in row.inner_text() and "昨晚科创路演之夜" in row.inner_text()
        browser_page.screenshot(path=str(screenshot_dir / f"board-{name}.png"), full_page=True)
