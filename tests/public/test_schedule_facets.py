"""The schedule's day tabs and filter choices (events.selectors.public.schedule_facets): the days
the week's public events run on, the venues they use with the main venue of a sub-venue,
"other places" when one has no venue, the themes used; drafts and other weeks left out."""

from __future__ import annotations

import datetime as dt

import pytest

from events.models import Event
from events.selectors.public import filter_choices, schedule_facets
from tests import factories

pytestmark = pytest.mark.django_db
DAY1, DAY2, DAY3, DAY5 = (dt.date(2026, 9, 20) + dt.timedelta(days=n) for n in (0, 1, 2, 4))


def test_the_facets_are_what_the_public_events_use(week, main_venue, sub_venue, django_assert_num_queries):
    unused_venue, draft_venue = factories.venue(name="没有活动的会场"), factories.venue(name="草稿的会场")
    used_theme, draft_theme, _unused = (
        factories.theme(name="科技金融", order=2),
        factories.theme(name="草稿主题", order=1),
        factories.theme(name="未用主题", order=0),
    )
    two_days = factories.event(
        week=week, venue=sub_venue, starts_at=factories.at(DAY2, 9), ends_at=factories.at(DAY3, 0)
    )
    two_days.themes.add(used_theme)
    factories.event(
        week=week,
        venue=None,
        place_kind=Event.PlaceKind.ONLINE,
        status=Event.Status.CANCELLED,
        cancel_reason="嘉宾行程变化",
        starts_at=factories.at(DAY5, 19),
        ends_at=factories.at(DAY5, 21),
    )
    draft = factories.event(
        week=week,
        venue=draft_venue,
        status=Event.Status.DRAFT,
        starts_at=factories.at(DAY1, 9),
        ends_at=factories.at(DAY1, 10),
    )
    draft.themes.add(draft_theme)
    factories.event(week=factories.week(is_current=False), venue=unused_venue)

    with django_assert_num_queries(3):
        days, choices = schedule_facets(week=week)

    # Ending at midnight, the two-day event runs on DAY2 only; the cancelled one still shows.
    assert days == [DAY2, DAY5]
    assert choices["venues"] == [main_venue, sub_venue]
    assert choices["no_venue"] is True
    assert choices["themes"] == [used_theme]
    assert choices == filter_choices(week=week)


def test_a_week_without_public_events_has_no_facets(week, main_venue):
    factories.event(week=week, venue=main_venue, status=Event.Status.DRAFT)

    days, choices = schedule_facets(week=week)

    assert days == [] and choices["venues"] == [] and choices["themes"] == []
    assert choices["no_venue"] is False


def test_the_cards_take_their_venues_from_the_filters_and_read_only_those_lacking(
    week, main_venue, sub_venue, django_assert_num_queries
):
    from events.selectors.public import ScheduleFilters, schedule_rows

    factories.event(
        week=week, venue=main_venue, starts_at=factories.at(DAY2, 9), ends_at=factories.at(DAY2, 10)
    )
    factories.event(
        week=week, venue=sub_venue, starts_at=factories.at(DAY2, 11), ends_at=factories.at(DAY2, 12)
    )
    filters = ScheduleFilters.from_query({"day": "all"}, week=week, default_day=DAY2)
    _days, choices = schedule_facets(week=week)
    venues = {venue.pk: venue for venue in choices["venues"]}

    with django_assert_num_queries(2):  # the events, their co-hosts
        rows = schedule_rows(week=week, filters=filters, venues_read=venues)
    assert [row.venue for row in rows] == [main_venue, sub_venue]
    assert rows[1].venue is venues[sub_venue.pk]

    with django_assert_num_queries(3):  # and the one venue the caller did not have
        rows = schedule_rows(week=week, filters=filters, venues_read={main_venue.pk: venues[main_venue.pk]})
    assert [row.venue.name for row in rows] == ["昆山市主会场", "开发区分会场"]


def test_the_public_events_of_a_week_read_without_joining_it_are_the_public_ones(week):
    shown = factories.event(week=week)
    factories.event(week=week, status=Event.Status.DRAFT)
    hidden_week = factories.week(is_current=False, is_published=False)
    factories.event(week=hidden_week)

    assert list(Event.objects.public_of(week)) == list(Event.objects.public().filter(week=week)) == [shown]
    assert "events_week" not in str(Event.objects.public_of(week).query)
    assert list(Event.objects.public_of(hidden_week)) == []
