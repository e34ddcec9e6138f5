"""Counters of changes that a page follows live, so it can ask "anything new?" for the price of
one indexed read instead of rendering itself again (the office board asks every second).

A service calls ``bump_on_commit(name)`` inside the transaction that makes the change; the
counter moves once that transaction has committed. Bumped earlier, a reader could fetch the
old rows under the new number and believe itself up to date. ``token(*names)`` reads several
counters in one query and returns a short string that differs whenever any of them moved.

Names are free strings owned by the app that bumps them: ``events`` (an approved event
changed, was approved, cancelled or imported: ``events.services.workflow``; a reporter left a
unit: ``events.services.people.membership_remove``; a person's name or phone changed or the
person was deleted in the admin: ``events.admin.UserAdmin``) and ``reports`` (a daily report,
its review or its media changed: ``submissions.services``).

The counts live in the database (``ChangeCounter``), not in the shared cache: a bump made
while Redis is away is never lost, a Redis restart never sends a count back to a number a
page has already seen, and a reader needs no fallback. The price is one primary-key read per
question, next to the session and user reads that the same request makes anyway.
"""

from __future__ import annotations

from functools import partial

from django.db import transaction
from django.db.models import F

from .models import ChangeCounter


def bump_on_commit(name: str) -> None:
    """Count one change of ``name`` once the current transaction commits (at once outside one).

    A failing bump is logged, not raised (``robust``): the change itself is already committed."""
    transaction.on_commit(partial(_bump, name), robust=True)


def _bump(name: str) -> None:
    # One UPDATE holds the row's lock for a single statement, never for a whole transaction.
    if ChangeCounter.objects.filter(name=name).update(value=F("value") + 1):
        return
    _counter, created = ChangeCounter.objects.get_or_create(name=name, defaults={"value": 1})
    if not created:  # another process created the row between the two statements
        ChangeCounter.objects.filter(name=name).update(value=F("value") + 1)


def token(*names: str) -> str:
    """The counters of ``names`` as one string (``"12.340"``), read in one query; a counter never
    bumped counts 0."""
    values = dict(ChangeCounter.objects.filter(name__in=names).values_list("name", "value"))
    return ".".join(str(values.get(name, 0)) for name in names)
