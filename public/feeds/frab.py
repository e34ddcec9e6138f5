"""The frab-compatible schedule (schedule.xml and its JSON twin) that conference apps read.

Rooms are the events' places, tracks are the forms (活动形式). An event that runs over
several days becomes one slot per day (the format's durations stop at 99:59 and apps show
a day at a time): daily from its start to its end time when those make a window, otherwise
from the start to midnight, whole days, and midnight to the end. Slot ``n`` of event ``pk``
has the id ``pk * 100 + n`` and a guid derived from the event's URL, so both are stable.

Both are written from the rows of ``events.selectors.public.week_rows`` (issue 21). What is
the same for every slot of an event (room, address, track, abstract, links) is worked out
once per event, and the XML is written as text, byte for byte what ElementTree wrote before
(``ET.indent`` with two spaces, ``<tag />`` for an empty element, its escaping);
tests/public/test_feed_writers.py keeps the ElementTree version to compare.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

from django.urls import reverse
from django.utils.translation import get_language

from events.models import Event

from ..once_per_language import form_names
from ..places import room
from ..week_snapshot import kept
from . import LocalTimes, absolute, event_url_template

GENERATOR = "shuangchuang-portal"
FORMAT_VERSION = "1.0"
MIDNIGHT = dt.time(0)
ONE_DAY = dt.timedelta(days=1)
_URL_NAMESPACE = uuid.NAMESPACE_URL.bytes


@dataclass(frozen=True)
class Slot:
    """Day ``number`` of an event (0: the first or only one), in local times."""

    event: object
    number: int
    start: dt.datetime
    end: dt.datetime


def slots(event, zone) -> list[Slot]:
    """The event's slots in ``zone`` (the .ics feeds write one VEVENT per slot)."""
    start, end = event.starts_at.astimezone(zone), event.ends_at.astimezone(zone)
    return [Slot(event, number, slot_start, slot_end) for number, slot_start, slot_end in _spans(start, end)]


def _spans(start: dt.datetime, end: dt.datetime) -> Sequence[tuple[int, dt.datetime, dt.datetime]]:
    """(number, start, end) of each slot of an event from ``start`` to ``end`` (local times)."""
    if start.date() == end.date() or end - start <= ONE_DAY and end.time() == MIDNIGHT:
        return ((0, start, end),)
    zone = start.tzinfo
    # Event.days: an event ending at midnight does not run on the day that midnight starts.
    first, last = start.date(), (end - dt.timedelta(microseconds=1)).date()
    days = [first + dt.timedelta(days=n) for n in range((last - first).days + 1)]
    result = []
    daily = end.time() > start.time() and end.time() != MIDNIGHT
    for number, day in enumerate(days):
        if daily:
            slot_start = dt.datetime.combine(day, start.time(), tzinfo=zone)
            slot_end = dt.datetime.combine(day, end.time(), tzinfo=zone)
        else:
            slot_start = start if number == 0 else dt.datetime.combine(day, dt.time.min, tzinfo=zone)
            next_midnight = dt.datetime.combine(day + ONE_DAY, dt.time.min, tzinfo=zone)
            slot_end = end if number == len(days) - 1 else next_midnight
        result.append((number, slot_start, slot_end))
    return result


def _duration(start: dt.datetime, end: dt.datetime) -> str:
    minutes = int((end - start).total_seconds() // 60)
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def acronym(week) -> str:
    return f"sc{week.starts_on.year}_{week.pk}"


def _room_guid(place: str) -> str:
    return _url_guid(absolute(f"/rooms/{place}"))


def _url_guid(name: str) -> str:
    """``str(uuid.uuid5(uuid.NAMESPACE_URL, name))`` without building a UUID object (a slot
    guid each): SHA-1 of namespace and name, version 5 and the RFC 4122 variant set."""
    digest = bytearray(hashlib.sha1(_URL_NAMESPACE + name.encode(), usedforsecurity=False).digest()[:16])
    digest[6] = digest[6] & 0x0F | 0x50
    digest[8] = digest[8] & 0x3F | 0x80
    text = digest.hex()
    return f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}"


def _schedule_url(name: str) -> str:
    return absolute(reverse(name))


# Slots and tuples: fewer objects for the garbage collector to walk (at 5,000 events its
# passes cost as much as the writing).


@dataclass(slots=True)
class _EventParts:
    """What every slot of an event says alike, worked out once per event. Not the row itself:
    kept with the row (``EventRow.memo``), parts holding it would make a reference cycle, and
    rows dropped with the week's snapshot would wait for the garbage collector."""

    title: str
    form: str
    description: str
    room: str
    url: str
    track: str
    abstract: str
    links: list[dict]
    # Each slot's <event> element and its JSON object by the slot's id, made at their first
    # use (kept with the row, as the parts are: a feed of rows that read as before makes none
    # again; never changed once made).
    xml: dict[int, str] = field(default_factory=dict)
    json: dict[int, dict] = field(default_factory=dict)


class _Entry(NamedTuple):
    """One slot of an event; entries sort by start, then id."""

    start: dt.datetime
    id: int
    guid: str
    slug: str
    end: dt.datetime
    event: _EventParts


