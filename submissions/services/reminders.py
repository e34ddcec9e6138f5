"""Reminders before the daily deadline, overdue notices, and the tick that finds what is due.

Celery beat runs ``reminders_tick`` every minute (task ``submissions.reminders_tick``), and
so does ``manage.py send_reminders``. One tick:

1. reads its scope (``tick_scope``): the weeks around ``now``, their approved events and
   the status of each event day's report, in a fixed number of queries however many event
   days there are;
2. asks each entry of ``due_work()`` what is due now (reminder slots inside their grace
   period, overdue notices, the office's digest) as unsaved ``Reminder`` and
   ``DailyDispatch`` rows, all computed in Python from the scope;
3. claims the rows nobody claimed yet (one bulk insert per model, conflicts ignored under
   the unique constraints) and, after commit, enqueues the sends of the rows it claimed.

Sending (``reminders_deliver``) claims once more per attempt (``attempts`` goes from n-1
to n under a row lock), so a task delivered twice sends once. It re-checks that the
notice is still wanted (report not submitted meanwhile, event still approved, slot not
stale after a worker outage) and records per row: sent, skipped (with the reason) or
failed (with the reason). E-mail and webhook errors that may pass are retried with
backoff a bounded number of times (``tasks.reminders.retry_reminders_task``); one channel
failing never holds back another.
"""
from __future__ import annotations

import datetime as dt
import json
import logging
import smtplib
import urllib.error
import urllib.request
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import partial
from itertools import islice

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from kombu.exceptions import OperationalError

from events.models import Event, Notice, Week
from events.notifications import _render as render_message
from events.notifications import absolute_url

from .. import deadlines
from ..models import DailyDispatch, DailyReport, Reminder
from .reports import missing_items

log = logging.getLogger(__name__)

OVERDUE = "overdue"
# Overdue notices and the digest still go this long after their time (catching up after an
# outage); reminder slots only within the week's grace period.
CATCH_UP = dt.timedelta(hours=24)
# Reminder ids per delivery task: big enough that 2,000 event days make ~20 tasks.
BATCH_SIZE = 200
# Events listed in one group-robot message: WeCom caps a text message at 2,048 bytes.
WEBHOOK_EVENTS_PER_MESSAGE = 8
WEBHOOK_MAX_BYTES = 2000
WEBHOOK_TIMEOUT_SECONDS = 10
# Robot error codes that mean "too many messages, try later" (WeCom 45009, DingTalk 130101).
WEBHOOK_RATE_LIMIT_CODES = {45009, 130101}
# Attempts in all: the first delivery plus the retries of retry_reminders_task.
MAX_SEND_ATTEMPTS = 4
# What ``delay()`` raises when the broker cannot be reached (after the publish retry policy).
BROKER_ERRORS = (OperationalError, OSError)


class TemporarySendError(Exception):
    """A send failed in a way that may pass (mail server away, robot answering 5xx)."""


