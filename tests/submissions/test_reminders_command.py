"""python manage.py send_reminders [--at ...] [--dry-run]."""

import io

import pytest
import time_machine
from django.core import mail
from django.core.management import CommandError, call_command

from submissions.models import DailyDispatch, Reminder
from tests.submissions.reminder_helpers import local

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = io.StringIO()
    call_command("send_reminders", *args, stdout=out)
    return out.getvalue()


def test_dry_run_lists_who_would_get_what_and_sends_nothing(day_events):
    with time_machine.travel(local(15), tick=False):
        output = run("--at", "2026-09-21 16:05", "--dry-run")

    assert "2026-09-21 逾期通知 · 活动open · 邮件 → open <open@example.com> · 发送" in output
    assert (
        "2026-09-21 逾期通知 · 活动open · 邮件 → 联系人 联系人甲 <contact-open@example.com> · 发送" in output
    )
    assert "2026-09-21 逾期通知 · 活动open · 站内通知 → open · 发送" in output
    assert "每日汇总" in output and "（演练，未发送）" in output
    assert "活动done" not in output and "活动gone" not in output
    assert not Reminder.objects.exists() and not DailyDispatch.objects.exists() and mail.outbox == []


def test_at_runs_the_tick_for_that_time(day_events, django_capture_on_commit_callbacks):
    with time_machine.travel(local(14, 3), tick=False), django_capture_on_commit_callbacks(execute=True):
        output = run("--at", "2026-09-21 14:00")

    assert "3 条待发送" in output
    assert sorted(m.to[0] for m in mail.outbox) == ["contact-open@example.com", "open@example.com"]
    assert set(Reminder.objects.values_list("slot", flat=True)) == {"14:00"}


def test_future_time_needs_dry_run_and_bad_times_are_refused(day_events):
    with time_machine.travel(local(13), tick=False):
        with pytest.raises(CommandError, match="--dry-run"):
            run("--at", "2026-09-21 16:00")
        with pytest.raises(CommandError, match="YYYY-MM-DD HH:MM"):
            run("--at", "21.9.2026 16h")
    assert not Reminder.objects.exists()
