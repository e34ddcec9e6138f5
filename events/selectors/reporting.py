"""Which days of a week the office looks at for daily reports."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q

from ..models import Event, Week


def reporting_calendar(*, week: Week) -> list[dt.date]:
    """Every day of the week's period, preceded by the days before it that approved events
    report because the office ticked ``reports_before_period`` (科普日 from 9/13 in a plan from
    9/15), and followed by the day after it when an event of the last day starts at or after
    that day's deadline (an evening forum reports by the next day's deadline, so that day has
    a board, a digest and a reminder log). The office's board, day exports and reminder log
    walk these days; one query."""
    first, last = week.starts_on, week.ends_on
    period_start = week.at(week.starts_on, dt.time.min)
    last_deadline = week.deadline_on(week.ends_on)
    wanted = Event.objects.filter(
        Q(reports_before_period=True, starts_at__lt=period_start)
        | Q(
            starts_at__gte=last_deadline,
            starts_at__lt=week.at(week.ends_on + dt.timedelta(days=1), dt.time.min),
        ),
        week=week,
        status=Event.Status.APPROVED,
    ).values_list("starts_at", flat=True)
    for starts_at in wanted:
        if starts_at < period_start:
            first = min(first, starts_at.astimezone(week.zone).date())
        else:
            last = week.ends_on + dt.timedelta(days=1)
    return [first + dt.timedelta(days=n) for n in range((last - first).days + 1)]
