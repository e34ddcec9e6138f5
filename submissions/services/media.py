"""Uploading a report's photos and videos, and applying a worker's verdict to them."""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import logging
import threading
from collections.abc import Iterator

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from core.dispatch import try_enqueue
from events.models import Organizer

from ..board_version import bump_board
from ..media.checks import inspect_file
from ..media.reasons import format_size
from ..media.rules import Rules
from ..media.sniff import HEAD_BYTES, PHOTO, VIDEO, sniff_bytes
from ..models import DailyReport, MediaFile
from ..uploads import clean_original_name
from .local_files import CHUNK, local_copy
from .renditions import rendition_names, renditions_schedule, renditions_sweep
from .reports import report_require_editable

log = logging.getLogger(__name__)

# A file whose check has been started this often without a verdict keeps killing workers.
MAX_CHECK_ATTEMPTS = 3
# The check task's hard time limit (seconds).
CHECK_TIME_LIMIT = 900
# While a check runs, its worker renews the file's lease (``check_alive_at``) this often; a
# check whose lease is older than CHECK_LEASE_SECONDS lost its worker and is taken over (by the
# sweep every minute), so a killed worker delays a report by two minutes, not fifteen.
CHECK_LEASE_RENEW_SECONDS = 15
CHECK_LEASE_SECONDS = 60
# Failed files of reports older than this many days are purged (MEDIA_PURGE_FAILED_AFTER_DAYS).
PURGE_FAILED_AFTER_DAYS = 7
PURGE_BATCH = 500


def kind_limit(week, kind: str) -> int:
    return week.photo_max_bytes if kind == MediaFile.Kind.PHOTO else week.video_max_bytes


def media_upload(*, report: DailyReport, uploaded, kind: str, by, caption: str = "") -> MediaFile:
    """Store an uploaded photo or video with the report and queue its check.

    ``uploaded`` is a Django UploadedFile; its ``sha256`` comes from the upload handler
    when it streamed in, and is computed here otherwise. Raises ValidationError for a file
    already in the report, over the kind's size limit, or that is plainly no photo or video
    at all (text, a web page, a script, a playlist: judged from its first bytes, nothing is
    decoded here), or over one of the week's quotas (photos or videos per report, bytes the
    event's host unit uploaded that day in the week's zone, this file included; failed files
    count until deleted); PermissionDenied once the report is no longer editable. Real media
    that breaks the week's rules is kept and flagged by the check instead, so it can be seen
    and replaced.

    The copy into storage (up to gigabytes, maybe to object storage) happens before and
    outside the transaction; a short transaction then locks the report row, checks again
    that it is editable, that the file is not in it yet and that the quotas still hold (a
    submit, the same upload or another upload of the unit may have raced this one; the host
    unit's row is locked too, so its uploads are counted one at a time), and inserts the
    row. Side effects: the file is written to storage under a generated name (deleted again
    if the row is not inserted); a check is enqueued after commit.
    """
    report_require_editable(report)
    limit = kind_limit(report.event.week, kind)
    if uploaded.size > limit:
        raise ValidationError(_("文件超过 %(limit)s 的上限。") % {"limit": format_size(limit)})
    _refuse_non_media(uploaded)
    digest = getattr(uploaded, "sha256", None) or _sha256_of(uploaded)
    name = clean_original_name(uploaded.name)
    duplicate = ValidationError(_("文件“%(name)s”已经上传过。") % {"name": name})
    if is_duplicate_upload(report_id=report.pk, digest=digest):  # spares storing a big file only to refuse it
        raise duplicate
    _require_within_quota(report, kind=kind, size=uploaded.size, name=name)  # before a byte is stored
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
            report_require_editable(locked)
            if is_duplicate_upload(report_id=report.pk, digest=digest):
                raise duplicate
            list(Organizer.objects.select_for_update().filter(pk=report.event.host_id).values_list("pk"))
            _require_within_quota(report, kind=kind, size=uploaded.size, name=name)
            media.save()
            transaction.on_commit(lambda: enqueue_check(media_id=media.pk))
            bump_board()
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


def media_upload_check(*, report: DailyReport, kind: str, size: int, name: str) -> None:
    """What ``media_upload`` can refuse knowing only a file's size, asked before its first
    byte arrives (a resumable upload announces its length first): PermissionDenied once the
    report is no longer editable, ValidationError over the kind's size limit or one of the
    week's quotas. ``media_upload`` asks all of it again when the file is there."""
    report_require_editable(report)
    limit = kind_limit(report.event.week, kind)
    name = clean_original_name(name)
    if size > limit:
        raise ValidationError(
            _("“%(name)s”超过 %(limit)s 的上限，未保存。") % {"name": name, "limit": format_size(limit)},
            code="too_large",
        )
    _require_within_quota(report, kind=kind, size=size, name=name)


def is_duplicate_upload(*, report_id: int, digest: str) -> bool:
    """The same bytes are already among the report's files."""
    return MediaFile.objects.filter(report_id=report_id, sha256=digest).exists()


