"""An entry's pitch video on the workers: the check and, for a public vote's candidate, the web
versions, each reusing the reports' machinery of ``submissions``.

- ``entry_video_schedule`` (from ``entry_save``, when a video is stored): a fresh
  ``EntryVideo`` row for the new file, queued; task ``contests.check_entry_video`` after commit.
- ``entry_video_check`` (that task): the reports' media check of the stored file
  (``submissions.media.inspect_file`` on a local copy, ``submissions.services.local_files``):
  a video by its content, demuxed and decoded to its end in the sandboxed child, against the
  week's video rules (HD) with the contest's own size limit. A passed video that is public
  gets its web versions queued.
- ``entry_video_versions_make`` (task ``contests.make_entry_video_versions``, on the
  transcoding queue like the reports' ``submissions.make_renditions``): the reports'
  transcoder (``submissions.services.renditions.web_versions_make``: H.264/AAC 720p and
  360p with faststart, a poster, a short preview), recorded on the row; one retry.
- ``entry_videos_sweep`` (task ``contests.sweep_entry_videos``, every minute): queues the web
  versions of videos that became public since (an entrant put on a vote's lineup, a round
  given a vote), resends messages the broker lost and hands work whose worker died to a new
  one.

A video is public while its entry is a candidate of a round with a public vote of a
published contest (``public_video_entries``): the vote page plays the web versions
(``views.voting.CandidateVideoView``), never the upload, and nothing until they are made.

Each step claims the row with one conditional UPDATE on ``source`` (the file it is about), so
a message delivered twice never runs twice at once and a replaced video's late verdict is
dropped.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import time
from functools import partial

from django.db import connection, transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from core.dispatch import try_enqueue
from submissions.media import Rules, inspect_file
from submissions.media.sandbox import ChildFailed
from submissions.services.local_files import local_copy
from submissions.services.renditions import TASK_TIME_LIMIT, rendition_names, web_versions_make

from ..models import Entry, EntryVideo, RoundEntry
from ..uploads import entry_video_version_path
from ..validation import VIDEO_MAX_BYTES

log = logging.getLogger(__name__)

CHECK_TASK = "contests.check_entry_video"
VERSIONS_TASK = "contests.make_entry_video_versions"
SWEEP_TASK = "contests.sweep_entry_videos"
MAX_CHECK_ATTEMPTS = 3
MAX_VERSIONS_ATTEMPTS = 2
RETRY_AFTER_SECONDS = 60
# The check task's hard time limit; no lease is renewed while its child runs, so a check
# started longer ago than that (and a minute) has lost its worker.
CHECK_TIME_LIMIT = 900
CHECK_LEASE = dt.timedelta(seconds=CHECK_TIME_LIMIT + 60)
VERSIONS_TIME_LIMIT = TASK_TIME_LIMIT
VERSIONS_LEASE = dt.timedelta(seconds=180)
PROGRESS_EVERY_SECONDS = 2.0
RESEND_QUEUED_AFTER = dt.timedelta(hours=1)
SWEEP_BATCH = 200

V = EntryVideo.Status
W = EntryVideo.VersionsStatus


def video_rules(entry: Entry) -> Rules:
    """A pitch video is held to the week's video rules (HD) within the contest's size limit."""
    return dataclasses.replace(Rules.from_week(entry.contest.event.week), video_max_bytes=VIDEO_MAX_BYTES)


def public_video_entries() -> QuerySet[Entry]:
    """Entries whose video the public may see: candidates of a round with a public vote of a
    published contest."""
    return Entry.objects.filter(
        round_entries__round__vote_opens_at__isnull=False, contest__is_published=True
    ).distinct()


def is_public(entry_id: int) -> bool:
    return RoundEntry.objects.filter(
        entry_id=entry_id, round__vote_opens_at__isnull=False, entry__contest__is_published=True
    ).exists()


def entry_video_schedule(*, entry: Entry) -> EntryVideo | None:
    """Start over for the entry's stored video: a row for ``entry.video`` queued for its check
    (the old verdict and web versions dropped; their files deleted after commit), or none when
    the entry has no video. Side effects: the row; task ``contests.check_entry_video``
    enqueued after commit (the sweep resends it if the broker is away)."""
    old = EntryVideo.objects.filter(entry=entry).first()
    if old is not None:
        _delete_after_commit(rendition_names(old.versions))
    if not entry.video:
        EntryVideo.objects.filter(entry=entry).delete()
        return None
    now = timezone.now()
    video, _created = EntryVideo.objects.update_or_create(
        entry=entry,
        defaults={
            "source": entry.video.name,
            "status": V.QUEUED,
            "reasons": [],
            "width": None,
            "height": None,
            "duration": None,
            "check_attempts": 0,
            "checked_at": None,
            "versions_status": W.NONE,
            "versions_progress": 0,
            "versions_attempts": 0,
            "versions": {},
            "queued_at": now,
            "alive_at": now,
        },
    )
    transaction.on_commit(partial(_enqueue, CHECK_TASK, entry.pk))
    return video


def entry_video_check(*, entry_id: int, resume: bool = False) -> EntryVideo | None:
    """Check the entry's video and record the verdict, once per stored file.

    A queued row is claimed; a row being checked only when ``resume`` (the broker handed back
    this very message: its worker died) or its lease ran out. A check that keeps killing its
    worker is failed after ``MAX_CHECK_ATTEMPTS``. Side effects: the verdict on the row; a
    passed public video's web versions queued. Returns the row, or None if it is gone."""
    taken_over = Q(status=V.CHECKING)
    if not resume:
        taken_over &= Q(alive_at__lt=timezone.now() - CHECK_LEASE) | Q(alive_at__isnull=True)
    claimed = EntryVideo.objects.filter(Q(status=V.QUEUED) | taken_over, pk=entry_id).update(
        status=V.CHECKING, check_attempts=F("check_attempts") + 1, alive_at=timezone.now()
    )
    video = EntryVideo.objects.select_related("entry__contest__event__week").filter(pk=entry_id).first()
    if not claimed or video is None:
        return video
    entry = video.entry
    if entry.video.name != video.source:  # replaced meanwhile: the new row's check is queued
        return video
    if video.check_attempts > MAX_CHECK_ATTEMPTS:
        return _record_verdict(
            video, passed=False, reasons=[{"code": "check_keeps_crashing", "params": {}}], measured={}
        )
    with local_copy(entry.video) as path:
        verdict = inspect_file(path, expected_kind="video", rules=video_rules(entry))
    return _record_verdict(
        video,
        passed=verdict.passed,
        reasons=[{"code": reason.code, "params": reason.params} for reason in verdict.reasons],
        measured={"width": verdict.width, "height": verdict.height, "duration": verdict.duration},
    )


