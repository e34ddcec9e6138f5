"""A plan's whole 活动时间 as the reporting period (a month, 2017-09-15 to 10-15), and an event
that starts before it (科普日 9/13-17): its days before the period are reported only when the
office says so. Nothing assumes seven days: the board's day strip, reminders, day exports."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from events import services as event_services
from submissions.models import Reminder
from submissions.services import reminders as reminder_services
from tests import factories

pytestmark = pytest.mark.django_db

SEP = [dt.date(2017, 9, d) for d in range(13, 18)]
OCT_10 = dt.date(2017, 10, 10)


@pytest.fixture
def plan_week(db):
    return factories.week(starts_on=dt.date(2017, 9, 15), ends_on=dt.date(2017, 10, 15))


@pytest.fixture
def kepu(plan_week):
    unit = factories.organizer(name="昆山市科技局")
    reporter = factories.member(unit, email="kepu@example.com")
    return factories.event(
        week=plan_week,
        host=unit,
        reporter=reporter,
        subtitle="全国“科普日”活动",
        place_kind="place",
        venue=None,
        place="全市各区镇",
        starts_at=factories.at(SEP[0], 9),
        ends_at=factories.at(SEP[-1], 17),
    )


@pytest.fixture
def robot_contest(plan_week):
    """Event 八, 10/10-13, inside the period's last week."""
    unit = factories.organizer()
    return factories.event(
        week=plan_week,
        host=unit,
        reporter=factories.member(unit),
        starts_at=factories.at(OCT_10, 9),
        ends_at=factories.at(dt.date(2017, 10, 13), 17),
    )


def _decide(event, *, before: bool):
    event_services.event_reporting_set(
        event=event, reporting_partner_ids=[], reports_before_period=before, by=factories.office_user()
    )


def test_a_day_before_the_period_is_reported_only_when_the_office_says_so(client, kepu):
    client.force_login(kepu.reporter)
    early = reverse("reports:detail", args=[kepu.pk, SEP[0]])

    assert client.get(early).status_code == 404
    assert client.get(reverse("reports:detail", args=[kepu.pk, SEP[2]])).status_code == 200
    _decide(kepu, before=True)
    assert client.get(early).status_code == 200


def test_the_board_strip_has_every_reporting_day_and_flags_the_early_event(client, kepu, robot_contest):
    client.force_login(factories.office_user())

    with time_machine.travel(factories.at(SEP[2], 10), tick=False):
        page = client.get(reverse("board:home")).content.decode()
    strip = page.split('class="board-days')[1].split("</nav>")[0]
    assert strip.count("?day=") == 31  # 9/15 to 10/15
    assert "活动周前已开始" in page and "全市各区镇" in page

    _decide(kepu, before=True)
    with time_machine.travel(factories.at(SEP[0], 10), tick=False):
        page = client.get(reverse("board:home"), {"day": SEP[0].isoformat()}).content.decode()
    strip = page.split('class="board-days')[1].split("</nav>")[0]
    assert strip.count("?day=") == 33 and 'aria-current="date"' in strip
    assert kepu.subtitle in page
    assert client.get(reverse("board:export", args=[SEP[0].isoformat(), "docx"])).status_code == 200
    assert client.get(reverse("board:export", args=["2017-09-10", "docx"])).status_code == 404


def test_reminders_go_on_any_day_of_a_month_long_period(django_capture_on_commit_callbacks, robot_contest):
    with time_machine.travel(factories.at(OCT_10, 14, 1), tick=False), django_capture_on_commit_callbacks():
        result = reminder_services.reminders_tick(now=timezone.now())

    assert {(r.event_id, r.day, r.channel) for r in result.reminders} >= {(robot_contest.pk, OCT_10, "site")}


def test_reminders_for_days_before_the_period_only_when_they_are_reported(
    django_capture_on_commit_callbacks, kepu
):
    def tick():
        with (
            time_machine.travel(factories.at(SEP[0], 14, 1), tick=False),
            django_capture_on_commit_callbacks(),
        ):
            return reminder_services.reminders_tick(now=timezone.now())

    assert tick().reminders == []
    _decide(kepu, before=True)
    assert {(r.day, r.channel) for r in tick().reminders if r.status == Reminder.Status.PENDING} == {
        (SEP[0], "site"),
        (SEP[0], "email"),
    }
