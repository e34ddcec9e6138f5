"""Delivering claimed reminders: in-site notices here, e-mail and group-robot messages
through the outbox (``core.outbox``), which sends each once.

``reminders_deliver`` takes the rows still pending under a row lock and, in that one
transaction, re-checks that each notice is still wanted (report not submitted meanwhile,
event still approved, slot not stale after a worker outage), creates the in-site notices,
writes the outbox messages and records each row: sent (in-site), handed over (with its
outbox message), skipped or failed, with the reason. A task delivered twice finds nothing
pending the second time; a delivery that dies rolls back whole and is swept up again.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Prefetch
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from core.mail import absolute_url, render_message
from core.models import OutboxMessage
from core.outbox import Outgoing, outbox_key, outbox_write_many, short_hash
from core.webhooks import describe_error
from events.models import Event, EventPartner, Notice, Week

from .. import deadlines
from ..models import DailyReport, Reminder
from .reminders import OVERDUE
from .reports import missing_items

log = logging.getLogger(__name__)

# Events listed in one group-robot message: WeCom caps a text message at 2,048 bytes.
WEBHOOK_EVENTS_PER_MESSAGE = 8
WEBHOOK_MAX_BYTES = 2000


def reminders_deliver(*, reminder_ids: Sequence[int]) -> None:
    """Deliver the given reminders that are still pending, each once.

    Side effects, in one transaction under row locks: in-site ``Notice`` rows; e-mails and
    robot messages written to the outbox (sent by its worker after commit); each row's
    status, reason, outbox message and time. A channel whose hand-over breaks unexpectedly
    (a template that does not render) fails its own rows, with the reason, and the other
    channels still go.
    """
    with transaction.atomic():
        rows = list(
            Reminder.objects.select_for_update(of=("self",))
            .filter(pk__in=list(reminder_ids), status=Reminder.Status.PENDING)
            .select_related("event__week", "event__host", "event__reporter", "recipient")
            .prefetch_related(
                Prefetch(
                    "event__partners", queryset=EventPartner.objects.select_related("organizer", "reporter")
                )
            )
            .order_by("pk")
        )
        if not rows:
            return
        reports = _reports_for(rows)
        now = timezone.now()
        by_channel = defaultdict(list)
        for row in rows:
            reason = _no_longer_wanted(row, reports.get((row.event_id, row.day)), now=now)
            if reason is None:
                by_channel[row.channel].append(row)
            else:
                row.status, row.reason = Reminder.Status.SKIPPED, reason
        messages = _Messages(reports)
        channels = (
            (Reminder.Channel.SITE, _deliver_site),
            (Reminder.Channel.EMAIL, _hand_over_email),
            (Reminder.Channel.WEBHOOK, _hand_over_webhooks),
        )
        for channel, deliver in channels:
            _deliver_guarded(by_channel[channel], deliver, messages, now=now)
        Reminder.objects.bulk_update(rows, ["status", "reason", "outbox", "sent_at"])


def _deliver_guarded(rows: list[Reminder], deliver, messages: _Messages, *, now: dt.datetime) -> None:
    """Run one channel's delivery in a savepoint, so that an unexpected error undoes that
    channel's writes and fails its rows instead of leaving them pending for ever and
    stopping the other channels."""
    if not rows:
        return
    try:
        with transaction.atomic():
            deliver(rows, messages, now=now)
    except Exception as error:  # noqa: BLE001 - recorded on the rows for the office
        log.exception("reminders: delivery of %d %s reminders failed", len(rows), rows[0].channel)
        reason = _("发送出错：%(error)s") % {"error": describe_error(error)}
        for row in rows:
            row.status, row.reason, row.outbox, row.sent_at = Reminder.Status.FAILED, reason, None, None


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
            "name": row.recipient.display_name if row.recipient else _contact_name(event, row.address),
            "week": event.week,
        }

    def for_row(self, row: Reminder) -> Message:
        # No recipient: a contact person, told apart by the address.
        key = (row.event_id, row.day, row.slot, row.recipient_id, "" if row.recipient_id else row.address)
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


def _contact_name(event: Event, address: str) -> str:
    """The contact person whose e-mail ``address`` is (the lead host's, or a co-host's)."""
    wanted = address.strip().lower()
    for name, _phone, email in event.contacts:
        if email and email.strip().lower() == wanted:
            return name
    return event.contact_name


def _unit_of_webhook(event: Event, address: str):
    """The reporting unit whose group robot ``address`` is (the lead host by default)."""
    for unit in [event.host, *(p.organizer for p in event.reporting_partners)]:
        if unit.webhook_url == address:
            return unit
    return event.host


def _unit_reporter(event: Event, unit):
    """The reporter ``unit`` named for the event, else the lead host's."""
    for partner in event.reporting_partners:
        if partner.organizer_id == unit.pk and partner.reporter_id:
            return partner.reporter
    return event.reporter


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
    """In-site notices: the portal delivers them itself, so they are sent at once."""
    notices = []
    for row in rows:
        message = messages.for_row(row)
        notices.append(
            Notice(
                recipient=row.recipient,
                title=message.subject[:200],
                body=message.text,
                url=message.url,
                created_at=now,
            )
        )
        row.status, row.reason, row.sent_at = Reminder.Status.SENT, "", now
    Notice.objects.bulk_create(notices)