def _require_within_quota(report: DailyReport, *, kind: str, size: int, name: str) -> None:
    """Refuse a file over the week's per-report count of its kind or the host unit's bytes
    for today (the week's calendar day, this file included). Every stored file counts,
    failed ones too, until it is deleted."""
    week = report.event.week
    if kind == MediaFile.Kind.PHOTO:
        limit = week.max_photos_per_report
        message = _(
            "每份报送最多 %(limit)d 张照片，已有 %(count)d 张（含不合格的，删除后可再传），“%(name)s”未保存。"
        )
    else:
        limit = week.max_videos_per_report
        message = _(
            "每份报送最多 %(limit)d 个视频，已有 %(count)d 个（含不合格的，删除后可再传），“%(name)s”未保存。"
        )
    count = MediaFile.objects.filter(report_id=report.pk, kind=kind).count()
    if count >= limit:
        raise ValidationError(message % {"limit": limit, "count": count, "name": name})
    used = unit_bytes_today(organizer_id=report.event.host_id, week=week)
    if used + size > week.max_bytes_per_unit_day:
        raise ValidationError(
            _(
                "本单位今天已上传 %(used)s，加上“%(name)s”（%(size)s）将超过每日 %(limit)s 的上限，未保存。"
                "请删除不需要的文件，或明天再传。"
            )
            % {
                "used": format_size(used),
                "name": name,
                "size": format_size(size),
                "limit": format_size(week.max_bytes_per_unit_day),
            }
        )


def unit_bytes_today(*, organizer_id: int, week, now: dt.datetime | None = None) -> int:
    """Bytes of the files still stored that were uploaded to the unit's events on the
    current calendar day of ``week``'s zone."""
    local = (now or timezone.now()).astimezone(week.zone)
    start = dt.datetime.combine(local.date(), dt.time.min, tzinfo=week.zone)
    end = dt.datetime.combine(local.date() + dt.timedelta(days=1), dt.time.min, tzinfo=week.zone)
    total = MediaFile.objects.filter(
        report__event__host_id=organizer_id, uploaded_at__gte=start, uploaded_at__lt=end
    ).aggregate(total=Sum("size"))["total"]
    return total or 0


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
    return try_enqueue(
        "submissions.check_media", about=f"media {media_id} (the sweep retries)", media_id=media_id
    )


@transaction.atomic
def media_delete(*, media: MediaFile) -> None:
    """Remove a file from a report still being edited (to replace a failed one)."""
    report_require_editable(media.report)
    names = [media.file.name, media.preview.name, *rendition_names(media.renditions)]
    media.delete()
    bump_board()
    storage = MediaFile._meta.get_field("file").storage
    transaction.on_commit(lambda: [storage.delete(name) for name in names if name])


def media_purge_failed(*, older_than_days: int | None = None, now: dt.datetime | None = None) -> int:
    """Delete the files that failed their check, of reports whose day is more than
    ``older_than_days`` days ago (default: the MEDIA_PURGE_FAILED_AFTER_DAYS setting, else 7)
    and whose verdict is that old too, so a file just failed is never taken from under the
    reporter. Passed files and files not yet checked are kept.

    Side effects: the rows are deleted in batches, each batch's stored files and previews
    after its commit (a storage that refuses is logged, not raised); the count is logged.
    Returns the number of files deleted.
    """
    if older_than_days is None:
        older_than_days = getattr(settings, "MEDIA_PURGE_FAILED_AFTER_DAYS", PURGE_FAILED_AFTER_DAYS)
    now = now or timezone.now()
    cutoff = now - dt.timedelta(days=older_than_days)
    old_failed = MediaFile.objects.filter(
        status=MediaFile.Status.FAILED,
        report__day__lt=timezone.localdate(cutoff),
        checked_at__lt=cutoff,
    )
    purged = 0
    while batch := list(old_failed.values_list("pk", "file", "preview")[:PURGE_BATCH]):
        with transaction.atomic():
            _total, by_model = MediaFile.objects.filter(
                pk__in=[pk for pk, _file, _preview in batch], status=MediaFile.Status.FAILED
            ).delete()
            names = [name for _pk, *stored in batch for name in stored if name]
            transaction.on_commit(lambda names=names: _delete_stored(names))
        purged += by_model.get(MediaFile._meta.label, 0)
        if len(batch) < PURGE_BATCH:
            break
    log.info("purged %d failed media files of reports older than %d days", purged, older_than_days)
    return purged


def _delete_stored(names: list[str]) -> None:
    storage = MediaFile._meta.get_field("file").storage
    for name in names:
        try:
            storage.delete(name)
        except OSError:
            log.warning("could not delete stored media %s", name, exc_info=True)


def media_set_caption(*, media: MediaFile, caption: str) -> MediaFile:
    report_require_editable(media.report)
    media.caption = caption.strip()[:200]
    media.save(update_fields=["caption"])
    return media


