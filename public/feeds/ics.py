"""iCalendar (RFC 5545) feeds, written line by line.

The icalendar package built these files before (issue 21): ~1 ms an event went into building
components, folding lines and walking every property for the zones. The content lines are now
written here (escaping and folding at 75 octets as RFC 5545 says); only the VTIMEZONE comes
from icalendar, once per file and zone, cached per process. tests/public/test_ics_writer.py
checks every property against a calendar that icalendar builds from the same events.

An event that runs over several days is one VEVENT per day with that day's own times, the
same daily slots as the frab schedule (``frab.slots``): daily from its start to its end time
when those make a window (科普日, Monday to Friday 09:00–17:00, is five entries, not one
blocking every night), otherwise from the start to midnight, whole days, and midnight to the
end. A one-day event is one VEVENT.

UIDs: the first (or only) day of event ``pk`` is ``event-<pk>@<site host>``, day ``n`` after
it ``event-<pk>-<n>@<site host>`` (n = 1, 2, …: the frab slot ``n``, id ``pk * 100 + n``).
So a calendar app that subscribed to the schedule, or imported one event, updates each entry
instead of adding a second one, and an entry from before events were split by day (one
VEVENT of ``event-<pk>``) becomes the first day. SEQUENCE grows with every save of the event
(seconds between creation and last change), DTSTAMP and LAST-MODIFIED are the last change,
and a cancelled event carries STATUS:CANCELLED on every day.

Text is cleaned on the way out, whatever is stored: one-line properties (the calendar name,
SUMMARY, LOCATION, CATEGORIES) get every line break or control character turned into a space,
and the description keeps its line breaks (escaped as \\n) but loses other controls, so
an old subtitle or venue name with a "\\n" in it still makes a valid file.
"""

from __future__ import annotations

import datetime as dt
import functools
import re

from django.utils.translation import get_language
from icalendar import Timezone

from ..once_per_language import form_names
from ..places import location_line
from ..week_snapshot import kept
from . import LocalTimes, event_url_template, site_host
from .frab import slots

PRODID = "-//shuangchuang portal//schedule//ZH"
PARAGRAPH = "\n\n"
FOLD_AT = 75
# Category Cc and the Unicode line/paragraph separators; a run of them becomes one space.
_BREAKS = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+")
# In multi-line text only LF stays (icalendar writes it as \n); TAB is allowed by RFC 5545.
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


_LINE_ENDS = re.compile(r"\r\n?|[\u2028\u2029\x85]")


def one_line(text: str) -> str:
    """Text for a one-line property: line breaks and control characters become a space."""
    if not text:
        return ""
    if text.isprintable():  # no control character nor separator: nothing to replace
        return text.strip()
    return _BREAKS.sub(" ", text).strip()


def multi_line(text: str) -> str:
    """Text for DESCRIPTION: CRLF, CR and the Unicode separators become LF, other controls go."""
    return _CONTROLS.sub("", _LINE_ENDS.sub("\n", text or ""))


def calendar(events, *, name: str, time_zone: str, description: str = "") -> bytes:
    # Properties in the order icalendar wrote them (its canonical order, then by name), so the
    # files are byte for byte what subscribers got before.
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{_text(PRODID)}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
    ]
    if description:
        lines.append(f"X-WR-CALDESC:{_text(one_line(description))}")
    lines += [
        f"X-WR-CALNAME:{_text(one_line(name))}",
        "REFRESH-INTERVAL;VALUE=DURATION:PT1H",
        f"X-WR-TIMEZONE:{_text(time_zone)}",
    ]
    zones: dict[str, None] = {}
    body: list[str] = []
    writer = _EventWriter()
    for event in events:
        # An event's VEVENTs are kept with a row kept across requests (public.week_snapshot).
        text, event_zones = kept(event, ("ics", writer.context), lambda event=event: writer.vevents(event))
        zones.update(event_zones)
        body.append(text)
    for zone_name in zones:
        lines.extend(_vtimezone(zone_name))
    return (_ended(lines) + "".join(body) + "END:VCALENDAR\r\n").encode()


def _ended(lines: list[str]) -> str:
    # Most lines are short ASCII: they are ended here, only the others go through the folding.
    return "".join(line + "\r\n" if len(line) < FOLD_AT and line.isascii() else _fold(line) for line in lines)


def uid(event, number: int = 0, *, host: str = "") -> str:
    """The UID of the event's day ``number`` (0: the first or only one); see the module docstring."""
    suffix = f"-{number}" if number else ""
    return f"event-{event.pk}{suffix}@{host or site_host()}"


