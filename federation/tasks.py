"""Celery tasks of the federation. Ids in, nothing out; safe to run twice."""

from celery import shared_task

from . import services

# A source's whole turn (schedule and totals, each bounded by fetch's timeouts) never takes
# longer; a message not started within one beat period is dropped (the next one covers it).
SYNC_TIME_LIMIT = 180
SYNC_EXPIRES = 600


@shared_task(name="federation.sync_all")
def sync_all_task() -> None:
    services.sources_sync_start()


@shared_task(
    name=services.SYNC_TASK,
    time_limit=SYNC_TIME_LIMIT,
    soft_time_limit=SYNC_TIME_LIMIT - 30,
    expires=SYNC_EXPIRES,
)
def sync_source_task(*, source_id: int) -> None:
    # A vanished or disabled source is skipped by the services.
    services.source_sync(source_id=source_id)
    services.source_totals_read(source_id=source_id)
