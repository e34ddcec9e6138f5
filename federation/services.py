"""Reading the sources: the schedule (``source_sync``), the totals (``source_totals_read``),
and the fan-out that starts one task per enabled source (``sources_sync_start``).

What a sync writes, exactly:

- the source answered 304 to our ETag: one UPDATE of the source's ``last_attempt_at``,
  ``last_success_at`` and ``last_error`` (emptied), nothing else;
- it answered a schedule we can read: in one transaction, the new and changed events
  (one INSERT ... ON CONFLICT UPDATE per 500), a DELETE of those it no longer publishes, and
  one UPDATE of the source (ETag, version, week name, count, times); unchanged events are
  not written. When events changed, the public version is bumped after commit;
- it failed (network, HTTP status, size, time, JSON, payload): one UPDATE of
  ``last_attempt_at`` and ``last_error``; its events and ETag stay as the last good sync
  left them. The failure is logged (warning) with the source's id and address.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from core.dispatch import try_enqueue
from core.public_cache import NO_EVENT, bump_public_version_after_commit

from . import fetch, payload
from .models import RemoteEvent, Source

log = logging.getLogger(__name__)

SYNC_TASK = "federation.sync_source"
BATCH = 500
SYNCED_FIELDS = [
    "title",
    "subtitle",
    "starts_at",
    "ends_at",
    "form",
    "form_name",
    "themes",
    "place_kind",
    "where",
    "venue_name",
    "host",
    "status",
    "url",
    "live_url",
    "online_url",
    "remote_updated_at",
    "digest",
]


@dataclass(frozen=True)
class SyncOutcome:
    status: str  # "not_modified", "changed", "unchanged", "failed", "skipped"
    written: int = 0
    deleted: int = 0
    error: str = ""


def sources_sync_start() -> int:
    """Enqueue one sync task per enabled source (each has its own time limit, so a slow one
    delays no other). Returns how many were enqueued."""
    started = 0
    for source_id in Source.objects.filter(enabled=True).values_list("pk", flat=True):
        started += try_enqueue(SYNC_TASK, about=f"federation source {source_id}", source_id=source_id)
    return started


def source_sync(*, source_id: int) -> SyncOutcome:
    """Read the source's schedule and bring its ``RemoteEvent`` rows to it (see the module)."""
    source = Source.objects.filter(pk=source_id, enabled=True).first()
    if source is None:
        return SyncOutcome("skipped")
    now = timezone.now()
    try:
        answer = fetch.get_json(source.api_url, etag=source.etag)
        if answer.not_modified:
            Source.objects.filter(pk=source.pk).update(
                last_attempt_at=now, last_success_at=now, last_error=""
            )
            return SyncOutcome("not_modified")
        schedule = payload.parse(answer.data)
    except (fetch.FetchError, payload.PayloadError) as error:
        return _failed(source, now, str(error))
    if schedule.dropped_links:
        log.warning(
            "federation source %s (%s): %s links that were not http(s) dropped",
            source.pk,
            source.api_url,
            schedule.dropped_links,
        )
    with transaction.atomic():
        existing = dict(RemoteEvent.objects.filter(source=source).values_list("remote_id", "digest"))
        rows = []
        for event in schedule.events:
            digest = event.digest
            if existing.get(event.remote_id) != digest:
                rows.append(
                    RemoteEvent(
                        source=source,
                        remote_id=event.remote_id,
                        digest=digest,
                        **{name: getattr(event, name) for name in SYNCED_FIELDS if name != "digest"},
                    )
                )
        published = {event.remote_id for event in schedule.events}
        gone = [remote_id for remote_id in existing if remote_id not in published]
        if rows:
            RemoteEvent.objects.bulk_create(
                rows,
                batch_size=BATCH,
                update_conflicts=True,
                unique_fields=["source", "remote_id"],
                update_fields=SYNCED_FIELDS,
            )
        deleted = 0
        for start in range(0, len(gone), BATCH):
            deleted += RemoteEvent.objects.filter(
                source=source, remote_id__in=gone[start : start + BATCH]
            ).delete()[0]
        changed = bool(rows or deleted)
        Source.objects.filter(pk=source.pk).update(
            etag=answer.etag,
            api_version=schedule.api_version,
            week_name=schedule.week_name[:300],
            event_count=len(schedule.events),
            last_attempt_at=now,
            last_success_at=now,
            last_changed_at=now if changed else F("last_changed_at"),
            last_error="",
        )
        if changed:
            bump_public_version_after_commit(events=NO_EVENT)  # remote events are not the week's rows
    return SyncOutcome("changed" if changed else "unchanged", written=len(rows), deleted=deleted)


def _failed(source: Source, now, message: str) -> SyncOutcome:
    log.warning("federation source %s (%s) refused: %s", source.pk, source.api_url, message)
    Source.objects.filter(pk=source.pk).update(last_attempt_at=now, last_error=message[:2000])
    return SyncOutcome("failed", error=message)


def source_totals_read(*, source_id: int) -> str:
    """Read the source's public totals of its current week (``/api/weeks/current/totals.json``,
    with its token when the office gave one). Unchanged (304): no write. Read: one UPDATE of
    ``totals``, ``totals_etag``, ``totals_read_at``. Failed: one UPDATE of ``totals_error``
    unless it is the same error as last time; the last totals are kept. Returns "not_modified", "read" or "failed"."""
    source = Source.objects.filter(pk=source_id, enabled=True).first()
    if source is None:
        return "skipped"
    try:
        answer = fetch.get_json(source.totals_url, etag=source.totals_etag, token=source.totals_token)
        if answer.not_modified:
            return "not_modified"
        totals = payload.parse_totals(answer.data)
    except (fetch.FetchError, payload.PayloadError) as error:
        log.warning("federation source %s totals refused: %s", source.pk, error)
        if source.totals_error != str(error)[:2000]:  # the same failure again writes nothing
            Source.objects.filter(pk=source.pk).update(totals_error=str(error)[:2000])
        return "failed"
    changed = totals != source.totals
    Source.objects.filter(pk=source.pk).update(
        totals=totals, totals_etag=answer.etag, totals_read_at=timezone.now(), totals_error=""
    )
    if changed:
        bump_public_version_after_commit(events=NO_EVENT)  # remote events are not the week's rows
    return "read"
