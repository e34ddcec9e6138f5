"""The JSON API and the frab schedule (XML and JSON) are written from plain rows since issue 21
(the model instances and ElementTree cost more than the bytes). The oracle here is the code
that wrote them before, kept below as it was (public/feeds/api.py and frab.py at 415f2aa, with
``event_url`` and ``form_label`` as they were before they were cached): for the demo week plus
events that exercise every branch (several days, through the night, before the week, online,
another city, hybrid, sub-venues, co-hosts and partners, themes, cancelled, text with & < > " '
and line breaks), in Chinese and in English, the answers must be byte for byte the same."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from xml.etree import ElementTree as ET

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from core.public_cache import NO_EVENT, bump_public_version
from events.models import Event, EventPartner, Organizer, Theme, Week
from events.selectors.public import week_events
from public.feeds import absolute
from public.places import room, where
from tests import factories
from venues.models import Venue
from venues.selectors import venues_in_order

pytestmark = pytest.mark.django_db

# --- The reference: the writers before the rewrite ----------------------------------------


def reference_event_url(event) -> str:
    return absolute(reverse("event_detail", args=[event.pk]))


def reference_form_label(event) -> str:
    return str(event.get_form_display())


def reference_api(events, *, week, venues) -> dict:
    used_venue_ids = {event.venue_id for event in events}
    return {
        "api_version": "1.0",
        "week": {
            "id": week.pk,
            "name": week.name,
            "unified_title": week.unified_title,
            "theme": week.theme,
            "starts_on": week.starts_on.isoformat(),
            "ends_on": week.ends_on.isoformat(),
            "time_zone": week.time_zone,
            "url": absolute("/schedule/"),
        },
        "forms": [{"id": event_form, "name": str(label)} for event_form, label in Event.Form.choices],
        "venues": [
            reference_api_venue(venue)
            for venue in venues
            if venue.pk in used_venue_ids or venue.kind == "main"
        ],
        "events": [reference_api_event(event) for event in events],
    }


def reference_api_venue(venue) -> dict:
    return {
        "id": venue.pk,
        "name": venue.name,
        "kind": venue.kind,
        "parent_id": venue.parent_id,
        "district": venue.district,
        "address": venue.address,
        "latitude": float(venue.latitude) if venue.latitude is not None else None,
        "longitude": float(venue.longitude) if venue.longitude is not None else None,
        "url": absolute(f"/venues/{venue.pk}/"),
    }


def reference_units_of(event) -> list[dict]:
    units = [{"role": "host", "name": event.host.name}]
    units += [{"role": partner.role, "name": partner.display_name} for partner in event.partners.all()]
    return units


def reference_api_event(event) -> dict:
    zone = event.week.zone
    return {
        "id": event.pk,
        "title": event.full_title,
        "subtitle": event.subtitle,
        "form": event.form,
        "themes": [theme.name for theme in event.themes.all()],
        "place_kind": event.place_kind,
        "venue_id": event.venue_id,
        "place": event.place,
        "where": where(event).line(),
        "online_url": event.online_url or None,
        "address": event.address,
        "starts_at": event.starts_at.astimezone(zone).isoformat(),
        "ends_at": event.ends_at.astimezone(zone).isoformat(),
        "host": event.host.name,
        "hosts": [unit.name for unit in event.hosts],
        "units": reference_units_of(event),
        "live_url": event.live_url or event.recording_url or None,
        "status": event.status,
        "cancel_reason": event.cancel_reason if event.status == "cancelled" else None,
        "description": event.description,
        "url": reference_event_url(event),
        "ics_url": absolute(f"/events/{event.pk}.ics"),
        "updated_at": event.updated_at.astimezone(zone).isoformat(),
    }


class ReferenceSlot:
    def __init__(self, event, number, start, end):
        self.event, self.number, self.start, self.end = event, number, start, end

    @property
    def id(self) -> int:
        return self.event.pk * 100 + self.number

    @property
    def guid(self) -> str:
        return str(uuid.uuid5(uuid.NAMESPACE_URL, f"{reference_event_url(self.event)}#{self.number}"))

    @property
    def duration(self) -> str:
        minutes = int((self.end - self.start).total_seconds() // 60)
        return f"{minutes // 60:02d}:{minutes % 60:02d}"


def reference_slots(event, zone) -> list[ReferenceSlot]:
    start = event.starts_at.astimezone(zone)
    end = event.ends_at.astimezone(zone)
    if start.date() == end.date() or end - start <= dt.timedelta(hours=24) and end.time() == dt.time(0):
        return [ReferenceSlot(event, 0, start, end)]
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
        result.append(ReferenceSlot(event, number, slot_start, slot_end))
    return result


def reference_acronym(week) -> str:
    return f"sc{week.starts_on.year}_{week.pk}"


def reference_slug(slot, week) -> str:
    return f"{reference_acronym(week)}-event{slot.event.pk}_{slot.number}"


def reference_room_guid(place: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, absolute(f"/rooms/{place}")))


def reference_by_day(events, week):
    zone = week.zone
    days = {day: {} for day in week.days}
    for event in events:
        for slot in reference_slots(event, zone):
            day = slot.start.date()
            if day in days:
                days[day].setdefault(room(event), []).append(slot)
    for rooms in days.values():
        for room_slots in rooms.values():
            room_slots.sort(key=lambda slot: (slot.start, slot.id))
    return [(index, day, days[day]) for index, day in enumerate(week.days, start=1)]


def reference_day_bounds(week, day):
    start = week.at(day, dt.time.min)
    return start, start + dt.timedelta(days=1)


def reference_abstract(event) -> str:
    text = f"{reference_form_label(event)} · {event.host.name}"
    if event.status == event.Status.CANCELLED:
        text = f"[CANCELLED] {event.cancel_reason} · {text}"
    return text


def reference_xml(events, *, week) -> bytes:
    root = ET.Element("schedule")
    ET.SubElement(root, "generator", name="shuangchuang-portal", version="1.0")
    ET.SubElement(root, "url").text = absolute(reverse("schedule_xml"))
    ET.SubElement(root, "version").text = "1.0"
    conference = ET.SubElement(root, "conference")
    for tag, text in (
        ("acronym", reference_acronym(week)),
        ("title", week.name),
        ("start", week.starts_on.isoformat()),
        ("end", week.ends_on.isoformat()),
        ("days", str(len(week.days))),
        ("timeslot_duration", "00:30"),
        ("base_url", absolute("/")),
        ("url", absolute(reverse("schedule"))),
        ("time_zone_name", week.time_zone),
    ):
        ET.SubElement(conference, tag).text = text
    for index, day, rooms in reference_by_day(events, week):
        start, end = reference_day_bounds(week, day)
        day_el = ET.SubElement(
            root, "day", index=str(index), date=day.isoformat(), start=start.isoformat(), end=end.isoformat()
        )
        for place, room_slots in rooms.items():
            room_el = ET.SubElement(day_el, "room", name=place, guid=reference_room_guid(place))
            for slot in room_slots:
                reference_xml_event(room_el, slot, week)
    ET.indent(root)
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="utf-8")


def reference_xml_event(room_el, slot, week) -> None:
    event = slot.event
    el = ET.SubElement(room_el, "event", id=str(slot.id), guid=slot.guid)
    for tag, text in (
        ("date", slot.start.isoformat()),
        ("start", slot.start.strftime("%H:%M")),
        ("duration", slot.duration),
        ("room", room(event)),
        ("slug", reference_slug(slot, week)),
        ("url", reference_event_url(event)),
        ("title", event.subtitle),
        ("subtitle", event.week.unified_title),
        ("track", reference_form_label(event)),
        ("type", event.form),
        ("language", "zh"),
        ("abstract", reference_abstract(event)),
        ("description", event.description),
    ):
        ET.SubElement(el, tag).text = text
    ET.SubElement(el, "persons")
    links = ET.SubElement(el, "links")
    if event.live_url:
        ET.SubElement(links, "link", href=event.live_url, type="media").text = "直播 / live"
    if event.recording_url and event.recording_url != event.live_url:
        ET.SubElement(links, "link", href=event.recording_url, type="media").text = "回放 / recording"


def reference_frab_json(events, *, week) -> dict:
    tracks = {}
    rooms = {}
    days = []
    for index, day, day_rooms in reference_by_day(events, week):
        start, end = reference_day_bounds(week, day)
        json_rooms = {}
        for place, room_slots in day_rooms.items():
            rooms.setdefault(place, {"name": place, "guid": reference_room_guid(place)})
            json_rooms[place] = [reference_json_event(slot, week) for slot in room_slots]
            for slot in room_slots:
                tracks.setdefault(
                    slot.event.form, {"name": reference_form_label(slot.event), "slug": slot.event.form}
                )
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
        "generator": {"name": "shuangchuang-portal", "version": "1.0"},
        "schedule": {
            "version": "1.0",
            "base_url": absolute("/"),
            "conference": {
                "acronym": reference_acronym(week),
                "title": week.name,
                "description": week.theme,
                "start": week.starts_on.isoformat(),
                "end": week.ends_on.isoformat(),
                "daysCount": len(week.days),
                "timeslot_duration": "00:30",
                "time_zone_name": week.time_zone,
                "url": absolute(reverse("schedule")),
                "tracks": list(tracks.values()),
                "rooms": list(rooms.values()),
                "days": days,
            },
        },
    }


def reference_json_event(slot, week) -> dict:
    event = slot.event
    links = [{"type": "media", "url": event.live_url, "title": "直播 / live"}] if event.live_url else []
    if event.recording_url and event.recording_url != event.live_url:
        links.append({"type": "media", "url": event.recording_url, "title": "回放 / recording"})
    return {
        "guid": slot.guid,
        "id": slot.id,
        "date": slot.start.isoformat(),
        "start": slot.start.strftime("%H:%M"),
        "end": slot.end.isoformat(),
        "duration": slot.duration,
        "room": room(event),
        "slug": reference_slug(slot, week),
        "url": reference_event_url(event),
        "title": event.subtitle,
        "subtitle": event.week.unified_title,
        "track": reference_form_label(event),
        "type": event.form,
        "language": "zh",
        "abstract": reference_abstract(event),
        "description": event.description,
        "persons": [],
        "links": links,
    }


class ReferenceEncoder(json.JSONEncoder):
    def default(self, value):
        return str(value)


def reference_json_bytes(data) -> bytes:
    """``data`` as the standard library writes compact JSON: the views write it with orjson,
    and the two must agree to the byte (escapes, numbers, key order)."""
    return json.dumps(data, cls=ReferenceEncoder, ensure_ascii=False, separators=(",", ":")).encode()


# --- The week ---------------------------------------------------------------------------------

TRICKY = "A&B <创新> \"quoted\" 'single'"


@pytest.fixture
def varied_week(settings):
    """The demo week, plus events for the branches it does not reach."""
    settings.SITE_URL = "https://sc.example.cn"
    call_command("load_demo_week", verbosity=0)
    week = Week.objects.get(is_current=True)
    first = week.starts_on
    zone = week.zone

    def at(day_offset: int, hour: int, minute: int = 0) -> dt.datetime:
        return dt.datetime.combine(first + dt.timedelta(days=day_offset), dt.time(hour, minute), tzinfo=zone)

    main = Venue.objects.filter(kind="main").first() or factories.venue(kind="main")
    hall = factories.venue(
        name=f"{TRICKY} 分会场\n二楼", kind="sub", parent=main, latitude=31.3, longitude=120.9
    )
    quiet = factories.venue(name="未使用的分会场", kind="sub", parent=main)  # no event: not in the API
    assert quiet
    host = factories.organizer(name=f"{TRICKY} 主办单位")
    co_host = factories.organizer(name="昆山市共同主办局")
    make = factories.event
    tricky = make(
        week=week,
        host=host,
        venue=hall,
        subtitle=f"{TRICKY}\n第二行\r\n第三行\tTab",
        place=f"报告厅 {TRICKY}\n二楼",
        address="创业路 1 号 <B座>",
        description=f"第一段 {TRICKY}\n\n第二段 & more\r\n]]> <!-- -->",
        live_url='https://live.example.com/watch?a=1&b="2"',
        recording_url="https://replay.example.com/v?x=<1>&y='2'",
        starts_at=at(1, 9, 30),
        ends_at=at(1, 11, 45),
    )
    EventPartner.objects.create(event=tricky, role="host", organizer=co_host, order=0, may_report=True)
    EventPartner.objects.create(event=tricky, role="undertaker", name=f"承办 {TRICKY}", order=1)
    EventPartner.objects.create(event=tricky, role="co_organizer", organizer=factories.organizer(), order=2)
    second, _ = Theme.objects.get_or_create(name="第二个主题", defaults={"order": 99})
    tricky.themes.add(second, *Theme.objects.exclude(pk=second.pk)[:1])
    # A window every day for three days; through two nights; ending at midnight; before the week.
    make(
        week=week,
        venue=hall,
        place="",
        subtitle="三天的展览",
        form="exhibition",
        starts_at=at(2, 9),
        ends_at=at(4, 17),
    )
    make(
        week=week,
        venue=hall,
        place="",
        subtitle="通宵黑客松",
        form="contest",
        starts_at=at(2, 20),
        ends_at=at(4, 10),
    )
    make(week=week, venue=main, place="主会场", subtitle="到午夜", starts_at=at(3, 20), ends_at=at(4, 0))
    make(week=week, venue=main, place="主会场", subtitle="提前开始", starts_at=at(-2, 9), ends_at=at(0, 17))
    make(
        week=week,
        place_kind="hybrid",
        venue=main,
        place="",
        subtitle="线上线下路演",
        form="roadshow",
        online_url="https://meeting.example.com/j/1?pwd=a&b",
        live_url="https://live.example.com/same",
        recording_url="https://live.example.com/same",
        starts_at=at(0, 14),
        ends_at=at(0, 16),
    )
    make(
        week=week,
        place_kind="online",
        venue=None,
        place="",
        subtitle="线上直播课",
        form="service",
        online_url="https://class.example.com/1",
        starts_at=at(0, 19),
        ends_at=at(0, 21),
    )
    make(
        week=week,
        place_kind="elsewhere",
        venue=None,
        place="广州 & 深圳",
        subtitle="外地决赛",
        starts_at=at(5, 9),
        ends_at=at(5, 12),
    )
    make(
        week=week,
        place_kind="place",
        venue=None,
        place="全市各区镇",
        subtitle="各区镇同步",
        starts_at=at(5, 9),
        ends_at=at(5, 12),
    )
    make(
        week=week,
        venue=hall,
        place=f"报告厅 {TRICKY}",
        subtitle="Cancelled <roadshow>",
        status="cancelled",
        cancel_reason=f"Rain & wind; <moved> {TRICKY}",
        starts_at=at(1, 9, 30),
        ends_at=at(1, 10),
    )
    make(week=week, venue=hall, subtitle="草稿不公开", status="draft")
    return week


def feed_bytes(client, name: str, language: str) -> bytes:
    cache.clear()
    with translation.override(language):
        url = reverse(name)
    response = client.get(url)
    assert response.status_code == 200
    return response.content


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_api_is_byte_for_byte_what_the_model_based_writer_wrote(client, varied_week, language):
    written = feed_bytes(client, "api_schedule", language)

    with translation.override(language):
        events = week_events(week=varied_week)
        expected = reference_json_bytes(
            reference_api(events, week=varied_week, venues=list(venues_in_order()))
        )
    assert len(events) >= 15 and "草稿不公开" not in written.decode()
    assert written == expected


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_frab_xml_is_byte_for_byte_what_elementtree_wrote(client, varied_week, language):
    written = feed_bytes(client, "schedule_xml", language)

    with translation.override(language):
        expected = reference_xml(week_events(week=varied_week), week=varied_week)
    assert written.count(b"<event ") >= 20
    assert written.decode().splitlines() == expected.decode().splitlines()
    assert written == expected


@pytest.mark.parametrize(
    ("name", "writer", "slot"),
    [("schedule_xml", "_xml_event", b"<event "), ("schedule_frab_json", "_json_event", b'"persons"')],
)
def test_each_slot_of_a_frab_feed_is_written_once_while_its_row_is_kept(
    client, varied_week, monkeypatch, name, writer, slot
):
    from public.feeds import frab

    written = []
    write = getattr(frab, writer)
    monkeypatch.setattr(frab, writer, lambda entry, *rest: written.append(entry.id) or write(entry, *rest))
    first = client.get(reverse(name)).content
    slots = len(written)
    bump_public_version(events=NO_EVENT)  # a new version: the feed is made again from the kept rows

    assert client.get(reverse(name)).content == first
    assert slots == first.count(slot) and len(written) == slots  # none written again


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_frab_json_is_byte_for_byte_what_the_model_based_writer_wrote(client, varied_week, language):
    written = feed_bytes(client, "schedule_frab_json", language)

    with translation.override(language):
        expected = reference_json_bytes(reference_frab_json(week_events(week=varied_week), week=varied_week))
    assert written == expected


def test_the_varied_week_reaches_the_branches_it_is_for(client, varied_week):
    """The comparison above means something only if the week has these cases."""
    api = json.loads(feed_bytes(client, "api_schedule", "en"))
    events = {event["subtitle"]: event for event in api["events"]}
    assert {event["place_kind"] for event in api["events"]} == {
        "venue",
        "place",
        "elsewhere",
        "online",
        "hybrid",
    }
    tricky = next(event for subtitle, event in events.items() if subtitle.startswith(TRICKY))
    assert [unit["role"] for unit in tricky["units"]] == ["host", "host", "undertaker", "co_organizer"]
    assert len(tricky["hosts"]) == 2 and tricky["themes"][-1] == "第二个主题"
    assert "Online" in events["线上线下路演"]["where"]  # the English catalogue answered
    root = ET.fromstring(feed_bytes(client, "schedule_xml", "en"))
    slot_days = [
        event.findtext("slug") for event in root.iter("event") if event.findtext("title") == "通宵黑客松"
    ]
    assert len(slot_days) == 3  # the night-through contest: evening, the day between, morning
    first_day_titles = [event.findtext("title") for event in root.find("day").iter("event")]
    assert "提前开始" in first_day_titles  # its days before the week are left out, its last is in
    room_names = [room.get("name") for room in root.iter("room")]
    assert f"报告厅 {TRICKY}\n二楼" in room_names  # an attribute with & < > " ' and a line break
    assert [day.get("index") for day in root.iter("day") if not len(day)]  # an empty day: <day ... />


# --- Queries --------------------------------------------------------------------------------

# The week, then the week's rows when this process does not keep them (public.week_snapshot:
# the venues, the events, their partners, their themes, their recording videos; the last only
# when an event has public files, as here); with the rows kept (a later version that named no
# event), the week only.
FEEDS = ["api_schedule", "schedule_frab_json", "schedule_ics", "schedule_xml"]


@pytest.mark.parametrize("name", FEEDS)
def test_feed_query_counts_at_two_sizes(client, week, name):
    venues = [factories.venue(), factories.venue(kind="sub")]
    counts = []
    for count in (10, 200):
        factories.public_media(event=factories.many_events(week=week, count=count, venues=venues)[0])
        cache.clear()
        with CaptureQueriesContext(connection) as read:
            assert client.get(reverse(name)).status_code == 200
        bump_public_version(events=NO_EVENT)
        with CaptureQueriesContext(connection) as kept:
            assert client.get(reverse(name)).status_code == 200
        counts.append((len(read), len(kept)))

    assert counts == [(6, 1)] * 2


def test_rows_match_the_models_they_come_from(varied_week):
    """Every partner's unit and name, co-hosts and themes in the models' order."""
    from events.selectors.public import week_rows as week_feed_events

    rows = week_feed_events(week=varied_week)
    events = week_events(week=varied_week)
    assert [row.pk for row in rows] == [event.pk for event in events]
    for row, event in zip(rows, events, strict=True):
        assert row.co_host_names == [unit.name for unit in event.hosts[1:]]
        assert row.partners == [(partner.role, partner.display_name) for partner in event.partners.all()]
        assert row.themes == [theme.name for theme in event.themes.all()]
        assert row.host_name == event.host.name and (row.venue and row.venue.name) == (
            event.venue and event.venue.name
        )
    assert Organizer.objects.filter(name__startswith=TRICKY).exists()
