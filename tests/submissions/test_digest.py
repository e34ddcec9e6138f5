"""The office's daily digest: counts, who is missing with a phone, leaders, recipients."""

import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.test import override_settings
from django.utils import timezone

from core.models import OutboxMessage
from core.outbox import outbox_deliver, outbox_sweep
from submissions.models import DailyDispatch, DailyReport, Reminder, ReportLeader
from submissions.services import reminders as services
from submissions.services.digest import digest_build, digest_recipients
from submissions.services.reports import report_submit
from tests import factories
from tests.submissions.reminder_helpers import DAY, local, run_tick

pytestmark = pytest.mark.django_db


def test_digest_counts_and_lists_missing_events_with_the_reporters_phone(day_events, ready_report):
    late = factories.event(
        week=day_events["open"].week,
        subtitle="活动late",
        starts_at=local(9),
        ends_at=local(11),
        reporter=factories.user(phone="13912345678"),
    )
    report = ready_report(late, DAY)
    with time_machine.travel(local(16, 2), tick=False):
        report_submit(report=report, by=late.reporter)

    digest = digest_build(week=late.week, day=DAY, now=local(16, 5))

    assert digest.counts == {"on_time": 1, "late": 1, "missing": 1, "not_due": 1}
    (missing,) = digest.missing
    assert missing.event == day_events["open"] and missing.phone == "13800000001"
    assert [row.event for row in digest.not_due] == [day_events["night"]]
    assert [(leader.post, leader.name) for _row, leader in digest.leaders] == [("副市长", "王强")]


def test_yesterdays_evening_event_counts_in_todays_digest(day_events):
    digest = digest_build(
        week=day_events["night"].week,
        day=DAY + dt.timedelta(days=1),
        now=local(16, 5, day=DAY + dt.timedelta(days=1)),
    )

    assert [(row.event, row.day) for row in digest.missing] == [
        (day_events["night"], DAY),
        (day_events["later"], DAY + dt.timedelta(days=1)),
    ]


def test_digest_mail_goes_once_to_each_of_the_weeks_recipients(
    day_events, django_capture_on_commit_callbacks
):
    week = day_events["open"].week
    week.digest_recipients = ["leader@example.com", "Desk@example.com"]
    week.save()

    for minute in (4, 5, 6, 30):
        run_tick(django_capture_on_commit_callbacks, local(16, minute))

    digests = [m for m in mail.outbox if "汇总" in m.subject]
    assert [m.to for m in digests] == [["leader@example.com"], ["Desk@example.com"]]
    digest = digests[0]
    assert digest.subject == "【双创周】09月21日信息报送汇总：按时1，逾期0，未报送1"
    assert "活动open" in digest.body and "报送员：open 13800000001" in digest.body
    assert "副市长 王强" in digest.body
    assert "text/html" == digest.alternatives[0][1]
    dispatch = DailyDispatch.objects.get()
    assert dispatch.status == Reminder.Status.HANDED_OVER
    assert sorted(dispatch.outbox_messages.values_list("key", "status")) == [
        (f"digest:{week.pk}:2026-09-21:desk@example.com", "sent"),
        (f"digest:{week.pk}:2026-09-21:leader@example.com", "sent"),
    ]


@override_settings(EMAIL_BACKEND="tests.submissions.reminder_helpers.SentThenBrokeBackend")
def test_a_digest_whose_send_broke_after_it_left_is_delivered_once_and_marked_uncertain(
    week, django_capture_on_commit_callbacks
):
    week.digest_recipients = ["leader@example.com"]
    week.save()

    run_tick(django_capture_on_commit_callbacks, local(16, 5))
    (message,) = DailyDispatch.objects.get().outbox_messages.all()
    assert (message.status, message.attempts) == (OutboxMessage.Status.UNCERTAIN, 1)

    outbox_deliver(message_id=message.pk)  # the task delivered again
    with django_capture_on_commit_callbacks(execute=True):
        outbox_sweep(now=timezone.now() + dt.timedelta(hours=1))
    with time_machine.travel(local(16, 30), tick=False), django_capture_on_commit_callbacks(execute=True):
        services.reminders_sweep_stuck()
    run_tick(django_capture_on_commit_callbacks, local(16, 6))

    assert [m.to for m in mail.outbox] == [["leader@example.com"]]
    message.refresh_from_db()
    assert (message.status, message.attempts) == (OutboxMessage.Status.UNCERTAIN, 1)
    assert DailyDispatch.objects.get().status == Reminder.Status.HANDED_OVER


