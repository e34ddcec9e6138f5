"""The worker's side of a project's video: the check, the web versions, the sweep.

The upload and deletion are a project's changes (``projects.project_video_add`` and
``project_video_delete``); from there a video goes through two steps, each on a worker and
each reusing the reports' machinery of ``submissions``:

- ``project_video_check`` (task ``exhibits.check_video``): the reports' media check of the
  stored file (``submissions.services.media.inspect_stored``: a video by content, read to
  its end in the sandboxed child, against the hall's week's video rules: HD, size). A passed
  video's web versions are queued.
- ``project_video_versions_make`` (task ``exhibits.make_video_versions``, on the transcoding
  queue like the reports' ``submissions.make_renditions``): the reports' transcoder
  (``submissions.services.renditions.web_versions_make``: H.264/AAC 720p and 360p with
  faststart, a poster, a short preview), recorded on the row; a failed run is retried once.

Each step claims the row with one conditional UPDATE, so a message delivered twice never
runs twice at once; a redelivered message (its worker died) takes the work over at once,
otherwise the work is taken over once its lease ran out. ``project_videos_sweep`` (task
``exhibits.sweep_videos``, and after every upload) resends messages the broker lost and
hands work whose worker died to a new one. Public pages play only the web versions
(``ProjectVideo.web_versions``); the upload is never served.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from functools import partial

from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from core.dispatch import try_enqueue
from core.public_cache import NO_EVENT, bump_public_version_after_commit
from submissions.media.rules import Rules
from submissions.media.sandbox import ChildFailed
from submissions.services.media import inspect_stored
from submissions.services.renditions import TASK_TIME_LIMIT, rendition_names, web_versions_make

from ..models import Pending, Project, ProjectVideo
from ..uploads import project_video_version_path

log = logging.getLogger(__name__)

CHECK_TASK = "exhibits.check_video"
VERSIONS_TASK = "exhibits.make_video_versions"
SWEEP_TASK = "exhibits.sweep_videos"
# A check whose verdict keeps killing its worker is failed after this many starts.
MAX_CHECK_ATTEMPTS = 3
# The web versions: the first run and one retry (a run whose worker died counts).
MAX_VERSIONS_ATTEMPTS = 2
RETRY_AFTER_SECONDS = 60
# The check task's hard time limit; a check renews no lease while its child runs, so one
# started longer ago than that (and a minute) has lost its worker.
CHECK_TIME_LIMIT = 900
CHECK_LEASE = dt.timedelta(seconds=CHECK_TIME_LIMIT + 60)
# The web versions: the reports' transcode task's limit (above the child's own ceiling, below
# the broker's visibility timeout); the lease is renewed with each progress report.
VERSIONS_TIME_LIMIT = TASK_TIME_LIMIT
VERSIONS_LEASE = dt.timedelta(seconds=180)
PROGRESS_EVERY_SECONDS = 2.0
# A queued step not started after this long lost its message (a long queue is not lost).
RESEND_QUEUED_AFTER = dt.timedelta(hours=1)
SWEEP_BATCH = 200

V = ProjectVideo.Status
W = ProjectVideo.VersionsStatus


def video_file_names(video: ProjectVideo) -> list[str]:
    """The storage names of the video and of its web versions, to delete them together."""
    return [name for name in (video.file.name, *rendition_names(video.versions)) if name]


def video_rules(project: Project) -> Rules:
    """What a project's video is checked against: the hall's week's video rules (HD, bytes)."""
    return Rules.from_week(project.exhibition.week)


def _enqueue(task: str, video_id: int, countdown: float | None = None) -> bool:
    # With the broker away the row stays queued: the sweep sends it again.
    return try_enqueue(
        task, about=f"project video {video_id} (the sweep retries)", video_id=video_id, countdown=countdown
    )


def video_check_schedule(video: ProjectVideo) -> None:
    """Send the check of a queued video to the workers after commit."""
    transaction.on_commit(partial(_enqueue, CHECK_TASK, video.pk))


def videos_sweep_soon() -> None:
    """Run the sweep after commit (an upload is a good moment: no beat is needed for it)."""
    transaction.on_commit(project_videos_sweep, robust=True)


# --- The check ---------------------------------------------------------------------------------


