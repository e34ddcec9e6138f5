"""Thin tasks over the reminder services. Ids in, nothing out; safe to run twice.

``reminders_tick`` runs every minute from beat; it enqueues ``deliver_reminders`` (one
task per batch of reminders) and ``send_dispatch`` (one per office mailing). Sends that
fail in a way that may pass go to ``retry_reminders``, which retries with exponential
backoff until ``MAX_SEND_ATTEMPTS`` attempts in all.
"""

from celery import shared_task
from django.utils import timezone

from ..services import reminder_delivery, reminders
from ..services.channels import TemporarySendError
from ..services.reminders import (
    DELIVERY_TIME_LIMIT,
    FIRST_RETRY_SECONDS,
    MAX_SEND_ATTEMPTS,
    RETRY_BACKOFF,
    RETRY_BACKOFF_MAX,
)


@shared_task(name="submissions.reminders_tick", acks_late=True, time_limit=300, soft_time_limit=240)
def reminders_tick_task() -> None:
    reminders.reminders_tick(now=timezone.now())


@shared_task(name="submissions.sweep_stuck_reminders", acks_late=True, time_limit=300, soft_time_limit=240)
def sweep_stuck_reminders_task() -> None:
    reminders.reminders_sweep_stuck()  # gives up on deliveries older than retry_window()


@shared_task(
    name="submissions.deliver_reminders",
    acks_late=True,
    time_limit=DELIVERY_TIME_LIMIT,
    soft_time_limit=DELIVERY_TIME_LIMIT - 60,
)
def deliver_reminders_task(*, reminder_ids: list[int]) -> None:
    retry = reminder_delivery.reminders_deliver(reminder_ids=reminder_ids, attempt=1)
    if retry:
        retry_reminders_task.apply_async(kwargs={"reminder_ids": retry}, countdown=FIRST_RETRY_SECONDS)


@shared_task(
    bind=True,
    name="submissions.retry_reminders",
    acks_late=True,
    time_limit=DELIVERY_TIME_LIMIT,
    soft_time_limit=DELIVERY_TIME_LIMIT - 60,
    autoretry_for=(TemporarySendError,),
    retry_backoff=RETRY_BACKOFF,
    retry_backoff_max=RETRY_BACKOFF_MAX,
    retry_jitter=True,
    max_retries=MAX_SEND_ATTEMPTS - 2,
)
def retry_reminders_task(self, *, reminder_ids: list[int]) -> None:
    retries = self.request.retries
    retry = reminder_delivery.reminders_deliver(
        reminder_ids=reminder_ids, attempt=retries + 2, final=retries >= self.max_retries
    )
    if retry:
        raise TemporarySendError(f"{len(retry)} reminders to retry")


@shared_task(
    bind=True,
    name="submissions.send_dispatch",
    acks_late=True,
    autoretry_for=(TemporarySendError,),
    retry_backoff=30,
    retry_backoff_max=600,
    retry_jitter=True,
    max_retries=MAX_SEND_ATTEMPTS - 1,
)
def send_dispatch_task(self, *, dispatch_id: int) -> None:
    reminders.dispatch_send(dispatch_id=dispatch_id, final=self.request.retries >= self.max_retries)
