"""Reads of events that cross relations, each doing its own joins."""
from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet

from ..models import Event, Week


def with_relations(queryset: QuerySet[Event]) -> QuerySet[Event]:
    return queryset.select_related("week", "venue", "host").prefetch_related("themes")


def public_events(*, week: Week) -> QuerySet[Event]:
    return with_relations(Event.objects.public().filter(week=week))


def public_events_on(*, week: Week, day: dt.date) -> QuerySet[Event]:
    """Public events running at some time on ``day`` in the week's zone."""
    day_start = week.at(day, dt.time.min)
    day_end = day_start + dt.timedelta(days=1)
    return public_events(week=week).filter(starts_at__lt=day_end, ends_at__gt=day_start)


def public_events_from(*, week: Week, moment: dt.datetime, limit: int) -> QuerySet[Event]:
    """The next public events that have not ended by ``moment``."""
    return public_events(week=week).filter(ends_at__gt=moment, status=Event.Status.APPROVED)[:limit]
