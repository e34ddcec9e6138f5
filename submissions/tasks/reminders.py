"""Thin tasks over the reminder services. Ids in, nothing out; safe to run twice.

``reminders_tick`` runs every minute from beat; it enqueues ``deliver_reminders`` (one
task per batch of reminders) and ``send_dispatch`` (one per office mailing). Both only
write to the database (notices, outbox messages) and retry nothing: the outbox's own task
(``core.deliver_outbox``) sends, and retries what surely did not leave.
"""

from celery import shared_task
from django.utils import timezone

from ..services import reminder_delivery, reminders
from ..services.reminders import DELIVERY_TIME_LIMIT


@shared_task(name="submissions.reminders_tick", acks_late=True, time_limit=300, soft_time_limit=240)
def reminders_tick_task() -> None:
    reminders.reminders_tick(now=timezone.now())


@shared_task(name="submissions.sweep_stuck_reminders", acks_late=True, time_limit=300, soft_time_limit=240)
def sweep_stuck_reminders_task() -> None:
    reminders.reminders_sweep_stuck()


@shared_task(
    name="submissions.deliver_reminders",
    acks_late=True,
    time_limit=DELIVERY_TIME_LIMIT,
    soft_time_limit=DELIVERY_TIME_LIMIT - 60,
)
def deliver_reminders_task(*, reminder_ids: list[int]) -> None:
    reminder_delivery.reminders_deliver(reminder_ids=reminder_ids)


@shared_task(
    name="submissions.send_dispatch",
    acks_late=True,
    time_limit=DELIVERY_TIME_LIMIT,
    soft_time_limit=DELIVERY_TIME_LIMIT - 60,
)
def send_dispatch_task(*, dispatch_id: int) -> None:
    reminders.dispatch_send(dispatch_id=dispatch_id)
