"""Text stored before the forms refused line breaks still makes valid calendars.

A subtitle or a venue name with CR/LF used to end up raw in X-WR-CALNAME, and icalendar
refused to write the file: a 500 for every subscriber. The feed now turns line breaks and
control characters into spaces in one-line properties.
"""

import re

import icalendar
import pytest
from django.urls import reverse

from tests import factories

pytestmark = pytest.mark.django_db

CONTENT_LINE = re.compile(r"^[A-Za-z0-9-]+[;:]")


@pytest.fixture
def hostile(week):
    venue = factories.venue(name="主会场\n（东厅）", kind="main", address="创业路\r\n1 号")
    event = factories.event(
        week=week,
        venue=venue,
        subtitle="上半场\r\n下半场",
        place="创酷\t空间\x0b",
        status="cancelled",
        cancel_reason="天气原因\r\n改期\x01另行通知",
    )
    return event, venue


def content_lines(body: bytes) -> list[str]:
    """The unfolded content lines of an .ics, checking the framing on the way."""
    text = body.decode("utf-8")
    assert text.endswith("\r\n")
    physical = text[:-2].split("\r\n")
    assert not any("\n" in line or "\r" in line for line in physical), "raw line break inside a line"
    lines: list[str] = []
    for line in physical:
        if line[:1] in (" ", "\t"):
            lines[-1] += line[1:]
        else:
            lines.append(line)
    assert all(CONTENT_LINE.match(line) for line in lines), [
        bad for bad in lines if not CONTENT_LINE.match(bad)
    ]
    return lines


def calendar_of(response) -> tuple[icalendar.Calendar, list[str]]:
    assert response.status_code == 200
    lines = content_lines(response.content)
    return icalendar.Calendar.from_ical(response.content), lines


def test_the_event_ics_with_a_stored_line_break_in_its_subtitle(client, hostile, week):
    event, _venue = hostile

    calendar, lines = calendar_of(client.get(reverse("event_ics", args=[event.pk])))

    title = f"{week.unified_title}——上半场 下半场"
    assert f"X-WR-CALNAME:{title}" in lines
    assert str(calendar["x-wr-calname"]) == title
    (item,) = calendar.walk("VEVENT")
    assert str(item["summary"]) == "上半场 下半场"  # the subtitle; the calendar's name is the title
    assert str(item["location"]) == "主会场 （东厅），创酷 空间"
    assert str(item["description"]).startswith("天气原因\n改期另行通知\n\n")


def test_the_schedule_ics_with_stored_line_breaks(client, hostile, week):
    event, _venue = hostile

    calendar, _lines = calendar_of(client.get(reverse("schedule_ics")))

    assert [str(item["summary"]) for item in calendar.walk("VEVENT")] == ["上半场 下半场"]


def test_the_venue_ics_with_a_line_break_in_the_venue_name(client, hostile, week):
    _event, venue = hostile

    calendar, lines = calendar_of(client.get(reverse("venues:ics", args=[venue.pk])))

    assert f"X-WR-CALNAME:{week.name} · 主会场 （东厅）" in lines
    assert len(calendar.walk("VEVENT")) == 1