def _by_day(events, week) -> list[tuple[int, dt.date, dict[str, list[_Entry]]]]:
    """[(index, day, {room: [entries]})] for every day of the week, rooms in order of first use,
    each room's slots by start and id."""
    zone = week.zone
    prefix = f"{acronym(week)}-event"
    page_url = event_url_template()
    cancelled = Event.Status.CANCELLED
    labels = form_names()
    rooms_of: dict[tuple, str] = {}  # the room of each (kind, venue, place)
    days: dict[dt.date, dict[str, list[_Entry]]] = {day: {} for day in week.days}
    # What an event's entries depend on beyond the event: a row kept across requests keeps
    # them under it (public.week_snapshot.kept; the entries keep their XML once written, which
    # names the unified title).
    context = ("frab", get_language(), week.time_zone, prefix, page_url, week.unified_title)

    def entries_of(event) -> tuple[str, list[_Entry]]:
        place_key = (event.place_kind, event.venue_id, event.place)
        place = rooms_of.get(place_key)
        if place is None:
            place = rooms_of[place_key] = room(event)
        url = page_url.format(event.pk)
        track = labels.get(event.form, event.form)
        abstract = f"{track} · {event.host_name}"
        if event.status == cancelled:
            abstract = f"[CANCELLED] {event.cancel_reason} · {abstract}"
        parts = _EventParts(
            event.subtitle, event.form, event.description, place, url, track, abstract, _media_links(event)
        )
        return place, [
            _Entry(
                start,
                event.pk * 100 + number,
                _url_guid(f"{url}#{number}"),
                f"{prefix}{event.pk}_{number}",
                end,
                parts,
            )
            for number, start, end in _spans(event.starts_at.astimezone(zone), event.ends_at.astimezone(zone))
        ]

    for event in events:
        place, entries = kept(event, context, lambda event=event: entries_of(event))
        for entry in entries:
            rooms = days.get(entry.start.date())
            if rooms is not None:
                rooms.setdefault(place, []).append(entry)
    for rooms in days.values():
        for entries in rooms.values():
            entries.sort()
    return [(index, day, days[day]) for index, day in enumerate(week.days, start=1)]


