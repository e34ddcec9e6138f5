"""The office's charts (board and summary): numbers equal to counts read from the database
for the demo week, the board's readers only, and a query count that does not grow with the
number of events."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
import time_machine
from django.urls import reverse

from events.models import Event
from submissions.models import DailyReport, MediaFile
from submissions.selectors.charts import CHARTS, day_label
from tests import factories
from tests.charts.conftest import AFTER_WEEK
from tests.submissions.reminder_helpers import DAY, local

pytestmark = pytest.mark.django_db

# session, user, office group (the rule), week, then the summary's four reads.
CHART_QUERIES = 8


def _get(client, name, **headers):
    with time_machine.travel(AFTER_WEEK, tick=False):
        response = client.get(reverse("board:chart", args=[name]), **headers)
    assert response.status_code == 200, response.status_code
    return response.json()


def _due_days(week) -> dict[dt.date, list[Event]]:
    """Approved events by reporting day, straight from the events' rows."""
    days: dict[dt.date, list[Event]] = {day: [] for day in week.days}
    for event in Event.objects.filter(week=week, status=Event.Status.APPROVED).select_related("week", "host"):
        for day in event.reporting_days:
            if day in days:
                days[day].append(event)
    return days


def _series(spec) -> dict[str, list[int]]:
    return {series["name"]: series["data"] for series in spec["series"]}


def test_reports_per_day_equal_the_database(client, demo_week):
    client.force_login(factories.office_user())
    spec = _get(client, "reports")
    due = _due_days(demo_week)
    assert spec["x"]["labels"] == [day_label(day) for day in due]
    filed = DailyReport.objects.filter(event__week=demo_week).exclude(status=DailyReport.Status.DRAFT)
    on_time = Counter(filed.filter(is_late=False).values_list("day", flat=True))
    late = Counter(filed.filter(is_late=True).values_list("day", flat=True))
    missing = {day: len(events) - on_time[day] - late[day] for day, events in due.items()}
    assert _series(spec) == {
        "按时报送": [on_time[day] for day in due],
        "逾期报送": [late[day] for day in due],
        "未报送": [missing[day] for day in due],
    }
    assert sum(on_time.values()) > 0 and sum(late.values()) > 0 and sum(missing.values()) > 0
    # The table holds the same numbers, one row a day.
    assert spec["table"]["headers"] == ["日期", "按时报送", "逾期报送", "未报送"]
    assert [row[1:] for row in spec["table"]["rows"]] == [
        [on_time[day], late[day], missing[day]] for day in due
    ]


def test_media_per_day_equal_the_database(client, demo_week):
    client.force_login(factories.observer())
    spec = _get(client, "media")
    accepted = MediaFile.objects.filter(
        report__event__week=demo_week,
        report__status=DailyReport.Status.ACCEPTED,
        status=MediaFile.Status.PASSED,
    )
    photos = Counter(accepted.filter(kind="photo").values_list("report__day", flat=True))
    videos = Counter(accepted.filter(kind="video").values_list("report__day", flat=True))
    days = demo_week.days
    assert _series(spec) == {"采用照片": [photos[d] for d in days], "采用视频": [videos[d] for d in days]}
    assert sum(photos.values()) > 0 and sum(videos.values()) > 0


def test_events_per_day_by_form_equal_the_database(client, demo_week):
    client.force_login(factories.office_user())
    spec = _get(client, "forms")
    due = _due_days(demo_week)
    expected = {
        label: [sum(1 for event in due[day] if event.form == form) for day in due]
        for form, label in Event.Form.choices
    }
    assert _series(spec) == expected
    assert sum(sum(values) for values in expected.values()) == sum(len(events) for events in due.values())


def test_units_heat_map_counts_late_and_missing_per_unit_and_day(client, demo_week):
    client.force_login(factories.office_user())
    spec = _get(client, "units")
    due = _due_days(demo_week)
    filed = {
        (report.event_id, report.day): report
        for report in DailyReport.objects.filter(event__week=demo_week).exclude(
            status=DailyReport.Status.DRAFT
        )
    }
    expected: Counter = Counter()
    owing: set = set()
    for day, events in due.items():
        for event in events:
            owing.add((day, event.host.name))
            report = filed.get((event.pk, day))
            expected[(day, event.host.name)] += int(report is None or report.is_late)
    days, units = spec["x"]["labels"], spec["y"]["labels"]
    got = {(list(due)[x], units[y]): value for x, y, value in spec["cells"]}
    assert days == [day_label(day) for day in due]
    assert set(got) == owing  # a cell for every unit and day that owed a report, no other
    assert got == {key: expected[key] for key in owing}
    assert units == sorted({name for _, name in owing})


def test_titles_follow_the_language(client, demo_week):
    client.force_login(factories.office_user())
    spec = _get(client, "reports", HTTP_ACCEPT_LANGUAGE="en")
    assert spec["title"] == "Reports per day"
    assert _series(spec).keys() == {"On time", "Late submission", "Missing"}


@pytest.mark.parametrize("name", CHARTS)
def test_only_the_boards_readers_get_the_charts(client, week, name):
    url = reverse("board:chart", args=[name])
    assert client.get(url).status_code == 302  # to the login page
    unit = factories.organizer()
    client.force_login(factories.member(unit))
    assert client.get(url).status_code == 403
    client.force_login(factories.observer())
    assert client.get(url).status_code == 200
    assert client.get(reverse("board:chart", args=["nothing"])).status_code == 404


@pytest.mark.parametrize("count", [3, 30])
def test_query_count_does_not_grow_with_events(client, week, count, django_assert_num_queries):
    for day in (DAY, DAY + dt.timedelta(days=1)):
        factories.board_events(week=week, day=day, count=count)
    client.force_login(factories.office_user())
    for name in CHARTS:
        with time_machine.travel(local(17), tick=False), django_assert_num_queries(CHART_QUERIES):
            response = client.get(reverse("board:chart", args=[name]))
        assert response.status_code == 200
        if name == "forms":
            assert sum(sum(series["data"]) for series in response.json()["series"]) == 2 * count