def _record_verdict(video: EntryVideo, *, passed: bool, reasons: list[dict], measured: dict) -> EntryVideo:
    written = EntryVideo.objects.filter(pk=video.pk, source=video.source, status=V.CHECKING).update(
        status=V.PASSED if passed else V.FAILED,
        reasons=reasons,
        checked_at=timezone.now(),
        **measured,
    )
    video.refresh_from_db()
    if written and passed and is_public(video.pk):
        entry_video_versions_schedule(video=video)
        video.refresh_from_db()
    return video


def entry_video_versions_schedule(*, video: EntryVideo) -> bool:
    """Queue the web versions of a passed video that has none, queued or made. Side effects:
    ``versions_status`` queued; task ``contests.make_entry_video_versions`` after commit."""
    queued = EntryVideo.objects.filter(pk=video.pk, status=V.PASSED, versions_status=W.NONE).update(
        versions_status=W.QUEUED, versions_progress=0, alive_at=timezone.now()
    )
    if queued:
        transaction.on_commit(partial(_enqueue, VERSIONS_TASK, video.pk))
    return bool(queued)


def entry_video_versions_make(*, entry_id: int, resume: bool = False) -> EntryVideo | None:
    """Make, store and record the web versions of one passed video; safe to run any number of
    times (claimed as the check is). A failed run is retried once after
    ``RETRY_AFTER_SECONDS``, then the versions are marked failed and the video stays off the
    public pages. Side effects: progress and lease on the row; files stored; after commit,
    files of replaced versions deleted. Returns the row, or None if it is gone."""
    now = timezone.now()
    taken_over = Q(versions_status=W.WORKING)
    if not resume:
        taken_over &= Q(alive_at__lt=now - VERSIONS_LEASE) | Q(alive_at__isnull=True)
    claimed = EntryVideo.objects.filter(Q(versions_status=W.QUEUED) | taken_over, pk=entry_id).update(
        versions_status=W.WORKING,
        versions_attempts=F("versions_attempts") + 1,
        alive_at=now,
        versions_progress=0,
    )
    video = EntryVideo.objects.select_related("entry").filter(pk=entry_id).first()
    if not claimed or video is None:
        return video
    entry = video.entry
    if video.versions_attempts > MAX_VERSIONS_ATTEMPTS:
        return _versions_failed(video, code="transcode_keeps_crashing", params={}, retry=False)
    if entry.video.name != video.source:
        return video
    try:
        record = web_versions_make(
            field_file=entry.video,
            name_for=partial(entry_video_version_path, video),
            duration=video.duration,
            on_progress=_ProgressWriter(video.pk),
        )
    except ChildFailed as failure:
        log.warning("entry %s: web versions failed (%s %s)", entry.pk, failure.code, failure.params)
        return _versions_failed(
            video,
            code=failure.code,
            params=failure.params,
            retry=video.versions_attempts < MAX_VERSIONS_ATTEMPTS,
        )
    with transaction.atomic():
        current = EntryVideo.objects.select_for_update().filter(pk=video.pk).first()
        if current is None or current.versions_status != W.WORKING or current.source != record["source"]:
            _delete_after_commit(rendition_names(record))  # replaced or taken over meanwhile
            return current
        _delete_after_commit(sorted(set(rendition_names(current.versions)) - set(rendition_names(record))))
        EntryVideo.objects.filter(pk=video.pk).update(
            versions_status=W.DONE, versions_progress=100, versions=record, alive_at=timezone.now()
        )
    video.refresh_from_db()
    return video


