"""Every e-mail leaves through the outbox: once, never twice, and never silently lost."""

import datetime as dt
import smtplib

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from core.mail import send_email
from core.models import OutboxMessage
from core.outbox import outbox_deliver, outbox_sweep
from core.tasks import sweep_outbox_task

pytestmark = pytest.mark.django_db
S = OutboxMessage.Status


class SentThenBrokeBackend(LocmemBackend):
    """The message left (it is in mail.outbox), then the connection broke: the outcome is unknown."""

    def send_messages(self, messages):
        super().send_messages(messages)
        raise smtplib.SMTPServerDisconnected("connection closed after DATA")


class UnreachableBackend(LocmemBackend):
    """The server does not answer: the connection times out before anything is sent."""

    def open(self):
        raise TimeoutError("timed out")


class RefusedBackend(LocmemBackend):
    def send_messages(self, messages):
        raise ConnectionRefusedError(111, "Connection refused")


def _send(capture, **fields):
    with capture(execute=True):
        send_email(to=["office@example.gov.cn"], subject="每日汇总", text="正文", **fields)


@override_settings(EMAIL_BACKEND="tests.foundation.test_outbox.SentThenBrokeBackend")
def test_a_send_that_broke_after_the_message_left_is_delivered_once_and_marked_uncertain(
    django_capture_on_commit_callbacks,
):
    _send(django_capture_on_commit_callbacks)
    message = OutboxMessage.objects.get()

    outbox_deliver(message_id=message.pk)  # a retry, a second worker, a redelivered task
    outbox_sweep(now=timezone.now() + dt.timedelta(hours=1))

    message.refresh_from_db()
    assert len(mail.outbox) == 1
    assert (message.status, message.attempts) == (S.UNCERTAIN, 1)
    assert "SMTPServerDisconnected" in message.last_error


def test_a_message_that_surely_did_not_leave_is_retried_and_sent_once(
    django_capture_on_commit_callbacks, eager_retries
):
    with override_settings(EMAIL_BACKEND="tests.foundation.test_outbox.RefusedBackend"):
        _send(django_capture_on_commit_callbacks)  # the eager task retries, then leaves it to the sweep
    message = OutboxMessage.objects.get()
    assert message.status == S.PENDING and message.attempts == 5 and not mail.outbox

    outbox_deliver(message_id=message.pk)  # the sweep's next try, the server back
    outbox_deliver(message_id=message.pk)

    message.refresh_from_db()
    assert message.status == S.SENT and len(mail.outbox) == 1
    assert message.text == ""  # a sent body, with its live links, is not kept


@override_settings(EMAIL_BACKEND="tests.foundation.test_outbox.UnreachableBackend")
def test_an_unreachable_server_is_retried_for_a_day_then_given_up(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        send_email(to=["office@example.gov.cn"], subject="每日汇总", text="正文")
    message = OutboxMessage.objects.get()

    outbox_deliver(message_id=message.pk, final=True)
    message.refresh_from_db()
    assert message.status == S.PENDING and "TimeoutError" in message.last_error

    OutboxMessage.objects.filter(pk=message.pk).update(created_at=timezone.now() - dt.timedelta(hours=25))
    outbox_deliver(message_id=message.pk, final=True)
    message.refresh_from_db()
    assert message.status == S.FAILED and not mail.outbox


def test_a_rolled_back_action_sends_nothing(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError), transaction.atomic():
            send_email(to=["office@example.gov.cn"], subject="不该发出", text="正文")
            raise RuntimeError("the action failed")

    assert not OutboxMessage.objects.exists() and not mail.outbox


def test_the_same_key_is_written_and_sent_once(django_capture_on_commit_callbacks):
    _send(django_capture_on_commit_callbacks, key="digest:2026-09-25")
    _send(django_capture_on_commit_callbacks, key="digest:2026-09-25")

    assert OutboxMessage.objects.count() == 1 and len(mail.outbox) == 1


def test_the_sweep_sends_what_was_never_enqueued_and_gives_up_on_a_dead_sender():
    never_enqueued = OutboxMessage.objects.create(
        key="lost",
        to=["a@example.com"],
        subject="丢失的投递",
        text="正文",
        created_at=timezone.now() - dt.timedelta(minutes=11),
    )
    dead_sender = OutboxMessage.objects.create(
        key="dead",
        to=["b@example.com"],
        subject="发送中断",
        text="正文",
        status=S.SENDING,
        attempts=1,
        claimed_at=timezone.now() - dt.timedelta(minutes=11),
    )

    sweep_outbox_task.delay()

    never_enqueued.refresh_from_db(), dead_sender.refresh_from_db()
    assert never_enqueued.status == S.SENT and [m.to for m in mail.outbox] == [["a@example.com"]]
    assert dead_sender.status == S.UNCERTAIN


def test_the_office_sees_the_outbox_in_the_admin(client, django_capture_on_commit_callbacks):
    from tests import factories

    _send(django_capture_on_commit_callbacks)
    client.force_login(factories.superuser())

    page = client.get("/admin/core/outboxmessage/")

    assert page.status_code == 200 and "每日汇总" in page.content.decode()


def test_office_reviewers_may_look_at_the_outbox(client, django_capture_on_commit_callbacks):
    from tests import factories

    _send(django_capture_on_commit_callbacks)
    client.force_login(factories.office_user())

    assert client.get("/admin/core/outboxmessage/").status_code == 200
