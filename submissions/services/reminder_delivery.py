"""Delivering claimed reminders: in-site notices, e-mail and group-robot messages.

``reminders_deliver`` claims once more per attempt (``attempts`` goes from n-1 to n under a
row lock), so a task delivered twice sends once. It re-checks that each notice is still
wanted (report not submitted meanwhile, event still approved, slot not stale after a
worker outage) and records per row: sent, skipped or failed, with the reason.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import get_connection
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from core.mail import absolute_url, render_message
from events.models import Event, Notice, Week

from .. import deadlines
from ..models import DailyReport, Reminder
from .channels import TemporarySendError, WebhookRejected, describe_error, email_send, webhook_post
from .reminders import OVERDUE
from .reports import missing_items

log = logging.getLogger(__name__)

# Events listed in one group-robot message: WeCom caps a text message at 2,048 bytes.
WEBHOOK_EVENTS_PER_MESSAGE = 8
WEBHOOK_MAX_BYTES = 2000


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
        Reminder.objects.filter(pk__in=claimed)
        .select_related("event__week", "event__host", "recipient")
        .order_by("pk")
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
    channels = (
        (Reminder.Channel.SITE, lambda rows: _deliver_site(rows, messages, now=now)),
        (Reminder.Channel.EMAIL, lambda rows: _deliver_email(rows, messages, outcome)),
        (Reminder.Channel.WEBHOOK, lambda rows: _deliver_webhooks(rows, messages, outcome)),
    )
    for channel, deliver in channels:
        _deliver_guarded(by_channel[channel], deliver, outcome)
    return _record(outcome, now=now, attempt=attempt, final=final)


def _deliver_guarded(rows: list[Reminder], deliver, outcome: _Outcome) -> None:
    """Run one channel's delivery so that an unexpected error (a template that does not
    render, a database hiccup) fails that channel's rows not yet accounted for, instead of
    leaving them pending for ever and stopping the other channels."""
    try:
        deliver(rows)
    except Exception as error:  # noqa: BLE001 - recorded on the rows for the office
        log.exception(
            "reminders: delivery of %d %s reminders failed", len(rows), rows[0].channel if rows else ""
        )
        done = set(outcome.sent)
        for ids in (*outcome.skipped.values(), *outcome.failed.values(), *outcome.retry.values()):
            done.update(ids)
        reason = _("发送出错：%(error)s") % {"error": describe_error(error)}
        outcome.failed[reason] += [row.pk for row in rows if row.pk not in done]


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
        notices.append(
            Notice(
                recipient=row.recipient,
                title=message.subject[:200],
                body=message.text,
                url=message.url,
                created_at=now,
            )
        )
    with transaction.atomic():
        Notice.objects.bulk_create(notices)
        Reminder.objects.filter(pk__in=[row.pk for row in rows]).update(
            status=Reminder.Status.SENT, sent_at=now, reason=""
        )


def _deliver_email(rows: list[Reminder], messages: _Messages, outcome: _Outcome) -> None:
    """One mail connection for the batch; each message's failure is its own."""
    if not rows:
        return
    connection = get_connection()
    try:
        connection.open()
    except Exception as error:  # noqa: BLE001 - any failure to reach the server may pass
        reason = describe_error(error)
        outcome.retry[_("无法连接邮件服务器：%(error)s") % {"error": reason}] += [row.pk for row in rows]
        return
    try:
        for row in rows:
            message = messages.for_row(row)
            try:
                email_send(
                    to=[row.address],
                    subject=message.subject,
                    text=message.text,
                    html=message.html,
                    connection=connection,
                )
            except TemporarySendError as error:
                outcome.retry[str(error)].append(row.pk)
            except Exception as error:  # noqa: BLE001 - recorded on the row, never blocks the others
                log.warning("reminder %s: e-mail failed", row.pk, exc_info=True)
                outcome.failed[describe_error(error)].append(row.pk)
            else:
                outcome.sent.append(row.pk)
    finally:
        try:
            connection.close()
        except Exception:  # noqa: BLE001
            log.debug("closing the mail connection failed", exc_info=True)


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
                outcome.failed[
                    str(error) if isinstance(error, WebhookRejected) else describe_error(error)
                ] += ids
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


def _record(outcome: _Outcome, *, now: dt.datetime, attempt: int, final: bool) -> list[int]:
    if outcome.sent:
        Reminder.objects.filter(pk__in=outcome.sent).update(
            status=Reminder.Status.SENT, sent_at=now, reason=""
        )
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
            text = _("第 %(attempt)d 次发送失败：%(reason)s 稍后重试。") % {
                "attempt": attempt,
                "reason": reason,
            }
            Reminder.objects.filter(pk__in=ids).update(reason=text)
            retry += ids
    return retry
