"""The frab-compatible schedule (schedule.xml and its JSON twin) that conference apps read.

Rooms are the events' places, tracks are the forms (活动形式). An event that runs over
several days becomes one slot per day (the format's durations stop at 99:59 and apps show
a day at a time): daily from its start to its end time when those make a window, otherwise
from the start to midnight, whole days, and midnight to the end. Slot ``n`` of event ``pk``
has the id ``pk * 100 + n`` and a guid derived from the event's URL, so both are stable.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from xml.etree import ElementTree as ET

from django.urls import reverse

from ..places import room
from . import absolute, event_url, form_label

GENERATOR = "shuangchuang-portal"
FORMAT_VERSION = "1.0"


@dataclass(frozen=True)
class Slot:
    event: object
    number: int
    start: dt.datetime
    end: dt.datetime

    @property
    def id(self) -> int:
        return self.event.pk * 100 + self.number

    @property
    def guid(self) -> str:
        return str(uuid.uuid5(uuid.NAMESPACE_URL, f"{event_url(self.event)}#{self.number}"))

    @property
    def duration(self) -> str:
        minutes = int((self.end - self.start).total_seconds() // 60)
        return f"{minutes // 60:02d}:{minutes % 60:02d}"


def slots(event, zone) -> list[Slot]:
    start = event.starts_at.astimezone(zone)
    end = event.ends_at.astimezone(zone)
    if start.date() == end.date() or end - start <= dt.timedelta(hours=24) and end.time() == dt.time(0):
        return [Slot(event, 0, start, end)]
    days = event.days
    result = []
    daily = end.time() > start.time() and end.time() != dt.time(0)
    for number, day in enumerate(days):
        if daily:
            slot_start = dt.datetime.combine(day, start.time(), tzinfo=zone)
            slot_end = dt.datetime.combine(day, end.time(), tzinfo=zone)
        else:
            slot_start = start if number == 0 else dt.datetime.combine(day, dt.time.min, tzinfo=zone)
            next_midnight = dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min, tzinfo=zone)
            slot_end = end if number == len(days) - 1 else next_midnight
        result.append(Slot(event, number, slot_start, slot_end))
    return result


def acronym(week) -> str:
    return f"sc{week.starts_on.year}_{week.pk}"


def slug(slot: Slot, week) -> str:
    return f"{acronym(week)}-event{slot.event.pk}_{slot.number}"


def _room_guid(place: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, absolute(f"/rooms/{place}")))


def _schedule_url(name: str) -> str:
    return absolute(reverse(name))


def _by_day(events, week) -> list[tuple[int, dt.date, dict[str, list[Slot]]]]:
    """[(index, day, {room: [slots]})] for every day of the week, rooms in order of first use."""
    zone = week.zone
    days: dict[dt.date, dict[str, list[Slot]]] = {day: {} for day in week.days}
    for event in events:
        for slot in slots(event, zone):
            day = slot.start.date()
            if day in days:
                days[day].setdefault(room(event), []).append(slot)
    for rooms in days.values():
        for room_slots in rooms.values():
            room_slots.sort(key=lambda slot: (slot.start, slot.id))
    return [(index, day, days[day]) for index, day in enumerate(week.days, start=1)]


def _day_bounds(week, day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    start = week.at(day, dt.time.min)
    return start, start + dt.timedelta(days=1)


def _abstract(event) -> str:
    text = f"{form_label(event)} · {event.host.name}"
    if event.status == event.Status.CANCELLED:
        text = f"[CANCELLED] {event.cancel_reason} · {text}"
    return text


def schedule_xml(events, *, week) -> bytes:
    root = ET.Element("schedule")
    ET.SubElement(root, "generator", name=GENERATOR, version=FORMAT_VERSION)
    ET.SubElement(root, "url").text = _schedule_url("schedule_xml")
    ET.SubElement(root, "version").text = FORMAT_VERSION
    conference = ET.SubElement(root, "conference")
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
        ET.SubElement(conference, tag).text = text
    for index, day, rooms in _by_day(events, week):
        start, end = _day_bounds(week, day)
        day_el = ET.SubElement(
            root, "day", index=str(index), date=day.isoformat(), start=start.isoformat(), end=end.isoformat()
        )
        for place, room_slots in rooms.items():
            room_el = ET.SubElement(day_el, "room", name=place, guid=_room_guid(place))
            for slot in room_slots:
                _xml_event(room_el, slot, week)
    ET.indent(root)
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="utf-8")


def _xml_event(room_el, slot: Slot, week) -> None:
    event = slot.event
    el = ET.SubElement(room_el, "event", id=str(slot.id), guid=slot.guid)
    for tag, text in (
        ("date", slot.start.isoformat()),
        ("start", slot.start.strftime("%H:%M")),
        ("duration", slot.duration),
        ("room", room(event)),
        ("slug", slug(slot, week)),
        ("url", event_url(event)),
        # The event's own subtitle is its title (every title would start alike otherwise);
        # the week's unified title is the frab subtitle.
        ("title", event.subtitle),
        ("subtitle", event.week.unified_title),
        ("track", form_label(event)),
        ("type", event.form),
        ("language", "zh"),
        ("abstract", _abstract(event)),
        ("description", event.description),
    ):
        ET.SubElement(el, tag).text = text
    ET.SubElement(el, "persons")  # units are not speakers; the host stands in the abstract
    links = ET.SubElement(el, "links")
    if event.live_url:
        ET.SubElement(links, "link", href=event.live_url, type="media").text = "直播 / live"
    if event.recording_url and event.recording_url != event.live_url:
        ET.SubElement(links, "link", href=event.recording_url, type="media").text = "回放 / recording"


def schedule_json(events, *, week) -> dict:
    tracks = {}
    rooms = {}
    days = []
    for index, day, day_rooms in _by_day(events, week):
        start, end = _day_bounds(week, day)
        json_rooms = {}
        for place, room_slots in day_rooms.items():
            rooms.setdefault(place, {"name": place, "guid": _room_guid(place)})
            json_rooms[place] = [_json_event(slot, week) for slot in room_slots]
            for slot in room_slots:
                tracks.setdefault(slot.event.form, {"name": form_label(slot.event), "slug": slot.event.form})
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


def _json_event(slot: Slot, week) -> dict:
    event = slot.event
    return {
        "guid": slot.guid,
        "id": slot.id,
        "date": slot.start.isoformat(),
        "start": slot.start.strftime("%H:%M"),
        "end": slot.end.isoformat(),
        "duration": slot.duration,
        "room": room(event),
        "slug": slug(slot, week),
        "url": event_url(event),
        "title": event.subtitle,
        "subtitle": event.week.unified_title,
        "track": form_label(event),
        "type": event.form,
        "language": "zh",
        "abstract": _abstract(event),
        "description": event.description,
        "persons": [],
        "links": _media_links(event),
    }


def _media_links(event) -> list[dict]:
    """The relay and, when it is another address, the recording."""
    links = [{"type": "media", "url": event.live_url, "title": "直播 / live"}] if event.live_url else []
    if event.recording_url and event.recording_url != event.live_url:
        links.append({"type": "media", "url": event.recording_url, "title": "回放 / recording"})
    return links
