"""Thin tasks over the pitch videos' services. Ids in, nothing out; safe to run twice."""

import os

from celery import shared_task

from .services import videos

# The reports' transcoding queue (shuangchuang/celery.py routes submissions.make_renditions
# there by the same setting): minutes of encoding never delay a check or a reminder.
TRANSCODE_QUEUE = os.environ.get("CELERY_TRANSCODE_QUEUE", "media-transcode")


@shared_task(
    bind=True,
    name=videos.CHECK_TASK,
    acks_late=True,
    reject_on_worker_lost=True,
    time_limit=videos.CHECK_TIME_LIMIT,
    soft_time_limit=videos.CHECK_TIME_LIMIT - 60,
)
def check_entry_video_task(self, *, entry_id: int) -> None:
    # A redelivered message: its worker died holding the check (late acknowledgement), resume it.
    redelivered = bool((self.request.delivery_info or {}).get("redelivered"))
    videos.entry_video_check(entry_id=entry_id, resume=redelivered)


@shared_task(
    bind=True,
    name=videos.VERSIONS_TASK,
    queue=TRANSCODE_QUEUE,
    acks_late=True,
    reject_on_worker_lost=True,
    time_limit=videos.VERSIONS_TIME_LIMIT,
    soft_time_limit=videos.VERSIONS_TIME_LIMIT - 60,
)
def make_entry_video_versions_task(self, *, entry_id: int) -> None:
    redelivered = bool((self.request.delivery_info or {}).get("redelivered"))
    videos.entry_video_versions_make(entry_id=entry_id, resume=redelivered)


@shared_task(name=videos.SWEEP_TASK, acks_late=True)
def sweep_entry_videos_task() -> None:
    videos.entry_videos_sweep()
