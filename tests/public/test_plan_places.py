"""The public face of the plan's places and titles (issue 15): a place typed as text, another
city (广州), online only, a venue plus an online link; the unified title once per page and the
event's own subtitle first (SUMMARY of the .ics)."""

import json
from pathlib import Path

import icalendar
import jsonschema
import pytest
import xmlschema
from django.urls import reverse

from tests import factories

pytestmark = pytest.mark.django_db
SCHEMAS = Path(__file__).resolve().parents[1] / "data" / "frab-schedule"


@pytest.fixture
def places(week, main_venue):
    day = week.starts_on
    make = factories.event
    return {
        "venue": make(week=week, venue=main_venue, place="报告厅", subtitle="智能制造论坛"),
        "city": make(
            week=week, place_kind="place", venue=None, place="全市各区镇", subtitle="全国科普日活动"
        ),
        "guangzhou": make(
            week=week, place_kind="elsewhere", venue=None, place="广州", subtitle="赴广州参加创客中国总决赛"
        ),
        "online": make(
            week=week,
            place_kind="online",
            venue=None,
            place="",
            online_url="https://vote.example.com/12",
            subtitle="创业典型专题宣传",
            starts_at=factories.at(day, 8),
            ends_at=factories.at(day, 20),
        ),
        "hybrid": make(
            week=week,
            place_kind="hybrid",
            venue=main_venue,
            place="创酷空间",
            online_url="https://live.example.com/hybrid",
            subtitle="创业大赛线上线下决赛",
        ),
    }


def _page(client, name, *args) -> str:
    return client.get(reverse(name, args=args)).content.decode()


def _main(page: str) -> str:
    return page.split("<main", 1)[1].split("</main>", 1)[0]


def test_an_event_in_another_city_has_no_map_and_no_venue_link(client, places):
    page = _main(_page(client, "event_detail", places["guangzhou"].pk))

    assert "广州（外地）" in page
    assert "/venues/" not in page
    assert "在高德地图中查看" not in page and "中查看" not in page


def test_an_online_event_says_so_and_links_to_take_part(client, places):
    page = _main(_page(client, "event_detail", places["online"].pk))

    assert "线上" in page and 'href="https://vote.example.com/12"' in page
    assert "/venues/" not in page


def test_a_hybrid_event_links_its_venue_and_says_online(client, places, main_venue):
    page = _main(_page(client, "event_detail", places["hybrid"].pk))

    assert reverse("venues:detail", args=[main_venue.pk]) in page
    assert "线上" in page and 'href="https://live.example.com/hybrid"' in page


def test_the_calendar_names_each_kind_of_place_and_the_summary_is_the_subtitle(client, places):
    calendar = icalendar.Calendar.from_ical(client.get(reverse("schedule_ics")).content)
    items = {str(item["summary"]): item for item in calendar.walk("VEVENT")}

    assert set(items) == {event.subtitle for event in places.values()}
    assert str(items["全国科普日活动"]["location"]) == "全市各区镇"
    assert str(items["赴广州参加创客中国总决赛"]["location"]) == "广州（外地）"
    online = items["创业典型专题宣传"]
    assert str(online["location"]) == "线上 https://vote.example.com/12"
    assert str(online["url"]) == "https://vote.example.com/12"
    assert "线上" in str(items["创业大赛线上线下决赛"]["location"]) and "创酷空间" in str(
        items["创业大赛线上线下决赛"]["location"]
    )
    assert all("geo" not in item for item in items.values())
    assert str(online["description"]).startswith(places["online"].full_title)


def test_the_frab_schedule_stays_valid_with_online_and_text_places(client, places):
    xmlschema.XMLSchema(SCHEMAS / "schedule.xml.xsd").validate(client.get(reverse("schedule_xml")).content)
    data = client.get(reverse("schedule_frab_json")).json()
    jsonschema.validate(data, json.loads((SCHEMAS / "schema.json").read_text()))

    rooms = {room["name"] for room in data["schedule"]["conference"]["rooms"]}
    assert {"报告厅", "全市各区镇", "广州（外地）", "线上", "创酷空间"} == rooms


def test_the_venue_filter_lists_events_without_a_venue_under_none(client, places, week):
    url = reverse("schedule")
    everything = _main(client.get(url, {"day": "all"}).content.decode())
    none = _main(client.get(url, {"day": "all", "venue": "none"}).content.decode())
    at_venue = _main(client.get(url, {"day": "all", "venue": places["venue"].venue_id}).content.decode())

    assert all(event.subtitle in everything for event in places.values())
    assert 'value="none"' in everything
    assert {e.subtitle for e in places.values() if e.subtitle in none} == {
        "全国科普日活动",
        "赴广州参加创客中国总决赛",
        "创业典型专题宣传",
    }
    assert (
        "全国科普日活动" not in at_venue and "智能制造论坛" in at_venue and "创业大赛线上线下决赛" in at_venue
    )


def test_the_api_says_the_kind_of_place(client, places):
    events = {event["subtitle"]: event for event in client.get(reverse("api_schedule")).json()["events"]}

    assert (
        events["赴广州参加创客中国总决赛"]["place_kind"],
        events["赴广州参加创客中国总决赛"]["venue_id"],
    ) == (
        "elsewhere",
        None,
    )
    assert events["创业典型专题宣传"]["where"] == "线上"
    assert events["创业典型专题宣传"]["online_url"] == "https://vote.example.com/12"


@pytest.mark.parametrize("name", ["schedule", "home"])
def test_the_unified_title_is_stated_once_on_a_listing(client, places, week, name):
    page = _main(client.get(reverse(name), {"day": "all"} if name == "schedule" else {}).content.decode())

    assert page.count(week.unified_title) <= 1
    if name == "schedule":
        assert all(event.subtitle in page for event in places.values())


def test_the_event_page_states_the_unified_title_once_and_the_subtitle_as_heading(client, places, week):
    page = _main(_page(client, "event_detail", places["venue"].pk))

    heading = page.split('id="event-title"', 1)[1].split("</h1>", 1)[0]
    assert "智能制造论坛" in heading and week.unified_title not in heading
    assert page.count(week.unified_title) == 1
