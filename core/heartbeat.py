"""Proof that beat and a worker are alive: beat sends the heartbeat task, a worker records it."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from .models import Heartbeat

WORKER = "worker"


def heartbeat_record(*, now: dt.datetime | None = None) -> None:
    Heartbeat.objects.update_or_create(name=WORKER, defaults={"at": now or timezone.now()})


def heartbeat_age(*, now: dt.datetime | None = None) -> dt.timedelta | None:
    """How long ago a worker last ran the heartbeat; None if never."""
    at = Heartbeat.objects.filter(name=WORKER).values_list("at", flat=True).first()
    return None if at is None else (now or timezone.now()) - at
