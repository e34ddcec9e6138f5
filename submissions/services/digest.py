"""The office's daily digest, sent ``digest_delay_minutes`` after the day's deadline.

It covers every event day due at that deadline (the day's events, and the previous day's
evening events, which are due a day later; the last day's go in a digest of the day after
the period) plus the day's events not due yet (this evening's): how many came on time, late, are missing or not due; the missing events with
their reporter's phone; and the leaders present reported so far. The tick claims it as a
``DailyDispatch`` (one per week, day and kind); sending writes one outbox message per
recipient (key ``digest:<week>:<day>:<address>``), which the outbox sends once; and, when
``OFFICE_ROBOT_URL`` is set, one to the office's group robot (DingTalk or WeCom, signed with
``OFFICE_ROBOT_SECRET`` when given: DingTalk's 加签), a short text of the same digest.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from core.mail import absolute_url, render_message
from core.models import OutboxMessage
from core.outbox import outbox_key, outbox_write, short_hash
from core.roles import OFFICE_GROUP
from events.models import Event, User, Week

from .. import deadlines
from ..models import DailyDispatch, DailyReport, ReportLeader
from ..states import DayState, day_state
from .tick_scope import TickScope

# WeCom caps a robot's text message at 2,048 bytes (reminder_delivery.WEBHOOK_MAX_BYTES, not
# imported: reminders imports this module and reminder_delivery imports reminders).
ROBOT_MAX_BYTES = 2000


@dataclass
class DigestRow:
    event: Event
    day: dt.date
    due: dt.datetime
    report: DailyReport | None
    state: str

    @property
    def phone(self) -> str:
        return self.event.phone_to_call

    @property
    def reporter_name(self) -> str:
        reporter = self.event.reporter
        return reporter.display_name if reporter else self.event.contact_name


@dataclass
class Digest:
    week: Week
    day: dt.date
    at: dt.datetime
    on_time: list[DigestRow] = field(default_factory=list)
    late: list[DigestRow] = field(default_factory=list)
    missing: list[DigestRow] = field(default_factory=list)
    not_due: list[DigestRow] = field(default_factory=list)
    leaders: list[tuple[DigestRow, ReportLeader]] = field(default_factory=list)

    @property
    def counts(self) -> dict[str, int]:
        return {
            "on_time": len(self.on_time),
            "late": len(self.late),
            "missing": len(self.missing),
            "not_due": len(self.not_due),
        }


def digests_due(*, scope: TickScope) -> list[DailyDispatch]:
    """Today's digest of each week running today, once the deadline plus the delay has come;
    also on the day after the period when the last day's evening events are due then (a day
    with reports due and no digest would leave them uncounted). Caught up after an outage
    until the day ends; yesterday's is not sent the next day. No queries: the scope has the
    weeks and their event days."""
    due_after_period = {
        (due_day.event.week_id, due_day.due.astimezone(due_day.event.week.zone).date())
        for due_day in scope.event_days
        if due_day.due.astimezone(due_day.event.week.zone).date() > due_day.event.week.ends_on
    }
    rows = []
    for week in scope.weeks:
        today = scope.now.astimezone(week.zone).date()
        send_at = week.deadline_on(today) + dt.timedelta(minutes=week.digest_delay_minutes)
        running = week.starts_on <= today <= week.ends_on or (week.pk, today) in due_after_period
        if running and scope.now >= send_at:
            rows.append(DailyDispatch(week=week, day=today, kind=DailyDispatch.Kind.DIGEST))
    return rows


def digest_build(*, week: Week, day: dt.date, now: dt.datetime) -> Digest:
    """The digest of ``day`` as it stands at ``now``. Three queries."""
    yesterday = day - dt.timedelta(days=1)
    events = list(
        Event.objects.filter(
            week=week,
            status=Event.Status.APPROVED,
            starts_at__lt=week.at(day + dt.timedelta(days=1), dt.time.min),
            ends_at__gt=week.at(yesterday, dt.time.min),
        )
        .select_related("week", "host", "reporter")
        .order_by("starts_at", "id")
    )
    reports = {
        (report.event_id, report.day): report
        for report in DailyReport.objects.filter(
            event__in=events, day__range=(yesterday, day)
        ).prefetch_related("leaders")
    }
    digest = Digest(week=week, day=day, at=now)
    for event in events:
        for event_day in event.reporting_days:
            if event_day not in (yesterday, day):
                continue
            due = deadlines.due_at(event, event_day)
            if event_day != day and due.date() != day:
                continue  # yesterday's day-time events were in yesterday's digest
            report = reports.get((event.pk, event_day))
            row = DigestRow(
                event=event, day=event_day, due=due, report=report, state=day_state(report, due=due, now=now)
            )
            _file(digest, row)
    return digest


def _file(digest: Digest, row: DigestRow) -> None:
    state = row.state
    if state in (DayState.ACCEPTED, DayState.RETURNED):
        state = DayState.LATE if row.report.is_late else DayState.ON_TIME
    if state == DayState.ON_TIME:
        digest.on_time.append(row)
    elif state == DayState.LATE:
        digest.late.append(row)
    elif state == DayState.MISSING:
        digest.missing.append(row)
    else:
        digest.not_due.append(row)
    if row.report is not None and row.report.status != DailyReport.Status.DRAFT:
        digest.leaders += [(row, leader) for leader in row.report.leaders.all()]


def digest_recipients(*, week: Week) -> list[str]:
    """The week's digest recipients, else every active office reviewer with an address."""
    chosen = [str(address).strip() for address in week.digest_recipients or [] if "@" in str(address)]
    if chosen:
        return chosen
    return list(
        User.objects.filter(groups__name=OFFICE_GROUP, is_active=True)
        .exclude(email="")
        .order_by("email")
        .values_list("email", flat=True)
        .distinct()
    )