# --- Scope: what one tick looks at ------------------------------------------------------


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
    caught up for a day). Three queries, whatever the number of event days."""
    weeks = list(
        Week.objects.filter(starts_on__lte=now.date() + dt.timedelta(days=1), ends_on__gte=now.date() - dt.timedelta(days=3))
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
        for day in event.days:
            if lo <= day <= hi:
                due = deadlines.due_at(event, day)
                event_days.append(DueDay(event=event, day=day, due=due, report_status=statuses.get((event.pk, day))))
    return TickScope(now=now, weeks=weeks, event_days=event_days)


def _day_window(week: Week, now: dt.datetime) -> tuple[dt.date, dt.date]:
    today = now.astimezone(week.zone).date()
    return today - dt.timedelta(days=2), today


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
    """The rows of one notice: the reporter's in-site notice and e-mail, the contact
    person's e-mail, and the unit's group robot. A missing address is a skipped row, so the
    office sees who could not be reached."""
    event = due_day.event
    reporter = event.reporter

    def row(channel: str, *, recipient=None, address: str = "", skip: str = "") -> Reminder:
        return Reminder(
            event=event, day=due_day.day, slot=slot, channel=channel, recipient=recipient, address=address,
            status=Reminder.Status.SKIPPED if skip else Reminder.Status.PENDING, reason=skip,
        )

    rows = []
    if reporter is None:
        rows.append(row(Reminder.Channel.SITE, skip=_("活动未指定信息报送员，无人可提醒。")))
    elif not reporter.is_active:
        rows.append(row(Reminder.Channel.SITE, recipient=reporter, skip=_("信息报送员的账号已停用。")))
    else:
        rows.append(row(Reminder.Channel.SITE, recipient=reporter))
        rows.append(
            row(
                Reminder.Channel.EMAIL, recipient=reporter, address=reporter.email,
                skip="" if reporter.email else _("信息报送员没有填写邮箱地址。"),
            )
        )
    contact_email = event.contact_email.strip()
    same_person = reporter is not None and contact_email.lower() == reporter.email.strip().lower()
    if contact and not same_person:
        rows.append(
            row(Reminder.Channel.EMAIL, address=contact_email, skip="" if contact_email else _("联系人没有填写邮箱地址。"))
        )
    if event.host.webhook_url:
        rows.append(row(Reminder.Channel.WEBHOOK, address=event.host.webhook_url))
    return rows


@dataclass(frozen=True)
class DueWork:
    """One kind of work the tick does: ``find(scope=...)`` returns the rows due now.

    Rows of ``DailyDispatch`` name a ``kind``; their sender ``send(*, dispatch)``
    is called by the dispatch task: it returns None once sent, or a reason to skip, and
    raises ``TemporarySendError`` for what may pass (retried with backoff).
    """

    find: Callable[..., list]
    kind: str = ""
    send: Callable[..., None] | None = None


def due_work() -> tuple[DueWork, ...]:
    """Everything the tick does. The daily bulletin joins with one more line here:
    ``DueWork(find=bulletins_due, kind=DailyDispatch.Kind.BULLETIN, send=bulletin_send)``."""
    from . import digest  # digest builds on this module's helpers

    return (
        DueWork(find=slot_reminders_due),
        DueWork(find=overdue_notices_due),
        DueWork(find=digest.digests_due, kind=DailyDispatch.Kind.DIGEST, send=digest.digest_send),
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
        reminder_ids = _claim(Reminder, result.reminders, stamp=stamp, scope_filter=_reminder_filter(result.reminders))
        dispatch_ids = _claim(
            DailyDispatch, result.dispatches, stamp=stamp, scope_filter=_dispatch_filter(result.dispatches)
        )
        transaction.on_commit(partial(_enqueue, reminder_ids=reminder_ids, dispatch_ids=dispatch_ids))
    return result


def _reminder_key(row: Reminder) -> tuple:
    return row.event_id, row.day, row.slot, row.channel, row.recipient_id


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
    taken = set(
        Reminder.objects.filter(_reminder_filter(rows)).values_list("event_id", "day", "slot", "channel", "recipient_id")
    )
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
    if model is Reminder:
        mine = mine.filter(attempts=0)
    return list(mine.order_by("pk").values_list("pk", flat=True))


def _enqueue(*, reminder_ids: list[int], dispatch_ids: list[int]) -> None:
    from ..tasks.reminders import deliver_reminders_task, send_dispatch_task

    for chunk in _batches(reminder_ids):
        try:
            deliver_reminders_task.delay(reminder_ids=chunk)
        except BROKER_ERRORS:
            log.warning("reminders: could not enqueue %d sends; unclaimed for the next tick", len(chunk), exc_info=True)
            Reminder.objects.filter(pk__in=chunk, status=Reminder.Status.PENDING, attempts=0).delete()
    for dispatch_id in dispatch_ids:
        try:
            send_dispatch_task.delay(dispatch_id=dispatch_id)
        except BROKER_ERRORS:
            log.warning("dispatch %s: could not enqueue; unclaimed for the next tick", dispatch_id, exc_info=True)
            DailyDispatch.objects.filter(pk=dispatch_id, status=Reminder.Status.PENDING).delete()


def _batches(ids: list[int]) -> Iterable[list[int]]:
    """Chunks of ``BATCH_SIZE`` ids (ids are in insertion order: a unit's webhook rows stay close)."""
    iterator = iter(ids)
    while chunk := list(islice(iterator, BATCH_SIZE)):
        yield chunk


# --- Delivery ------------------------------------------------------------------------------


@dataclass
class _Outcome:
    sent: list[int] = field(default_factory=list)
    skipped: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    failed: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    retry: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))


