"""Reads for the office's reminder log: every reminder sent for a day's deadline (the previous
evening's events included, this evening's left to the next day) with its real delivery state
(its outbox message's, once handed over), and the day's mailings."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from django.db.models import Case, CharField, Count, F, Prefetch, Q, QuerySet, Value, When

from core.models import OutboxMessage
from events.models import Week

from ..models import DELIVERY_OF_OUTBOX_STATUS, DailyDispatch, Reminder


def _delivery() -> Case:
    """``Reminder.delivery`` in SQL, from the same table, for filtering and counting."""
    return Case(
        *(
            When(outbox__status=status, then=Value(delivery))
            for status, delivery in DELIVERY_OF_OUTBOX_STATUS.items()
        ),
        default=F("status"),
        output_field=CharField(),
    )


def _evening(week: Week, day: dt.date) -> Q:
    """Reminders of an event starting on ``day`` at or after its deadline (due, and reminded,
    the next day: ``deadlines.due_at``); an event that started earlier runs from midnight."""
    return Q(
        day=day,
        event__starts_at__gte=week.deadline_on(day),
        event__starts_at__lt=week.at(day + dt.timedelta(days=1), dt.time.min),
    )


def due_on(*, week: Week, day: dt.date) -> Q:
    """The reminders of the event days due at ``day``'s deadline, the ones sent that day: the
    day's own, but for this evening's events (tomorrow's), and the previous evening's. The
    board and the digest of the day count the same event days."""
    return Q(event__week=week) & (
        (Q(day=day) & ~_evening(week, day)) | _evening(week, day - dt.timedelta(days=1))
    )


def reminders_for_day(*, week: Week, day: dt.date, delivery: str = "", slot: str = "") -> QuerySet[Reminder]:
    """The week's reminders sent for ``day``'s deadline (``due_on``) with their outbox
    messages (bodies left behind), by slot and event; ``delivery`` filters by
    ``Reminder.Delivery``. A row whose ``day`` is the day before is the previous evening's."""
    rows = (
        Reminder.objects.filter(due_on(week=week, day=day))
        .select_related("event__week", "event__host", "recipient", "outbox")
        .defer("outbox__text", "outbox__html")
    )
    if delivery:
        rows = rows.alias(delivery_state=_delivery()).filter(delivery_state=delivery)
    if slot:
        rows = rows.filter(slot=slot)
    return rows.order_by("slot", "event__starts_at", "event_id", "channel", "id")


def reminder_counts(*, week: Week, day: dt.date) -> dict[str, Counter]:
    """``{slot: Counter(delivery state -> count)}`` for the day, in one query."""
    counts: dict[str, Counter] = {}
    rows = (
        Reminder.objects.filter(due_on(week=week, day=day))
        .annotate(delivery_state=_delivery())
        .values("slot", "delivery_state")
        .annotate(n=Count("id"))
        .order_by("slot")
    )
    for row in rows:
        counts.setdefault(row["slot"], Counter())[row["delivery_state"]] += row["n"]
    return counts


@dataclass(frozen=True)
class DispatchLine:
    """A day's mailing and how its e-mails (one per recipient) fared."""

    dispatch: DailyDispatch
    deliveries: list[tuple[str, str, int]]  # (Reminder.Delivery value, label, count), none at 0

    @property
    def uncertain(self) -> int:
        return sum(n for value, _label, n in self.deliveries if value == Reminder.Delivery.UNCERTAIN)


def dispatches_for_day(*, week: Week, day: dt.date) -> list[DispatchLine]:
    """The day's digest and bulletin with their outbox messages' states. Two queries."""
    dispatches = DailyDispatch.objects.filter(week=week, day=day).order_by("kind")
    dispatches = dispatches.prefetch_related(
        Prefetch("outbox_messages", queryset=OutboxMessage.objects.only("pk", "status"))
    )
    lines = []
    for dispatch in dispatches:
        counted = Counter(
            DELIVERY_OF_OUTBOX_STATUS[message.status] for message in dispatch.outbox_messages.all()
        )
        deliveries = [
            (value, label, counted[value]) for value, label in Reminder.Delivery.choices if counted[value]
        ]
        lines.append(DispatchLine(dispatch=dispatch, deliveries=deliveries))
    return lines
