"""The sub-venues on the other public surfaces (issue 23): the schedule's search, the
"直播中" badge of a remote relay and the home page's relays of today, the venue list's other
cities, the archive's note. Each sub-venue is a stub portal serving this project's own API
answer for the demo week, synced for real; its events stay apart from the local ones."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from federation import services
from federation.models import RemoteEvent, Source

API = "/api/schedule.json"
RELAY = "https://live.example.cn/room/1"


def _serve(portal, prefix: str, data: dict) -> None:
    portal.serve(prefix + API, body=json.dumps(data).encode())


def _subscribe(portal, *, city: str, prefix: str, data: dict) -> Source:
    source = Source.objects.create(name=f"{city}市双创周", city=city, base_url=portal.url + prefix)
    _serve(portal, prefix, data)
    assert services.source_sync(source_id=source.pk).status == "changed"
    return source


def _shifted(recorded_api: bytes, *, by: int, prefix: str) -> dict:
    """The demo week's answer with its ids moved by ``by`` and a city's mark in the subtitles."""
    data = json.loads(recorded_api)
    for event in data["events"]:
        event["id"] += by
        event["subtitle"] = prefix + event["subtitle"]
        event["live_url"] = None
    return data


def _remote_part(page: str) -> str:
    local, remote = page.split('id="subvenues-heading"')
    assert "is-remote" not in local
    return remote


@pytest.fixture
def two_cities(stub_portal, recorded_api):
    suzhou = _subscribe(stub_portal, city="苏州", prefix="/sz", data=_shifted(recorded_api, by=0, prefix=""))
    wuxi = _subscribe(
        stub_portal, city="无锡", prefix="/wx", data=_shifted(recorded_api, by=1000, prefix="无锡·")
    )
    return suzhou, wuxi


# --- Search ------------------------------------------------------------------------------


def test_a_search_lists_the_matching_sub_venue_events_of_every_day_apart(two_cities, client, demo_week):
    """A search looks through every day of the sub-venues too (their subtitles included), under
    its own heading, each linking back to its own portal; local only unless asked."""
    # "无锡·" is only in the Wuxi subtitles (the titles the API sends are the local ones).
    expected = RemoteEvent.objects.filter(subtitle__contains="无锡·")
    days = {event.starts_at.date() for event in expected}
    assert expected.count() > 1 and len(days) > 1

    page = client.get(
        reverse("schedule"), {"q": "无锡·", "day": demo_week.starts_on.isoformat(), "subvenues": "all"}
    ).content.decode()

    remote = _remote_part(page)
    assert remote.count("is-remote") == expected.count()
    assert "搜索“无锡·”" in remote.split("</h2>")[0]
    for event in expected:
        assert f'href="{event.url}"' in remote
    only_local = client.get(reverse("schedule"), {"q": "无锡·"}).content.decode()
    assert "is-remote" not in only_local


def test_a_search_with_a_city_lists_that_citys_events_only(two_cities, client):
    word = RemoteEvent.objects.filter(source__city="苏州").first().subtitle[:4]
    suzhou = RemoteEvent.objects.filter(source__city="苏州", subtitle__icontains=word).count()

    page = client.get(reverse("schedule"), {"q": word, "subvenues": "苏州"}).content.decode()

    remote = _remote_part(page)
    assert remote.count("is-remote") == suzhou > 0
    assert "来自无锡" not in remote


# --- 直播中 -------------------------------------------------------------------------------


@pytest.fixture
def relays(stub_portal, recorded_api):
    """One Suzhou portal whose first three events have a relay: one on now, one later today
    (or tomorrow), one over; the fourth is on now without a relay."""
    now = timezone.now()
    data = _shifted(recorded_api, by=0, prefix="")
    moments = [
        (now - dt.timedelta(hours=1), now + dt.timedelta(hours=1), RELAY),
        (now + dt.timedelta(hours=2), now + dt.timedelta(hours=3), RELAY + "?later"),
        (now - dt.timedelta(hours=3), now - dt.timedelta(hours=2), RELAY + "?over"),
        (now - dt.timedelta(hours=1), now + dt.timedelta(hours=1), None),
    ]
    for event, (starts, ends, live) in zip(data["events"], moments, strict=False):
        event.update(starts_at=starts.isoformat(), ends_at=ends.isoformat(), live_url=live)
    _subscribe(stub_portal, city="苏州", prefix="/sz", data=data)
    return data["events"][:4]


def _badge(page: str, href: str) -> str:
    """The 直播中 badge linking to ``href``, up to its text."""
    end = page.index(f'href="{href}"')
    return page[page.rindex("<a ", 0, end) : page.index("</a>", end)]


def test_a_sub_venue_relay_on_now_shows_the_live_badge(relays, client):
    page = client.get(reverse("schedule"), {"day": "all", "subvenues": "all"}).content.decode()

    remote = _remote_part(page)
    on_now = _badge(remote, RELAY)
    assert "badge-live-link" in on_now and "直播中" in on_now and " hidden" not in on_now
    assert 'target="_blank"' in on_now and "data-until=" in on_now
    # Later: in the page, hidden until its start (static/js/player.js shows it then).
    later = _badge(remote, RELAY + "?later")
    assert " hidden" in later and "data-from=" in later
    # Over: no badge at all; no relay: none either.
    assert RELAY + "?over" not in remote
    assert remote.count("直播中") == 2


def test_the_home_page_lists_the_sub_venues_relays_of_today(relays, client, demo_week):
    today = demo_week.today()
    start = demo_week.at(today, dt.time.min)
    expected = RemoteEvent.objects.exclude(live_url="").filter(
        starts_at__lt=start + dt.timedelta(days=1), ends_at__gt=start
    )

    page = client.get(reverse("home")).content.decode()

    assert 'id="subvenue-relays-heading"' in page
    block = page.split('id="subvenue-relays-heading"')[1].split("</section>")[0]
    assert block.count("is-remote") == expected.count() >= 1
    assert " hidden" not in _badge(block, RELAY)
    assert "来自苏州市双创周" in block


def test_the_home_page_has_no_relay_block_without_a_sub_venue_relay(two_cities, client, demo_week):
    assert "subvenue-relays" not in client.get(reverse("home")).content.decode()


def _many_relays(recorded_api: bytes, *, count: int) -> dict:
    now = timezone.now()
    data = _shifted(recorded_api, by=0, prefix="")
    template = data["events"][0]
    data["events"] = [
        {
            **template,
            "id": n + 1,
            "starts_at": now.isoformat(),
            "ends_at": (now + dt.timedelta(hours=1)).isoformat(),
            "live_url": f"{RELAY}?{n}",
        }
        for n in range(count)
    ]
    return data


@pytest.mark.parametrize("count", [1, 40])
def test_the_pages_query_counts_do_not_grow_with_the_remote_events(
    stub_portal, recorded_api, client, demo_week, count, django_assert_num_queries
):
    """Schedule (with its sub-venues and a search), home (with their relays), venue list and
    archive cost the same for one remote event as for forty."""
    _subscribe(stub_portal, city="苏州", prefix="/sz", data=_many_relays(recorded_api, count=count))
    urls = [
        reverse("schedule") + "?day=all&subvenues=all",
        reverse("schedule") + "?q=%E5%88%9B%E6%96%B0&subvenues=%E8%8B%8F%E5%B7%9E",
        reverse("home"),
        reverse("venues:list"),
        reverse("archive") + "?q=%E5%88%9B%E6%96%B0",
    ]
    # Each page's one sub-venue query: the schedule's remote events (its cities' choice is
    # one more), the home page's relays of today, the venue list's cities with their counts,
    # the archive's sub-venue portals. (The schedule's search reads the ids matching its words
    # beside the week's rows; the home page lists today's events from the week's rows too,
    # read here from nothing: four queries, as no event of the demo week has public files to
    # look for a recording among.)
    expected = {url: n for url, n in zip(urls, (7, 8, 10, 3, 7), strict=True)}
    for url in urls:
        cache.clear()
        with django_assert_num_queries(expected[url]):
            assert client.get(url).status_code == 200


# --- Venue list ----------------------------------------------------------------------------


def test_the_venue_list_names_each_sub_venue_city_with_its_events(two_cities, client):
    counts = {city: RemoteEvent.objects.filter(source__city=city).count() for city in ("苏州", "无锡")}
    venues_before = client.get(reverse("venues:list")).content.decode().split('id="subvenue-cities-heading"')

    local, block = venues_before
    assert "苏州市双创周" not in local and "is-remote" not in local
    assert "/schedule/?day=all&amp;subvenues=%E8%8B%8F%E5%B7%9E" in block
    assert "/schedule/?day=all&amp;subvenues=%E6%97%A0%E9%94%A1" in block
    for city, count in counts.items():
        row = block.split(f">{city}</a>")[1].split("</li>")[0]
        assert f"{count} 项活动" in row
    # The link opens the schedule with that city's events.
    schedule = client.get(reverse("schedule"), {"day": "all", "subvenues": "苏州"}).content.decode()
    assert _remote_part(schedule).count("is-remote") == counts["苏州"]


def test_the_venue_list_has_no_sub_venue_block_without_a_source(client, demo_week):
    assert "subvenue-cities" not in client.get(reverse("venues:list")).content.decode()


def test_a_disabled_source_leaves_the_venue_list(two_cities, client):
    suzhou, _ = two_cities
    Source.objects.filter(pk=suzhou.pk).update(enabled=False)
    cache.clear()

    block = client.get(reverse("venues:list")).content.decode().split('id="subvenue-cities-heading"')[1]

    assert ">无锡</a>" in block and ">苏州</a>" not in block


# --- Archive ------------------------------------------------------------------------------


def test_the_archive_says_it_is_local_and_links_each_sub_venues_own_archive(two_cities, client):
    suzhou, wuxi = two_cities

    page = client.get(reverse("archive"), {"q": "创新"}).content.decode()

    assert "往届档案只收录本地活动" in page
    for source in (suzhou, wuxi):
        assert f'href="{source.root}/archive/?q=%E5%88%9B%E6%96%B0"' in page
    assert "is-remote" not in page


def test_the_archive_has_no_sub_venue_note_without_a_source(client, demo_week):
    assert "subvenue-archives" not in client.get(reverse("archive")).content.decode()
