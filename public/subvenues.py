"""The schedule's sub-venue part: other portals' events (``federation.selectors``) beside the
local ones, never mixed into them, when ``?subvenues=all`` or ``?subvenues=<city>`` asks."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from django.urls import reverse
from django.utils import timezone

from events.models import Week
from federation import selectors as federation

from .presenters import date_span

# The schedule's query parameter: "all" (local events and every sub-venue's) or a city.
PARAM = "subvenues"
ALL = "all"
# A day of many cities' events is still one page: more than this is cut, with a note.
REMOTE_LIMIT = 300
# The home page's sub-venue relays of today.
HOME_RELAYS_LIMIT = 6


def schedule_extend(context: dict, query, *, week: Week) -> dict:
    """Add the sub-venues' events to the schedule's ``context`` when ``?subvenues=`` asks for
    them (with the same day, form and search; a local venue or theme filter shows none), and
    keep the choice in the day tabs' links."""
    cities = federation.cities()
    if not cities:
        return context
    choice = query.get(PARAM, "")
    if choice != ALL and choice not in cities:
        choice = ""
    context.update(subvenue_cities=cities, subvenue_choice=choice)
    if not choice:
        return context
    keep = "&" + urlencode({PARAM: choice})
    for tab in context["day_tabs"]:
        tab["url"] += keep
    context["all_days_url"] += keep
    filters = context["filters"]
    if filters.venue or filters.no_venue or filters.theme:
        context["remote_events"] = []
        context["remote_filtered_out"] = True
        return context
    start = end = None
    if not filters.all_days and filters.day:
        start = week.at(filters.day, dt.time.min)
        end = week.at(filters.day + dt.timedelta(days=1), dt.time.min)
    events = list(
        federation.remote_events(
            start=start, end=end, city="" if choice == ALL else choice, form=filters.form, q=filters.q
        )[: REMOTE_LIMIT + 1]
    )
    context["remote_events"] = mark_remote(events[:REMOTE_LIMIT], week=week)
    context["remote_cut"] = len(events) > REMOTE_LIMIT
    return context


def mark_remote(events, *, week: Week, now: dt.datetime | None = None) -> list:
    """Set on each sub-venue event what its row shows, in Python (no query): ``date_span``
    (the days it runs, in this week's zone, as the local rows say them: "9月25日—27日"; an end
    at midnight closes the day before), ``is_over`` and ``relay_on`` (直播中 now: not
    cancelled, a relay link, ``starts_at <= now < ends_at``, as ``public.videos.mark_relays``
    says it of a local event; the page's script moves it with the clock, as for local rows)."""
    now = now or timezone.now()
    events = list(events)
    for event in events:
        last = (event.ends_at - dt.timedelta(microseconds=1)).astimezone(week.zone).date()
        event.date_span = date_span(event.starts_at.astimezone(week.zone).date(), last)
        event.is_over = event.ends_at <= now
        event.relay_on = (
            not event.is_cancelled and bool(event.live_url) and event.starts_at <= now < event.ends_at
        )
    return events


def home_relays(*, week: Week, day: dt.date, now: dt.datetime | None = None) -> list:
    """The sub-venues' events with a live relay running on ``day`` (the home page's today),
    at most ``HOME_RELAYS_LIMIT``, marked (``mark_remote``). One query."""
    start = week.at(day, dt.time.min)
    events = federation.relayed(start=start, end=start + dt.timedelta(days=1), limit=HOME_RELAYS_LIMIT)
    return mark_remote(events, week=week, now=now)


def venue_cities() -> list[dict]:
    """The venue list's 分会场 block: each sub-venue city, its number of events and the
    schedule filtered by it (all days). One query."""
    schedule = reverse("schedule")
    return [
        {
            "city": city,
            "count": count,
            "url": schedule + "?" + urlencode({"day": "all", PARAM: city}),
        }
        for city, count in federation.city_event_counts()
    ]


def archive_portals(*, q: str = "") -> list[dict]:
    """The archive's note: past weeks are this portal's only (a sub-venue's events are read
    while its portal publishes them, its past weeks are not); each sub-venue portal's own
    archive instead, with the same search. One query."""
    query = "?" + urlencode({"q": q}) if q else ""
    return [
        {"city": source.city, "name": source.name, "url": f"{source.root}/archive/{query}"}
        for source in federation.enabled_sources()
    ]
