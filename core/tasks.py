"""Thin tasks over the shared plumbing."""

from celery import shared_task

from .heartbeat import heartbeat_record
from .outbox import TemporarySendError, outbox_deliver, outbox_sweep
from .public_cache import resync_public_version
from .resumable.services import resumable_expire


@shared_task(name="core.resync_public_version", acks_late=True, time_limit=60, soft_time_limit=50)
def resync_public_version_task() -> None:
    resync_public_version()


@shared_task(name="core.heartbeat", acks_late=True, time_limit=30, soft_time_limit=20)
def heartbeat_task() -> None:
    """Beat sends it every ``HEARTBEAT_SECONDS``; /readyz reads how long ago a worker ran it."""
    heartbeat_record()


@shared_task(
    bind=True,
    name="core.deliver_outbox",
    acks_late=True,
    time_limit=300,
    soft_time_limit=240,
    autoretry_for=(TemporarySendError,),
    retry_backoff=30,
    retry_backoff_max=600,
    retry_jitter=True,
    max_retries=4,
)
def deliver_outbox_task(self, *, message_id: int) -> None:
    outbox_deliver(message_id=message_id, final=self.request.retries >= self.max_retries)


@shared_task(name="core.sweep_outbox", acks_late=True, time_limit=120, soft_time_limit=100)
def sweep_outbox_task() -> None:
    outbox_sweep()


@shared_task(name="core.expire_resumable_uploads", acks_late=True, time_limit=300, soft_time_limit=240)
def expire_resumable_uploads_task() -> None:
    """Resumable uploads past their expiry (24 h after they started): rows and staging files go."""
    resumable_expire()