def _hand_over_email(rows: list[Reminder], messages: _Messages, *, now: dt.datetime) -> None:
    """One outbox message per address and notice; a reporter who is also the contact
    person gets it once (the key names the address, not the row)."""
    keys = {}
    outgoing = []
    for row in rows:
        message = messages.for_row(row)
        keys[row.pk] = outbox_key(
            "reminder", "email", row.address.strip().lower(), row.event_id, row.day.isoformat(), row.slot
        )
        outgoing.append(
            Outgoing(
                key=keys[row.pk],
                to=(row.address.strip(),),
                subject=message.subject,
                text=message.text,
                html=message.html,
            )
        )
    _record_handed_over(rows, keys, outbox_write_many(messages=outgoing), now=now)


def _hand_over_webhooks(rows: list[Reminder], messages: _Messages, *, now: dt.datetime) -> None:
    """One robot message per unit (webhook address) and slot, listing up to
    ``WEBHOOK_EVENTS_PER_MESSAGE`` events, so a unit with many events stays under the
    robots' 20-messages-a-minute limit. A chunk's key ends in its first reminder's id: a
    reminder is in one chunk only, so two chunks never share a key."""
    groups = defaultdict(list)
    for row in rows:
        groups[(row.address, row.slot)].append(row)
    keys = {}
    outgoing = []
    for (address, slot), group in groups.items():
        for start in range(0, len(group), WEBHOOK_EVENTS_PER_MESSAGE):
            chunk = group[start : start + WEBHOOK_EVENTS_PER_MESSAGE]
            first = chunk[0]
            key = outbox_key(
                "reminder", "webhook", short_hash(address), first.day.isoformat(), slot, first.pk
            )
            text = _webhook_text(chunk, messages)
            outgoing.append(
                Outgoing(
                    key=key,
                    to=(address,),
                    subject=f"{_unit_of_webhook(first.event, address).name} · {text.splitlines()[0]}",
                    text=text,
                    channel=OutboxMessage.Channel.WEBHOOK,
                )
            )
            keys.update((row.pk, key) for row in chunk)
    _record_handed_over(rows, keys, outbox_write_many(messages=outgoing), now=now)


def _record_handed_over(
    rows: list[Reminder], keys: dict[int, str], stored: dict[str, OutboxMessage], *, now: dt.datetime
) -> None:
    for row in rows:
        row.outbox = stored[keys[row.pk]]
        row.status, row.reason, row.sent_at = Reminder.Status.HANDED_OVER, "", now


def _webhook_text(rows: list[Reminder], messages: _Messages) -> str:
    first = rows[0]
    week = first.event.week
    items = []
    for row in rows:
        context = messages.context(row)
        reporter = _unit_reporter(row.event, _unit_of_webhook(row.event, row.address))
        context["name"] = reporter.display_name if reporter else row.event.contact_name
        items.append(
            {**context, "url": absolute_url(reverse("reports:detail", args=[row.event_id, row.day]))}
        )
    with translation.override(settings.LANGUAGE_CODE), timezone.override(week.zone):
        text = render_to_string(
            "submissions/reminders/webhook.txt", {"items": items, "overdue": first.slot == OVERDUE}
        ).strip()
    encoded = text.encode()
    if len(encoded) > WEBHOOK_MAX_BYTES:
        text = encoded[: WEBHOOK_MAX_BYTES - 3].decode(errors="ignore") + "…"
    return text
