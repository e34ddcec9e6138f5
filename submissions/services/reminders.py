"""Reminders before the daily deadline, overdue notices, and the tick that finds what is due.

Celery beat runs ``reminders_tick`` every minute (task ``submissions.reminders_tick``), and
so does ``manage.py send_reminders``. One tick:

1. reads its scope (``tick_scope``): the weeks around ``now``, their approved events and
   the status of each event day's report, in a fixed number of queries however many event
   days there are;
2. asks each entry of ``due_work()`` what is due now (reminder slots inside their grace
   period, overdue notices, the office's digest and bulletin) as unsaved ``Reminder`` and
   ``DailyDispatch`` rows, all computed in Python from the scope;
3. claims the rows nobody claimed yet (one bulk insert per model, conflicts ignored under
   the unique constraints) and, after commit, enqueues the sends of the rows it claimed.

Delivery is ``reminder_delivery.reminders_deliver`` (reminders) and ``dispatch_send`` below
(the office's digest and bulletin): each writes its e-mails and robot messages to the outbox
(``core.outbox``) in the transaction that records the row as handed over. Sending them,
retrying what surely did not leave and never repeating what may have, is the outbox's work.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import partial
from itertools import islice

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from kombu.exceptions import OperationalError

from core.dispatch import enqueue
from core.webhooks import describe_error

from ..models import DailyDispatch, Reminder
from . import bulletins, digest
from .tick_scope import DueDay, TickScope, tick_scope

log = logging.getLogger(__name__)

OVERDUE = "overdue"
# Overdue notices and the digest still go this long after their time (catching up after an
# outage); reminder slots only within the week's grace period.
CATCH_UP = dt.timedelta(hours=24)
# Reminder ids per delivery task: big enough that 2,000 event days make ~20 tasks.
BATCH_SIZE = 200
DELIVERY_TIME_LIMIT = 600
# A claim still pending after this was never enqueued (or its task was lost): the sweep enqueues it.
PENDING_TOO_LONG = dt.timedelta(minutes=10)
# What ``delay()`` raises when the broker cannot be reached (after the publish retry policy).
BROKER_ERRORS = (OperationalError, OSError)


# --- What is due --------------------------------------------------------------------------


def slot_label(time: dt.time) -> str:
    return time.strftime("%H:%M")


def slot_reminders_due(*, scope: TickScope) -> list[Reminder]:
    """Reminders of the slots that have come and whose grace period has not passed, for
    every open event day due later that day."""
    rows: list[Reminder] = []
    for due_day in scope.open_days():
        week = due_day.event.week
        grace = dt.timedelta(minutes=week.reminder_grace_minutes)
        for slot in week.reminder_slots():
            slot_at = week.at(due_day.due.date(), slot)
            if slot_at < due_day.due and slot_at <= scope.now < slot_at + grace:
                rows += _recipient_rows(due_day, slot=slot_label(slot), contact=week.remind_contact)
    return rows


def overdue_notices_due(*, scope: TickScope) -> list[Reminder]:
    """Overdue notices to reporter and contact of every event day past due with nothing submitted."""
    rows: list[Reminder] = []
    for due_day in scope.open_days():
        if due_day.due <= scope.now < due_day.due + CATCH_UP:
            rows += _recipient_rows(due_day, slot=OVERDUE, contact=True)
    return rows


def _recipient_rows(due_day: DueDay, *, slot: str, contact: bool) -> list[Reminder]:
    """The rows of one notice: each reporter's in-site notice and e-mail, each contact
    person's e-mail, and each unit's group robot, for every unit that reports for the event
    (the lead host, co-hosts, partners given the reporter role). A person, an address or a
    robot named by two units gets one row (the constraints say so too). A missing address
    of the lead host's people is a skipped row, so the office sees who could not be reached;
    a co-host that named nobody relies on the lead host's reporter and adds no row."""
    event = due_day.event
    rows: list[Reminder] = []
    seen: set[tuple] = set()

    def add(row: Reminder) -> None:
        key = (row.channel, row.recipient_id, "" if row.recipient_id else row.address.strip().lower())
        if key not in seen:
            seen.add(key)
            rows.append(row)

    lead = _unit_rows(due_day, slot=slot, contact=contact, reporter=event.reporter, email=event.contact_email)
    if event.reporter is None and any(p.reporter_id for p in event.reporting_partners):
        # Another unit's reporter is reminded: nobody is left unreachable.
        lead = [row for row in lead if row.channel != Reminder.Channel.SITE]
    for row in lead:
        add(row)
    for partner in event.reporting_partners:
        if partner.reporter_id is None and not partner.contact_email.strip():
            continue
        for row in _unit_rows(
            due_day, slot=slot, contact=contact, reporter=partner.reporter, email=partner.contact_email
        ):
            if row.status == Reminder.Status.PENDING:
                add(row)
    reporter_mails = {r.address.strip().lower() for r in rows if r.recipient_id and r.address}
    rows = [
        r
        for r in rows
        # Only a real address makes them the same person: two empty ones are two people unreachable.
        if r.recipient_id
        or r.channel != Reminder.Channel.EMAIL
        or r.address.strip().lower() not in reporter_mails
    ]
    for unit in [event.host, *(p.organizer for p in event.reporting_partners)]:
        if unit.webhook_url:
            add(_row(due_day, slot=slot, channel=Reminder.Channel.WEBHOOK, address=unit.webhook_url))
    return rows