def digest_send(*, dispatch: DailyDispatch) -> str | None:
    """Write the day's digest to the outbox, one e-mail per recipient (the ``send`` of the
    digest's ``DueWork``, run in the dispatch's transaction).

    Side effects: the outbox messages, added to ``dispatch.outbox_messages``. Returns the
    reason when there is no one to send it to.
    """
    week = dispatch.week
    recipients = digest_recipients(week=week)
    robot = settings.OFFICE_ROBOT_URL
    if not recipients and not robot:
        return _("没有收件人：活动周未设置汇总收件人，也没有填写邮箱的市发改委审核人员。")
    digest = digest_build(week=week, day=dispatch.day, now=timezone.now())
    with translation.override(settings.LANGUAGE_CODE), timezone.override(week.zone):
        subject = _("【双创周】%(day)s信息报送汇总：按时%(on_time)d，逾期%(late)d，未报送%(missing)d") % {
            "day": formats.date_format(dispatch.day, "MONTH_DAY_FORMAT"),
            **digest.counts,
        }
        text, html = render_message(
            "submissions/emails/digest",
            {"digest": digest, "deadline": week.deadline_on(dispatch.day), "log_url": _log_url(dispatch.day)},
            reverse("board:home"),
        )
    dispatch.outbox_messages.add(
        *(
            outbox_write(
                to=[address],
                subject=subject,
                text=text,
                html=html,
                key=outbox_key("digest", week.pk, dispatch.day.isoformat(), address.lower()),
            )
            for address in recipients
        )
    )
    if robot:
        with translation.override(settings.LANGUAGE_CODE), timezone.override(week.zone):
            text = _robot_text(digest, subject=subject, deadline=week.deadline_on(dispatch.day))
        dispatch.outbox_messages.add(
            outbox_write(
                to=[robot],
                subject=subject,
                text=text,
                key=outbox_key("digest", week.pk, dispatch.day.isoformat(), "robot", short_hash(robot)),
                channel=OutboxMessage.Channel.WEBHOOK,
                data={"secret": settings.OFFICE_ROBOT_SECRET} if settings.OFFICE_ROBOT_SECRET else {},
            )
        )
    return None


def _robot_text(digest: Digest, *, subject: str, deadline: dt.datetime) -> str:
    """The digest for a group robot: the subject (it names 双创周, a DingTalk robot's keyword),
    when it was counted, the missing events with their reporters, the board's address; within
    the robots' length limit (``ROBOT_MAX_BYTES``), the rest counted."""
    head = [
        subject,
        _("截止 %(deadline)s，统计于 %(at)s。")
        % {
            "deadline": formats.time_format(timezone.localtime(deadline), "H:i"),
            "at": formats.time_format(timezone.localtime(digest.at), "H:i"),
        },
    ]
    tail = [f"{_('审核工作台')}：{absolute_url(reverse('board:home'))}"]
    rows = [
        f"· {row.event.subtitle}（{row.event.host.name}）{_('报送员')}：{row.reporter_name or '—'} {row.phone or ''}".rstrip()
        for row in digest.missing
    ]
    if rows:
        head.append(f"{_('未报送的活动')}：")
    listed = []
    for number, row in enumerate(rows):
        more = _("另有 %(count)d 场未报送，详见审核工作台。") % {"count": len(rows) - number}
        if len("\n".join([*head, *listed, row, more, *tail]).encode()) > ROBOT_MAX_BYTES:
            listed.append(more)
            break
        listed.append(row)
    return "\n".join([*head, *listed, *tail])


def _log_url(day: dt.date) -> str:
    """The office's reminder log for the day."""
    return absolute_url(f"{reverse('reminders:day')}?day={day.isoformat()}")
