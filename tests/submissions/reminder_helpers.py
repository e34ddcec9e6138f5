"""Plain helpers shared by the reminder, digest, webhook and bulletin tests: the day they run
on, the clock in the week's zone, and mail servers that fail in the ways that matter to the
outbox. Fixtures live in conftest.py."""

import datetime as dt
import smtplib

import time_machine
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.utils import timezone

from submissions.services import reminders as services
from tests import factories

DAY = dt.date(2026, 9, 21)  # the second day of factories.week()


def local(hour: int, minute: int = 0, *, day: dt.date = DAY) -> dt.datetime:
    return factories.at(day, hour, minute)


def run_tick(capture, when: dt.datetime, **options):
    """One tick at ``when`` with its after-commit sends run (eagerly) as in production."""
    with time_machine.travel(when, tick=False), capture(execute=True):
        return services.reminders_tick(now=timezone.now(), **options)


class SentThenBrokeBackend(LocmemBackend):
    """The message reached the server (it is in mail.outbox), then the connection broke
    before the server's answer: the outcome is unknown to the sender."""

    def send_messages(self, messages):
        super().send_messages(messages)
        raise smtplib.SMTPServerDisconnected("connection closed after DATA")


class UnreachableBackend(LocmemBackend):
    """A mail server that does not answer for the first ``failures`` connections (class
    attribute; set by the test), then delivers to mail.outbox."""

    failures = 0
    calls = 0

    def open(self):
        UnreachableBackend.calls += 1
        if UnreachableBackend.calls <= UnreachableBackend.failures:
            raise TimeoutError("timed out")
        return super().open()


def outbox_status(row) -> tuple[str, int]:
    """(status, attempts) of the outbox message a reminder or mailing was handed over as."""
    row.refresh_from_db()
    message = row.outbox
    message.refresh_from_db()
    return message.status, message.attempts


def mail_server_unreachable(settings, *, failures: int) -> None:
    """Use ``UnreachableBackend``, refusing the next ``failures`` connections."""
    settings.EMAIL_BACKEND = "tests.submissions.reminder_helpers.UnreachableBackend"
    UnreachableBackend.failures, UnreachableBackend.calls = failures, 0
