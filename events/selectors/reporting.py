"""Which days of a week owe daily reports."""

from __future__ import annotations

import datetime as dt

from ..models import Event, Week


def reporting_calendar(*, week: Week) -> list[dt.date]:
    """Every day of the week's period, preceded by the days before it that approved events
    report because the office ticked ``reports_before_period`` (科普日 from 9/13 in a plan from
    9/15). The office's board, day exports and summary walk these days; one query."""
    first = week.starts_on
    early = Event.objects.filter(
        week=week,
        status=Event.Status.APPROVED,
        reports_before_period=True,
        starts_at__lt=week.at(week.starts_on, dt.time.min),
    ).values_list("starts_at", flat=True)
    for starts_at in early:
        first = min(first, starts_at.astimezone(week.zone).date())
    return [first + dt.timedelta(days=n) for n in range((week.ends_on - first).days + 1)]
