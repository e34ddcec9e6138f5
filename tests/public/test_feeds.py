"""Feeds: iCalendar parsed back, frab XML/JSON validated against the format's schemas, the JSON API's shape."""

import datetime as dt
import json
from pathlib import Path
from zoneinfo import ZoneInfo

import icalendar
import jsonschema
import pytest
import xmlschema
from django.urls import reverse

from events.models import EventPartner
from tests import factories

pytestmark = pytest.mark.django_db
SCHEMAS = Path(__file__).resolve().parents[1] / "data" / "frab-schedule"
SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def feed_events(week, main_venue, sub_venue):
    one = factories.event(
        week=week,
        venue=main_venue,
        subtitle="智能制造论坛",
        place="创酷空间",
        address="创业路 1 号",
        live_url="https://live.example.com/a",
        starts_at=factories.at(week.starts_on, 9),
        ends_at=factories.at(week.starts_on, 11, 30),
    )
    EventPartner.objects.create(event=one, role=EventPartner.Role.UNDERTAKER, name="昆山创业服务中心")
    multi = factories.event(
        week=week,
        venue=sub_venue,
        subtitle="成果展",
        form="exhibition",
        place="展厅",
        starts_at=factories.at(week.starts_on, 9),
        ends_at=factories.at(week.starts_on + dt.timedelta(days=2), 17),
    )
    cancelled = factories.event(
        week=week,
        venue=sub_venue,
        subtitle="取消的路演",
        form="roadshow",
        place="创酷空间",
        status="cancelled",
        cancel_reason="天气原因",
        starts_at=factories.at(week.starts_on, 14),
        ends_at=factories.at(week.starts_on, 15),
    )
    factories.event(week=week, venue=sub_venue, subtitle="草稿活动", status="draft")
    return [one, multi, cancelled]


def parse_ics(response) -> icalendar.Calendar:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return icalendar.Calendar.from_ical(response.content)


def test_schedule_ics_lists_public_events_with_zone_location_url_and_status(client, feed_events, settings):
    settings.SITE_URL = "https://scz.example.cn"
    calendar = parse_ics(client.get(reverse("schedule_ics")))

    # SUMMARY is the event's own subtitle (the unified title opens the description).
    events = {str(item["summary"]): item for item in calendar.walk("VEVENT")}
    assert sorted(events) == sorted(e.subtitle for e in feed_events)
    assert [tz["tzid"] for tz in calendar.walk("VTIMEZONE")] == ["Asia/Shanghai"]
    forum = events[feed_events[0].subtitle]
    assert forum["dtstart"].dt == dt.datetime(2026, 9, 20, 9, tzinfo=SHANGHAI)
    assert forum["dtstart"].params["TZID"] == "Asia/Shanghai"
    assert forum["dtend"].dt == dt.datetime(2026, 9, 20, 11, 30, tzinfo=SHANGHAI)
    assert str(forum["uid"]) == f"event-{feed_events[0].pk}@scz.example.cn"
    assert str(forum["url"]) == f"https://scz.example.cn/events/{feed_events[0].pk}/"
    assert "创酷空间" in str(forum["location"]) and "创业路 1 号" in str(forum["location"])
    assert str(forum["status"]) == "CONFIRMED"
    assert str(events[feed_events[2].subtitle]["status"]) == "CANCELLED"
    assert "草稿活动" not in response_text(client, "schedule_ics")


def response_text(client, name, *args) -> str:
    return client.get(reverse(name, args=args)).content.decode()


def test_uids_stay_the_same_after_a_change(client, feed_events):
    before = {str(e["uid"]) for e in parse_ics(client.get(reverse("schedule_ics"))).walk("VEVENT")}
    feed_events[0].place = "新地点"
    feed_events[0].save()
    from core.public_cache import bump_public_version

    bump_public_version()

    calendar = parse_ics(client.get(reverse("schedule_ics")))
    after = {str(e["uid"]) for e in calendar.walk("VEVENT")}
    assert after == before
    assert any("新地点" in str(e["location"]) for e in calendar.walk("VEVENT"))


def test_event_ics_is_one_event_to_download(client, feed_events):
    response = client.get(reverse("event_ics", args=[feed_events[0].pk]))
    calendar = parse_ics(response)

    assert [str(e["summary"]) for e in calendar.walk("VEVENT")] == [feed_events[0].subtitle]
    assert response["Content-Disposition"] == f'attachment; filename="event-{feed_events[0].pk}.ics"'
    assert response["Access-Control-Allow-Origin"] == "*"


def test_venue_ics_has_that_venues_events(client, feed_events, sub_venue):
    calendar = parse_ics(client.get(reverse("venues:ics", args=[sub_venue.pk])))

    # The three-day exhibition is one entry per day.
    assert sorted(str(e["summary"]) for e in calendar.walk("VEVENT")) == sorted(
        [feed_events[1].subtitle] * 3 + [feed_events[2].subtitle]
    )