def _versions_failed(video: EntryVideo, *, code: str, params: dict, retry: bool) -> EntryVideo:
    error = {"code": code, "params": params, "attempt": video.versions_attempts}
    written = EntryVideo.objects.filter(pk=video.pk, versions_status=W.WORKING).update(
        versions_status=W.QUEUED if retry else W.FAILED,
        versions={**(video.versions or {}), "error": error},
        alive_at=timezone.now(),
    )
    if written and retry:
        transaction.on_commit(partial(_enqueue, VERSIONS_TASK, video.pk, countdown=RETRY_AFTER_SECONDS))
    video.refresh_from_db()
    return video


def entry_videos_sweep(*, now: dt.datetime | None = None) -> list[int]:
    """Queue the web versions of passed public videos without any; resend checks and versions
    queued for long (a lost message); hand work whose lease ran out to a new worker. Returns
    the entry ids sent."""
    now = now or timezone.now()
    due = list(
        EntryVideo.objects.filter(
            status=V.PASSED, versions_status=W.NONE, entry__in=public_video_entries()
        ).values_list("pk", flat=True)[:SWEEP_BATCH]
    )
    sent = [pk for pk in due if entry_video_versions_schedule(video=EntryVideo(pk=pk))]
    checks = list(
        EntryVideo.objects.filter(
            Q(status=V.QUEUED, queued_at__lt=now - RESEND_QUEUED_AFTER)
            | Q(status=V.CHECKING, alive_at__lt=now - CHECK_LEASE)
        ).values_list("pk", flat=True)[:SWEEP_BATCH]
    )
    EntryVideo.objects.filter(pk__in=checks, status=V.QUEUED).update(queued_at=now)
    versions = list(
        EntryVideo.objects.filter(
            Q(versions_status=W.QUEUED, alive_at__lt=now - RESEND_QUEUED_AFTER)
            | Q(versions_status=W.WORKING, alive_at__lt=now - VERSIONS_LEASE)
        ).values_list("pk", flat=True)[:SWEEP_BATCH]
    )
    EntryVideo.objects.filter(pk__in=versions, versions_status=W.QUEUED).update(alive_at=now)
    for pk in checks:
        transaction.on_commit(partial(_enqueue, CHECK_TASK, pk))
    for pk in versions:
        transaction.on_commit(partial(_enqueue, VERSIONS_TASK, pk))
    return sent + checks + versions


def _enqueue(task: str, entry_id: int, countdown: float | None = None) -> bool:
    return try_enqueue(
        task,
        about=f"entry {entry_id} (pitch video; the sweep retries)",
        entry_id=entry_id,
        countdown=countdown,
    )


def _delete_after_commit(names: list[str]) -> None:
    storage = Entry._meta.get_field("video").storage
    for name in names:
        if name:
            transaction.on_commit(partial(storage.delete, name), robust=True)


class _ProgressWriter:
    """Writes the percent done on the row (and so renews the lease), every couple of seconds."""

    def __init__(self, entry_id: int):
        self.entry_id = entry_id
        self.written_at = 0.0

    def __call__(self, percent: int) -> None:
        now = time.monotonic()
        if now - self.written_at < PROGRESS_EVERY_SECONDS and percent < 100:
            return
        self.written_at = now
        try:
            EntryVideo.objects.filter(pk=self.entry_id, versions_status=W.WORKING).update(
                versions_progress=percent, alive_at=timezone.now()
            )
        except Exception:  # a database restart: the transcode goes on, the next report renews
            log.warning("entry %s: could not write the web versions' progress", self.entry_id, exc_info=True)
            connection.close()
