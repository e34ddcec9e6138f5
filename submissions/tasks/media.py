"""Thin tasks over the media services. Ids in, nothing out; safe to run twice."""

from celery import shared_task

from ..services import media as media_services
from ..services import renditions as renditions_services

# Below the broker's visibility timeout (3600 s), so a redelivered check never overlaps a live one.
CHECK_TIME_LIMIT = media_services.CHECK_TIME_LIMIT


@shared_task(
    bind=True,
    name="submissions.check_media",
    acks_late=True,
    reject_on_worker_lost=True,
    time_limit=CHECK_TIME_LIMIT,
    soft_time_limit=CHECK_TIME_LIMIT - 60,
)
def check_media_task(self, *, media_id: int) -> None:
    # A redelivered message means its worker died holding it (late acknowledgement; the
    # visibility timeout is longer than the time limit): the check it held is dead, resume it.
    redelivered = bool((self.request.delivery_info or {}).get("redelivered"))
    media_services.media_check(media_id=media_id, resume=redelivered)


@shared_task(
    bind=True,
    name=renditions_services.TASK_NAME,
    acks_late=True,
    reject_on_worker_lost=True,
    time_limit=renditions_services.TASK_TIME_LIMIT,
    soft_time_limit=renditions_services.TASK_TIME_LIMIT - 60,
)
def make_renditions_task(self, *, media_id: int) -> None:
    # Routed to the "media-transcode" queue (shuangchuang/celery.py). A redelivered message:
    # its worker died mid-transcode, take the work over (the retry count is on the row).
    redelivered = bool((self.request.delivery_info or {}).get("redelivered"))
    renditions_services.renditions_make(media_id=media_id, resume=redelivered)


@shared_task(name="submissions.sweep_stuck_checks", acks_late=True)
def sweep_stuck_checks_task() -> None:
    media_services.media_sweep_stuck()


@shared_task(name="submissions.purge_failed_media", acks_late=True, time_limit=1800, soft_time_limit=1740)
def purge_failed_media_task() -> None:
    media_services.media_purge_failed()  # reads MEDIA_PURGE_FAILED_AFTER_DAYS (default 7)
