"""Celery tasks of the hall. Ids in, nothing out; safe to run twice."""

from celery import shared_task

from . import importing
from .services import images, imports


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
