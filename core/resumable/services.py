"""Creating, appending to, finishing, ending and expiring resumable uploads.

Each action takes the row's id and answers with the row as stored, or raises ``Refused``
with the HTTP status the protocol gives it and a message for the uploader. The domain's
decisions (who may upload what, what a finished file becomes) are not made here.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import os
import uuid
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import F, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from . import staging
from .models import ResumableUpload

log = logging.getLogger(__name__)

# Unfinished uploads are removed this long after they started (RESUMABLE_EXPIRE_SECONDS).
EXPIRE_SECONDS = 24 * 3600
# What one user may have unfinished at once (RESUMABLE_MAX_OPEN_PER_USER, ..._BYTES_PER_USER).
MAX_OPEN_PER_USER = 6
MAX_OPEN_BYTES_PER_USER = 8 * 1024**3
EXPIRE_BATCH = 200


class Refused(Exception):
    """The request cannot go on: ``status`` is the protocol's answer, ``message`` the reason."""

    def __init__(self, status: int, message: str = ""):
        super().__init__(message)
        self.status = status
        self.message = message


def expire_seconds() -> int:
    return getattr(settings, "RESUMABLE_EXPIRE_SECONDS", EXPIRE_SECONDS)


def resumable_create(
    *, owner, purpose: str, target: str, length: int, metadata: dict[str, str], now: dt.datetime | None = None
) -> ResumableUpload:
    """Open an upload of ``length`` bytes for ``owner`` (the domain has already said that a
    file this long may go to ``target``). Refused with 429 when the owner already has too many
    unfinished uploads, or too many bytes announced in them. Side effects: the row is written
    and an empty staging file made."""
    now = now or timezone.now()
    max_open = getattr(settings, "RESUMABLE_MAX_OPEN_PER_USER", MAX_OPEN_PER_USER)
    max_bytes = getattr(settings, "RESUMABLE_MAX_OPEN_BYTES_PER_USER", MAX_OPEN_BYTES_PER_USER)
    upload_id = uuid.uuid4()
    with transaction.atomic():
        # One creation per user at a time, so two tabs cannot both slip under the limits.
        list(get_user_model().objects.select_for_update().filter(pk=owner.pk).values_list("pk"))
        open_uploads = ResumableUpload.objects.filter(
            owner=owner, finished_at__isnull=True, expires_at__gt=now
        )
        if open_uploads.count() >= max_open:
            raise Refused(
                429,
                _("您已有 %(count)d 个未完成的上传，请等它们完成（或取消）后再传。") % {"count": max_open},
            )
        announced = open_uploads.aggregate(total=Sum("length"))["total"] or 0
        if announced + length > max_bytes:
            raise Refused(429, _("未完成的上传总量过大，请等正在进行的上传完成后再传。"))
        upload = ResumableUpload.objects.create(
            id=upload_id,
            owner=owner,
            purpose=purpose,
            target=target,
            length=length,
            metadata=metadata,
            staged_name=f"{upload_id.hex}.part",
            created_at=now,
            expires_at=now + dt.timedelta(seconds=expire_seconds()),
        )
        staging.create(upload.staged_name)  # a failure here rolls the row back
    return upload


def resumable_append(
    *,
    upload: ResumableUpload,
    offset: int,
    read: Callable[[int], bytes],
    size: int,
    now: dt.datetime | None = None,
) -> ResumableUpload:
    """Append the ``size`` bytes of a PATCH body (``read``) at ``offset``.

    Holds the staging file's lock for the request (another request for it: 423), reads the
    row again under it and refuses an ``offset`` other than the stored one (409), an expired
    upload (410), more bytes than remain (413). The bytes go to disk first (fsync); only then
    does a short transaction move the offset, by the bytes that really arrived (a dropped
    connection keeps the part that came). Returns the row as stored; the caller finishes it
    when it is complete, still under the lock (``finishing``)."""
    now = now or timezone.now()
    if upload.expired(now) and upload.finished_at is None:
        raise Refused(410, _("这次上传已过期，请重新上传。"))
    try:
        with staging.appending(upload.staged_name) as fd:
            current = ResumableUpload.objects.filter(pk=upload.pk).first()
            if current is None:
                raise Refused(410, _("这次上传已过期，请重新上传。"))
            if offset != current.offset:
                raise Refused(409, _("上传位置不一致，请刷新后继续。"))
            if size > current.length - current.offset:
                raise Refused(413, _("发送的数据超过了声明的文件大小。"))
            written = staging.append(fd, read, at=current.offset, limit=size)
            if written:
                with transaction.atomic():
                    moved = ResumableUpload.objects.filter(pk=current.pk, offset=current.offset).update(
                        offset=F("offset") + written
                    )
                if not moved:  # expired and removed meanwhile
                    raise Refused(410, _("这次上传已过期，请重新上传。"))
                current.offset += written
            return current
    except staging.Busy:
        raise Refused(423, _("这个文件正在上传，请稍候。")) from None
    except FileNotFoundError:
        raise Refused(410, _("这次上传已过期，请重新上传。")) from None


