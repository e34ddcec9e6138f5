"""python manage.py send_reminders [--at "YYYY-MM-DD HH:MM"] [--dry-run]

The beat tick from the command line: for cron where beat does not run, and for operators.
``--at`` is read in the current week's time zone (TIME_ZONE when there is no current
week); a time later than now is allowed only with ``--dry-run`` (an early overdue notice
could not be taken back). The sends themselves go to the Celery workers as usual.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from events.models import Week
from submissions.models import DailyDispatch, Reminder
from submissions.services.reminders import OVERDUE, reminders_tick


class Command(BaseCommand):
    help = gettext_lazy("找出此刻到期的报送提醒、逾期通知和每日汇总并发送（与每分钟的定时任务相同）。")

    def add_arguments(self, parser):
        parser.add_argument(
            "--at", help=gettext_lazy("按这个时间（活动周时区，YYYY-MM-DD HH:MM）计算，默认现在")
        )
        parser.add_argument("--dry-run", action="store_true", help=gettext_lazy("只列出谁会收到什么，不发送"))

    def handle(self, *args, at: str | None, dry_run: bool, **options):
        now = self._when(at) if at else timezone.now()
        if now > timezone.now() + dt.timedelta(minutes=1) and not dry_run:
            raise CommandError(_("将来的时间只能与 --dry-run 一起使用。"), returncode=2)
        result = reminders_tick(now=now, dry_run=dry_run)
        for row in result.reminders:
            self.stdout.write(self._reminder_line(row))
        for row in result.dispatches:
            self.stdout.write(self._dispatch_line(row))
        summary = _("%(when)s：%(days)d 个活动日在范围内；%(queued)d 条待发送，%(skipped)d 条跳过。") % {
            "when": timezone.localtime(now).strftime("%Y-%m-%d %H:%M %Z"),
            "days": result.event_days,
            "queued": result.queued,
            "skipped": result.skipped,
        }
        self.stdout.write((_("（演练，未发送）") if dry_run else "") + summary)

    def _when(self, value: str) -> dt.datetime:
        try:
            naive = dt.datetime.strptime(value.strip(), "%Y-%m-%d %H:%M")
        except ValueError:
            raise CommandError(
                _("--at 的格式应为 “YYYY-MM-DD HH:MM”，例如 2026-09-20 14:00。"), returncode=2
            ) from None
        week = Week.objects.current()
        zone = week.zone if week else ZoneInfo(settings.TIME_ZONE)
        return naive.replace(tzinfo=zone)

    def _reminder_line(self, row: Reminder) -> str:
        slot = _("逾期通知") if row.slot == OVERDUE else row.slot
        if row.recipient is not None:
            who = row.recipient.display_name
        elif row.channel == Reminder.Channel.WEBHOOK:
            who = _("单位群机器人")
        else:
            who = _("联系人 %(name)s") % {"name": row.event.contact_name or "—"}
        address = f" <{row.address}>" if row.address and row.channel == Reminder.Channel.EMAIL else ""
        state = (
            _("跳过：%(reason)s") % {"reason": row.reason}
            if row.status == Reminder.Status.SKIPPED
            else _("发送")
        )
        return f"{row.day:%Y-%m-%d} {slot} · {row.event.subtitle} · {row.get_channel_display()} → {who}{address} · {state}"

    def _dispatch_line(self, row: DailyDispatch) -> str:
        return f"{row.day:%Y-%m-%d} {row.get_kind_display()} · {row.week.name} · {_('发送')}"
