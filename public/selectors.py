"""Reads that combine several domains for the public pages."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from events.models import Event, Week
from events.selectors.public import (
    EventRow,
    archive_weeks_query,
    ended_weeks,
    event_rows,
    mark_for_display,
    search,
    with_public_details,
)
from exhibits.selectors.public import presents_projects
from submissions.selectors.public_media import has_public_files, with_public_media_count
from venues.models import Venue


def archive_weeks() -> list[Week]:
    """Published weeks that have ended, newest first, with their event and public media counts."""
    return ended_weeks(with_public_media_count(archive_weeks_query()))


def event_page_flags() -> dict:
    """What an event's page asks of its event beside the event (annotations): whether it has
    public files to show, whether it presents projects of the online hall."""
    return {"has_files": has_public_files(), "presents": presents_projects()}


def upcoming_events(
    *, week: Week, after: dt.date, limit: int, venues_read: dict[int, Venue] | None = None
) -> list[EventRow]:
    """The next approved events that start after the day ``after`` (the home page's today), as
    the cards read them (``event_rows``; ``venues_read``: the venues read already, by id).

    An event running today, even one that goes on for days, is in today's list already, so it
    is not announced again as "upcoming". ``week_snapshot.WeekSnapshot.upcoming`` picks the
    same from the kept rows."""
    next_day = week.at(after + dt.timedelta(days=1), dt.time.min)
    events = Event.objects.public_of(week).filter(status=Event.Status.APPROVED, starts_at__gte=next_day)
    return event_rows(
        events.order_by("starts_at", "id")[:limit],
        week=week,
        with_venues=True,
        with_co_hosts=True,
        venues_read=venues_read,
    )


def searched_events(*, weeks: Iterable[Week], q: str) -> list[Event]:
    """The public events of ``weeks`` matching every word of ``q``, on any of their days.

    The words are matched as on the schedule (``events.selectors.public.search``); the
    archive asks with all its ended weeks at once, so the query count stays the same."""
    events = with_public_details(Event.objects.public().filter(week__in=list(weeks)))
    return mark_for_display(search(events, q).order_by("starts_at", "id"))


def listed_once_by_day(events: Iterable[Event]) -> list[tuple[dt.date, list[Event]]]:
    """Each event once, under the first of its days inside its week, in the order given.

    A listing of several days shows a three-day event as one row with its date range rather
    than three identical rows; one that began before its week (a plan may allow it) is listed
    on the week's first day."""
    days: dict[dt.date, list[Event]] = {}
    for event in events:
        week = event.week
        inside = [day for day in event.days if week.starts_on <= day <= week.ends_on]
        days.setdefault(inside[0] if inside else event.days[0], []).append(event)
    return sorted(days.items(), key=lambda item: item[0])
