"""Reminders, overdue notices and the digest through a whole event day, the clock driven by
time-machine in the week's zone (Asia/Shanghai) while the process runs in UTC."""

import datetime as dt
import os
import threading
import time

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from core.models import OutboxMessage
from core.outbox import GIVE_UP_AFTER, outbox_deliver, outbox_sweep
from events.models import Event, Notice
from submissions.models import DailyDispatch, DailyReport, Reminder
from submissions.services import reminder_delivery
from submissions.services import reminders as services
from submissions.services.reports import report_submit
from tests import factories
from tests.services import require_postgresql
from tests.submissions.reminder_helpers import (
    DAY,
    local,
    mail_server_unreachable,
    outbox_status,
    run_tick,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def utc_process():
    """The process clock zone and Django's TIME_ZONE both UTC: 16:00 must still mean Shanghai."""
    previous = os.environ.get("TZ")
    os.environ["TZ"] = "UTC"
    time.tzset()
    with override_settings(TIME_ZONE="UTC"):
        yield
    if previous is None:
        os.environ.pop("TZ", None)
    else:
        os.environ["TZ"] = previous
    time.tzset()


def sent_mail():
    """(recipient, kind) of every e-mail so far; kind from the subject."""
    kinds = []
    for message in mail.outbox:
        kind = (
            "digest" if "汇总" in message.subject else "overdue" if "逾期" in message.subject else "reminder"
        )
        kinds += [(address, kind) for address in message.to]
    return kinds


def test_a_whole_event_day_sends_each_notice_once_at_its_time(
    utc_process, day_events, django_capture_on_commit_callbacks
):
    timeline = []
    moment = local(13, 50)
    while moment <= local(16, 10):
        before = len(sent_mail())
        run_tick(django_capture_on_commit_callbacks, moment)
        timeline += [
            (moment.astimezone(day_events["open"].week.zone).strftime("%H:%M"), *item)
            for item in sent_mail()[before:]
        ]
        moment += dt.timedelta(minutes=1)

    assert sorted(timeline) == sorted(
        [
            ("14:00", "open@example.com", "reminder"),
            ("14:00", "contact-open@example.com", "reminder"),
            ("15:30", "open@example.com", "reminder"),
            ("15:30", "contact-open@example.com", "reminder"),
            ("16:00", "open@example.com", "overdue"),
            ("16:00", "contact-open@example.com", "overdue"),
            ("16:05", "office@example.com", "digest"),
        ]
    )
    notices = Notice.objects.filter(recipient=day_events["open"].reporter)
    assert notices.count() == 3
    assert not Notice.objects.exclude(recipient=day_events["open"].reporter).exists()
    rows = Reminder.objects.select_related("outbox")
    assert {(row.channel, row.status) for row in rows} == {
        ("site", Reminder.Status.SENT),
        ("email", Reminder.Status.HANDED_OVER),
    }
    assert {row.delivery for row in rows} == {Reminder.Delivery.SENT}
    assert DailyDispatch.objects.get().status == Reminder.Status.HANDED_OVER
    assert set(OutboxMessage.objects.values_list("status", "attempts")) == {(OutboxMessage.Status.SENT, 1)}


def test_reminder_names_event_day_deadline_what_is_missing_and_links_the_report(
    day_events, django_capture_on_commit_callbacks
):
    run_tick(django_capture_on_commit_callbacks, local(14))

    message = next(m for m in mail.outbox if m.to == ["open@example.com"])
    event = day_events["open"]
    assert message.subject == "【双创周】请在09月21日 16:00前报送“活动open”09月21日的活动信息"
    # The event's own subtitle: the unified title would make every reminder read alike.
    assert f"“{event.subtitle}”" in message.body and event.week.unified_title not in message.body
    assert "报送截止时间：09月21日 16:00" in message.body
    assert "出席领导情况" in message.body and "合格照片" in message.body and "活动信息\n" not in message.body
    link = "http://127.0.0.1:8000" + reverse("reports:detail", args=[event.pk, DAY])
    assert link in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html" and link in html and "<li>" in html
    notice = Notice.objects.get(recipient=event.reporter)
    assert notice.title == message.subject and notice.url == reverse("reports:detail", args=[event.pk, DAY])


def test_reminders_name_the_offices_contacts_when_the_week_has_them(
    day_events, django_capture_on_commit_callbacks
):
    week = day_events["open"].week
    week.office_contact_name, week.report_contact_name = "陈莉", "胡丹"
    week.office_email, week.office_phone = "kunshangyk@163.com", "57303063"
    week.save()

    run_tick(django_capture_on_commit_callbacks, local(14))
    run_tick(django_capture_on_commit_callbacks, local(16))

    messages = [m for m in mail.outbox if m.to == ["open@example.com"]]
    assert len(messages) == 2  # the reminder and the overdue notice
    for message in messages:
        for text in (
            "活动周联系人：陈莉",
            "信息报送联系人：胡丹",
            "邮箱：kunshangyk@163.com",
            "联系电话：57303063",
        ):
            assert text in message.body
        assert "kunshangyk@163.com" in message.alternatives[0][0]


def test_overdue_notice_says_a_late_report_is_still_accepted(day_events, django_capture_on_commit_callbacks):
    run_tick(django_capture_on_commit_callbacks, local(16))

    (message,) = [m for m in mail.outbox if m.to == ["open@example.com"]]
    assert "逾期" in message.subject
    assert "逾期报送仍然可以提交" in message.body


def test_nothing_goes_twice_when_the_tick_runs_again(day_events, django_capture_on_commit_callbacks):
    for when in (local(14), local(14), local(14, 1), local(14, 19)):
        run_tick(django_capture_on_commit_callbacks, when)

    assert sorted(sent_mail()) == [("contact-open@example.com", "reminder"), ("open@example.com", "reminder")]


def test_interleaved_ticks_send_once(day_events, django_capture_on_commit_callbacks):
    # Tick A claims at 14:00 but has not enqueued yet when tick B runs.
    with time_machine.travel(local(14), tick=False), django_capture_on_commit_callbacks() as pending:
        services.reminders_tick(now=timezone.now())
    run_tick(django_capture_on_commit_callbacks, local(14, 0) + dt.timedelta(seconds=30))
    assert mail.outbox == []

    with time_machine.travel(local(14, 1), tick=False), django_capture_on_commit_callbacks(execute=True):
        for callback in pending:
            callback()
        for callback in pending:  # the same tasks delivered a second time
            callback()

    assert sorted(sent_mail()) == [("contact-open@example.com", "reminder"), ("open@example.com", "reminder")]
    assert Notice.objects.count() == 1


@pytest.fixture
def postgresql_database():
    """Skip (or fail under REQUIRE_SERVICES=1) before building data; a transactional test
    after another one finds the tables flushed, so the office group is made again."""
    from django.contrib.auth.models import Group

    from core.roles import OFFICE_GROUP

    require_postgresql()
    Group.objects.get_or_create(name=OFFICE_GROUP)


@pytest.mark.django_db(transaction=True)
def test_concurrent_ticks_on_postgresql_send_once(postgresql_database, day_events):
    start = threading.Barrier(4)
    errors = []

    def tick():
        try:
            start.wait()
            services.reminders_tick(now=timezone.now())
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connection.close()

    with time_machine.travel(local(14), tick=True):
        threads = [threading.Thread(target=tick) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    assert errors == []
    assert sorted(sent_mail()) == [("contact-open@example.com", "reminder"), ("open@example.com", "reminder")]
    assert Reminder.objects.count() == 3  # site + e-mail to the reporter, e-mail to the contact
    assert Notice.objects.count() == 1
    assert OutboxMessage.objects.filter(status=OutboxMessage.Status.SENT).count() == 2


def test_outage_from_13_50_to_16_10_sends_no_stale_reminder_but_overdue_and_digest(
    utc_process, day_events, django_capture_on_commit_callbacks
):
    run_tick(django_capture_on_commit_callbacks, local(13, 50))
    run_tick(django_capture_on_commit_callbacks, local(16, 10))

    assert sorted(sent_mail()) == [
        ("contact-open@example.com", "overdue"),
        ("office@example.com", "digest"),
        ("open@example.com", "overdue"),
    ]
    assert not Reminder.objects.exclude(slot=services.OVERDUE).exists()


def test_sends_queued_before_a_worker_outage_are_not_delivered_stale(
    day_events, django_capture_on_commit_callbacks
):
    with time_machine.travel(local(14), tick=False), django_capture_on_commit_callbacks() as queued:
        services.reminders_tick(now=timezone.now())

    with time_machine.travel(local(16, 10), tick=False):
        for callback in queued:  # the worker comes back and works through its queue
            callback()

    assert mail.outbox == []
    rows = Reminder.objects.filter(slot="14:00")
    assert {row.status for row in rows} == {Reminder.Status.SKIPPED}
    assert all("不再补发" in row.reason for row in rows)


def test_report_submitted_between_claim_and_send_is_not_reminded(
    day_events, ready_report, django_capture_on_commit_callbacks
):
    with time_machine.travel(local(14), tick=False), django_capture_on_commit_callbacks() as queued:
        services.reminders_tick(now=timezone.now())
    event = day_events["open"]
    DailyReport.objects.filter(event=event).delete()
    with time_machine.travel(
        local(
            14,
            0,
        ),
        tick=False,
    ):
        report_submit(report=ready_report(event, DAY), by=event.reporter)
        for callback in queued:
            callback()

    assert mail.outbox == []
    assert set(Reminder.objects.values_list("reason", flat=True)) == {"当天信息已报送，无需提醒。"}


def test_who_cannot_be_reached_is_recorded_as_skipped(week, django_capture_on_commit_callbacks):
    unit = factories.organizer()
    no_mail = factories.event(
        week=week, host=unit, reporter=factories.member(unit, email=""), starts_at=local(9), ends_at=local(12)
    )
    nobody = factories.event(week=week, host=unit, reporter=None, starts_at=local(9), ends_at=local(12))

    run_tick(django_capture_on_commit_callbacks, local(16))

    rows = {(row.event_id, row.channel): row for row in Reminder.objects.all()}
    reporter_email = Reminder.objects.get(event=no_mail, channel="email", recipient=no_mail.reporter)
    assert reporter_email.status == Reminder.Status.SKIPPED
    assert reporter_email.reason == "信息报送员没有填写邮箱地址。"
    assert rows[(no_mail.pk, "site")].status == Reminder.Status.SENT
    # Overdue notices go to the contact too; neither event named one with an address.
    assert rows[(nobody.pk, "site")].reason == "活动未指定信息报送员，无人可提醒。"
    assert {
        row.status
        for (event_id, channel), row in rows.items()
        if channel == "email" and row.recipient_id is None
    } == {Reminder.Status.SKIPPED}
    assert mail.outbox == []


def test_evening_event_is_reminded_before_the_next_days_deadline(
    day_events, django_capture_on_commit_callbacks
):
    run_tick(django_capture_on_commit_callbacks, local(14, day=DAY + dt.timedelta(days=1)))

    reminded = {
        row.event_id
        for row in Reminder.objects.filter(channel="email", recipient__isnull=False, slot="14:00")
    }
    assert reminded == {day_events["night"].pk, day_events["later"].pk}
    assert Reminder.objects.filter(event=day_events["night"]).first().day == DAY


def test_slot_within_grace_is_caught_up_and_after_it_is_not(day_events, django_capture_on_commit_callbacks):
    run_tick(django_capture_on_commit_callbacks, local(14, 20))  # 14:00 + 20 min grace: too late
    assert mail.outbox == []
    run_tick(django_capture_on_commit_callbacks, local(15, 49))  # 15:30 slot, 19 min late: still goes
    assert len(mail.outbox) == 2


def test_a_mail_server_unreachable_twice_is_retried_by_the_outbox_and_sends_once(
    day_events, settings, eager_retries, django_capture_on_commit_callbacks
):
    day_events["open"].week.__class__.objects.update(remind_contact=False)
    mail_server_unreachable(settings, failures=2)

    run_tick(django_capture_on_commit_callbacks, local(14))

    email = Reminder.objects.get(channel="email")
    assert email.status == Reminder.Status.HANDED_OVER
    assert outbox_status(email) == (OutboxMessage.Status.SENT, 3)
    assert sent_mail() == [("open@example.com", "reminder")]


def test_a_mail_server_that_stays_away_is_retried_for_a_day_then_failed_and_the_site_notice_still_goes(
    day_events, settings, eager_retries, django_capture_on_commit_callbacks
):
    day_events["open"].week.__class__.objects.update(remind_contact=False)
    mail_server_unreachable(settings, failures=1000)

    run_tick(django_capture_on_commit_callbacks, local(14))

    email = Reminder.objects.select_related("outbox").get(channel="email")
    assert email.delivery == Reminder.Delivery.PENDING  # the task's retries are over; the sweep's go on
    assert "TimeoutError" in email.outbox.last_error
    assert Reminder.objects.get(channel="site").status == Reminder.Status.SENT
    with time_machine.travel(local(14) + GIVE_UP_AFTER + dt.timedelta(minutes=1), tick=False):
        outbox_deliver(message_id=email.outbox_id, final=True)  # the last try of the sweep's task
    email.refresh_from_db()
    assert email.delivery == Reminder.Delivery.FAILED and mail.outbox == []


@override_settings(EMAIL_BACKEND="tests.submissions.reminder_helpers.SentThenBrokeBackend")
def test_a_reminder_whose_send_broke_after_it_left_is_delivered_once_and_marked_uncertain(
    day_events, django_capture_on_commit_callbacks
):
    day_events["open"].week.__class__.objects.update(remind_contact=False)

    run_tick(django_capture_on_commit_callbacks, local(14))
    email = Reminder.objects.get(channel="email")
    assert sent_mail() == [("open@example.com", "reminder")]
    assert outbox_status(email) == (OutboxMessage.Status.UNCERTAIN, 1)

    # Every way the message could go again: the task redelivered, the sweeps, later ticks.
    outbox_deliver(message_id=email.outbox_id)
    with django_capture_on_commit_callbacks(execute=True):
        outbox_sweep(now=timezone.now() + dt.timedelta(hours=1))
    with time_machine.travel(local(14, 30), tick=False), django_capture_on_commit_callbacks(execute=True):
        services.reminders_sweep_stuck()
    run_tick(django_capture_on_commit_callbacks, local(14, 5))

    assert sent_mail() == [("open@example.com", "reminder")]
    email = Reminder.objects.select_related("outbox").get(channel="email")
    assert email.delivery == Reminder.Delivery.UNCERTAIN
    assert "SMTPServerDisconnected" in email.outbox.last_error


def test_dry_run_claims_and_sends_nothing(day_events, django_capture_on_commit_callbacks):
    result = run_tick(django_capture_on_commit_callbacks, local(16, 5), dry_run=True)

    assert {(row.slot, row.channel) for row in result.reminders} == {
        ("overdue", "site"),
        ("overdue", "email"),
    }
    assert [row.kind for row in result.dispatches] == ["digest"]
    assert not Reminder.objects.exists() and not DailyDispatch.objects.exists() and mail.outbox == []


def _events(week, count):
    unit = factories.organizer(webhook_url="")
    for _n in range(count):
        factories.event(
            week=week, host=unit, reporter=factories.member(unit), starts_at=local(9), ends_at=local(12)
        )


def _queries(callable_):
    with CaptureQueriesContext(connection) as queries:
        callable_()
    return len(queries)


@pytest.mark.parametrize("when", [(14, 0), (16, 5)])
def test_tick_query_count_does_not_grow_with_event_days(week, django_capture_on_commit_callbacks, when):
    _events(week, 2)
    with time_machine.travel(local(*when), tick=False), django_capture_on_commit_callbacks():
        small = _queries(lambda: services.reminders_tick(now=timezone.now()))
    Reminder.objects.all().delete()
    DailyDispatch.objects.all().delete()
    _events(week, 12)
    with time_machine.travel(local(*when), tick=False), django_capture_on_commit_callbacks():
        large = _queries(lambda: services.reminders_tick(now=timezone.now()))
        result = services.reminders_tick(now=timezone.now())

    assert small == large
    assert large <= 12
    assert result.queued == 0  # all claimed by the first tick at that size


def test_delivery_query_count_does_not_grow_with_batch_size(week, django_capture_on_commit_callbacks):
    sizes = []
    for count in (2, 12):
        Reminder.objects.all().delete()
        Event.objects.all().delete()
        _events(week, count)
        with time_machine.travel(local(14), tick=False):
            with django_capture_on_commit_callbacks():
                services.reminders_tick(now=timezone.now())
            ids = list(Reminder.objects.values_list("pk", flat=True))
            sizes.append(_queries(lambda ids=ids: reminder_delivery.reminders_deliver(reminder_ids=ids)))
        handed = Reminder.objects.filter(status__in=[Reminder.Status.SENT, Reminder.Status.HANDED_OVER])
        assert handed.count() == 2 * count

    assert sizes[0] == sizes[1]


def test_sends_claimed_but_never_enqueued_are_swept_and_sent_once(
    day_events, django_capture_on_commit_callbacks
):
    # The tick commits its claims, then its process dies before the after-commit enqueue.
    with time_machine.travel(local(14), tick=False), django_capture_on_commit_callbacks(execute=False):
        services.reminders_tick(now=timezone.now())
    assert Reminder.objects.filter(status=Reminder.Status.PENDING).exists()

    with time_machine.travel(local(14, 5), tick=False), django_capture_on_commit_callbacks(execute=True):
        assert services.reminders_sweep_stuck() == ([], [])  # too recent: a tick may still enqueue them
    with time_machine.travel(local(14, 12), tick=False), django_capture_on_commit_callbacks(execute=True):
        swept, _dispatches = services.reminders_sweep_stuck()
        again, _ = services.reminders_sweep_stuck()  # a second sweep finds them delivered

    assert swept and again == []
    assert not Reminder.objects.filter(status=Reminder.Status.PENDING).exists()
    reminded = [address for message in mail.outbox for address in message.to]
    assert len(reminded) == len(set(reminded)) > 0


def test_a_channel_that_breaks_unexpectedly_is_failed_and_the_others_still_go(
    day_events, monkeypatch, django_capture_on_commit_callbacks
):
    def broken_bulk_create(objs, *args, **kwargs):
        raise RuntimeError("notice table locked")

    # The in-site channel writes its notices in one bulk insert: that insert breaks.
    monkeypatch.setattr(Notice.objects, "bulk_create", broken_bulk_create)

    run_tick(django_capture_on_commit_callbacks, local(14))

    site = Reminder.objects.get(channel="site", slot="14:00")
    assert site.status == Reminder.Status.FAILED and "notice table locked" in site.reason
    assert {row.delivery for row in Reminder.objects.filter(channel="email", slot="14:00")} == {
        Reminder.Delivery.SENT
    }
    assert sorted(sent_mail()) == [("contact-open@example.com", "reminder"), ("open@example.com", "reminder")]


def test_a_delivery_that_dies_leaves_nothing_behind_and_the_sweep_delivers_it_once(
    day_events, monkeypatch, django_capture_on_commit_callbacks
):
    def dying_bulk_update(objs, fields, *args, **kwargs):
        raise RuntimeError("worker lost its database connection")

    # The delivery has written the notice and the outbox messages when its last write fails.
    with monkeypatch.context() as patched:
        patched.setattr(Reminder.objects, "bulk_update", dying_bulk_update)
        with pytest.raises(RuntimeError), time_machine.travel(local(14), tick=False):
            with django_capture_on_commit_callbacks(execute=True):
                services.reminders_tick(now=timezone.now())
    assert set(Reminder.objects.values_list("status", flat=True)) == {Reminder.Status.PENDING}
    assert not Notice.objects.exists() and not OutboxMessage.objects.exists() and mail.outbox == []

    with time_machine.travel(local(14, 12), tick=False), django_capture_on_commit_callbacks(execute=True):
        swept, _dispatches = services.reminders_sweep_stuck()
        services.reminders_sweep_stuck()

    assert len(swept) == 3
    assert sorted(sent_mail()) == [("contact-open@example.com", "reminder"), ("open@example.com", "reminder")]
    assert Notice.objects.count() == 1


def test_contact_without_address_is_skipped_even_when_the_reporter_has_none_either(
    week, django_capture_on_commit_callbacks
):
    unit = factories.organizer()
    event = factories.event(
        week=week,
        host=unit,
        reporter=factories.member(unit, email=""),
        contact_email="",
        starts_at=local(9),
        ends_at=local(12),
    )

    run_tick(django_capture_on_commit_callbacks, local(16))

    emails = {
        (row.recipient_id, row.status, row.reason)
        for row in Reminder.objects.filter(event=event, channel="email")
    }
    assert emails == {
        (event.reporter_id, Reminder.Status.SKIPPED, "信息报送员没有填写邮箱地址。"),
        (None, Reminder.Status.SKIPPED, "联系人没有填写邮箱地址。"),
    }
