"""The .ics feeds are written line by line (issue 21: the icalendar package spent ~1 ms an
event). The oracle here is the icalendar package itself: for the demo week (with a cancelled event,
a long description and text that needs escaping), the calendar it builds from the same events,
as the feeds did before, must be byte for byte the writer's file."""

from __future__ import annotations

import datetime as dt

import icalendar
import pytest
from django.core.management import call_command
from django.urls import reverse
from icalendar import Event as VEvent
from icalendar.prop import vUri

from events.models import Event, Week
from public.feeds import absolute
from public.feeds.frab import slots
from public.feeds.ics import PARAGRAPH, PRODID, multi_line, one_line, uid
from public.places import location_line

pytestmark = pytest.mark.django_db


def icalendar_vevent(event, slot) -> VEvent:
    """What the feeds wrote with icalendar before the writer (public/feeds/ics.py at 1b93c30)."""
    item = VEvent()
    item.add("uid", uid(event, slot.number))
    item.add("dtstamp", event.updated_at.astimezone(dt.UTC))
    item.add("last-modified", event.updated_at.astimezone(dt.UTC))
    item.add("created", event.created_at.astimezone(dt.UTC))
    item.add("sequence", max(0, int((event.updated_at - event.created_at).total_seconds())))
    item.add("dtstart", slot.start)
    item.add("dtend", slot.end)
    item.add("summary", one_line(event.subtitle))
    item.add("location", one_line(location_line(event)))
    url = absolute(reverse("event_detail", args=[event.pk]))
    online = event.place_kind == event.PlaceKind.ONLINE and event.online_url
    item.add("url", vUri(event.online_url if online else url))
    lines = [event.full_title, f"{event.get_form_display()} · {event.host_names}"]
    if event.description:
        lines.append(event.description)
    if event.online_url:
        lines.append(event.online_url)
    if event.live_url:
        lines.append(event.live_url)
    if event.recording_url and event.recording_url != event.live_url:
        lines.append(event.recording_url)
    if event.status == event.Status.CANCELLED:
        lines.insert(0, event.cancel_reason)
    lines.append(url)
    item.add("description", multi_line(PARAGRAPH.join(lines)))
    item.add("categories", [one_line(event.get_form_display())])
    item.add("status", "CANCELLED" if event.status == event.Status.CANCELLED else "CONFIRMED")
    if event.has_venue and event.venue.latitude is not None and event.venue.longitude is not None:
        item.add("geo", (float(event.venue.latitude), float(event.venue.longitude)))
    return item


@pytest.fixture
def demo_week(settings):
    settings.SITE_URL = "https://sc.example.cn"
    call_command("load_demo_week", verbosity=0)
    # A cancelled event, a long description and text that needs escaping, as organizers write.
    event = Event.objects.filter(status=Event.Status.APPROVED).order_by("pk").first()
    event.description = "Part one; semicolon, comma and back\\slash.\n第二段：" + "很长的说明文字" * 30
    event.status, event.cancel_reason = Event.Status.CANCELLED, "Rain, moved; see C:\\notices"
    event.save()


def icalendar_file(events, *, name: str, time_zone: str, description: str = "") -> bytes:
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", one_line(name))
    cal.add("x-wr-timezone", time_zone)
    if description:
        cal.add("x-wr-caldesc", one_line(description))
    cal.add("refresh-interval", dt.timedelta(hours=1), parameters={"VALUE": "DURATION"})
    for event in events:
        for slot in slots(event, event.week.zone):
            cal.add_component(icalendar_vevent(event, slot))
    cal.add_missing_timezones()
    return cal.to_ical()


def test_the_schedule_feed_is_byte_for_byte_what_icalendar_wrote(client, demo_week):
    week = Week.objects.get(is_current=True)
    events = list(
        Event.objects.public()
        .filter(week=week)
        .select_related("week", "venue", "host")
        .order_by("starts_at", "pk")
    )

    written = client.get(reverse("schedule_ics")).content

    expected = icalendar_file(events, name=week.name, time_zone=week.time_zone, description=week.theme)
    assert len(icalendar.Calendar.from_ical(written).walk("VEVENT")) > 10
    assert written.split(b"\r\n") == expected.split(b"\r\n")


def test_lines_are_folded_at_75_octets_and_end_in_crlf(client, demo_week):
    body = client.get(reverse("schedule_ics")).content

    assert body.endswith(b"END:VCALENDAR\r\n") and b"\n" not in body.replace(b"\r\n", b"")
    lines = body.split(b"\r\n")[:-1]
    assert max(len(line) for line in lines) <= 75
    assert any(line.startswith(b" ") for line in lines)  # the long description was folded
    # Folding never cuts a character: each physical line is valid UTF-8 by itself.
    for line in lines:
        line.decode()
