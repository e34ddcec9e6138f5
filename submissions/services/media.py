"""Uploading a report's photos and videos, and applying a worker's verdict to them."""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import logging
import os
import shutil
import tempfile
from collections.abc import Iterator

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from core.dispatch import enqueue

from ..media.checks import inspect_file
from ..media.reasons import format_size
from ..media.rules import Rules
from ..media.sniff import HEAD_BYTES, PHOTO, VIDEO, sniff_bytes
from ..models import DailyReport, MediaFile
from ..uploads import clean_original_name
from .reports import _require_editable

log = logging.getLogger(__name__)

# A file whose check has been started this often without a verdict keeps killing workers.
MAX_CHECK_ATTEMPTS = 3
# The check task's hard time limit (seconds). A check started longer ago than this is dead;
# a younger one may still be running and is neither re-claimed nor swept.
CHECK_TIME_LIMIT = 900
CHUNK = 1024 * 1024


def kind_limit(week, kind: str) -> int:
    return week.photo_max_bytes if kind == MediaFile.Kind.PHOTO else week.video_max_bytes


def media_upload(*, report: DailyReport, uploaded, kind: str, by, caption: str = "") -> MediaFile:
    """Store an uploaded photo or video with the report and queue its check.

    ``uploaded`` is a Django UploadedFile; its ``sha256`` comes from the upload handler
    when it streamed in, and is computed here otherwise. Raises ValidationError for a file
    already in the report, over the kind's size limit, or that is plainly no photo or video
    at all (text, a web page, a script, a playlist: judged from its first bytes, nothing is
    decoded here); PermissionDenied once the report is no longer editable. Real media that
    breaks the week's rules is kept and flagged by the check instead, so it can be seen and
    replaced.

    The copy into storage (up to gigabytes, maybe to object storage) happens before and
    outside the transaction; a short transaction then locks the report row, checks again
    that it is editable and that the file is not in it yet (a submit or the same upload
    may have raced this one), and inserts the row. Side effects: the file is written to
    storage under a generated name (deleted again if the row is not inserted); a check is
    enqueued after commit.
    """
    _require_editable(report)
    limit = kind_limit(report.event.week, kind)
    if uploaded.size > limit:
        raise ValidationError(_("文件超过 %(limit)s 的上限。") % {"limit": format_size(limit)})
    _refuse_non_media(uploaded)
    digest = getattr(uploaded, "sha256", None) or _sha256_of(uploaded)
    name = clean_original_name(uploaded.name)
    duplicate = ValidationError(_("文件“%(name)s”已经上传过。") % {"name": name})
    if is_duplicate_upload(report_id=report.pk, digest=digest):  # spares storing a big file only to refuse it
        raise duplicate
    media = MediaFile(
        report=report,
        kind=kind,
        original_name=name,
        caption=caption.strip()[:200],
        size=uploaded.size,
        sha256=digest,
        uploaded_by=by,
    )
    _store(media, uploaded)
    try:
        with transaction.atomic():
            locked = DailyReport.objects.select_for_update(of=("self",)).get(pk=report.pk)
            _require_editable(locked)
            if is_duplicate_upload(report_id=report.pk, digest=digest):
                raise duplicate
            media.save()
            transaction.on_commit(lambda: enqueue_check(media_id=media.pk))
    except IntegrityError:
        # The row was not written: do not leave the stored file behind unreferenced.
        media.file.delete(save=False)
        if MediaFile.objects.filter(report_id=report.pk, sha256=digest).exists():
            raise duplicate from None
        raise
    except BaseException:
        media.file.delete(save=False)
        raise
    return media


def is_duplicate_upload(*, report_id: int, digest: str) -> bool:
    """The same bytes are already among the report's files."""
    return MediaFile.objects.filter(report_id=report_id, sha256=digest).exists()


def _store(media: MediaFile, uploaded) -> None:
    """Write the upload under its generated name. A write that fails halfway (the disk filled
    up during a cross-device copy) leaves a partial file behind: remove it before re-raising."""
    storage = media.file.storage
    name = media.file.field.generate_filename(media, media.original_name)
    taken = storage.exists(name)
    try:
        media.file = storage.save(name, uploaded, max_length=media.file.field.max_length)
    except OSError:
        if not taken:
            storage.delete(name)
        raise


def _refuse_non_media(uploaded) -> None:
    uploaded.seek(0)
    head = uploaded.read(HEAD_BYTES)
    uploaded.seek(0)
    if sniff_bytes(head).kind not in (PHOTO, VIDEO):
        raise ValidationError(
            _("“%(name)s”不是照片或视频文件，未保存。请上传 JPG 照片或 MP4、MOV 等视频。")
            % {"name": clean_original_name(uploaded.name)}
        )


def enqueue_check(*, media_id: int) -> bool:
    """Send the check to the workers; with the broker down the file stays queued for the sweep."""
    try:
        enqueue("submissions.check_media", media_id=media_id)
    except Exception:  # the broker being away must never fail an upload
        log.warning("media %s: could not enqueue its check; the sweep will retry", media_id, exc_info=True)
        return False
    return True


@transaction.atomic
def media_delete(*, media: MediaFile) -> None:
    """Remove a file from a report still being edited (to replace a failed one)."""
    _require_editable(media.report)
    stored, preview = media.file.name, media.preview.name
    media.delete()
    storage = MediaFile._meta.get_field("file").storage
    transaction.on_commit(lambda: [storage.delete(name) for name in (stored, preview) if name])


