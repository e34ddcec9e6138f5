"""Celery tasks of the submissions app, one module per subject; autodiscovery imports this."""

from .media import check_media_task, purge_failed_media_task, sweep_stuck_checks_task
from .reminders import (
    deliver_reminders_task,
    reminders_tick_task,
    send_dispatch_task,
    sweep_stuck_reminders_task,
)

__all__ = [
    "check_media_task",
    "deliver_reminders_task",
    "purge_failed_media_task",
    "reminders_tick_task",
    "send_dispatch_task",
    "sweep_stuck_checks_task",
    "sweep_stuck_reminders_task",
]