def reminders_deliver(*, reminder_ids: Sequence[int], attempt: int = 1, final: bool = False) -> list[int]:
    """Send the given reminders (attempt number ``attempt``) and record the outcome of each.

    Only rows still pending whose ``attempts`` is ``attempt - 1`` are taken (and moved to
    ``attempt`` under a row lock), so running the same delivery twice sends once. Side
    effects: in-site ``Notice`` rows, e-mails, webhook POSTs; each row's status, reason and
    sent time. Returns the ids whose send failed in a way that may pass and that should be
    tried again (none when ``final``: those are recorded as failed).
    """
    with transaction.atomic():
        claimed = list(
            Reminder.objects.select_for_update()
            .filter(pk__in=list(reminder_ids), status=Reminder.Status.PENDING, attempts=attempt - 1)
            .values_list("pk", flat=True)
        )
        Reminder.objects.filter(pk__in=claimed).update(attempts=attempt)
    if not claimed:
        return []
    rows = list(
        Reminder.objects.filter(pk__in=claimed).select_related("event__week", "event__host", "recipient").order_by("pk")
    )
    reports = _reports_for(rows)
    now = timezone.now()
    outcome = _Outcome()
    live = []
    for row in rows:
        reason = _no_longer_wanted(row, reports.get((row.event_id, row.day)), now=now)
        if reason is None:
            live.append(row)
        elif attempt > 1:
            outcome.failed[_("%(reason)s 之前的发送未成功，不再重试。") % {"reason": reason}].append(row.pk)
        else:
            outcome.skipped[reason].append(row.pk)
    messages = _Messages(reports)
    by_channel = defaultdict(list)
    for row in live:
        by_channel[row.channel].append(row)
    _deliver_site(by_channel[Reminder.Channel.SITE], messages, now=now)
    _deliver_email(by_channel[Reminder.Channel.EMAIL], messages, outcome)
    _deliver_webhooks(by_channel[Reminder.Channel.WEBHOOK], messages, outcome)
    return _record(outcome, now=now, attempt=attempt, final=final)


def _reports_for(rows: list[Reminder]) -> dict[tuple[int, dt.date], DailyReport]:
    events = {row.event_id: row.event for row in rows}
    reports = DailyReport.objects.filter(
        event_id__in=list(events), day__in={row.day for row in rows}
    ).prefetch_related("media", "leaders")
    by_key = {}
    for report in reports:
        report.event = events[report.event_id]  # its week is loaded already
        by_key[(report.event_id, report.day)] = report
    return by_key


def slot_time(row: Reminder, week: Week) -> dt.datetime | None:
    """When a slot reminder's slot was, in the week's zone (None for an overdue notice)."""
    if row.slot == OVERDUE:
        return None
    due = deadlines.due_at(row.event, row.day)
    return week.at(due.date(), dt.time.fromisoformat(row.slot))