class _EventWriter:
    """Writes the VEVENTs of one file. What is the same for all of them (the page address, the
    site's host, the forms' labels) is looked up once, and each instant's text is made once:
    a week's events share their times (issue 21: per event, these cost more than the text)."""

    def __init__(self):
        self.url_template = event_url_template()
        self.host = site_host()
        self.forms = form_names()
        self.utc_times = LocalTimes(dt.UTC, "%Y%m%dT%H%M%SZ")
        self.local_times: dict[str, LocalTimes] = {}  # by zone name
        self.locations: dict[tuple, str] = {}
        # What an event's text depends on beyond the event (its labels' language, the addresses).
        self.context = (get_language(), self.url_template, self.host)

    def vevents(self, event) -> tuple[str, dict[str, None]]:
        """The event's VEVENTs (one per day it runs) as ended lines, and the zones they name."""
        zones: dict[str, None] = {}
        lines = [line for slot in slots(event, event.week.zone) for line in self.vevent(event, slot, zones)]
        return _ended(lines), zones

    def vevent(self, event, slot, zones: dict) -> list[str]:
        updated = self.utc_times[event.updated_at]
        url, form = self.url_template.format(event.pk), self.forms.get(event.form, event.form)
        # An online event's URL is where to take part; the event's page stays in the description.
        online = event.place_kind == event.PlaceKind.ONLINE and event.online_url
        lines = [event.full_title, f"{form} · {event.host_names}"]
        if event.description:
            lines.append(event.description)
        if event.online_url:
            lines.append(event.online_url)
        if event.live_url:
            lines.append(event.live_url)
        if event.recording_url and event.recording_url != event.live_url:
            lines.append(event.recording_url)
        cancelled = event.status == event.Status.CANCELLED
        if cancelled:
            lines.insert(0, event.cancel_reason)
        lines.append(url)
        geo = None
        if event.has_venue and event.venue.latitude is not None and event.venue.longitude is not None:
            geo = f"GEO:{float(event.venue.latitude)};{float(event.venue.longitude)}"
        # SUMMARY is the event's own subtitle: a calendar full of entries starting with the same
        # 35-character unified title shows them all alike. The unified title opens the description.
        item = [
            "BEGIN:VEVENT",
            f"SUMMARY:{_text(one_line(event.subtitle))}",
            self.local_time("DTSTART", slot.start, zones),
            self.local_time("DTEND", slot.end, zones),
            f"DTSTAMP:{updated}",
            f"UID:{_text(uid(event, slot.number, host=self.host))}",
            f"SEQUENCE:{max(0, int((event.updated_at - event.created_at).total_seconds()))}",
            f"CATEGORIES:{_text(one_line(form))}",
            f"CREATED:{self.utc_times[event.created_at]}",
            f"DESCRIPTION:{_text(multi_line(PARAGRAPH.join(lines)))}",
            *([geo] if geo else []),
            f"LAST-MODIFIED:{updated}",
            f"LOCATION:{self.location(event)}",
            f"STATUS:{'CANCELLED' if cancelled else 'CONFIRMED'}",
            f"URL:{event.online_url if online else url}",
            "END:VEVENT",
        ]
        return item

    def location(self, event) -> str:
        """The LOCATION text of each (kind, venue, place, address, online link), made once."""
        key = (event.place_kind, event.venue_id, event.place, event.address, event.online_url)
        text = self.locations.get(key)
        if text is None:
            text = self.locations[key] = _text(one_line(location_line(event)))
        return text

    def local_time(self, name: str, moment: dt.datetime, zones: dict) -> str:
        zone_name = moment.tzinfo.key
        zones[zone_name] = None
        # One set of texts per zone: equal instants in two zones are equal datetimes.
        times = self.local_times.get(zone_name)
        if times is None:
            times = self.local_times[zone_name] = LocalTimes(moment.tzinfo, "%Y%m%dT%H%M%S")
        return f"{name};TZID={zone_name}:{times[moment]}"


@functools.cache
def _vtimezone(zone_name: str) -> tuple[str, ...]:
    """The zone's VTIMEZONE lines as icalendar writes them (its transitions from the zone data)."""
    text = Timezone.from_tzid(zone_name).to_ical().decode()
    return tuple(line for line in text.replace("\r\n ", "").split("\r\n") if line)


# RFC 5545 3.3.11: backslash, semicolon, comma and newline are escaped in TEXT values.
_TO_ESCAPE = re.compile(r"[\\;,\n]")


def _text(value: str) -> str:
    # Most values have nothing to escape; the others are replaced one character at a time, the
    # backslash first (a translation table runs a Python lookup for every character).
    if not _TO_ESCAPE.search(value):
        return value
    return value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def _fold(line: str) -> str:
    """One content line, CRLF-ended, folded as icalendar folds (RFC 5545 3.1): pieces of at most
    74 octets, never inside a UTF-8 character nor right after an escape's backslash."""
    if len(line) < FOLD_AT and line.isascii():  # as many octets as characters: nothing to fold
        return line + "\r\n"
    data = line.encode()
    if len(data) < FOLD_AT:
        return line + "\r\n"
    parts, start, size = [], 0, len(data)
    while start < size:
        end = min(start + FOLD_AT - 1, size)
        if end < size:
            while data[end] & 0xC0 == 0x80:  # a continuation byte: the character starts earlier
                end -= 1
            if end - start > 1 and data[end - 1] in b"\\^":
                end -= 1
        parts.append(data[start:end].decode())
        start = end
    return "\r\n ".join(parts) + "\r\n"