def test_recipients_fall_back_to_office_reviewers_with_an_address(week):
    factories.office_user(email="b@example.com")
    factories.office_user(email="")
    factories.office_user(email="a@example.com", is_active=False)

    assert digest_recipients(week=week) == ["b@example.com"]


def test_digest_with_no_recipient_is_recorded_as_skipped(week, django_capture_on_commit_callbacks):
    run_tick(django_capture_on_commit_callbacks, local(16, 5))

    dispatch = DailyDispatch.objects.get()
    assert dispatch.status == Reminder.Status.SKIPPED and "没有收件人" in dispatch.reason
    assert mail.outbox == []


def test_no_digest_before_the_delay_or_on_a_day_outside_the_week(week, django_capture_on_commit_callbacks):
    factories.office_user(email="office@example.com")
    run_tick(django_capture_on_commit_callbacks, local(16, 4))
    run_tick(django_capture_on_commit_callbacks, local(16, 30, day=week.ends_on + dt.timedelta(days=1)))

    assert not DailyDispatch.objects.exists()
    assert not DailyReport.objects.exists() and not ReportLeader.objects.exists()


def test_the_digest_goes_to_the_offices_signed_robot_as_well_as_by_mail(
    day_events, settings, django_capture_on_commit_callbacks
):
    """A real HTTP server on 127.0.0.1 stands in for the office's DingTalk robot (as in
    test_webhook.py): one signed text message per day, besides the e-mails."""
    from urllib.parse import parse_qs, urlsplit

    from core.webhooks import dingtalk_sign
    from tests.submissions.test_webhook import Robot

    week = day_events["open"].week
    week.digest_recipients = ["leader@example.com"]
    week.save()
    settings.OFFICE_ROBOT_SECRET = "SECtest-secret"
    with Robot([]) as robot:
        settings.OFFICE_ROBOT_URL = robot.url
        for minute in (5, 6, 30):
            run_tick(django_capture_on_commit_callbacks, local(16, minute))

    (request,) = robot.requests
    query = parse_qs(urlsplit(request["path"]).query)
    assert query["key"] == ["test"]
    timestamp = int(query["timestamp"][0])
    assert timestamp == int(local(16, 5).timestamp() * 1000)
    assert query["sign"] == [parse_qs(f"s={dingtalk_sign('SECtest-secret', timestamp)}")["s"][0]]
    content = request["body"]["text"]["content"]
    assert content.startswith(
        "【双创周】09月21日信息报送汇总：按时1，逾期0，未报送1\n截止 16:00，统计于 16:05。"
    )
    assert "· 活动open（" in content and "报送员：open 13800000001" in content
    assert content.endswith("审核工作台：http://127.0.0.1:8000/review/")
    assert [m.to for m in mail.outbox if "汇总" in m.subject] == [["leader@example.com"]]
    robot_message = DailyDispatch.objects.get().outbox_messages.get(channel="webhook")
    assert robot_message.status == "sent" and robot.url not in robot_message.key
    assert robot_message.key.startswith(f"digest:{week.pk}:2026-09-21:robot:")


def test_with_a_robot_and_no_mail_recipient_the_digest_still_goes(
    week, settings, django_capture_on_commit_callbacks
):
    from tests.submissions.test_webhook import Robot

    with Robot([]) as robot:
        settings.OFFICE_ROBOT_URL = robot.url
        run_tick(django_capture_on_commit_callbacks, local(16, 5))

    assert DailyDispatch.objects.get().status == Reminder.Status.HANDED_OVER
    (request,) = robot.requests
    assert "timestamp=" not in request["path"]  # no secret: a WeCom robot, or DingTalk by keyword
    assert request["body"]["text"]["content"].startswith("【双创周】")
    assert mail.outbox == []


def test_a_long_digest_fits_a_robot_message(day_events, settings):
    from submissions.services.digest import ROBOT_MAX_BYTES, _robot_text

    digest = digest_build(week=day_events["open"].week, day=DAY, now=local(16, 5))
    digest.missing = digest.missing * 200
    text = _robot_text(digest, subject="【双创周】汇总", deadline=local(16))
    assert len(text.encode()) <= ROBOT_MAX_BYTES
    assert "另有" in text and "场未报送" in text and text.endswith(text.splitlines()[-1])
