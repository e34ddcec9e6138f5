"""Celery tasks of the events app. Ids in, nothing out; safe to run twice."""

from celery import shared_task

from . import importing
from .services import covers, imports


@shared_task(name=covers.TASK_NAME, acks_late=True, time_limit=300, soft_time_limit=270)
def make_cover_versions_task(*, event_id: int) -> None:
    # A vanished event, or a cover replaced meanwhile, is handled (and skipped) by the service.
    covers.cover_versions_make(event_id=event_id)


@shared_task(name=imports.TASK_NAME, acks_late=True, time_limit=300, soft_time_limit=240)
def preview_import_task(*, job_id: int) -> None:
    # Checks a large upload with the importer's preview (a layer above the services) and records
    # it on the job; a vanished or finished job is skipped, a crash is recorded as a failed job.
    importing.import_job_run(job_id=job_id)