def project_video_check(*, video_id: int, resume: bool = False) -> ProjectVideo | None:
    """Check one video and record the verdict, exactly once; safe to run any number of times.

    A queued video is claimed; one being checked only when ``resume`` says the broker handed
    back this very message (its worker died), or once its lease ran out. A video whose
    checks keep dying is failed after ``MAX_CHECK_ATTEMPTS``. Side effects: the verdict on
    the row (status, reasons, size in pixels, duration); a passed video's web versions queued
    after commit. Returns the row, or None if it is gone."""
    now = timezone.now()
    taken_over = Q(status=V.CHECKING)
    if not resume:
        taken_over &= Q(alive_at__lt=now - CHECK_LEASE) | Q(alive_at__isnull=True)
    claimed = ProjectVideo.objects.filter(Q(status=V.QUEUED) | taken_over, pk=video_id).update(
        status=V.CHECKING, check_attempts=F("check_attempts") + 1, alive_at=now
    )
    video = ProjectVideo.objects.select_related("project__exhibition__week").filter(pk=video_id).first()
    if not claimed or video is None:
        return video
    if video.check_attempts > MAX_CHECK_ATTEMPTS:
        reasons = [{"code": "check_keeps_crashing", "params": {"attempts": video.check_attempts - 1}}]
        return _record_verdict(video, passed=False, reasons=reasons, measured={})
    verdict = inspect_stored(field_file=video.file, expected_kind="video", rules=video_rules(video.project))
    return _record_verdict(
        video,
        passed=verdict.passed,
        reasons=[reason.as_dict() for reason in verdict.reasons],
        measured={"width": verdict.width, "height": verdict.height, "duration": verdict.duration},
    )


def _record_verdict(
    video: ProjectVideo, *, passed: bool, reasons: list, measured: dict
) -> ProjectVideo | None:
    now = timezone.now()
    fields = {
        "status": V.PASSED if passed else V.FAILED,
        "reasons": reasons,
        "checked_at": now,
        "alive_at": now,
        **measured,
    }
    if passed:
        fields.update(versions_status=W.QUEUED, versions_progress=0)
    with transaction.atomic():
        # Only the check that still holds the claim, on the same file, writes a verdict.
        written = ProjectVideo.objects.filter(pk=video.pk, status=V.CHECKING, file=video.file.name).update(
            **fields
        )
        if written and passed:
            transaction.on_commit(partial(_enqueue, VERSIONS_TASK, video.pk))
    return ProjectVideo.objects.filter(pk=video.pk).first()


# --- The web versions --------------------------------------------------------------------------


def project_video_versions_make(*, video_id: int, resume: bool = False) -> ProjectVideo | None:
    """Make, store and record the web versions of one checked video; safe to run any number
    of times. Claimed like the check; a failed run (the child timed out or crashed) queues one
    retry after ``RETRY_AFTER_SECONDS``, the second failure or a third claim marks it failed.

    Side effects: progress and lease written while it works; the files stored under
    ``exhibits/videos/<project>/web/``; the row updated; after commit, the files of versions
    it replaced deleted and, for an accepted project, ``bump_public_version()``. Returns the
    row, or None if it is gone."""
    now = timezone.now()
    taken_over = Q(versions_status=W.WORKING)
    if not resume:
        taken_over &= Q(alive_at__lt=now - VERSIONS_LEASE) | Q(alive_at__isnull=True)
    claimed = ProjectVideo.objects.filter(
        Q(versions_status=W.QUEUED) | taken_over, pk=video_id, status=V.PASSED
    ).update(
        versions_status=W.WORKING,
        versions_attempts=F("versions_attempts") + 1,
        versions_progress=0,
        alive_at=now,
    )
    video = ProjectVideo.objects.filter(pk=video_id).first()
    if not claimed or video is None:
        return video
    if video.versions_attempts > MAX_VERSIONS_ATTEMPTS:
        return _versions_failed(
            video, code="transcode_keeps_crashing", params={"attempts": video.versions_attempts - 1}
        )
    try:
        record = web_versions_make(
            field_file=video.file,
            name_for=partial(project_video_version_path, video),
            duration=video.duration,
            on_progress=_ProgressWriter(video.pk),
        )
    except ChildFailed as failure:
        log.warning("project video %s: web versions failed (%s %s)", video.pk, failure.code, failure.params)
        return _versions_failed(video, code=failure.code, params=failure.params)
    return _versions_record(video, record)