def _row(
    due_day: DueDay, *, slot: str, channel: str, recipient=None, address: str = "", skip: str = ""
) -> Reminder:
    return Reminder(
        event=due_day.event,
        day=due_day.day,
        slot=slot,
        channel=channel,
        recipient=recipient,
        address=address,
        status=Reminder.Status.SKIPPED if skip else Reminder.Status.PENDING,
        reason=skip,
    )


def _unit_rows(due_day: DueDay, *, slot: str, contact: bool, reporter, email: str) -> list[Reminder]:
    """One reporting unit's reporter (in-site notice and e-mail) and contact person (e-mail)."""

    def row(channel: str, *, recipient=None, address: str = "", skip: str = "") -> Reminder:
        return _row(due_day, slot=slot, channel=channel, recipient=recipient, address=address, skip=skip)

    rows = []
    if reporter is None:
        rows.append(row(Reminder.Channel.SITE, skip=_("活动未指定信息报送员，无人可提醒。")))
    elif not reporter.is_active:
        rows.append(row(Reminder.Channel.SITE, recipient=reporter, skip=_("信息报送员的账号已停用。")))
    else:
        rows.append(row(Reminder.Channel.SITE, recipient=reporter))
        rows.append(
            row(
                Reminder.Channel.EMAIL,
                recipient=reporter,
                address=reporter.email,
                skip="" if reporter.email else _("信息报送员没有填写邮箱地址。"),
            )
        )
    contact_email = email.strip()
    # Only a real address makes them the same person: two empty ones are two people unreachable.
    reporter_email = reporter.email.strip().lower() if reporter is not None else ""
    same_person = bool(contact_email) and contact_email.lower() == reporter_email
    if contact and not same_person:
        rows.append(
            row(
                Reminder.Channel.EMAIL,
                address=contact_email,
                skip="" if contact_email else _("联系人没有填写邮箱地址。"),
            )
        )
    return rows


@dataclass(frozen=True)
class DueWork:
    """One kind of work the tick does: ``find(scope=...)`` returns the rows due now.

    Rows of ``DailyDispatch`` name a ``kind``; their sender ``send(*, dispatch)`` is called
    by the dispatch task inside its transaction: it writes the outbox messages, adds them
    to ``dispatch.outbox_messages`` and returns None, or returns a reason to skip.
    """

    find: Callable[..., list]
    kind: str = ""
    send: Callable[..., None] | None = None


def due_work() -> tuple[DueWork, ...]:
    """Everything the tick does, in order; new timed work joins with one more line here."""
    return (
        DueWork(find=slot_reminders_due),
        DueWork(find=overdue_notices_due),
        DueWork(find=digest.digests_due, kind=DailyDispatch.Kind.DIGEST, send=digest.digest_send),
        DueWork(find=bulletins.bulletins_due, kind=DailyDispatch.Kind.BULLETIN, send=bulletins.bulletin_send),
    )


# --- The tick --------------------------------------------------------------------------


