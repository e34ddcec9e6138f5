"""Public venue pages: main venue first with its sub-venues, each venue's events by day."""

import datetime as dt

import pytest
from django.core.cache import cache
from django.urls import reverse

from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def venues(db):
    main = factories.venue(name="主会场", kind="main", order=5)
    sub = factories.venue(name="开发区分会场", kind="sub", parent=main, order=1)
    permanent = factories.venue(name="永久会场", kind="permanent", order=0)
    return main, sub, permanent


def test_venue_list_puts_the_main_venue_first_with_its_sub_venues(client, venues):
    main, sub, permanent = venues

    response = client.get(reverse("venues:list"))

    assert response.context["tree"] == [(main, [sub]), (permanent, [])]


def test_venue_page_lists_its_events_by_day_and_its_sub_venues(client, week, venues):
    main, sub, _ = venues
    first = factories.event(week=week, venue=main, subtitle="第一天的活动")
    second = factories.event(
        week=week,
        venue=main,
        subtitle="第二天的活动",
        starts_at=factories.at(dt.date(2026, 9, 21), 9),
        ends_at=factories.at(dt.date(2026, 9, 21), 10),
    )
    factories.event(week=week, venue=main, subtitle="草稿", status="draft")
    factories.event(week=week, venue=sub, subtitle="分会场的活动")

    response = client.get(reverse("venues:detail", args=[main.pk]))

    assert [(day, [e.subtitle for e in events]) for day, events in response.context["grouped"]] == [
        (dt.date(2026, 9, 20), [first.subtitle]),
        (dt.date(2026, 9, 21), [second.subtitle]),
    ]
    assert response.context["sub_venues"] == [sub]
    assert "草稿" not in response.content.decode()


def test_sub_venue_page_links_its_main_venue(client, venues):
    main, sub, _ = venues

    html = client.get(reverse("venues:detail", args=[sub.pk])).content.decode()

    assert reverse("venues:detail", args=[main.pk]) in html


def test_unknown_venue_is_404(client, db):
    assert client.get(reverse("venues:detail", args=[404])).status_code == 404
