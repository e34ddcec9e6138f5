"""Due times and lateness are judged in the week's zone, whatever the server's clock zone."""

import datetime as dt
import os
import time
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import override_settings

from submissions import deadlines
from submissions.services.reports import report_submit
from submissions.states import DayState, day_state
from tests import factories

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture(params=["UTC", "Asia/Shanghai"])
def process_zone(request):
    """Run the test with both the process clock zone and Django's TIME_ZONE set to this zone."""
    previous = os.environ.get("TZ")
    os.environ["TZ"] = request.param
    time.tzset()
    with override_settings(TIME_ZONE=request.param):
        yield request.param
    if previous is None:
        os.environ.pop("TZ", None)
    else:
        os.environ["TZ"] = previous
    time.tzset()


def _local(day, hour, minute=0, second=0):
    return dt.datetime.combine(day, dt.time(hour, minute, second), tzinfo=SHANGHAI)


def test_day_is_due_at_sixteen_hundred_shanghai(process_zone, event):
    day = event.days[0]

    due = deadlines.due_at(event, day)

    assert due == _local(day, 16)
    assert due.astimezone(dt.UTC).hour == 8


@pytest.mark.parametrize("second, late", [((15, 59, 59), False), ((16, 0, 0), False), ((16, 0, 1), True)])
def test_submission_at_the_edge_of_the_deadline(process_zone, event, member, ready_report, second, late):
    report = ready_report(event, event.days[0])

    with time_machine.travel(_local(event.days[0], *second), tick=False):
        submitted = report_submit(report=report, by=member)

    assert submitted.is_late is late


def test_evening_event_is_due_at_the_next_days_deadline(process_zone, week):
    evening = factories.event(
        week=week, starts_at=factories.at(week.starts_on, 18, 30), ends_at=factories.at(week.starts_on, 21)
    )
    day = week.starts_on

    assert deadlines.due_at(evening, day) == _local(day + dt.timedelta(days=1), 16)
    assert deadlines.is_due_next_day(evening, day)


def test_each_day_of_a_multi_day_event_is_due_that_day(week):
    conference = factories.event(
        week=week,
        starts_at=factories.at(week.starts_on, 8, 30),
        ends_at=factories.at(week.starts_on + dt.timedelta(days=2), 17),
    )

    dues = [deadlines.due_at(conference, day) for day in conference.days]

    assert dues == [_local(day, 16) for day in conference.days]


def test_week_can_set_its_own_deadline(week):
    week.deadline_time = dt.time(17, 30)
    week.save()
    event = factories.event(week=week)

    assert deadlines.due_at(event, week.starts_on) == _local(week.starts_on, 17, 30)


def test_a_day_with_nothing_submitted_turns_missing_after_the_deadline(event):
    due = deadlines.due_at(event, event.days[0])

    assert day_state(None, due=due, now=due) == DayState.NOT_STARTED
    assert day_state(None, due=due, now=due + dt.timedelta(seconds=1)) == DayState.MISSING
