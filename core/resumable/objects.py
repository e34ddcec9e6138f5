"""Uploads staged on S3 object storage (``MEDIA_STORAGE=s3``): a tus upload is one S3
multipart upload from its creation, so any web host can take its next PATCH and none keeps
its bytes on disk between requests.

Keys in the media bucket (under the storage's ``location``), named from the row's
``staged_name`` (``<uuid hex>.part``), never from a request:

- ``uploads-in-progress/<hex>.part``: the multipart upload, and the object once complete;
- ``uploads-in-progress/<hex>.tail-<start>``: a piece of the tail, bytes that arrived after
  the last part but are too few for a part of their own (S3 wants 5 MiB in every part but
  the last). They wait there, readable by every web host, until the next PATCH makes a part
  of them and its own bytes.

The row says which parts (number, ETag, size) and tail pieces (start, size) hold its
``offset`` bytes. A request that dies before its commit may leave more behind (a part or a
piece the row does not name): the next request writes the same part number or key again,
and a longer object under a named key is read only as far as the row says. Whatever is left
over goes with the upload (``discard``) or with the hourly sweep (``sweep``).

A PATCH reads its body a megabyte at a time into a temporary file that is gone when the
request ends, and sends it on as one part once the tail and it reach the part size (or when
the body grows past ``PART_MAX``), else as one more tail piece: a file sent in chunks of at
least 5 MiB crosses to S3 exactly once. Memory holds one megabyte of the body at a time.
"""

from __future__ import annotations

import contextlib
import io
import logging
import shutil
import tempfile
from collections.abc import Callable

from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile

from core import media_storage

from . import staging

log = logging.getLogger(__name__)

PREFIX = "uploads-in-progress/"
CHUNK = 1024 * 1024
PART_MIN = 5 * 1024 * 1024  # S3's smallest part but the last
PART_MAX = 64 * 1024 * 1024  # a longer PATCH body is sent as several parts (temporary disk)
MAX_PARTS = 10_000  # S3's limit
MAX_TAIL_PIECES = 8  # beyond: the tail is rewritten as one object (fewer GETs for the next part)


def in_use() -> bool:
    """New uploads go to S3 when the media storage is django-storages' S3 backend."""
    return media_storage.is_object_storage(default_storage)


def _s3():
    return default_storage.connection.meta.client, default_storage.bucket_name


def key(name: str) -> str:
    location = (getattr(default_storage, "location", "") or "").strip("/")
    return f"{location}/{PREFIX}{name}" if location else f"{PREFIX}{name}"


def _tail_key(staged_name: str, start: int) -> str:
    return key(f"{staged_name.removesuffix('.part')}.tail-{start}")


