"""Every e-mail leaves through the outbox: written in the transaction of the action that
causes it, sent once by a worker after commit.

- ``outbox_write`` stores the message (once per ``key``) and enqueues its delivery on commit;
  a rolled-back action leaves no message, a failed enqueue is picked up by the sweep.
- ``outbox_deliver`` claims a pending message and sends it. What surely did not leave (the
  server could not be reached, or refused the sender or every recipient) goes back to
  pending and is retried, by the task with backoff and then by the sweep, for a day; what may
  have left (the connection broke mid-send) is marked uncertain and never sent again by
  itself. Once a message may have left its body is cleared: it holds live links.
- ``outbox_sweep`` re-enqueues messages pending too long and marks uncertain those whose
  sending worker died.
"""

from __future__ import annotations

import datetime as dt
import logging
import smtplib
import socket
import uuid
from collections.abc import Iterable

from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from .dispatch import try_enqueue
from .models import OutboxMessage

log = logging.getLogger(__name__)

S = OutboxMessage.Status
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


class TemporarySendError(Exception):
    """The message did not leave; retrying later may succeed."""


def outbox_write(
    *, to: Iterable[str], subject: str, text: str, html: str = "", key: str = ""
) -> OutboxMessage | None:
    """Store one e-mail and send it after the current transaction commits.

    ``key`` names the message (a reminder's slot, an invitation); the same key writes nothing
    more. Returns the message, or None when there is nobody to send it to."""
    recipients = [address for address in to if address]
    if not recipients:
        return None
    message, created = OutboxMessage.objects.get_or_create(
        key=key or f"mail:{uuid.uuid4().hex}",
        defaults={
            "to": recipients,
            "subject": " ".join(str(subject).split())[:300],
            "text": text,
            "html": html,
        },
    )
    if created:
        transaction.on_commit(lambda: _enqueue(message.pk))
    return message


def _enqueue(message_id: int) -> None:
    try_enqueue(DELIVER_TASK, about=f"outbox {message_id} (the sweep sends it)", message_id=message_id)


def outbox_deliver(*, message_id: int, final: bool = False) -> OutboxMessage | None:
    """Send one pending message, exactly once as far as the outcome is known.

    Side effects: the message's status, attempts, error and sent time; the e-mail. Raises
    ``TemporarySendError`` when it surely did not leave and may be retried (unless ``final``:
    then it is recorded as failed)."""
    claimed = OutboxMessage.objects.filter(pk=message_id, status=S.PENDING).update(
        status=S.SENDING, attempts=F("attempts") + 1, claimed_at=timezone.now()
    )
    message = OutboxMessage.objects.filter(pk=message_id).first()
    if not claimed or message is None:
        return message  # sent, being sent, or given up on by someone else
    connection = get_connection()
    email = EmailMultiAlternatives(
        subject=message.subject, body=message.text, to=message.to, connection=connection
    )
    if message.html:
        email.attach_alternative(message.html, "text/html")
    try:
        connection.open()  # reaching the server: whatever fails here, nothing has left
    except Exception as error:  # noqa: BLE001 - unreachable, timed out, refused: retried
        return _not_sent(message, error, final=final)
    try:
        email.send()
    except NOT_SENT_ERRORS as error:
        return _not_sent(message, error, final=final)
    except smtplib.SMTPDataError as error:  # the server refused the message itself: it did not leave
        return _record(message, status=S.FAILED, error=error)
    except Exception as error:  # noqa: BLE001 - it may have left: never send it again blindly
        log.warning("outbox %s: outcome unknown, marked uncertain", message.pk, exc_info=True)
        return _record(message, status=S.UNCERTAIN, error=error)
    finally:
        connection.close()
    return _record(message, status=S.SENT)


def _not_sent(message: OutboxMessage, error: BaseException, *, final: bool) -> OutboxMessage:
    """It surely did not leave: pending again, for the task's retries and then the sweep's,
    until it is older than GIVE_UP_AFTER (then failed, for the office to see)."""
    given_up = final and message.created_at < timezone.now() - GIVE_UP_AFTER
    _record(message, status=S.FAILED if given_up else S.PENDING, error=error)
    if not final:
        raise TemporarySendError(str(error)) from error
    return message


def _record(message: OutboxMessage, *, status: str, error: BaseException | None = None) -> OutboxMessage:
    message.status = status
    message.last_error = f"{type(error).__name__}: {error}"[:2000] if error else ""
    message.sent_at = timezone.now() if status == S.SENT else None
    fields = ["status", "last_error", "sent_at"]
    if status in (S.SENT, S.UNCERTAIN):
        # Bodies hold live links (password reset, invitation): none is kept once it may have left.
        message.text, message.html = "", ""
        fields += ["text", "html"]
    message.save(update_fields=fields)
    return message


def outbox_sweep(*, now: dt.datetime | None = None) -> tuple[list[int], int]:
    """Enqueue again messages pending too long (a lost enqueue), and mark uncertain those
    whose sending worker died. Returns the ids enqueued and the number marked uncertain."""
    now = now or timezone.now()
    lost = OutboxMessage.objects.filter(status=S.SENDING, claimed_at__lt=now - SENDING_TOO_LONG).update(
        status=S.UNCERTAIN, last_error="发送中断（工作进程退出），未再发送。"
    )
    waiting = list(
        OutboxMessage.objects.filter(status=S.PENDING, created_at__lt=now - PENDING_TOO_LONG).values_list(
            "pk", flat=True
        )
    )
    for message_id in waiting:
        _enqueue(message_id)
    return waiting, lost
