"""Web versions of the videos the public may see: H.264/AAC MP4s at 720p and 360p, a poster
frame and a short muted preview, made by a worker on a queue of its own.

Which videos: those that passed their check and are public, or belong to an accepted report
(``due_videos``). The check queues a due video as soon as it passes (``renditions_schedule``);
the sweep beat runs every minute (``renditions_sweep``) queues the videos that became due since
(the office accepted the report or published the video), resends messages the broker lost
and takes over work whose worker died. The task ``submissions.make_renditions`` runs on the
``media-transcode`` queue (shuangchuang/celery.py), so minutes of transcoding never delay a
photo check or a reminder.

``renditions_make`` claims the video like a check claims its file (at most one worker, a lease
renewed with each progress report), transcodes it in the sandboxed child
(``submissions.media.renditions``), stores the files under generated names beside the other
media and records them on the row (see ``MediaFile``); a failed run is retried once, a
minute later. The original is kept for the office; public pages play only these versions.

``web_versions_make`` is the part that knows no model: a stored video in, stored versions and
their record out, for the exhibits' and contests' videos as well.
"""

from __future__ import annotations

import datetime as dt
import logging
import tempfile
import time
from collections.abc import Callable
from functools import partial

from django.core.files import File
from django.db import connection, transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from core.dispatch import try_enqueue
from core.public_cache import bump_public_version_after_commit

from ..media.renditions import render_video
from ..media.sandbox import ChildFailed
from ..models import DailyReport, MediaFile, media_rendition_path
from .local_files import local_copy

log = logging.getLogger(__name__)

TASK_NAME = "submissions.make_renditions"
# The first run and one retry; a run whose worker died counts as a run.
MAX_ATTEMPTS = 2
RETRY_AFTER_SECONDS = 60
# The task's hard time limit: above the child's own ceiling (media.renditions), below the
# broker's visibility timeout (3600 s), so a redelivered message never overlaps a live run.
TASK_TIME_LIMIT = 3300
# Progress is written (and the lease renewed) at most this often; work whose lease is older
# than LEASE_SECONDS lost its worker and is taken over by the sweep.
PROGRESS_EVERY_SECONDS = 2.0
LEASE_SECONDS = 180
# A queued video not started after this long lost its message (a long queue is not lost).
RESEND_QUEUED_AFTER = dt.timedelta(hours=1)
SWEEP_BATCH = 200

Status = MediaFile.RenditionStatus


def due_videos() -> QuerySet[MediaFile]:
    """Videos that passed their check and are public or belong to an accepted report."""
    return MediaFile.objects.filter(kind=MediaFile.Kind.VIDEO, status=MediaFile.Status.PASSED).filter(
        Q(is_public=True) | Q(report__status=DailyReport.Status.ACCEPTED)
    )


def renditions_schedule(*, media: MediaFile) -> bool:
    """Queue the web versions of ``media`` if it is due and has none, queued or made.

    Side effects: ``rendition_status`` queued; task ``submissions.make_renditions`` enqueued
    after commit (the sweep resends it if the broker is away). Returns whether it was queued."""
    queued = (
        due_videos()
        .filter(pk=media.pk, rendition_status=Status.NONE)
        .update(rendition_status=Status.QUEUED, rendition_alive_at=timezone.now(), rendition_progress=0)
    )
    if queued:
        transaction.on_commit(partial(_enqueue, media_id=media.pk))
    return bool(queued)


def _enqueue(*, media_id: int, countdown: float | None = None) -> bool:
    return try_enqueue(
        TASK_NAME,
        about=f"media {media_id} (web versions; the sweep retries)",
        media_id=media_id,
        countdown=countdown,
    )


def renditions_sweep(*, now: dt.datetime | None = None) -> list[int]:
    """Queue the due videos without web versions, resend queued ones whose message was lost
    and work whose lease ran out (its worker died). Returns the ids sent."""
    now = now or timezone.now()
    fresh = list(due_videos().filter(rendition_status=Status.NONE).values_list("pk", flat=True)[:SWEEP_BATCH])
    fresh = [pk for pk in fresh if renditions_schedule(media=MediaFile(pk=pk))]
    lost = list(
        MediaFile.objects.filter(
            rendition_status=Status.QUEUED, rendition_alive_at__lt=now - RESEND_QUEUED_AFTER
        ).values_list("pk", flat=True)[:SWEEP_BATCH]
    )
    MediaFile.objects.filter(pk__in=lost, rendition_status=Status.QUEUED).update(rendition_alive_at=now)
    dead = list(
        MediaFile.objects.filter(
            rendition_status=Status.WORKING, rendition_alive_at__lt=now - dt.timedelta(seconds=LEASE_SECONDS)
        ).values_list("pk", flat=True)[:SWEEP_BATCH]
    )
    for media_id in lost + dead:
        transaction.on_commit(partial(_enqueue, media_id=media_id))
    return fresh + lost + dead


