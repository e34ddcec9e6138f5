"""Thin tasks over the shared plumbing."""

from celery import shared_task

from .heartbeat import heartbeat_record
from .public_cache import resync_public_version


@shared_task(name="core.resync_public_version", acks_late=True, time_limit=60, soft_time_limit=50)
def resync_public_version_task() -> None:
    resync_public_version()


@shared_task(name="core.heartbeat", acks_late=True, time_limit=30, soft_time_limit=20)
def heartbeat_task() -> None:
    """Beat sends it every ``HEARTBEAT_SECONDS``; /readyz reads how long ago a worker ran it."""
    heartbeat_record()
