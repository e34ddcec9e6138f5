"""Every outgoing message leaves through the outbox: written in the transaction of the action
that causes it, sent once by a worker after commit. Channels: e-mail (with attachments),
group-robot webhooks (``core.webhooks``, @mentions and DingTalk signing in ``data``) and SMS
(``core.sms``: a template and its parameters in ``data``, sent by the configured backend).

- ``outbox_write`` / ``outbox_write_many`` store messages (once per ``key``) and enqueue their
  delivery on commit; a rolled-back action leaves no message, a failed enqueue is picked up
  by the sweep.
- ``outbox_deliver`` claims a pending message and sends it. What surely did not leave (the
  server could not be reached, refused the sender or every recipient, a robot said "later")
  goes back to pending and is retried, by the task with backoff and then by the sweep, for a
  day; what was refused for good is failed; what may have left (the connection broke after
  the message was handed over, a robot did not answer in time) is marked uncertain and never
  sent again by itself. A sent message's body and attachments are deleted: bodies hold live
  links (password reset, invitation).
- The office decides about an uncertain message (``outbox_mark_sent``, ``outbox_send_again``);
  until then its body is kept, for ``BODY_KEPT_FOR``.
- ``outbox_sweep`` re-enqueues messages pending too long, marks uncertain those whose sending
  worker died, and deletes the bodies kept too long.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import smtplib
import socket
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import partial

from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from .dispatch import try_enqueue
from .models import OutboxAttachment, OutboxMessage
from .sms import sms_backend, sms_text
from .webhooks import NotSent, OutcomeUnknown, Rejected, webhook_post

log = logging.getLogger(__name__)

S = OutboxMessage.Status
Channel = OutboxMessage.Channel
DELIVER_TASK = "core.deliver_outbox"
# Raised before anything was handed over: the message surely did not leave.
NOT_SENT_ERRORS = (
    ConnectionRefusedError,
    socket.gaierror,
    smtplib.SMTPConnectError,
    smtplib.SMTPHeloError,
    smtplib.SMTPAuthenticationError,
    smtplib.SMTPSenderRefused,
    smtplib.SMTPRecipientsRefused,
    smtplib.SMTPNotSupportedError,
)
PENDING_TOO_LONG = dt.timedelta(minutes=10)
# A message that did not leave is retried (by the task, then the sweep every few minutes) this long.
GIVE_UP_AFTER = dt.timedelta(hours=24)
# Longer than the delivery task's hard time limit: a message still "sending" after this lost its worker.
SENDING_TOO_LONG = dt.timedelta(minutes=10)
# An uncertain or failed message keeps its body this long for the office to send it again;
# then it goes, as a sent one's does (a password-reset link lives no longer than this either).
BODY_KEPT_FOR = dt.timedelta(days=3)
# A key part longer than this (a long address, a robot URL with its secret) is replaced by a hash.
KEY_PART_MAX = 64


class TemporarySendError(Exception):
    """The message did not leave; retrying later may succeed."""


@dataclass(frozen=True)
class Attachment:
    name: str
    content: bytes
    mime_type: str


@dataclass(frozen=True)
class Outgoing:
    """One message for ``outbox_write_many``: ``to`` holds e-mail addresses, or one robot URL."""

    key: str
    to: tuple[str, ...]
    subject: str
    text: str
    html: str = ""
    channel: str = Channel.EMAIL
    data: dict | None = None


def short_hash(value: str) -> str:
    """A stable 16-character name for a value that should not appear in a key (a robot's URL)."""
    return hashlib.sha256(value.encode()).hexdigest()[:16]


def outbox_key(*parts: object) -> str:
    """A message key from its parts, e.g. ``outbox_key("digest", week.pk, day, address)``."""
    texts = [str(part) for part in parts]
    return ":".join(text if len(text) <= KEY_PART_MAX else short_hash(text) for text in texts)


def outbox_write(
    *,
    to: Iterable[str],
    subject: str,
    text: str,
    html: str = "",
    key: str = "",
    channel: str = Channel.EMAIL,
    attachments: Sequence[Attachment] = (),
    data: dict | None = None,
) -> OutboxMessage | None:
    """Store one message and send it after the current transaction commits.

    ``key`` names the message (a reminder's slot, an invitation); the same key writes nothing
    more. ``data`` is what the channel needs besides the text (see ``OutboxMessage.data``).
    Side effects: the message and its attachments; its delivery enqueued on commit.
    Returns the message, or None when there is nobody to send it to."""
    recipients = [address for address in to if address]
    if not recipients:
        return None
    message, created = OutboxMessage.objects.get_or_create(
        key=key or f"mail:{uuid.uuid4().hex}",
        defaults={
            "channel": channel,
            "to": recipients,
            "subject": _one_line(subject),
            "text": text,
            "html": html,
            "data": data or {},
        },
    )
    if created:
        OutboxAttachment.objects.bulk_create(
            OutboxAttachment(message=message, name=item.name, mime_type=item.mime_type, content=item.content)
            for item in attachments
        )
        transaction.on_commit(partial(_enqueue, [message.pk]))
    return message


def outbox_write_many(*, messages: Sequence[Outgoing]) -> dict[str, OutboxMessage]:
    """Store many messages in two queries, whatever their number (a tick's reminders), and
    send them after the current transaction commits. A key stored before is kept as it is.

    Side effects: the messages; their deliveries enqueued on commit. Returns the stored
    message of each key (bodies deferred); messages with nobody to send to are left out."""
    rows = {}
    for item in messages:
        if any(item.to) and item.key not in rows:  # a key given twice is written once, as first given
            rows[item.key] = OutboxMessage(
                key=item.key,
                channel=item.channel,
                to=[address for address in item.to if address],
                subject=_one_line(item.subject),
                text=item.text,
                html=item.html,
                data=item.data or {},
            )
    if not rows:
        return {}
    OutboxMessage.objects.bulk_create(rows.values(), ignore_conflicts=True)
    stored = {
        message.key: message
        for message in OutboxMessage.objects.filter(key__in=list(rows)).defer("text", "html", "data")
    }
    # Enqueuing a message that is already being sent is harmless: delivery claims it once.
    waiting = [message.pk for message in stored.values() if message.status == S.PENDING]
    if waiting:
        transaction.on_commit(partial(_enqueue, waiting))
    return stored


def outbox_write_sms(*, to: str, template: str, params: dict, key: str = "") -> OutboxMessage | None:
    """Store one text message to the mobile number ``to`` from the portal's ``template``
    (``core.sms.SMS_TEXTS``) with ``params``, sent after commit by the configured backend.
    Side effects and return as ``outbox_write``."""
    return outbox_write(
        to=[to],
        subject=f"SMS {template}",
        text=sms_text(template, params),
        key=key,
        channel=Channel.SMS,
        data={"template": template, "params": {name: str(value) for name, value in params.items()}},
    )


def _one_line(subject: str) -> str:
    return " ".join(str(subject).split())[:300]


def _enqueue(message_ids: list[int]) -> None:
    for message_id in message_ids:
        try_enqueue(DELIVER_TASK, about=f"outbox {message_id} (the sweep sends it)", message_id=message_id)


# --- Sending ----------------------------------------------------------------------------------

# A sender returns the status the attempt leaves the message in, and the error if any:
# PENDING (surely not sent), FAILED (refused for good), UNCERTAIN (may have left), SENT.
Outcome = tuple[str, BaseException | None]


def outbox_deliver(*, message_id: int, final: bool = False) -> OutboxMessage | None:
    """Send one pending message, exactly once as far as the outcome is known.

    Side effects: the message's status, attempts, error and sent time; the e-mail or robot
    post; a sent message's body and attachments deleted. Raises ``TemporarySendError`` when
    it surely did not leave and may be retried (unless ``final``: then it waits for the
    sweep, or is failed once it has been retried for ``GIVE_UP_AFTER``)."""
    claimed = OutboxMessage.objects.filter(pk=message_id, status=S.PENDING).update(
        status=S.SENDING, attempts=F("attempts") + 1, claimed_at=timezone.now()
    )
    message = OutboxMessage.objects.filter(pk=message_id).first()
    if not claimed or message is None:
        return message  # sent, being sent, or given up on by someone else
    send = SENDERS.get(message.channel)
    if send is None:
        return _record(message, status=S.FAILED, error=LookupError(f"no sender for {message.channel!r}"))
    status, error = send(message)
    if status == S.PENDING:
        return _not_sent(message, error, final=final)
    if status == S.UNCERTAIN:
        log.warning("outbox %s: outcome unknown, marked uncertain", message.pk, exc_info=error)
    return _record(message, status=status, error=error)


def _send_email(message: OutboxMessage) -> Outcome:
    connection = get_connection()
    email = EmailMultiAlternatives(
        subject=message.subject, body=message.text, to=message.to, connection=connection
    )
    if message.html:
        email.attach_alternative(message.html, "text/html")
    for attachment in message.attachments.all():
        email.attach(attachment.name, bytes(attachment.content), attachment.mime_type)
    try:
        connection.open()  # reaching the server: whatever fails here, nothing has left
    except Exception as error:  # noqa: BLE001 - unreachable, timed out, refused: retried
        return S.PENDING, error
    try:
        email.send()
    except NOT_SENT_ERRORS as error:
        return S.PENDING, error
    except smtplib.SMTPDataError as error:  # the server refused the message itself: it did not leave
        return S.FAILED, error
    except Exception as error:  # noqa: BLE001 - it may have left: never send it again blindly
        return S.UNCERTAIN, error
    finally:
        _close(connection)
    return S.SENT, None


def _close(connection) -> None:
    """Closing after the message was accepted must not turn a sent message into an error."""
    try:
        connection.close()
    except Exception:  # noqa: BLE001 - the outcome is already known
        log.debug("closing the mail connection failed", exc_info=True)


def _send_webhook(message: OutboxMessage) -> Outcome:
    (url,) = message.to  # one robot per message: its outcome is the message's
    data = message.data or {}
    return _judged(
        webhook_post,
        url=url,
        content=message.text,
        mobiles=data.get("mobiles", ()),
        secret=data.get("secret", ""),
    )


def _send_sms(message: OutboxMessage) -> Outcome:
    (number,) = message.to  # one number per message: its outcome is the message's
    data = message.data or {}
    return _judged(
        sms_backend().send,
        to=number,
        template=data.get("template", ""),
        params=data.get("params", {}),
        text=message.text,
    )


def _judged(send: Callable[..., None], **kwargs) -> Outcome:
    """The outcome of one request to a robot or an SMS provider, by what its failure says."""
    try:
        send(**kwargs)
    except NotSent as error:
        return S.PENDING, error
    except Rejected as error:
        return S.FAILED, error
    except OutcomeUnknown as error:
        return S.UNCERTAIN, error
    except Exception as error:  # noqa: BLE001 - anything unforeseen may have happened after it left
        return S.UNCERTAIN, error
    return S.SENT, None


SENDERS: dict[str, Callable[[OutboxMessage], Outcome]] = {
    Channel.EMAIL: _send_email,
    Channel.WEBHOOK: _send_webhook,
    Channel.SMS: _send_sms,
}


def _not_sent(message: OutboxMessage, error: BaseException | None, *, final: bool) -> OutboxMessage:
    """It surely did not leave: pending again, for the task's retries and then the sweep's,
    until it has waited GIVE_UP_AFTER since it was written or sent again (then failed, for
    the office to see)."""
    since = message.decided_at or message.created_at
    given_up = final and since < timezone.now() - GIVE_UP_AFTER
    _record(message, status=S.FAILED if given_up else S.PENDING, error=error)
    if not final:
        raise TemporarySendError(str(error)) from error
    return message


def _record(message: OutboxMessage, *, status: str, error: BaseException | None = None) -> OutboxMessage:
    message.status = status
    message.last_error = _describe(error)
    message.sent_at = timezone.now() if status == S.SENT else None
    fields = ["status", "last_error", "sent_at"]
    if status == S.SENT:
        fields += _drop_body(message)
    message.save(update_fields=fields)
    return message


def _describe(error: BaseException | None) -> str:
    if error is None:
        return ""
    # Our own errors are written for the office; others get their type for the technician.
    if isinstance(error, NotSent | Rejected | OutcomeUnknown):
        return str(error)[:2000]
    return f"{type(error).__name__}: {error}"[:2000]


def _drop_body(message: OutboxMessage) -> list[str]:
    """Bodies hold live links (password reset, invitation) and codes: none is kept once sent."""
    message.text, message.html, message.data = "", "", {}
    message.attachments.all().delete()
    return ["text", "html", "data"]


# --- The office's decisions -------------------------------------------------------------------


def outbox_mark_sent(*, message_ids: Iterable[int], by) -> int:
    """The office confirmed (with the recipients) that uncertain messages arrived.

    Side effects: those messages sent, with who decided and when; their bodies and
    attachments deleted. Messages not uncertain are left alone. Returns how many changed."""
    now = timezone.now()
    with transaction.atomic():
        ids = list(
            OutboxMessage.objects.select_for_update()
            .filter(pk__in=list(message_ids), status=S.UNCERTAIN)
            .values_list("pk", flat=True)
        )
        OutboxAttachment.objects.filter(message_id__in=ids).delete()
        return OutboxMessage.objects.filter(pk__in=ids).update(
            status=S.SENT, text="", html="", data={}, decided_by=by, decided_at=now
        )


def outbox_send_again(*, message_ids: Iterable[int], by) -> int:
    """The office decided that uncertain (or failed) messages did not arrive: send them again.

    Only messages whose body is still kept can go again. Side effects: those messages pending
    again, with who decided and when; their delivery enqueued after commit. Returns how many."""
    now = timezone.now()
    with transaction.atomic():
        ids = list(
            OutboxMessage.objects.select_for_update()
            .filter(pk__in=list(message_ids), status__in=[S.UNCERTAIN, S.FAILED])
            .exclude(text="")
            .values_list("pk", flat=True)
        )
        OutboxMessage.objects.filter(pk__in=ids).update(status=S.PENDING, decided_by=by, decided_at=now)
        transaction.on_commit(partial(_enqueue, ids))
    return len(ids)


# --- The sweep --------------------------------------------------------------------------------


def outbox_sweep(*, now: dt.datetime | None = None) -> tuple[list[int], int]:
    """Enqueue again messages pending too long (a lost enqueue), mark uncertain those whose
    sending worker died, and delete the bodies of uncertain and failed messages older than
    ``BODY_KEPT_FOR``. Returns the ids enqueued and the number marked uncertain."""
    now = now or timezone.now()
    lost = OutboxMessage.objects.filter(status=S.SENDING, claimed_at__lt=now - SENDING_TOO_LONG).update(
        status=S.UNCERTAIN, last_error=_("发送中断（工作进程退出），未再发送。")
    )
    waiting = list(
        OutboxMessage.objects.filter(status=S.PENDING, created_at__lt=now - PENDING_TOO_LONG).values_list(
            "pk", flat=True
        )
    )
    _enqueue(waiting)
    kept_too_long = OutboxMessage.objects.filter(
        Q(decided_at__isnull=True) | Q(decided_at__lt=now - BODY_KEPT_FOR),
        status__in=[S.UNCERTAIN, S.FAILED],
        created_at__lt=now - BODY_KEPT_FOR,
    )
    OutboxAttachment.objects.filter(message__in=kept_too_long).delete()
    kept_too_long.exclude(text="", html="").update(text="", html="", data={})
    return waiting, lost