def _no_longer_wanted(row: Reminder, report: DailyReport | None, *, now: dt.datetime) -> str | None:
    """Why a claimed reminder should not go now after all, or None."""
    event = row.event
    if event.status != Event.Status.APPROVED:
        return _("活动已不在发布状态（%(status)s）。") % {"status": event.get_status_display()}
    if report is not None and report.status != DailyReport.Status.DRAFT:
        return _("当天信息已报送，无需提醒。")
    if row.recipient is not None and not row.recipient.is_active:
        return _("信息报送员的账号已停用。")
    week = event.week
    slot_at = slot_time(row, week)
    if slot_at is not None and now >= slot_at + dt.timedelta(minutes=week.reminder_grace_minutes):
        late = int((now - slot_at).total_seconds() // 60)
        return _("提醒时间已过 %(minutes)d 分钟，不再补发。") % {"minutes": late}
    return None


@dataclass(frozen=True)
class Message:
    subject: str
    text: str
    html: str
    url: str


class _Messages:
    """Renders each distinct notice once (the in-site notice and the e-mail share it)."""

    def __init__(self, reports: dict[tuple[int, dt.date], DailyReport]):
        self.reports = reports
        self.cache: dict[tuple, Message] = {}

    def context(self, row: Reminder) -> dict:
        event = row.event
        report = self.reports.get((row.event_id, row.day))
        media = list(report.media.all()) if report is not None else []
        return {
            "event": event,
            "day": row.day,
            "due": deadlines.due_at(event, row.day),
            "overdue": row.slot == OVERDUE,
            "missing": missing_items(report, media=media),
            "name": row.recipient.display_name if row.recipient else event.contact_name,
        }

    def for_row(self, row: Reminder) -> Message:
        key = (row.event_id, row.day, row.slot, row.recipient_id)  # no recipient: the contact person
        if key not in self.cache:
            context = self.context(row)
            url = reverse("reports:detail", args=[row.event_id, row.day])
            template = "submissions/emails/overdue" if context["overdue"] else "submissions/emails/reminder"
            week = row.event.week
            with translation.override(settings.LANGUAGE_CODE), timezone.override(week.zone):
                subject = _subject(context)
                text, html = render_message(template, context, url)
            self.cache[key] = Message(subject=subject, text=text, html=html, url=url)
        return self.cache[key]


def _subject(context: dict) -> str:
    event, due = context["event"], context["due"]
    values = {
        "title": event.subtitle,
        "day": formats.date_format(context["day"], "MONTH_DAY_FORMAT"),
        "deadline": f"{formats.date_format(due, 'MONTH_DAY_FORMAT')} {formats.time_format(due, 'H:i')}",
    }
    if context["overdue"]:
        return _("【双创周】“%(title)s”%(day)s的活动信息已逾期未报送") % values
    return _("【双创周】请在%(deadline)s前报送“%(title)s”%(day)s的活动信息") % values


def _deliver_site(rows: list[Reminder], messages: _Messages, *, now: dt.datetime) -> None:
    """In-site notices: created and recorded in one transaction (no retry needed)."""
    if not rows:
        return
    notices = []
    for row in rows:
        message = messages.for_row(row)
        notices.append(Notice(recipient=row.recipient, title=message.subject[:200], body=message.text, url=message.url, created_at=now))
    with transaction.atomic():
        Notice.objects.bulk_create(notices)
        Reminder.objects.filter(pk__in=[row.pk for row in rows]).update(status=Reminder.Status.SENT, sent_at=now, reason="")


def _deliver_email(rows: list[Reminder], messages: _Messages, outcome: _Outcome) -> None:
    """One mail connection for the batch; each message's failure is its own."""
    if not rows:
        return
    connection = get_connection()
    try:
        connection.open()
    except Exception as error:  # noqa: BLE001 - any failure to reach the server may pass
        reason = _describe(error)
        outcome.retry[_("无法连接邮件服务器：%(error)s") % {"error": reason}] += [row.pk for row in rows]
        return
    try:
        for row in rows:
            message = messages.for_row(row)
            try:
                email_send(to=[row.address], subject=message.subject, text=message.text, html=message.html, connection=connection)
            except TemporarySendError as error:
                outcome.retry[str(error)].append(row.pk)
            except Exception as error:  # noqa: BLE001 - recorded on the row, never blocks the others
                log.warning("reminder %s: e-mail failed", row.pk, exc_info=True)
                outcome.failed[_describe(error)].append(row.pk)
            else:
                outcome.sent.append(row.pk)
    finally:
        try:
            connection.close()
        except Exception:  # noqa: BLE001
            log.debug("closing the mail connection failed", exc_info=True)


def email_send(*, to: list[str], subject: str, text: str, html: str = "", connection=None) -> None:
    """Send one e-mail now. Raises TemporarySendError for what may pass (server away, 4xx
    SMTP answers); any other exception is a failure to record as it is."""
    subject = " ".join(str(subject).split())
    message = EmailMultiAlternatives(subject=subject, body=text, to=to, connection=connection)
    if html:
        message.attach_alternative(html, "text/html")
    try:
        message.send()
    except smtplib.SMTPRecipientsRefused:
        raise
    except (smtplib.SMTPException, OSError) as error:
        raise TemporarySendError(_("邮件发送失败：%(error)s") % {"error": _describe(error)}) from error


def _describe(error: BaseException) -> str:
    return f"{type(error).__name__}: {error}"[:300]


def _deliver_webhooks(rows: list[Reminder], messages: _Messages, outcome: _Outcome) -> None:
    """One robot message per unit (webhook address) and slot, listing up to
    ``WEBHOOK_EVENTS_PER_MESSAGE`` events, so a unit with many events stays under the
    robots' 20-messages-a-minute limit."""
    groups = defaultdict(list)
    for row in rows:
        groups[(row.address, row.slot)].append(row)
    for (address, _slot), group in groups.items():
        for start in range(0, len(group), WEBHOOK_EVENTS_PER_MESSAGE):
            chunk = group[start : start + WEBHOOK_EVENTS_PER_MESSAGE]
            ids = [row.pk for row in chunk]
            try:
                webhook_post(url=address, content=_webhook_text(chunk, messages))
            except TemporarySendError as error:
                outcome.retry[str(error)] += ids
            except Exception as error:  # noqa: BLE001 - recorded on the rows
                outcome.failed[str(error) if isinstance(error, WebhookRejected) else _describe(error)] += ids
            else:
                outcome.sent += ids


def _webhook_text(rows: list[Reminder], messages: _Messages) -> str:
    first = rows[0]
    week = first.event.week
    items = []
    for row in rows:
        context = messages.context(row)
        reporter = row.event.reporter
        context["name"] = reporter.display_name if reporter else row.event.contact_name
        items.append({**context, "url": absolute_url(reverse("reports:detail", args=[row.event_id, row.day]))})
    with translation.override(settings.LANGUAGE_CODE), timezone.override(week.zone):
        text = render_to_string("submissions/reminders/webhook.txt", {"items": items, "overdue": first.slot == OVERDUE}).strip()
    encoded = text.encode()
    if len(encoded) > WEBHOOK_MAX_BYTES:
        text = encoded[: WEBHOOK_MAX_BYTES - 3].decode(errors="ignore") + "…"
    return text


class WebhookRejected(Exception):
    """The robot refused the message for good (4xx, or an error code in its answer)."""


def webhook_post(*, url: str, content: str) -> None:
    """POST a text message in the format WeCom and DingTalk group robots accept.

    Raises TemporarySendError on 5xx, 429, rate-limit codes and connection errors, and
    WebhookRejected on other 4xx answers or an ``errcode`` other than 0.
    """
    body = json.dumps({"msgtype": "text", "text": {"content": content}}, ensure_ascii=False).encode()
    request = urllib.request.Request(url, data=body, method="POST", headers={"Content-Type": "application/json; charset=utf-8"})
    try:
        with urllib.request.urlopen(request, timeout=WEBHOOK_TIMEOUT_SECONDS) as response:  # noqa: S310 - office-configured URL
            answer = response.read(65536)
    except urllib.error.HTTPError as error:
        if error.code >= 500 or error.code == 429:
            raise TemporarySendError(_("群机器人返回 HTTP %(code)d。") % {"code": error.code}) from error
        raise WebhookRejected(_("群机器人拒绝了消息：HTTP %(code)d。") % {"code": error.code}) from error
    except (urllib.error.URLError, OSError) as error:
        raise TemporarySendError(_("无法连接群机器人：%(error)s") % {"error": _describe(error)}) from error
    try:
        payload = json.loads(answer or b"{}")
    except ValueError:
        return
    code = payload.get("errcode", 0) if isinstance(payload, dict) else 0
    if code in (0, None):
        return
    message = _("群机器人返回错误 %(code)s：%(message)s") % {"code": code, "message": payload.get("errmsg", "")}
    if code in WEBHOOK_RATE_LIMIT_CODES:
        raise TemporarySendError(message)
    raise WebhookRejected(message)


def _record(outcome: _Outcome, *, now: dt.datetime, attempt: int, final: bool) -> list[int]:
    if outcome.sent:
        Reminder.objects.filter(pk__in=outcome.sent).update(status=Reminder.Status.SENT, sent_at=now, reason="")
    for reason, ids in outcome.skipped.items():
        Reminder.objects.filter(pk__in=ids).update(status=Reminder.Status.SKIPPED, reason=reason)
    for reason, ids in outcome.failed.items():
        Reminder.objects.filter(pk__in=ids).update(status=Reminder.Status.FAILED, reason=reason)
    retry = []
    for reason, ids in outcome.retry.items():
        if final:
            text = _("%(reason)s（共尝试 %(attempts)d 次，已放弃）") % {"reason": reason, "attempts": attempt}
            Reminder.objects.filter(pk__in=ids).update(status=Reminder.Status.FAILED, reason=text)
        else:
            text = _("第 %(attempt)d 次发送失败：%(reason)s 稍后重试。") % {"attempt": attempt, "reason": reason}
            Reminder.objects.filter(pk__in=ids).update(reason=text)
            retry += ids
    return retry


# --- Office mailings (digest, bulletin) -----------------------------------------------------


def dispatch_send(*, dispatch_id: int, final: bool = False) -> DailyDispatch | None:
    """Send one claimed office mailing with the sender its kind names in ``due_work()``.

    The row is locked while it is sent, so two deliveries of the same task send once. A
    sender returns None when it sent, or the reason it had nothing to send (recorded as
    skipped). Side effects: the sender's (an e-mail); the row's status, reason, sent time.
    Raises TemporarySendError to be retried, except when ``final`` (recorded as failed).
    """
    senders = {work.kind: work.send for work in due_work() if work.kind}
    retry: TemporarySendError | None = None
    with transaction.atomic():
        dispatch = (
            DailyDispatch.objects.select_for_update()
            .filter(pk=dispatch_id, status=Reminder.Status.PENDING)
            .select_related("week")
            .first()
        )
        if dispatch is None:
            return None
        status, reason = Reminder.Status.SENT, ""
        send = senders.get(dispatch.kind)
        try:
            if send is None:
                raise LookupError(f"no sender for {dispatch.kind!r}")
            skipped = send(dispatch=dispatch)
            if skipped:
                status, reason = Reminder.Status.SKIPPED, skipped
        except TemporarySendError as error:
            if final:
                status, reason = Reminder.Status.FAILED, str(error)
            else:
                status, reason, retry = Reminder.Status.PENDING, str(error), error
        except Exception as error:  # noqa: BLE001 - recorded for the office
            log.warning("dispatch %s failed", dispatch.pk, exc_info=True)
            status, reason = Reminder.Status.FAILED, _describe(error)
        dispatch.status, dispatch.reason = status, reason
        dispatch.sent_at = timezone.now() if status == Reminder.Status.SENT else None
        dispatch.save(update_fields=["status", "reason", "sent_at"])
    if retry is not None:
        raise retry
    return dispatch
