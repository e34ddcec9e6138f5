"""Every public page and feed runs the same number of queries at 10 and at 300 events."""

import datetime as dt

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.public_cache import NO_EVENT, bump_public_version
from tests import factories
from tests.exhibits import factories as exhibit_factories

pytestmark = pytest.mark.django_db

# The week's third day (factories.week: 20-26 September 2026), at 10:00 in Kunshan.
MID_WEEK = dt.datetime(2026, 9, 22, 2, tzinfo=dt.UTC)


def urls(event, venue, week) -> list[str]:
    return [
        reverse("home"),
        reverse("schedule"),
        reverse("schedule") + "?day=all",
        reverse("schedule") + f"?day=all&venue={venue.pk}&form=forum&q=创新",
        reverse("schedule") + f"?day={week.starts_on.isoformat()}&q=创新",  # a search from a day tab
        reverse("event_detail", args=[event.pk]),
        reverse("event_ics", args=[event.pk]),
        reverse("event_qr", args=[event.pk]),
        reverse("venues:list"),
        reverse("venues:detail", args=[venue.pk]),
        reverse("venues:ics", args=[venue.pk]),
        reverse("archive"),
        reverse("archive_week", args=[week.pk]),
        reverse("archive") + "?q=创新",
        reverse("archive_week", args=[week.pk]) + "?q=创新",
        reverse("open_data"),
        reverse("schedule_ics"),
        reverse("schedule_xml"),
        reverse("schedule_frab_json"),
        reverse("api_schedule"),
    ]


def count_queries(client, url: str) -> int:
    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured)


def test_query_counts_do_not_grow_with_the_number_of_events(client, week):
    venues = [factories.venue(), factories.venue(kind="sub")]
    first = factories.many_events(week=week, count=10, venues=venues)
    factories.public_media(event=first[0])
    targets = urls(first[0], venues[0], week)

    small = {url: count_queries(client, url) for url in targets}
    factories.many_events(week=week, count=290, venues=venues)
    large = {url: count_queries(client, url) for url in targets}

    assert large == small
    assert max(small.values()) <= 12


# The search box without a day looks through the whole week: not one of the URLs above.
# The current week; the week's rows, read from nothing here (public.week_snapshot: the venues,
# the events, their partners, their themes, their recording videos (asked for as an event
# has public files, as here): five; the tabs, filters and cards are made from them); the ids
# of the events whose words match; the sub-venues' cities (the 分会场 choice:
# federation.selectors.cities). At the same version, with the rows, the week and the cities
# kept (core.public_cache.kept_at_version), only the matching ids.
SEARCH_QUERIES = 8


@pytest.mark.parametrize("count", [5, 50])
@pytest.mark.parametrize("day", ["", "2026-09-22"])
def test_search_query_count(client, week, count, day, django_assert_num_queries):
    """A search, with or without a day tab open, reads every day of the week at the same cost."""
    factories.public_media(event=factories.many_events(week=week, count=count)[0])
    cache.clear()

    with django_assert_num_queries(SEARCH_QUERIES):
        response = client.get(reverse("schedule"), {"q": "创新", "day": day})
    with django_assert_num_queries(1):
        client.get(reverse("schedule"), {"q": "创新创业", "day": day})

    assert response.status_code == 200
    assert response.context["filters"].all_days
    assert len(response.context["events"]) == count  # the cancelled too, marked as such
    assert sum(len(events) for _day, events in response.context["grouped"]) == count


# The event page: the event (with whether it has public files and presents projects, in the
# same query), its themes, its partners; the layout's current week is the event's own
# (events.context_processors.remember_current_week). A 路演 that presents projects lists them
# in one query more, whatever their number (exhibits.selectors.public.presented_projects),
# covers and sections included; an event with public files reads them in one more.
EVENT_PAGE_QUERIES = 3


@pytest.mark.parametrize("count", [0, 3, 25])
def test_event_page_query_count_does_not_grow_with_the_projects_it_presents(
    client, week, count, django_assert_num_queries
):
    hall = exhibit_factories.exhibition(week=week)
    roadshow = exhibit_factories.roadshow(week=week)
    for order, project in enumerate(exhibit_factories.many_projects(exhibition=hall, count=count), start=1):
        if order % 2:
            project.cover.save("cover.png", exhibit_factories.png_upload())
        exhibit_factories.presentation(event=roadshow, project=project, order=order)
    cache.clear()

    with django_assert_num_queries(EVENT_PAGE_QUERIES + (1 if count else 0)):
        response = client.get(reverse("event_detail", args=[roadshow.pk]))

    assert response.status_code == 200
    assert len(response.context["presented"]) == count


@pytest.mark.parametrize(
    ("files", "queries"),
    [
        ([], EVENT_PAGE_QUERIES),
        (
            [{"is_public": False}, {"is_public": False, "status": "failed", "name": "b.jpg"}],
            EVENT_PAGE_QUERIES,
        ),
        ([{}, {"name": "b.jpg", "content": b"\xff\xd8\xff\xe0 other"}], EVENT_PAGE_QUERIES + 1),
    ],
)
def test_event_page_reads_files_only_when_it_has_public_ones(
    client, week, files, queries, django_assert_num_queries
):
    event = factories.event(week=week)
    made = [factories.public_media(event=event, **options) for options in files]
    cache.clear()

    with django_assert_num_queries(queries):
        response = client.get(reverse("event_detail", args=[event.pk]))

    assert response.status_code == 200
    shown = [item for item in made if item.is_public and item.status == "passed"]
    assert response.context["media"] == shown


@pytest.mark.parametrize("kept_rows", [True, False])
def test_home_query_count_does_not_grow_with_todays_events(client, week, kept_rows):
    """The home page lists every event of today (co-hosts, venues and recordings on each card)
    and the next ones: from the week's kept rows, and from the database without them."""
    venues = [factories.venue(), factories.venue(kind="sub")]
    with override_settings(PUBLIC_WEEK_SNAPSHOT=kept_rows), time_machine.travel(MID_WEEK, tick=False):
        factories.many_events(week=week, count=14, venues=venues)
        small = count_queries(client, reverse("home"))
        factories.many_events(week=week, count=280, venues=venues)
        large = count_queries(client, reverse("home"))
        cache.clear()
        response = client.get(reverse("home"))

    assert len(response.context["today_events"]) == 42  # every seventh event runs today
    assert len(response.context["upcoming_events"]) == 6
    assert large == small


@pytest.mark.parametrize(("files", "queries"), [(0, 0), (2, 1)])
def test_event_page_from_the_kept_rows(client, week, files, queries, django_assert_num_queries):
    """Once this process holds the week's rows (public.week_snapshot), an event's page takes its
    event from them, with its cover and whether it has files or projects to show: no query,
    one for its public files."""
    event = factories.many_events(week=week, count=30)[3]
    for n in range(files):
        factories.public_media(event=event, name=f"{n}.jpg")
    cache.clear()
    assert client.get(reverse("schedule"), {"day": "all"}).status_code == 200
    bump_public_version(events=NO_EVENT)  # a hall change: no page is cached, the rows are

    with django_assert_num_queries(queries):
        response = client.get(reverse("event_detail", args=[event.pk]))

    assert response.status_code == 200
    assert response.context["event"].subtitle == event.subtitle
    assert len(response.context["media"]) == files