def test_frab_xml_is_valid_against_the_xsd(client, feed_events):
    response = client.get(reverse("schedule_xml"))
    schema = xmlschema.XMLSchema(SCHEMAS / "schedule.xml.xsd")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/xml; charset=utf-8"
    schema.validate(response.content.decode())
    data = schema.to_dict(response.content.decode())
    assert len(data["day"]) == 7
    first_day = data["day"][0]
    rooms = {room["@name"]: [event["title"] for event in room.get("event", [])] for room in first_day["room"]}
    assert rooms == {
        "创酷空间": [feed_events[0].subtitle, feed_events[2].subtitle],
        "展厅": [feed_events[1].subtitle],
    }
    forum = first_day["room"][0]["event"][0]
    assert (forum["start"], forum["duration"], forum["track"]) == ("09:00", "02:30", "会议论坛")
    assert forum["date"] == "2026-09-20T09:00:00+08:00"


def test_frab_xml_splits_a_multi_day_event_into_one_slot_per_day(client, feed_events):
    data = xmlschema.XMLSchema(SCHEMAS / "schedule.xml.xsd").to_dict(
        client.get(reverse("schedule_xml")).content.decode()
    )

    slots = [
        (day["@date"], event["start"], event["duration"])
        for day in data["day"]
        for room in day.get("room", [])
        for event in room.get("event", [])
        if event["title"] == feed_events[1].subtitle
    ]
    assert slots == [
        ("2026-09-20", "09:00", "08:00"),
        ("2026-09-21", "09:00", "08:00"),
        ("2026-09-22", "09:00", "08:00"),
    ]


def test_a_multi_day_event_is_one_calendar_entry_per_day_with_the_days_own_times(client, week, settings):
    """科普日 runs Monday to Friday, 09:00 to 17:00: five entries, none through a night."""
    settings.SITE_URL = "https://scz.example.cn"
    first = week.starts_on
    science_day = factories.event(
        week=week,
        subtitle="科普日",
        starts_at=factories.at(first, 9),
        ends_at=factories.at(first + dt.timedelta(days=4), 17),
    )

    calendar = parse_ics(client.get(reverse("schedule_ics")))

    entries = sorted(
        ((str(e["uid"]), e["dtstart"].dt, e["dtend"].dt) for e in calendar.walk("VEVENT")),
        key=lambda entry: entry[1],
    )
    days = [first + dt.timedelta(days=n) for n in range(5)]
    assert entries == [
        (
            f"event-{science_day.pk}{f'-{n}' if n else ''}@scz.example.cn",
            dt.datetime.combine(day, dt.time(9), tzinfo=SHANGHAI),
            dt.datetime.combine(day, dt.time(17), tzinfo=SHANGHAI),
        )
        for n, day in enumerate(days)
    ]
    # The same days as the frab schedule's slots (slot n has the id pk * 100 + n).
    frab_slots = [
        (event["id"], event["date"])
        for day in client.get(reverse("schedule_frab_json")).json()["schedule"]["conference"]["days"]
        for room in day["rooms"].values()
        for event in room
    ]
    assert frab_slots == [
        (science_day.pk * 100 + n, start.isoformat()) for n, (_, start, _) in enumerate(entries)
    ]


def test_an_event_running_through_the_night_is_cut_at_midnight(client, week):
    """No daily window (20:00 to 10:00 two days later): evening, the whole day between, morning."""
    first = week.starts_on
    event = factories.event(
        week=week,
        subtitle="通宵黑客马拉松",
        starts_at=factories.at(first, 20),
        ends_at=factories.at(first + dt.timedelta(days=2), 10),
    )

    calendar = parse_ics(client.get(reverse("event_ics", args=[event.pk])))

    midnight = [
        dt.datetime.combine(first + dt.timedelta(days=n), dt.time(0), tzinfo=SHANGHAI) for n in (1, 2)
    ]
    assert [(e["dtstart"].dt, e["dtend"].dt) for e in calendar.walk("VEVENT")] == [
        (factories.at(first, 20), midnight[0]),
        (midnight[0], midnight[1]),
        (midnight[1], factories.at(first + dt.timedelta(days=2), 10)),
    ]
    assert len({str(e["uid"]) for e in calendar.walk("VEVENT")}) == 3


@pytest.mark.parametrize("name", ["schedule_ics", "event_ics", "venues:ics"])
def test_a_second_parser_reads_every_calendar_feed(client, feed_events, name):
    """vobject, another library than the one that writes the feed, reads it back the same."""
    import vobject

    args = {"schedule_ics": [], "event_ics": [feed_events[1].pk], "venues:ics": [feed_events[1].venue_id]}[
        name
    ]
    body = client.get(reverse(name, args=args)).content.decode()

    parsed = vobject.readOne(body, validate=True)
    written = icalendar.Calendar.from_ical(body)
    read = sorted(
        (str(e.uid.value), e.dtstart.value, e.dtend.value, e.summary.value) for e in parsed.vevent_list
    )
    assert read == sorted(
        (str(e["uid"]), e["dtstart"].dt, e["dtend"].dt, str(e["summary"])) for e in written.walk("VEVENT")
    )
    multi = [entry for entry in read if entry[3] == feed_events[1].subtitle]
    assert [(start.hour, end.hour) for _, start, end, _ in multi] == [(9, 17)] * 3
    assert all(start.utcoffset() == dt.timedelta(hours=8) for _, start, _, _ in read)


