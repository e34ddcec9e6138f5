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
from collections.abc import Callable, Iterator

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import UploadedFile
from django.db import OperationalError, transaction
from django.db.models import F, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from . import objects, staging
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
    and an empty staging file made; with S3 media, a multipart upload started instead (one
    that outlives a failed insert is aborted by the hourly sweep)."""
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
        staged_name = f"{upload_id.hex}.part"
        upload = ResumableUpload.objects.create(
            id=upload_id,
            owner=owner,
            purpose=purpose,
            target=target,
            length=length,
            metadata=metadata,
            staged_name=staged_name,
            multipart_id=objects.start(staged_name) if objects.in_use() else "",
            created_at=now,
            expires_at=now + dt.timedelta(seconds=expire_seconds()),
        )
        if not upload.multipart_id:
            staging.create(upload.staged_name)  # a failure here rolls the row back
    return upload


@contextlib.contextmanager
def _held(upload: ResumableUpload) -> Iterator[ResumableUpload | None]:
    """The upload held for one request, and its row as stored (None once it is gone): the
    staging file's ``flock`` on local disk; on S3, where the next request may reach another
    web host, the row's lock (``FOR UPDATE NOWAIT``) for a transaction that lasts the request
    and ends with its commit, or with its connection when the process dies. Raises
    ``staging.Busy`` when another request holds it, FileNotFoundError when the file is gone."""
    if upload.multipart_id:
        with transaction.atomic():
            try:
                current = ResumableUpload.objects.select_for_update(nowait=True).filter(pk=upload.pk).first()
            except OperationalError:  # could not obtain the lock
                raise staging.Busy from None
            yield current
    else:
        with staging.appending(upload.staged_name):
            yield ResumableUpload.objects.filter(pk=upload.pk).first()


def resumable_append(
    *,
    upload: ResumableUpload,
    offset: int,
    read: Callable[[int], bytes],
    size: int,
    now: dt.datetime | None = None,
) -> ResumableUpload:
    """Append the ``size`` bytes of a PATCH body (``read``) at ``offset``.

    Holds the upload for the request (another request for it: 423; ``_held``), reads the
    row again under it and refuses an ``offset`` other than the stored one (409), an expired
    upload (410), more bytes than remain (413). The bytes are kept first (local disk:
    fsync'd; S3: parts and tail objects, ``objects.append``); only then does the offset
    move, by the bytes that really arrived (a dropped connection keeps the part that came).
    Returns the row as stored; the caller finishes it when it is complete
    (``resumable_finish_held``)."""
    now = now or timezone.now()
    if upload.expired(now) and upload.finished_at is None:
        raise Refused(410, _("这次上传已过期，请重新上传。"))
    if upload.multipart_id:
        return _append_to_object(upload=upload, offset=offset, read=read, size=size)
    try:
        with staging.appending(upload.staged_name) as fd:
            current = _checked(ResumableUpload.objects.filter(pk=upload.pk).first(), offset=offset, size=size)
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


def _checked(current: ResumableUpload | None, *, offset: int, size: int) -> ResumableUpload:
    """The row as stored, read under the upload's lock: 410 when gone, 409 for another
    offset, 413 for more bytes than remain."""
    if current is None:
        raise Refused(410, _("这次上传已过期，请重新上传。"))
    if offset != current.offset:
        raise Refused(409, _("上传位置不一致，请刷新后继续。"))
    if size > current.length - current.offset:
        raise Refused(413, _("发送的数据超过了声明的文件大小。"))
    return current


def _append_to_object(
    *, upload: ResumableUpload, offset: int, read: Callable[[int], bytes], size: int
) -> ResumableUpload:
    """S3: the row is locked for the request (``_held``); the update that moves the offset
    and names the new parts and tail commits with it."""
    try:
        with _held(upload) as locked:
            current = _checked(locked, offset=offset, size=size)
            written, parts, tail = objects.append(current, read, limit=size)
            if written:
                ResumableUpload.objects.filter(pk=current.pk).update(
                    offset=F("offset") + written, parts=parts, tail=tail
                )
                current.offset += written
                current.parts, current.tail = parts, tail
            return current
    except staging.Busy:
        raise Refused(423, _("这个文件正在上传，请稍候。")) from None


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


def resumable_finish(*, upload: ResumableUpload, finish: Callable[[UploadedFile], dict]) -> ResumableUpload:
    """Hand a complete upload to the domain's ``finish`` once (``finished_at`` is claimed
    first, so a repeated request never makes two files) and keep its answer in ``result``.
    ``finish`` takes the staged file and returns ``{"created": [...]}`` or ``{"errors": [...]}``;
    an exception in it is logged and kept as a failure. The staged bytes are removed after
    (a local storage has already moved the file). Call with the upload held
    (``resumable_finish_held``), or for an upload nobody else knows yet (an empty file).

    On S3 the multipart upload is completed first and the domain reads the object in a
    stream (``objects.StagedObject``: its first bytes, its digest) and stores it under its
    own name through the storage; the domain's step runs in a savepoint of the request's
    transaction, so its failure leaves the claim and the answer to be written."""
    claimed = ResumableUpload.objects.filter(
        pk=upload.pk, finished_at__isnull=True, offset=F("length")
    ).update(finished_at=timezone.now())
    if not claimed:
        return ResumableUpload.objects.get(pk=upload.pk)
    if upload.multipart_id:
        objects.complete(upload)  # raises (nothing claimed once the transaction rolls back)
        staged: UploadedFile = objects.StagedObject(upload)
        in_savepoint = transaction.atomic
    else:
        staged = StagedFile(upload)
        in_savepoint = contextlib.nullcontext
    try:
        with in_savepoint():
            result = finish(staged)
    except Exception:
        log.exception("finishing resumable upload %s failed", upload.pk)
        result = {"errors": [_("文件已收到，但保存失败，请重新上传。")]}
    finally:
        staged.close()
        _discard(upload.staged_name, upload.multipart_id)
    ResumableUpload.objects.filter(pk=upload.pk).update(result=result)
    upload.refresh_from_db()
    return upload


def resumable_finish_held(
    *, upload: ResumableUpload, finish: Callable[[UploadedFile], dict]
) -> ResumableUpload:
    """``resumable_finish`` with the upload held; when another request holds it (it is
    finishing it) or has finished it already, the row as stored. 410 once it is gone."""
    try:
        with _held(upload) as current:
            if current is not None:
                return resumable_finish(upload=current, finish=finish)
    except (staging.Busy, FileNotFoundError):
        pass
    current = ResumableUpload.objects.filter(pk=upload.pk).first()
    if current is None:
        raise Refused(410, _("这次上传已过期，请重新上传。"))
    return current


def _discard(staged_name: str, multipart_id: str) -> None:
    """The staged bytes go: the local file, or the S3 multipart upload and its objects (a
    failure there is logged; the hourly sweep removes what is left once it is old)."""
    if not multipart_id:
        staging.delete(staged_name)
        return
    try:
        objects.discard(staged_name, multipart_id)
    except Exception:
        log.exception("removing the S3 staging of %s failed; the sweep retries", staged_name)


def resumable_terminate(*, upload: ResumableUpload) -> None:
    """Termination: the row and its staged bytes go (a file already made from it stays). The
    row goes while the upload is held (423 while a request appends to it); the bytes after."""
    try:
        with _held(upload):
            ResumableUpload.objects.filter(pk=upload.pk).delete()
    except FileNotFoundError:  # local: finished (the file was handed on) or already cleaned up
        ResumableUpload.objects.filter(pk=upload.pk).delete()
    except staging.Busy:
        raise Refused(423, _("这个文件正在上传，请稍候。")) from None
    _discard(upload.staged_name, upload.multipart_id)


def resumable_expire(*, now: dt.datetime | None = None) -> int:
    """Remove the uploads whose time is up (``RESUMABLE_EXPIRE_SECONDS`` after they started),
    rows and staged bytes (local file, or S3 multipart upload and tail objects), finished or
    not, in batches; then what no row names any more and is as old: staging files (a
    process died between making one and committing its row) and, with S3 media, multipart
    uploads and objects under the staging prefix (``objects.sweep``). A file a request is
    still appending to is unlinked all the same: that request's commit then finds no row
    and answers 410 (an S3 upload's row is locked by its request: its deletion waits for
    that request's commit). Returns the number of rows removed."""
    now = now or timezone.now()
    removed = 0
    while batch := list(
        ResumableUpload.objects.filter(expires_at__lte=now).values_list("pk", "staged_name", "multipart_id")[
            :EXPIRE_BATCH
        ]
    ):
        ResumableUpload.objects.filter(pk__in=[pk for pk, _name, _id in batch], expires_at__lte=now).delete()
        for _pk, name, multipart_id in batch:
            _discard(name, multipart_id)
        removed += len(batch)
        if len(batch) < EXPIRE_BATCH:
            break
    removed_files = _remove_orphans(now)
    aborted = removed_objects = 0
    if objects.in_use():
        aborted, removed_objects = objects.sweep(
            before=now - dt.timedelta(seconds=expire_seconds()),
            live=lambda names: set(
                ResumableUpload.objects.filter(staged_name__in=names).values_list("staged_name", flat=True)
            ),
        )
    if removed or removed_files or aborted or removed_objects:
        log.info(
            "expired %d resumable uploads, %d orphan staging files, %d S3 multipart uploads, %d S3 objects",
            removed,
            removed_files,
            aborted,
            removed_objects,
        )
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
    "resumable_finish_held",
    "resumable_terminate",
]