def part_size(length: int) -> int:
    """The smallest part of an upload of ``length`` bytes: 5 MiB, more for a file that would
    need more than S3's 10 000 parts (whole MiB)."""
    needed = -(-length // (MAX_PARTS - 1))
    return max(PART_MIN, -(-needed // CHUNK) * CHUNK)


def start(staged_name: str) -> str:
    """CreateMultipartUpload under the staging key; returns the upload id."""
    client, bucket = _s3()
    answer = client.create_multipart_upload(
        Bucket=bucket, Key=key(staged_name), ContentType="application/octet-stream"
    )
    return answer["UploadId"]


def _size(pieces: list[dict]) -> int:
    return sum(piece["size"] for piece in pieces)


class _Appender:
    """One PATCH's bytes on their way to S3: ``parts`` and ``tail`` as the row will say
    once they are committed."""

    def __init__(self, upload, buffer):
        self.client, self.bucket = _s3()
        self.upload = upload
        self.key = key(upload.staged_name)
        self.parts = list(upload.parts)
        self.tail = list(upload.tail)
        self.buffer = buffer  # this request's bytes not yet sent

    def buffered(self) -> int:
        return self.buffer.tell()

    def pending(self) -> int:
        return _size(self.tail) + self.buffered()

    def send_part(self) -> None:
        """The tail and the buffer as the next part (UploadPart, streamed from a file)."""
        number = len(self.parts) + 1
        size = self.pending()
        if self.tail:
            with self._tail_and_buffer() as body:
                etag = self._upload_part(number, body, size)
        else:
            etag = self._upload_part(number, self.buffer, size)
        self.parts.append({"number": number, "etag": etag, "size": size})
        self.tail = []
        self.buffer.seek(0)
        self.buffer.truncate()

    def keep_tail(self, end: int) -> None:
        """The buffer (whose last byte is at ``end``) as one more piece of the tail; after
        ``MAX_TAIL_PIECES`` the whole tail becomes one piece under the first one's key (whose
        recorded bytes it starts with, so a crash before the commit leaves them readable)."""
        if len(self.tail) >= MAX_TAIL_PIECES:
            first = self.tail[0]["start"]
            with self._tail_and_buffer() as body:
                size = body.tell()
                self._put(_tail_key(self.upload.staged_name, first), body, size)
            self.tail = [{"start": first, "size": size}]
        else:
            size = self.buffered()
            begins = end - size
            self._put(_tail_key(self.upload.staged_name, begins), self.buffer, size)
            self.tail.append({"start": begins, "size": size})
        self.buffer.seek(0)
        self.buffer.truncate()

    @contextlib.contextmanager
    def _tail_and_buffer(self):
        """A temporary file holding the tail's bytes (read back from S3) and then the
        buffer's, positioned at its end."""
        with tempfile.TemporaryFile() as body:
            self._read_tail(body)
            self.buffer.seek(0)
            shutil.copyfileobj(self.buffer, body, CHUNK)
            yield body

    def _read_tail(self, target) -> None:
        for piece in self.tail:
            body = self.client.get_object(
                Bucket=self.bucket,
                Key=_tail_key(self.upload.staged_name, piece["start"]),
                Range=f"bytes=0-{piece['size'] - 1}",
            )["Body"]
            try:
                for data in body.iter_chunks(CHUNK):
                    target.write(data)
            finally:
                body.close()

    def _upload_part(self, number: int, body, size: int) -> str:
        body.flush()
        body.seek(0)
        answer = self.client.upload_part(
            Bucket=self.bucket,
            Key=self.key,
            UploadId=self.upload.multipart_id,
            PartNumber=number,
            Body=body,
            ContentLength=size,
        )
        return answer["ETag"]

    def _put(self, object_key: str, body, size: int) -> None:
        body.flush()
        body.seek(0)
        self.client.put_object(Bucket=self.bucket, Key=object_key, Body=body, ContentLength=size)


def append(upload, read: Callable[[int], bytes], *, limit: int) -> tuple[int, list[dict], list[dict]]:
    """Send at most ``limit`` bytes of ``read(n)`` on after the ``upload``'s ``offset``
    (its row read under its lock): as parts once the tail and they reach the part size,
    the rest as a tail piece; the whole remainder as the last part when the file is complete.
    Stops at the end of the body or when the client goes away (what arrived is kept).
    Returns (bytes taken, the parts, the tail) for the row; a failing S3 request raises and
    nothing of this request counts (the client sends it again)."""
    smallest = part_size(upload.length)
    biggest = max(PART_MAX, smallest)
    written = 0
    with tempfile.TemporaryFile() as buffer:
        appender = _Appender(upload, buffer)
        for piece in staging.body_pieces(read, limit):
            buffer.write(piece)
            written += len(piece)
            if appender.pending() >= biggest:
                appender.send_part()
        complete = upload.offset + written == upload.length
        if appender.pending() and (complete or appender.pending() >= smallest):
            appender.send_part()
        elif appender.buffered():
            appender.keep_tail(upload.offset + written)
        return written, appender.parts, appender.tail


def complete(upload) -> None:
    """CompleteMultipartUpload of a complete upload: its object is then the whole file. An
    empty file has no part: the object is written as it is and the multipart upload aborted.
    A request that completed it and died before its commit leaves the object: it is taken."""
    from botocore.exceptions import ClientError  # only S3 installations load botocore

    client, bucket = _s3()
    object_key = key(upload.staged_name)
    if upload.tail:
        raise ValueError(f"upload {upload.pk} is complete but has a tail")
    if not upload.parts:
        client.put_object(Bucket=bucket, Key=object_key, Body=b"")
        _abort(client, bucket, object_key, upload.multipart_id)
        return
    try:
        client.complete_multipart_upload(
            Bucket=bucket,
            Key=object_key,
            UploadId=upload.multipart_id,
            MultipartUpload={
                "Parts": [{"PartNumber": part["number"], "ETag": part["etag"]} for part in upload.parts]
            },
        )
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") != "NoSuchUpload":
            raise
        if client.head_object(Bucket=bucket, Key=object_key)["ContentLength"] != upload.length:
            raise


def _abort(client, bucket: str, object_key: str, multipart_id: str) -> None:
    from botocore.exceptions import ClientError

    try:
        client.abort_multipart_upload(Bucket=bucket, Key=object_key, UploadId=multipart_id)
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") != "NoSuchUpload":
            raise


def discard(staged_name: str, multipart_id: str) -> None:
    """Abort the multipart upload and remove every object of the upload (the tail, the
    complete object, pieces no row names). Raises what S3 raises: the sweep tries again."""
    client, bucket = _s3()
    _abort(client, bucket, key(staged_name), multipart_id)
    prefix = key(f"{staged_name.removesuffix('.part')}.")
    _delete_keys(client, bucket, (item["Key"] for item in _listed(client, bucket, prefix)))


def _listed(client, bucket: str, prefix: str):
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
        yield from page.get("Contents", [])


def _delete_keys(client, bucket: str, keys) -> int:
    batch: list[str] = []
    removed = 0
    for object_key in keys:
        batch.append(object_key)
        if len(batch) == 1000:  # DeleteObjects' limit
            removed += _delete_batch(client, bucket, batch)
            batch = []
    if batch:
        removed += _delete_batch(client, bucket, batch)
    return removed


def _delete_batch(client, bucket: str, keys: list[str]) -> int:
    client.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": k} for k in keys], "Quiet": True})
    return len(keys)


def _staged_name(object_key: str) -> str:
    """The row's ``staged_name`` of a staging key (``<hex>.part`` or ``<hex>.tail-<start>``)."""
    return object_key.rsplit("/", 1)[-1].split(".", 1)[0] + ".part"


def sweep(*, before, live: Callable[[set[str]], set[str]]) -> tuple[int, int]:
    """Abort the multipart uploads under the staging prefix started before ``before`` and
    remove its objects last written before it, unless ``live`` (given staged names) says
    a row still names them: left by uploads whose row is gone (a request that died between
    S3 and its commit, a cleanup that failed). The row is asked too because S3's clock is
    not ours (and moto's ``Initiated`` is a fixed date). Returns (aborted, removed)."""
    client, bucket = _s3()
    prefix = key("")
    old_uploads = [
        item
        for page in client.get_paginator("list_multipart_uploads").paginate(Bucket=bucket, Prefix=prefix)
        for item in page.get("Uploads", [])
        if item["Initiated"] < before
    ]
    old_keys = [item["Key"] for item in _listed(client, bucket, prefix) if item["LastModified"] < before]
    kept = live({_staged_name(item["Key"]) for item in old_uploads} | {_staged_name(k) for k in old_keys})
    aborted = 0
    for item in old_uploads:
        if _staged_name(item["Key"]) not in kept:
            _abort(client, bucket, item["Key"], item["UploadId"])
            aborted += 1
    removed = _delete_keys(client, bucket, (k for k in old_keys if _staged_name(k) not in kept))
    return aborted, removed


class _ObjectReader(io.RawIOBase):
    """The complete object, read forward with one streamed ranged GET from where a read
    starts (a seek elsewhere closes it and the next read opens another): a digest of the
    whole file costs one GET and a megabyte of memory at a time."""

    def __init__(self, object_key: str, size: int):
        super().__init__()
        self.client, self.bucket = _s3()
        self.key, self.size = object_key, size
        self.position = 0
        self.body = None
        self.body_at = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self.position

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self.position, io.SEEK_END: self.size}[whence]
        self.position = max(0, base + offset)
        return self.position

    def read(self, size: int | None = -1) -> bytes:
        remaining = max(0, self.size - self.position)
        wanted = remaining if size is None or size < 0 else min(size, remaining)
        if not wanted:
            return b""
        if self.body is None or self.body_at != self.position:
            self._close_body()
            self.body = self.client.get_object(
                Bucket=self.bucket, Key=self.key, Range=f"bytes={self.position}-"
            )["Body"]
            self.body_at = self.position
        pieces = []
        while wanted:
            piece = self.body.read(wanted)
            if not piece:
                break
            pieces.append(piece)
            wanted -= len(piece)
            self.body_at += len(piece)
        data = b"".join(pieces)
        self.position += len(data)
        return data

    def readinto(self, buffer) -> int:
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def _close_body(self) -> None:
        if self.body is not None:
            with contextlib.suppress(Exception):
                self.body.close()
            self.body = None

    def close(self) -> None:
        self._close_body()
        super().close()


class StagedObject(UploadedFile):
    """A complete upload's object as a Django upload, read from S3 in a stream (first bytes,
    digest) and copied by the storage to the name the domain gives it."""

    def __init__(self, upload):
        self.bucket, self.object_key = default_storage.bucket_name, key(upload.staged_name)
        super().__init__(
            file=_ObjectReader(self.object_key, upload.length),
            name=upload.metadata.get("filename") or "upload",
            content_type=upload.metadata.get("filetype") or "application/octet-stream",
            size=upload.length,
        )