def renditions_make(*, media_id: int, resume: bool = False) -> MediaFile | None:
    """Make, store and record the web versions of one video; safe to run any number of times.

    Only a queued video is claimed, or one being made whose worker died: ``resume`` says the
    broker handed back this very message (late acknowledgement), otherwise its lease must
    have run out. A run that fails (the child timed out or crashed) queues one retry after
    RETRY_AFTER_SECONDS; the second failure, or a third claim, marks it failed. Side effects:
    progress and lease written while it works; files stored; the row updated; after commit,
    files of versions replaced deleted and, for a public video, ``bump_public_version()``
    (its cached pages now play the new versions). Returns the row, or None if it is gone."""
    now = timezone.now()
    taken_over = Q(rendition_status=Status.WORKING)
    if not resume:
        taken_over &= Q(rendition_alive_at__lt=now - dt.timedelta(seconds=LEASE_SECONDS)) | Q(
            rendition_alive_at__isnull=True
        )
    claimed = MediaFile.objects.filter(Q(rendition_status=Status.QUEUED) | taken_over, pk=media_id).update(
        rendition_status=Status.WORKING,
        rendition_attempts=F("rendition_attempts") + 1,
        rendition_alive_at=now,
        rendition_progress=0,
    )
    media = MediaFile.objects.select_related("report").filter(pk=media_id).first()
    if not claimed or media is None:
        return media
    if media.rendition_attempts > MAX_ATTEMPTS:
        return _record_failure(
            media, code="transcode_keeps_crashing", params={"attempts": media.rendition_attempts - 1}
        )
    try:
        record = web_versions_make(
            field_file=media.file,
            name_for=partial(media_rendition_path, media),
            duration=media.duration,
            on_progress=_ProgressWriter(media.pk),
        )
    except ChildFailed as failure:
        log.warning("media %s: web versions failed (%s %s)", media.pk, failure.code, failure.params)
        return _record_failure(media, code=failure.code, params=failure.params)
    return _record(media, record)


def web_versions_make(
    *, field_file, name_for: Callable[[str], str], duration: float | None, on_progress: Callable[[int], None]
) -> dict:
    """Make the web versions of the stored video ``field_file`` and store them with its
    storage under ``name_for("360.mp4")``, ``name_for("poster.jpg")`` ... (generated names).

    Returns the record to keep: {"source": the video's name, "versions": {slot: {"name",
    "size", "width", "height", "duration", "bit_rate"}}, "poster": {...} or None, "seconds"}.
    Raises ``ChildFailed``; files stored before a failure are deleted again."""
    storage = field_file.storage
    stored: list[str] = []
    try:
        with local_copy(field_file) as path, tempfile.TemporaryDirectory(prefix="web-versions-") as out_dir:
            made = render_video(path, out_dir, duration=duration, on_progress=on_progress)
            versions = {}
            for slot, version in made["versions"].items():
                name = _store(storage, version["path"], name_for(f"{slot}.mp4"), stored)
                versions[slot] = {
                    "name": name,
                    **{key: version[key] for key in ("size", "width", "height", "duration", "bit_rate")},
                }
            poster = None
            if made["poster"]:
                name = _store(storage, made["poster"]["path"], name_for("poster.jpg"), stored)
                poster = {"name": name, **{key: made["poster"][key] for key in ("size", "width", "height")}}
    except BaseException:
        for name in stored:
            storage.delete(name)
        raise
    return {"source": field_file.name, "versions": versions, "poster": poster, "seconds": made["seconds"]}


def _store(storage, path, name: str, stored: list[str]) -> str:
    with open(path, "rb") as handle:
        saved = storage.save(name, File(handle), max_length=255)
    stored.append(saved)
    return saved


def rendition_names(record: dict | None) -> list[str]:
    """Storage names of the files a ``renditions`` record holds."""
    record = record or {}
    names = [version.get("name", "") for version in (record.get("versions") or {}).values()]
    names.append((record.get("poster") or {}).get("name", ""))
    return [name for name in names if name]


class _ProgressWriter:
    """Writes the percent done on the row (and so renews the lease), every couple of seconds."""

    def __init__(self, media_id: int):
        self.media_id = media_id
        self.written_at = 0.0

    def __call__(self, percent: int) -> None:
        now = time.monotonic()
        if now - self.written_at < PROGRESS_EVERY_SECONDS and percent < 100:
            return
        self.written_at = now
        try:
            MediaFile.objects.filter(pk=self.media_id, rendition_status=Status.WORKING).update(
                rendition_progress=percent, rendition_alive_at=timezone.now()
            )
        except Exception:  # a database restart: the transcode goes on, the next report renews
            log.warning("media %s: could not write the web versions' progress", self.media_id, exc_info=True)
            connection.close()


def _record(media: MediaFile, record: dict) -> MediaFile:
    storage = MediaFile._meta.get_field("file").storage
    new_names = set(rendition_names(record))
    with transaction.atomic():
        current = MediaFile.objects.select_for_update().filter(pk=media.pk).first()
        if (
            current is None
            or current.rendition_status != Status.WORKING
            or current.file.name != record["source"]
        ):
            for name in new_names:  # another run took over meanwhile, or the row is gone
                transaction.on_commit(partial(storage.delete, name), robust=True)
            return current
        old_names = set(rendition_names(current.renditions)) - new_names
        MediaFile.objects.filter(pk=media.pk).update(
            rendition_status=Status.DONE,
            rendition_progress=100,
            rendition_alive_at=timezone.now(),
            renditions=record,
        )
        for name in old_names:
            transaction.on_commit(partial(storage.delete, name), robust=True)
        if current.is_public:
            bump_public_version_after_commit(events=[current.report.event_id])
    media.refresh_from_db()
    return media


def _record_failure(media: MediaFile, *, code: str, params: dict) -> MediaFile:
    retry = media.rendition_attempts < MAX_ATTEMPTS and code != "transcode_keeps_crashing"
    error = {"code": code, "params": params, "attempt": media.rendition_attempts}
    with transaction.atomic():
        written = MediaFile.objects.filter(pk=media.pk, rendition_status=Status.WORKING).update(
            rendition_status=Status.QUEUED if retry else Status.FAILED,
            rendition_alive_at=timezone.now(),
            renditions={**(media.renditions or {}), "error": error},
        )
        if written and retry:
            transaction.on_commit(partial(_enqueue, media_id=media.pk, countdown=RETRY_AFTER_SECONDS))
    media.refresh_from_db()
    return media