def test_frab_json_is_valid_against_the_json_schema(client, feed_events):
    response = client.get(reverse("schedule_frab_json"))
    schema = json.loads((SCHEMAS / "schema.json").read_text())

    data = response.json()
    jsonschema.validate(data, schema, format_checker=jsonschema.FormatChecker())
    conference = data["schedule"]["conference"]
    assert conference["daysCount"] == 7 and conference["time_zone_name"] == "Asia/Shanghai"
    assert {room["name"] for room in conference["rooms"]} == {"创酷空间", "展厅"}
    assert {track["name"] for track in conference["tracks"]} == {"会议论坛", "成果展示", "项目路演"}
    assert response["Access-Control-Allow-Origin"] == "*"


def test_api_json_has_the_documented_shape(client, feed_events, main_venue, sub_venue, settings):
    settings.SITE_URL = "https://scz.example.cn"
    response = client.get(reverse("api_schedule"))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["X-API-Version"] == "1.0"
    data = response.json()
    assert sorted(data) == ["api_version", "events", "forms", "venues", "week"]
    assert data["api_version"] == "1.0"
    assert sorted(data["week"]) == [
        "ends_on",
        "id",
        "name",
        "starts_on",
        "theme",
        "time_zone",
        "unified_title",
        "url",
    ]
    assert [venue["id"] for venue in data["venues"]] == [main_venue.pk, sub_venue.pk]
    assert sorted(data["venues"][1]) == [
        "address",
        "district",
        "id",
        "kind",
        "latitude",
        "longitude",
        "name",
        "parent_id",
        "url",
    ]
    assert [form["id"] for form in data["forms"]] == [
        "exhibition",
        "forum",
        "culture",
        "roadshow",
        "contest",
        "service",
    ]
    by_id = {event["id"]: event for event in data["events"]}
    assert set(by_id) == {e.pk for e in feed_events}
    forum = by_id[feed_events[0].pk]
    assert sorted(forum) == sorted(DOCUMENTED_EVENT_FIELDS)
    assert forum["starts_at"] == "2026-09-20T09:00:00+08:00"
    assert forum["ends_at"] == "2026-09-20T11:30:00+08:00"
    assert dt.datetime.fromisoformat(forum["starts_at"]).utcoffset() == dt.timedelta(hours=8)
    assert forum["units"] == [
        {"role": "host", "name": feed_events[0].host.name},
        {"role": "undertaker", "name": "昆山创业服务中心"},
    ]
    assert forum["live_url"] == "https://live.example.com/a"
    assert forum["url"] == f"https://scz.example.cn/events/{feed_events[0].pk}/"
    assert (forum["status"], forum["cancel_reason"]) == ("approved", None)
    cancelled = by_id[feed_events[2].pk]
    assert (cancelled["status"], cancelled["cancel_reason"], cancelled["live_url"]) == (
        "cancelled",
        "天气原因",
        None,
    )


DOCUMENTED_EVENT_FIELDS = [
    "id",
    "title",
    "subtitle",
    "form",
    "themes",
    "place_kind",
    "venue_id",
    "place",
    "address",
    "where",
    "online_url",
    "starts_at",
    "ends_at",
    "host",
    "hosts",
    "units",
    "live_url",
    "status",
    "cancel_reason",
    "description",
    "url",
    "ics_url",
    "updated_at",
]


def test_api_example_in_docs_matches_the_shape(client, feed_events):
    """docs/api.md's example lists exactly the fields the API returns."""
    docs = (Path(__file__).resolve().parents[2] / "docs" / "api.md").read_text()
    example = json.loads(docs.split("```json", 1)[1].split("```", 1)[0])
    data = client.get(reverse("api_schedule")).json()

    assert sorted(example) == sorted(data)
    assert sorted(example["week"]) == sorted(data["week"])
    assert sorted(example["events"][0]) == sorted(data["events"][0])
    assert sorted(example["venues"][0]) == sorted(data["venues"][0])


def test_feeds_answer_cors_preflight(client, feed_events):
    response = client.options(
        reverse("api_schedule"),
        HTTP_ORIGIN="https://other.example.org",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
    )

    assert response.status_code == 204
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "If-None-Match" in response["Access-Control-Allow-Headers"]


@pytest.mark.parametrize("name", ["schedule_ics", "schedule_xml", "schedule_frab_json", "api_schedule"])
def test_feeds_are_404_without_a_current_week(client, db, name):
    assert client.get(reverse(name)).status_code == 404
