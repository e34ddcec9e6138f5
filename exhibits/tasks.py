"""Celery tasks of the hall. Ids in, nothing out; safe to run twice."""

import os

from celery import shared_task

from . import importing
from .services import images, imports, videos

# Transcoding takes minutes of CPU per video: the queue of the reports' web versions
# (shuangchuang/celery.py routes those by name; this task names its queue itself).
TRANSCODE_QUEUE = os.environ.get("CELERY_TRANSCODE_QUEUE", "media-transcode")


@shared_task(name=imports.CHECK_TASK, acks_late=True, time_limit=1800, soft_time_limit=1700)
def check_import_task(*, job_id: int) -> None:
    # A vanished, cancelled or finished job is skipped; a crash is recorded on the job.
    importing.import_job_check(job_id=job_id)


@shared_task(name=imports.RUN_TASK, acks_late=True, time_limit=1800, soft_time_limit=1700)
def run_import_task(*, job_id: int) -> None:
    # Writes in one transaction and marks the job imported in it: delivered twice, it runs once.
    importing.import_job_run(job_id=job_id)


@shared_task(name=images.TASK_NAME, acks_late=True, time_limit=600, soft_time_limit=540)
def make_image_versions_task(*, project_id: int) -> None:
    # A vanished project or a file replaced meanwhile is handled (and skipped) by the service.
    images.project_image_versions_make(project_id=project_id)


@shared_task(
    bind=True,
    name=videos.CHECK_TASK,
    acks_late=True,
    reject_on_worker_lost=True,
    time_limit=videos.CHECK_TIME_LIMIT,
    soft_time_limit=videos.CHECK_TIME_LIMIT - 60,
)
def check_video_task(self, *, video_id: int) -> None:
    # A redelivered message means its worker died holding it (late acknowledgement): resume.
    redelivered = bool((self.request.delivery_info or {}).get("redelivered"))
    videos.project_video_check(video_id=video_id, resume=redelivered)


@shared_task(
    bind=True,
    name=videos.VERSIONS_TASK,
    queue=TRANSCODE_QUEUE,
    acks_late=True,
    reject_on_worker_lost=True,
    time_limit=videos.VERSIONS_TIME_LIMIT,
    soft_time_limit=videos.VERSIONS_TIME_LIMIT - 60,
)
def make_video_versions_task(self, *, video_id: int) -> None:
    redelivered = bool((self.request.delivery_info or {}).get("redelivered"))
    videos.project_video_versions_make(video_id=video_id, resume=redelivered)


@shared_task(name=videos.SWEEP_TASK, acks_late=True, time_limit=300, soft_time_limit=240)
def sweep_videos_task() -> None:
    videos.project_videos_sweep()