class _ProgressWriter:
    """Writes the percent done on the row (and so renews the lease), every couple of seconds."""

    def __init__(self, video_id: int):
        self.video_id = video_id
        self.written_at = 0.0

    def __call__(self, percent: int) -> None:
        now = time.monotonic()
        if now - self.written_at < PROGRESS_EVERY_SECONDS and percent < 100:
            return
        self.written_at = now
        try:
            ProjectVideo.objects.filter(pk=self.video_id, versions_status=W.WORKING).update(
                versions_progress=percent, alive_at=timezone.now()
            )
        except Exception:  # a database restart: the transcode goes on, the next report renews
            log.warning("project video %s: could not write the progress", self.video_id, exc_info=True)
            connection.close()


def _versions_record(video: ProjectVideo, record: dict) -> ProjectVideo | None:
    storage = video.file.storage
    new_names = set(rendition_names(record))
    with transaction.atomic():
        current = (
            ProjectVideo.objects.select_for_update(of=("self",))
            .select_related("project")
            .filter(pk=video.pk)
            .first()
        )
        if current is None or current.versions_status != W.WORKING or current.file.name != record["source"]:
            for name in new_names:  # another run took over meanwhile, or the video is gone
                transaction.on_commit(partial(storage.delete, name), robust=True)
            return current
        old_names = set(rendition_names(current.versions)) - new_names
        ProjectVideo.objects.filter(pk=video.pk).update(
            versions_status=W.DONE, versions_progress=100, versions=record, alive_at=timezone.now()
        )
        for name in old_names:
            transaction.on_commit(partial(storage.delete, name), robust=True)
        if current.project.status == Project.Status.ACCEPTED and current.pending != Pending.ADD:
            bump_public_version_after_commit(events=NO_EVENT)  # its cached pages say "处理中"
    return ProjectVideo.objects.filter(pk=video.pk).first()


def _versions_failed(video: ProjectVideo, *, code: str, params: dict) -> ProjectVideo | None:
    retry = video.versions_attempts < MAX_VERSIONS_ATTEMPTS and code != "transcode_keeps_crashing"
    error = {"code": code, "params": params, "attempt": video.versions_attempts}
    with transaction.atomic():
        written = ProjectVideo.objects.filter(pk=video.pk, versions_status=W.WORKING).update(
            versions_status=W.QUEUED if retry else W.FAILED,
            alive_at=timezone.now(),
            versions={**(video.versions or {}), "error": error},
        )
        if written and retry:
            transaction.on_commit(partial(_enqueue, VERSIONS_TASK, video.pk, RETRY_AFTER_SECONDS))
        elif written and video.project.status == Project.Status.ACCEPTED:
            bump_public_version_after_commit(events=NO_EVENT)  # no longer "处理中"
    return ProjectVideo.objects.filter(pk=video.pk).first()


# --- The sweep ---------------------------------------------------------------------------------


def project_videos_sweep(*, now: dt.datetime | None = None) -> list[int]:
    """Resend the checks and web versions whose message was lost (queued for an hour) and
    the work whose worker died (its lease ran out). Returns the ids sent."""
    now = now or timezone.now()
    videos = ProjectVideo.objects.order_by()
    lost_checks = list(
        videos.filter(status=V.QUEUED, alive_at__lt=now - RESEND_QUEUED_AFTER).values_list("pk", flat=True)[
            :SWEEP_BATCH
        ]
    )
    dead_checks = list(
        videos.filter(status=V.CHECKING, alive_at__lt=now - CHECK_LEASE).values_list("pk", flat=True)[
            :SWEEP_BATCH
        ]
    )
    lost_versions = list(
        videos.filter(versions_status=W.QUEUED, alive_at__lt=now - RESEND_QUEUED_AFTER).values_list(
            "pk", flat=True
        )[:SWEEP_BATCH]
    )
    dead_versions = list(
        videos.filter(versions_status=W.WORKING, alive_at__lt=now - VERSIONS_LEASE).values_list(
            "pk", flat=True
        )[:SWEEP_BATCH]
    )
    # A resent message starts its hour again, so a long queue is not flooded with copies.
    ProjectVideo.objects.filter(pk__in=lost_checks + lost_versions).update(alive_at=now)
    for video_id in lost_checks + dead_checks:
        _enqueue(CHECK_TASK, video_id)
    for video_id in lost_versions + dead_versions:
        _enqueue(VERSIONS_TASK, video_id)
    return lost_checks + dead_checks + lost_versions + dead_versions