def media_set_caption(*, media: MediaFile, caption: str) -> MediaFile:
    _require_editable(media.report)
    media.caption = caption.strip()[:200]
    media.save(update_fields=["caption"])
    return media


def media_check(*, media_id: int, resume: bool = False) -> MediaFile | None:
    """Check one file against its week's rules and record the verdict, exactly once.

    Safe to run any number of times, concurrently or after a worker died mid-check: a file
    that already has a verdict is left alone; a file being checked is taken over when
    ``resume`` says the broker handed back this very message because its worker died (late
    acknowledgement), and otherwise only once its check started longer ago than the task's
    hard time limit; a file whose checks keep dying is failed after MAX_CHECK_ATTEMPTS.
    Returns the file, or None if it no longer exists.
    """
    dead_before = timezone.now() - dt.timedelta(seconds=CHECK_TIME_LIMIT)
    taken_over = Q(status=MediaFile.Status.CHECKING)
    if not resume:
        taken_over &= Q(check_started_at__lt=dead_before) | Q(check_started_at__isnull=True)
    claimable = Q(status=MediaFile.Status.QUEUED) | taken_over
    claimed = MediaFile.objects.filter(claimable, pk=media_id).update(
        status=MediaFile.Status.CHECKING, attempts=F("attempts") + 1, check_started_at=timezone.now()
    )
    media = MediaFile.objects.select_related("report__event__week").filter(pk=media_id).first()
    if not claimed or media is None:
        return media
    if media.attempts > MAX_CHECK_ATTEMPTS:
        return _record_failure(media, code="check_keeps_crashing", params={"attempts": media.attempts - 1})
    with local_copy(media.file) as path:
        verdict = inspect_file(path, expected_kind=media.kind, rules=Rules.from_week(media.report.event.week))
    return _record_verdict(media, verdict)


def _record_verdict(media: MediaFile, verdict) -> MediaFile:
    preview_name = ""
    if verdict.preview_jpeg:
        storage = MediaFile._meta.get_field("preview").storage
        preview_name = storage.save(
            MediaFile._meta.get_field("preview").generate_filename(media, "preview.jpg"),
            ContentFile(verdict.preview_jpeg),
        )
    fields = {
        "status": MediaFile.Status.PASSED if verdict.passed else MediaFile.Status.FAILED,
        "reasons": [{"code": reason.code, "params": reason.params} for reason in verdict.reasons],
        "detected_format": verdict.detected_format[:40],
        "width": verdict.width,
        "height": verdict.height,
        "orientation": verdict.orientation,
        "duration": verdict.duration,
        "video_codec": (verdict.video_codec or "")[:40],
        "frame_rate": verdict.frame_rate,
        "bit_rate": verdict.bit_rate,
        "preview": preview_name,
        "checked_at": timezone.now(),
    }
    # Only the check that still holds the claim writes a verdict: one verdict per file.
    written = MediaFile.objects.filter(pk=media.pk, status=MediaFile.Status.CHECKING).update(**fields)
    if not written and preview_name:
        MediaFile._meta.get_field("preview").storage.delete(preview_name)
    media.refresh_from_db()
    return media


def _record_failure(media: MediaFile, *, code: str, params: dict) -> MediaFile:
    MediaFile.objects.filter(pk=media.pk, status=MediaFile.Status.CHECKING).update(
        status=MediaFile.Status.FAILED, reasons=[{"code": code, "params": params}], checked_at=timezone.now()
    )
    media.refresh_from_db()
    return media


def media_sweep_stuck(*, older_than_minutes: int = 10) -> list[int]:
    """Re-enqueue checks that are queued for too long (lost messages) or whose check started
    longer ago than the task's hard time limit (dead workers; a slow live check is left alone).

    Returns the ids re-enqueued.
    """
    now = timezone.now()
    cutoff = now - dt.timedelta(minutes=older_than_minutes)
    dead_before = min(cutoff, now - dt.timedelta(seconds=CHECK_TIME_LIMIT))
    stuck = list(
        MediaFile.objects.filter(status=MediaFile.Status.QUEUED, queued_at__lt=cutoff).values_list(
            "pk", flat=True
        )
    ) + list(
        MediaFile.objects.filter(
            status=MediaFile.Status.CHECKING, check_started_at__lt=dead_before
        ).values_list("pk", flat=True)
    )
    for media_id in stuck:
        enqueue_check(media_id=media_id)
    MediaFile.objects.filter(pk__in=stuck, status=MediaFile.Status.QUEUED).update(queued_at=timezone.now())
    return stuck


@contextlib.contextmanager
def local_copy(field_file) -> Iterator[str]:
    """A path to the stored file: the file itself on local disk, else a streamed temporary copy.

    Workers may run on other hosts than the web process, with object storage between them.
    """
    try:
        path = field_file.path
    except NotImplementedError:
        path = None
    if path is not None:
        yield path
        return
    suffix = os.path.splitext(field_file.name)[1]
    with tempfile.NamedTemporaryFile(suffix=suffix) as copy:
        with field_file.storage.open(field_file.name, "rb") as source:
            shutil.copyfileobj(source, copy, CHUNK)
        copy.flush()
        yield copy.name


def _sha256_of(uploaded) -> str:
    digest = hashlib.sha256()
    for chunk in uploaded.chunks(CHUNK):
        digest.update(chunk)
    uploaded.seek(0)
    return digest.hexdigest()
