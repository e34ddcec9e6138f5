"""What one reminders tick looks at: the weeks around ``now`` and their open event days.

Read once per tick and handed to every finder of due work (reminders, overdue notices, the
digest, the bulletin), so each computes in Python what is due.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Prefetch, Q

from events.models import Event, EventPartner, Week

from .. import deadlines
from ..models import DailyReport


@dataclass(frozen=True)
class DueDay:
    """One day of an approved event, when its report is due and the report's status."""

    event: Event
    day: dt.date
    due: dt.datetime
    report_status: str | None

    @property
    def is_open(self) -> bool:
        """Nothing submitted yet: no report, or a draft."""
        return self.report_status in (None, DailyReport.Status.DRAFT)


@dataclass
class TickScope:
    now: dt.datetime
    weeks: list[Week]
    event_days: list[DueDay]

    def open_days(self) -> Iterable[DueDay]:
        return (day for day in self.event_days if day.is_open)


def tick_scope(*, now: dt.datetime) -> TickScope:
    """The weeks around ``now`` with their approved events' days from the day before
    yesterday to today (an evening event's day is due the next day, and overdue notices are
    caught up for a day), with their partners (every reporting unit's reporter is reminded).
    Four queries, whatever the number of event days."""
    # A week starting soon counts when one of its events reports days before the period.
    soon = now + dt.timedelta(days=1)
    weeks = list(
        Week.objects.filter(ends_on__gte=now.date() - dt.timedelta(days=3)).filter(
            Q(starts_on__lte=now.date() + dt.timedelta(days=1))
            | Q(
                pk__in=Event.objects.filter(
                    status=Event.Status.APPROVED, reports_before_period=True, starts_at__lt=soon
                ).values("week_id")
            )
        )
    )
    if not weeks:
        return TickScope(now=now, weeks=[], event_days=[])
    events = (
        Event.objects.filter(
            week__in=weeks,
            status=Event.Status.APPROVED,
            starts_at__lt=now + dt.timedelta(days=1),
            ends_at__gt=now - dt.timedelta(days=3),
        )
        .select_related("week", "host", "reporter")
        .prefetch_related(
            Prefetch("partners", queryset=EventPartner.objects.select_related("organizer", "reporter"))
        )
        .order_by("starts_at", "id")
    )
    windows = {week.pk: _day_window(week, now) for week in weeks}
    first = min(lo for lo, _hi in windows.values())
    last = max(hi for _lo, hi in windows.values())
    statuses = dict(
        ((event_id, day), status)
        for event_id, day, status in DailyReport.objects.filter(
            event__week__in=weeks, day__range=(first, last)
        ).values_list("event_id", "day", "status")
    )
    event_days = []
    for event in events:
        lo, hi = windows[event.week_id]
        for day in event.reporting_days:
            if lo <= day <= hi:
                due = deadlines.due_at(event, day)
                event_days.append(
                    DueDay(event=event, day=day, due=due, report_status=statuses.get((event.pk, day)))
                )
    return TickScope(now=now, weeks=weeks, event_days=event_days)


def _day_window(week: Week, now: dt.datetime) -> tuple[dt.date, dt.date]:
    today = now.astimezone(week.zone).date()
    return today - dt.timedelta(days=2), today
