"""Plain helpers shared by the reminder, digest, webhook and bulletin tests: the day they run
on and the clock in the week's zone. Fixtures live in conftest.py."""

import datetime as dt

import time_machine
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