class StagedFile(UploadedFile):
    """A complete staging file as a Django upload: a file storage on the same disk renames it
    into place (``temporary_file_path``), another one (S3) reads it in chunks."""

    def __init__(self, upload: ResumableUpload):
        self.staged_path = staging.path_of(upload.staged_name)
        super().__init__(
            file=open(self.staged_path, "rb"),  # noqa: SIM115 (closed by resumable_finish)
            name=upload.metadata.get("filename") or "upload",
            content_type=upload.metadata.get("filetype") or "application/octet-stream",
            size=upload.length,
        )

    def temporary_file_path(self) -> str:
        return str(self.staged_path)


def resumable_finish(*, upload: ResumableUpload, finish: Callable[[StagedFile], dict]) -> ResumableUpload:
    """Hand a complete upload to the domain's ``finish`` once (``finished_at`` is claimed
    first, so a repeated request never makes two files) and keep its answer in ``result``.
    ``finish`` takes the staged file and returns ``{"created": [...]}`` or ``{"errors": [...]}``;
    an exception in it is logged and kept as a failure. The staging file is removed after
    (a local storage has already moved it). Call with the staging file's lock held."""
    claimed = ResumableUpload.objects.filter(
        pk=upload.pk, finished_at__isnull=True, offset=F("length")
    ).update(finished_at=timezone.now())
    if not claimed:
        return ResumableUpload.objects.get(pk=upload.pk)
    staged = StagedFile(upload)
    try:
        result = finish(staged)
    except Exception:
        log.exception("finishing resumable upload %s failed", upload.pk)
        result = {"errors": [_("文件已收到，但保存失败，请重新上传。")]}
    finally:
        staged.close()
        staging.delete(upload.staged_name)
    ResumableUpload.objects.filter(pk=upload.pk).update(result=result)
    upload.refresh_from_db()
    return upload


def resumable_terminate(*, upload: ResumableUpload) -> None:
    """Termination: the row and its staging file go (a file already made from it stays)."""
    try:
        with staging.appending(upload.staged_name):
            ResumableUpload.objects.filter(pk=upload.pk).delete()
            staging.delete(upload.staged_name)
    except FileNotFoundError:  # finished (the file was handed on) or already cleaned up
        ResumableUpload.objects.filter(pk=upload.pk).delete()
    except staging.Busy:
        raise Refused(423, _("这个文件正在上传，请稍候。")) from None


def resumable_expire(*, now: dt.datetime | None = None) -> int:
    """Remove the uploads whose time is up (``RESUMABLE_EXPIRE_SECONDS`` after they started),
    rows and staging files, finished or not, in batches; then staging files that no row names
    (a process died between making one and committing its row) and that are as old. A file
    a request is still appending to is unlinked all the same: that request's commit then
    finds no row and answers 410. Returns the number of rows removed."""
    now = now or timezone.now()
    removed = 0
    while batch := list(
        ResumableUpload.objects.filter(expires_at__lte=now).values_list("pk", "staged_name")[:EXPIRE_BATCH]
    ):
        ResumableUpload.objects.filter(pk__in=[pk for pk, _name in batch], expires_at__lte=now).delete()
        for _pk, name in batch:
            staging.delete(name)
        removed += len(batch)
        if len(batch) < EXPIRE_BATCH:
            break
    removed_files = _remove_orphans(now)
    if removed or removed_files:
        log.info("expired %d resumable uploads, %d orphan staging files", removed, removed_files)
    return removed


def _remove_orphans(now: dt.datetime) -> int:
    folder = staging.folder()
    if not folder.is_dir():
        return 0
    oldest = now.timestamp() - expire_seconds()
    removed = 0
    with os.scandir(folder) as entries:
        candidates = [entry for entry in entries if entry.is_file() and entry.stat().st_mtime < oldest]
    known = set(
        ResumableUpload.objects.filter(staged_name__in=[entry.name for entry in candidates]).values_list(
            "staged_name", flat=True
        )
    )
    for entry in candidates:
        if entry.name not in known:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(entry.path)
            removed += 1
    return removed


__all__ = [
    "Refused",
    "StagedFile",
    "resumable_append",
    "resumable_create",
    "resumable_expire",
    "resumable_finish",
    "resumable_terminate",
]