def media_check(*, media_id: int, resume: bool = False) -> MediaFile | None:
    """Check one file against its week's rules and record the verdict, exactly once.

    Safe to run any number of times, concurrently or after a worker died mid-check: a file
    that already has a verdict is left alone; a file being checked is taken over when
    ``resume`` says the broker handed back this very message because its worker died (late
    acknowledgement), and otherwise only once its lease ran out (``CHECK_LEASE_SECONDS``
    without renewal); a file whose checks keep dying is failed after MAX_CHECK_ATTEMPTS.
    Returns the file, or None if it no longer exists.
    """
    dead_before = timezone.now() - dt.timedelta(seconds=CHECK_LEASE_SECONDS)
    taken_over = Q(status=MediaFile.Status.CHECKING)
    if not resume:
        taken_over &= Q(check_alive_at__lt=dead_before) | Q(check_alive_at__isnull=True)
    claimable = Q(status=MediaFile.Status.QUEUED) | taken_over
    claimed = MediaFile.objects.filter(claimable, pk=media_id).update(
        status=MediaFile.Status.CHECKING, attempts=F("attempts") + 1, check_alive_at=timezone.now()
    )
    media = MediaFile.objects.select_related("report__event__week").filter(pk=media_id).first()
    if not claimed or media is None:
        return media
    if media.attempts > MAX_CHECK_ATTEMPTS:
        return _record_failure(media, code="check_keeps_crashing", params={"attempts": media.attempts - 1})
    with _lease(media.pk), local_copy(media.file) as path:
        verdict = inspect_file(path, expected_kind=media.kind, rules=Rules.from_week(media.report.event.week))
    return _record_verdict(media, verdict)


def inspect_stored(*, field_file, expected_kind: str, rules: Rules):
    """The media check of any stored file, whoever owns it (a report's file above; an
    exhibit's or a contest entry's video): copied to local disk when the storage is remote,
    judged in the sandboxed child (``media.checks.inspect_file``). Returns the ``Verdict``;
    never raises for anything about the file itself. No row is read or written here."""
    with local_copy(field_file) as path:
        return inspect_file(path, expected_kind=expected_kind, rules=rules)


@contextlib.contextmanager
def _lease(media_id: int) -> Iterator[None]:
    """Renew the file's lease from a thread of this worker while the check runs."""
    done = threading.Event()

    def renew() -> None:
        try:
            while not done.wait(CHECK_LEASE_RENEW_SECONDS):
                try:
                    MediaFile.objects.filter(pk=media_id, status=MediaFile.Status.CHECKING).update(
                        check_alive_at=timezone.now()
                    )
                except Exception:  # a database restart mid-check: try again at the next renewal
                    log.warning("media %s: could not renew the check's lease", media_id, exc_info=True)
                    connection.close()
        finally:
            connection.close()  # the thread's own database connection

    renewer = threading.Thread(target=renew, name=f"lease-{media_id}", daemon=True)
    renewer.start()
    try:
        yield
    finally:
        done.set()
        renewer.join()


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
    bump_board()
    if not written and preview_name:
        MediaFile._meta.get_field("preview").storage.delete(preview_name)
    media.refresh_from_db()
    if written and media.kind == MediaFile.Kind.VIDEO and media.status == MediaFile.Status.PASSED:
        if renditions_schedule(media=media):  # only if due: public, or of an accepted report
            media.refresh_from_db(fields=["rendition_status", "rendition_alive_at", "rendition_progress"])
    return media


def _record_failure(media: MediaFile, *, code: str, params: dict) -> MediaFile:
    MediaFile.objects.filter(pk=media.pk, status=MediaFile.Status.CHECKING).update(
        status=MediaFile.Status.FAILED, reasons=[{"code": code, "params": params}], checked_at=timezone.now()
    )
    bump_board()
    media.refresh_from_db()
    return media


def media_sweep_stuck(*, older_than_minutes: int = 10) -> list[int]:
    """Re-enqueue checks that are queued for too long (lost messages) or whose lease ran out
    (their worker died; a slow live check renews its lease and is left alone). Then the web
    versions' sweep (``renditions.renditions_sweep``): videos that became due, lost messages,
    dead workers.

    Returns the ids of the checks re-enqueued.
    """
    now = timezone.now()
    cutoff = now - dt.timedelta(minutes=older_than_minutes)
    dead_before = now - dt.timedelta(seconds=CHECK_LEASE_SECONDS)
    stuck = list(
        MediaFile.objects.filter(status=MediaFile.Status.QUEUED, queued_at__lt=cutoff).values_list(
            "pk", flat=True
        )
    ) + list(
        MediaFile.objects.filter(
            status=MediaFile.Status.CHECKING, check_alive_at__lt=dead_before
        ).values_list("pk", flat=True)
    )
    for media_id in stuck:
        enqueue_check(media_id=media_id)
    MediaFile.objects.filter(pk__in=stuck, status=MediaFile.Status.QUEUED).update(queued_at=timezone.now())
    renditions_sweep(now=now)
    return stuck


def _sha256_of(uploaded) -> str:
    digest = hashlib.sha256()
    for chunk in uploaded.chunks(CHUNK):
        digest.update(chunk)
    uploaded.seek(0)
    return digest.hexdigest()