@dataclass
class TickResult:
    now: dt.datetime
    event_days: int = 0
    reminders: list[Reminder] = field(default_factory=list)
    dispatches: list[DailyDispatch] = field(default_factory=list)

    @property
    def queued(self) -> int:
        return sum(row.status == Reminder.Status.PENDING for row in [*self.reminders, *self.dispatches])

    @property
    def skipped(self) -> int:
        return sum(row.status == Reminder.Status.SKIPPED for row in self.reminders)


def reminders_tick(*, now: dt.datetime, dry_run: bool = False) -> TickResult:
    """Claim and enqueue every reminder, overdue notice and office mailing due at ``now``.

    Side effects (none with ``dry_run``): ``Reminder`` and ``DailyDispatch`` rows inserted
    for what is due and not claimed before (pending, or skipped with the reason when there
    is no address); after commit, delivery tasks enqueued for the pending rows this tick
    inserted. If enqueueing fails (broker away) those rows are deleted again, so the next
    tick claims them anew. Returns what was claimed (with ``dry_run``: what would be).
    """
    scope = tick_scope(now=now)
    work = due_work()
    reminders: list[Reminder] = []
    dispatches: list[DailyDispatch] = []
    for entry in work:
        for row in entry.find(scope=scope):
            (dispatches if isinstance(row, DailyDispatch) else reminders).append(row)
    result = TickResult(now=now, event_days=len(scope.event_days))
    result.reminders = _unclaimed_reminders(reminders)
    result.dispatches = _unclaimed_dispatches(dispatches)
    if dry_run or not (result.reminders or result.dispatches):
        return result
    stamp = timezone.now()
    with transaction.atomic():
        reminder_ids = _claim(
            Reminder, result.reminders, stamp=stamp, scope_filter=_reminder_filter(result.reminders)
        )
        dispatch_ids = _claim(
            DailyDispatch, result.dispatches, stamp=stamp, scope_filter=_dispatch_filter(result.dispatches)
        )
        transaction.on_commit(partial(_enqueue, reminder_ids=reminder_ids, dispatch_ids=dispatch_ids))
    return result


def _reminder_key(row: Reminder) -> tuple:
    """What the unique constraints tell apart: the person, or without one the address."""
    address = "" if row.recipient_id else row.address
    return row.event_id, row.day, row.slot, row.channel, row.recipient_id, address


def _reminder_filter(rows: Sequence[Reminder]) -> Q:
    if not rows:
        return Q(pk__in=[])
    days = [row.day for row in rows]
    return Q(day__range=(min(days), max(days)), slot__in={row.slot for row in rows})


def _dispatch_filter(rows: Sequence[DailyDispatch]) -> Q:
    if not rows:
        return Q(pk__in=[])
    days = [row.day for row in rows]
    return Q(day__range=(min(days), max(days)), kind__in={row.kind for row in rows})


def _unclaimed_reminders(rows: list[Reminder]) -> list[Reminder]:
    """Drop rows claimed before (one query), and duplicates among the rows themselves."""
    if not rows:
        return []
    taken = {
        (*key, "" if key[4] else address)
        for *key, address in Reminder.objects.filter(_reminder_filter(rows)).values_list(
            "event_id", "day", "slot", "channel", "recipient_id", "address"
        )
    }
    fresh = {}
    for row in rows:
        key = _reminder_key(row)
        if key not in taken:
            fresh.setdefault(key, row)
    return list(fresh.values())


def _unclaimed_dispatches(rows: list[DailyDispatch]) -> list[DailyDispatch]:
    if not rows:
        return []
    taken = set(DailyDispatch.objects.filter(_dispatch_filter(rows)).values_list("week_id", "day", "kind"))
    fresh = {}
    for row in rows:
        key = (row.week_id, row.day, row.kind)
        if key not in taken:
            fresh.setdefault(key, row)
    return list(fresh.values())


def _claim(model, rows: list, *, stamp: dt.datetime, scope_filter: Q) -> list[int]:
    """Insert the rows, skipping any another tick inserted meanwhile, and return the ids of
    the pending rows this tick inserted (recognised by their ``created_at`` stamp)."""
    if not rows:
        return []
    for row in rows:
        row.created_at = stamp
    model.objects.bulk_create(rows, ignore_conflicts=True)
    mine = model.objects.filter(scope_filter, created_at=stamp, status=Reminder.Status.PENDING)
    return list(mine.order_by("pk").values_list("pk", flat=True))