def _day_bounds(week, day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    start = week.at(day, dt.time.min)
    return start, start + ONE_DAY


def _media_links(event) -> list[dict]:
    """The relay and, when it is another address, the recording."""
    links = [{"type": "media", "url": event.live_url, "title": "直播 / live"}] if event.live_url else []
    if event.recording_url and event.recording_url != event.live_url:
        links.append({"type": "media", "url": event.recording_url, "title": "回放 / recording"})
    return links


# --- schedule.xml ---------------------------------------------------------------------------
# Written line by line as ElementTree wrote the indented tree: a child on its own line, two
# spaces deeper than its parent; an element without text or children as ``<tag />``.


def schedule_xml(events, *, week) -> bytes:
    lines = [
        "<schedule>",
        f'  <generator name="{_attribute(GENERATOR)}" version="{_attribute(FORMAT_VERSION)}" />',
        _leaf("  ", "url", _schedule_url("schedule_xml")),
        _leaf("  ", "version", FORMAT_VERSION),
        "  <conference>",
    ]
    for tag, text in (
        ("acronym", acronym(week)),
        ("title", week.name),
        ("start", week.starts_on.isoformat()),
        ("end", week.ends_on.isoformat()),
        ("days", str(len(week.days))),
        ("timeslot_duration", "00:30"),
        ("base_url", absolute("/")),
        ("url", _schedule_url("schedule")),
        ("time_zone_name", week.time_zone),
    ):
        lines.append(_leaf("    ", tag, text))
    lines.append("  </conference>")
    subtitle = _leaf(_EVENT_CHILD, "subtitle", week.unified_title)
    times = LocalTimes(week.zone)
    for index, day, rooms in _by_day(events, week):
        start, end = _day_bounds(week, day)
        day_tag = f'  <day index="{index}" date="{day}" start="{start.isoformat()}" end="{end.isoformat()}"'
        if not rooms:
            lines.append(day_tag + " />")
            continue
        lines.append(day_tag + ">")
        for place, entries in rooms.items():
            lines.append(f'    <room name="{_attribute(place)}" guid="{_room_guid(place)}">')
            lines += [_kept_slot(entry.event.xml, _xml_event, entry, subtitle, times) for entry in entries]
            lines.append("    </room>")
        lines.append("  </day>")
    lines.append("</schedule>")
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + "\n".join(lines).encode("utf-8", "xmlcharrefreplace")


_EVENT_CHILD = " " * 8


def _kept_slot(kept: dict, write, entry: _Entry, subtitle: str, times: LocalTimes):
    """What ``write`` makes of the slot (its XML element, its JSON object), made at its first
    use and kept in ``kept``, the event's parts' store for that feed, by the slot's id."""
    made = kept.get(entry.id)
    if made is None:
        made = kept[entry.id] = write(entry, subtitle, times)
    return made


def _xml_event(entry: _Entry, subtitle: str, times: LocalTimes) -> str:
    """One slot's <event> element, from <event> to </event>."""
    parts, slot_start = entry.event, entry.start
    # Ids, guid, times and slug are digits, hex and ASCII: nothing to escape.
    lines = [
        f'      <event id="{entry.id}" guid="{entry.guid}">',
        f"        <date>{times[slot_start]}</date>",
        f"        <start>{slot_start.hour:02d}:{slot_start.minute:02d}</start>",
        f"        <duration>{_duration(slot_start, entry.end)}</duration>",
        _leaf(_EVENT_CHILD, "room", parts.room),
        f"        <slug>{entry.slug}</slug>",
        _leaf(_EVENT_CHILD, "url", parts.url),
        # The event's own subtitle is its title (every title would start alike otherwise);
        # the week's unified title is the frab subtitle.
        _leaf(_EVENT_CHILD, "title", parts.title),
        subtitle,
        _leaf(_EVENT_CHILD, "track", parts.track),
        _leaf(_EVENT_CHILD, "type", parts.form),
        _leaf(_EVENT_CHILD, "language", "zh"),
        _leaf(_EVENT_CHILD, "abstract", parts.abstract),
        _leaf(_EVENT_CHILD, "description", parts.description),
        f"{_EVENT_CHILD}<persons />",  # units are not speakers; the host stands in the abstract
    ]
    if parts.links:
        lines.append(f"{_EVENT_CHILD}<links>")
        for link in parts.links:
            href, text = _attribute(link["url"]), _text(link["title"])
            lines.append(f'{_EVENT_CHILD}  <link href="{href}" type="media">{text}</link>')
        lines.append(f"{_EVENT_CHILD}</links>")
    else:
        lines.append(f"{_EVENT_CHILD}<links />")
    lines.append("      </event>")
    return "\n".join(lines)


def _leaf(indent: str, tag: str, text: str) -> str:
    return f"{indent}<{tag}>{_text(text)}</{tag}>" if text else f"{indent}<{tag} />"


# ElementTree's escaping (xml.etree.ElementTree._escape_cdata and _escape_attrib), the same
# as xml.sax.saxutils.escape with these entities; a test is skipped for text without them,
# which is most text (saxutils replaces anyway, at twice the cost).


def _text(value: str) -> str:
    if "&" in value:
        value = value.replace("&", "&amp;")
    if "<" in value:
        value = value.replace("<", "&lt;")
    if ">" in value:
        value = value.replace(">", "&gt;")
    return value


_ATTRIBUTE_ENTITIES = (('"', "&quot;"), ("\r", "&#13;"), ("\n", "&#10;"), ("\t", "&#09;"))


def _attribute(value: str) -> str:
    value = _text(value)
    for character, entity in _ATTRIBUTE_ENTITIES:
        if character in value:
            value = value.replace(character, entity)
    return value


# --- The frab JSON --------------------------------------------------------------------------


def schedule_json(events, *, week) -> dict:
    tracks = {}
    rooms = {}
    days = []
    subtitle = week.unified_title
    times = LocalTimes(week.zone)
    for index, day, day_rooms in _by_day(events, week):
        start, end = _day_bounds(week, day)
        json_rooms = {}
        for place, entries in day_rooms.items():
            if place not in rooms:
                rooms[place] = {"name": place, "guid": _room_guid(place)}
            json_rooms[place] = [
                _kept_slot(entry.event.json, _json_event, entry, subtitle, times) for entry in entries
            ]
            for entry in entries:
                form = entry.event.form
                if form not in tracks:
                    tracks[form] = {"name": entry.event.track, "slug": form}
        days.append(
            {
                "index": index,
                "date": day.isoformat(),
                "day_start": start.isoformat(),
                "day_end": end.isoformat(),
                "rooms": json_rooms,
            }
        )
    return {
        "$schema": "https://c3voc.de/schedule/schema.json",
        "generator": {"name": GENERATOR, "version": FORMAT_VERSION},
        "schedule": {
            "version": FORMAT_VERSION,
            "base_url": absolute("/"),
            "conference": {
                "acronym": acronym(week),
                "title": week.name,
                "description": week.theme,
                "start": week.starts_on.isoformat(),
                "end": week.ends_on.isoformat(),
                "daysCount": len(week.days),
                "timeslot_duration": "00:30",
                "time_zone_name": week.time_zone,
                "url": _schedule_url("schedule"),
                "tracks": list(tracks.values()),
                "rooms": list(rooms.values()),
                "days": days,
            },
        },
    }


def _json_event(entry: _Entry, subtitle: str, times: LocalTimes) -> dict:
    parts, start = entry.event, entry.start
    return {
        "guid": entry.guid,
        "id": entry.id,
        "date": times[start],
        "start": f"{start.hour:02d}:{start.minute:02d}",
        "end": times[entry.end],
        "duration": _duration(start, entry.end),
        "room": parts.room,
        "slug": entry.slug,
        "url": parts.url,
        "title": parts.title,
        "subtitle": subtitle,
        "track": parts.track,
        "type": parts.form,
        "language": "zh",
        "abstract": parts.abstract,
        "description": parts.description,
        "persons": [],
        "links": parts.links,
    }
