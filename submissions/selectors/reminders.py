"""Reads for the office's reminder log: every reminder of a day, and the day's mailings."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from django.db.models import Count, QuerySet

from events.models import Week

from ..models import DailyDispatch, Reminder


def reminders_for_day(*, week: Week, day: dt.date, status: str = "", slot: str = "") -> QuerySet[Reminder]:
    """The week's reminders for one event day, failures first, then by slot and event."""
    rows = Reminder.objects.filter(event__week=week, day=day).select_related(
        "event__week", "event__host", "recipient"
    )
    if status:
        rows = rows.filter(status=status)
    if slot:
        rows = rows.filter(slot=slot)
    return rows.order_by("slot", "event__starts_at", "event_id", "channel", "id")


def reminder_counts(*, week: Week, day: dt.date) -> dict[str, Counter]:
    """``{slot: Counter(status -> count)}`` for the day, in one query."""
    counts: dict[str, Counter] = {}
    rows = (
        Reminder.objects.filter(event__week=week, day=day)
        .values("slot", "status")
        .annotate(n=Count("id"))
        .order_by("slot")
    )
    for row in rows:
        counts.setdefault(row["slot"], Counter())[row["status"]] = row["n"]
    return counts


def dispatches_for_day(*, week: Week, day: dt.date) -> list[DailyDispatch]:
    return list(DailyDispatch.objects.filter(week=week, day=day).order_by("kind"))