def _enqueue(*, reminder_ids: list[int], dispatch_ids: list[int]) -> None:
    for chunk in _batches(reminder_ids):
        try:
            enqueue("submissions.deliver_reminders", reminder_ids=chunk)
        except BROKER_ERRORS:
            log.warning(
                "reminders: could not enqueue %d sends; unclaimed for the next tick",
                len(chunk),
                exc_info=True,
            )
            # Still pending means not delivered: delivery hands a row over in one transaction.
            Reminder.objects.filter(pk__in=chunk, status=Reminder.Status.PENDING).delete()
    for dispatch_id in dispatch_ids:
        try:
            enqueue("submissions.send_dispatch", dispatch_id=dispatch_id)
        except BROKER_ERRORS:
            log.warning(
                "dispatch %s: could not enqueue; unclaimed for the next tick", dispatch_id, exc_info=True
            )
            DailyDispatch.objects.filter(pk=dispatch_id, status=Reminder.Status.PENDING).delete()


def reminders_sweep_stuck(*, now: dt.datetime | None = None) -> tuple[list[int], list[int]]:
    """Enqueue again the deliveries claimed but still pending after ``PENDING_TOO_LONG``: a
    process died between the tick's commit and its enqueue, the message was lost with the
    broker, or a delivery died and rolled back.

    Safe beside a live delivery: delivery takes only pending rows under a row lock and
    re-checks that each reminder is still wanted, so nothing goes twice or stale. Side
    effects: delivery tasks enqueued. Returns the reminder and dispatch ids enqueued.
    """
    now = now or timezone.now()
    cutoff = now - PENDING_TOO_LONG
    reminder_ids = list(
        Reminder.objects.filter(status=Reminder.Status.PENDING, created_at__lt=cutoff)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    dispatch_ids = list(
        DailyDispatch.objects.filter(status=Reminder.Status.PENDING, created_at__lt=cutoff)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    _enqueue(reminder_ids=reminder_ids, dispatch_ids=dispatch_ids)
    return reminder_ids, dispatch_ids


def _batches(ids: list[int]) -> Iterable[list[int]]:
    """Chunks of ``BATCH_SIZE`` ids (ids are in insertion order: a unit's webhook rows stay close)."""
    iterator = iter(ids)
    while chunk := list(islice(iterator, BATCH_SIZE)):
        yield chunk


# --- Office mailings (digest, bulletin) -----------------------------------------------------


def dispatch_send(*, dispatch_id: int) -> DailyDispatch | None:
    """Hand one claimed office mailing to the outbox with the sender its kind names in
    ``due_work()``.

    The row is locked while its messages are written, so two deliveries of the same task
    write them once; the outbox sends each once. Side effects: the sender's outbox messages
    (one per recipient); the row's status (handed over, skipped with the sender's reason,
    or failed with the error), reason and time. Returns the row, or None when it was not
    pending any more.
    """
    senders = {work.kind: work.send for work in due_work() if work.kind}
    with transaction.atomic():
        dispatch = (
            DailyDispatch.objects.select_for_update(of=("self",))
            .filter(pk=dispatch_id, status=Reminder.Status.PENDING)
            .select_related("week")
            .first()
        )
        if dispatch is None:
            return None
        send = senders.get(dispatch.kind)
        try:
            # A savepoint: a sender that breaks halfway leaves none of its messages behind.
            with transaction.atomic():
                if send is None:
                    raise LookupError(f"no sender for {dispatch.kind!r}")
                skipped = send(dispatch=dispatch)
        except Exception as error:  # noqa: BLE001 - recorded for the office
            log.warning("dispatch %s failed", dispatch.pk, exc_info=True)
            status, reason = Reminder.Status.FAILED, describe_error(error)
        else:
            status, reason = (
                (Reminder.Status.SKIPPED, skipped) if skipped else (Reminder.Status.HANDED_OVER, "")
            )
        dispatch.status, dispatch.reason = status, reason
        dispatch.sent_at = timezone.now() if status == Reminder.Status.HANDED_OVER else None
        dispatch.save(update_fields=["status", "reason", "sent_at"])
    return dispatch
