"""Every outgoing message leaves through the outbox: once, never twice, and never silently
lost; what may have arrived waits for the office to decide."""

import datetime as dt
import smtplib

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from core.mail import send_email
from core.models import OutboxAttachment, OutboxMessage
from core.outbox import (
    BODY_KEPT_FOR,
    Attachment,
    outbox_deliver,
    outbox_key,
    outbox_sweep,
    outbox_write,
    short_hash,
)
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


def _uncertain_message(capture, **fields):
    with override_settings(EMAIL_BACKEND="tests.foundation.test_outbox.SentThenBrokeBackend"):
        _send(capture, **fields)
    message = OutboxMessage.objects.get()
    assert message.status == S.UNCERTAIN
    return message


def test_attachments_are_sent_with_the_message_and_deleted_with_its_body(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        outbox_write(
            to=["office@example.gov.cn"],
            subject="每日简报",
            text="见附件。",
            key="bulletin:1:2026-09-21:office@example.gov.cn",
            attachments=[Attachment(name="简报.txt", content="第一期".encode(), mime_type="text/plain")],
        )

    (sent,) = mail.outbox
    assert sent.attachments == [("简报.txt", "第一期", "text/plain")]
    assert OutboxMessage.objects.get().status == S.SENT and not OutboxAttachment.objects.exists()


def test_an_uncertain_message_keeps_its_body_for_the_office_and_the_sweep_drops_it_later(
    django_capture_on_commit_callbacks,
):
    message = _uncertain_message(django_capture_on_commit_callbacks)
    assert message.text == "正文"

    outbox_sweep(now=timezone.now() + BODY_KEPT_FOR - dt.timedelta(minutes=1))
    message.refresh_from_db()
    assert message.text == "正文"

    outbox_sweep(now=timezone.now() + BODY_KEPT_FOR + dt.timedelta(minutes=1))
    message.refresh_from_db()
    assert (message.status, message.text) == (S.UNCERTAIN, "")


@pytest.fixture
def office_client(client):
    from tests import factories

    office = factories.office_user()
    client.force_login(office)
    client.office = office
    return client


def _act(client, action, message):
    return client.post(
        "/admin/core/outboxmessage/",
        {"action": action, "_selected_action": [message.pk]},
        follow=True,
    )


def test_the_office_marks_an_uncertain_message_as_arrived(office_client, django_capture_on_commit_callbacks):
    message = _uncertain_message(django_capture_on_commit_callbacks)

    page = _act(office_client, "mark_sent", message)

    message.refresh_from_db()
    assert "已将 1 条消息标记为已送达。" in page.content.decode()
    assert (message.status, message.text, message.decided_by) == (S.SENT, "", office_client.office)
    assert len(mail.outbox) == 1


def test_the_office_sends_an_uncertain_message_again_and_it_goes_once_more(
    office_client, django_capture_on_commit_callbacks
):
    message = _uncertain_message(django_capture_on_commit_callbacks)

    with django_capture_on_commit_callbacks(execute=True):
        _act(office_client, "send_again", message)
    with django_capture_on_commit_callbacks(execute=True):
        page = _act(office_client, "send_again", message)  # a second click: it is sent now

    message.refresh_from_db()
    assert len(mail.outbox) == 2
    assert (message.status, message.attempts, message.decided_by) == (S.SENT, 2, office_client.office)
    assert "1 条消息未重新发送" in page.content.decode()


def test_the_admin_filters_by_status_and_channel_and_hides_a_robots_secret(
    office_client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        outbox_write(
            to=["https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=SECRET-KEY"],
            subject="群机器人提醒",
            text="内容",
            channel=OutboxMessage.Channel.WEBHOOK,
            key=outbox_key("reminder", "webhook", short_hash("https://qyapi…"), "2026-09-21", "14:00", 7),
        )
    _send(django_capture_on_commit_callbacks)

    robots = office_client.get("/admin/core/outboxmessage/?channel__exact=webhook&status__exact=pending")
    mails = office_client.get("/admin/core/outboxmessage/?channel__exact=email")

    assert [m.subject for m in robots.context["cl"].result_list] == ["群机器人提醒"]
    assert [m.subject for m in mails.context["cl"].result_list] == ["每日汇总"]
    assert "SECRET-KEY" not in robots.content.decode()
    detail = office_client.get(f"/admin/core/outboxmessage/{robots.context['cl'].result_list[0].pk}/change/")
    assert detail.status_code == 200 and "SECRET-KEY" not in detail.content.decode()
    assert "qyapi.weixin.qq.com/cgi-bin/webhook/send" in detail.content.decode()


def test_a_long_key_part_is_replaced_by_its_hash():
    address = "a" * 80 + "@example.com"

    key = outbox_key("reminder", "email", address, 1)

    assert key == f"reminder:email:{short_hash(address)}:1" and len(key) < 60
