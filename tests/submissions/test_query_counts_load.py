"""The office's and organizers' pages on a generated busy week (``generate_load_data``) cost
the same number of queries at two sizes: the board (with the previous evening's rows), its
live rows, the event review queue, the reminder log, the organizer's dashboard and report
list, and the day's exports (the zip to its first chunk: the generated media are rows only).
``benchmarks/office_load.py`` times the same pages at 1,000 events."""

import datetime as dt
import io
import json

import pytest
import time_machine
from django.core.management import call_command
from django.test import Client

from events.models import User, Week
from submissions.selectors.board import board_for_day

pytestmark = pytest.mark.django_db

# Each: session, user and role reads first, then the page's own (see the pins beside the
# pages in test_board.py, test_query_counts.py and tests/events/test_query_counts.py).
PAGES = {
    "/review/?day={day}": 13,
    "/review/live/?day={day}": 9,
    "/review/events/": 8,
    "/review/reminders/?day={day}": 10,
    "/review/export/{day}/xlsx/": 11,
    "/review/export/{day}/docx/": 9,
    "/review/export/{day}/zip/": 9,
    "/organizer/": 13,
    "/organizer/reports/": 9,
}


def generate(events: int) -> dict:
    out = io.StringIO()
    call_command(
        "generate_load_data",
        events=events,
        days=3,
        busiest_day=1,
        venues=5,
        units=3,
        evening=0.2,
        start="2026-09-20",
        office="load-office",
        stdout=out,
        stderr=io.StringIO(),
    )
    return json.loads(out.getvalue().strip().splitlines()[-1])


@pytest.mark.parametrize("events", [60, 180])
@pytest.mark.parametrize("path", list(PAGES))
def test_page_costs_the_same_queries_at_two_sizes(events, path, django_assert_num_queries):
    made = generate(events)
    day = made["busiest_day"]
    week = Week.objects.get(pk=made["week"])
    board = board_for_day(week=week, day=dt.date.fromisoformat(day), now=week.at(week.ends_on, dt.time.max))
    assert any(row.previous_evening for row in board.all_rows)  # the rows item 1 added are counted
    client = Client()
    username = made["reporters"][0]["username"] if path.startswith("/organizer") else "load-office"
    client.force_login(User.objects.get(username=username))

    with (
        time_machine.travel(dt.datetime.fromisoformat(f"{day}T17:00:00+08:00"), tick=False),
        django_assert_num_queries(PAGES[path]),
    ):
        response = client.get(path.format(day=day))
        if response.streaming:
            next(iter(response.streaming_content))

    assert response.status_code == 200
