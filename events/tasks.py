"""Celery tasks of the events app. Ids in, nothing out; safe to run twice."""

from celery import shared_task

from .services import covers


@shared_task(name=covers.TASK_NAME, acks_late=True, time_limit=300, soft_time_limit=270)
def make_cover_versions_task(*, event_id: int) -> None:
    # A vanished event, or a cover replaced meanwhile, is handled (and skipped) by the service.
    covers.cover_versions_make(event_id=event_id)
