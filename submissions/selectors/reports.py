"""Reads for the reporter: every event day of the user's units with its report and state."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from core.roles import organizer_ids
from events.models import Event, Week

from .. import deadlines
from ..models import DailyReport, MediaFile
from ..states import day_state


@dataclass
class EventDay:
    event: Event
    day: dt.date
    due: dt.datetime
    report: DailyReport | None
    state: str
    media: list[MediaFile] = field(default_factory=list)

    @property
    def due_next_day(self) -> bool:
        return deadlines.is_due_next_day(self.event, self.day, due=self.due)

    @property
    def photos(self) -> list[MediaFile]:
        return [m for m in self.media if m.kind == MediaFile.Kind.PHOTO]

    @property
    def videos(self) -> list[MediaFile]:
        return [m for m in self.media if m.kind == MediaFile.Kind.VIDEO]


def reportable_events(*, user, week: Week) -> QuerySet[Event]:
    """Approved events of the week the user's units report for (as a host, or a partner given
    the reporter role): the ones that owe daily reports."""
    return (
        Event.objects.of_units(organizer_ids(user))
        .filter(week=week, status=Event.Status.APPROVED)
        .select_related("week", "venue", "host", "reporter")
        .order_by("starts_at", "id")
    )


def event_days(*, events: QuerySet[Event] | list[Event], now: dt.datetime) -> list[EventDay]:
    """One row per event and day it runs, with the report (if any) and its media. Two queries
    besides the events', however many days there are."""
    events = list(events)
    reports = DailyReport.objects.filter(event__in=events).prefetch_related(
        Prefetch("media", queryset=MediaFile.objects.order_by("uploaded_at", "id"))
    )
    by_key = {(report.event_id, report.day): report for report in reports}
    rows = []
    for event in events:
        for day in event.reporting_days:
            report = by_key.get((event.pk, day))
            due = deadlines.due_at(event, day)
            rows.append(
                EventDay(
                    event=event,
                    day=day,
                    due=due,
                    report=report,
                    state=day_state(report, due=due, now=now),
                    media=list(report.media.all()) if report else [],
                )
            )
    rows.sort(key=lambda row: (row.day, row.event.starts_at, row.event.pk))
    return rows


def todays_report_rows(*, user, week: Week | None) -> list[EventDay]:
    """The event days due today or overdue today for the user's units, for the dashboard."""
    if week is None:
        return []
    today = week.today()
    events = reportable_events(user=user, week=week).filter(
        starts_at__lt=week.at(today + dt.timedelta(days=1), dt.time.min),
        ends_at__gt=week.at(today, dt.time.min),
    )
    return [row for row in event_days(events=events, now=timezone.now()) if row.day == today]
