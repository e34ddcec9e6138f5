"""The staging files that PATCH requests append to, on local disk (local media; S3 media
stage in the bucket instead: ``objects``).

A file lives under ``RESUMABLE_UPLOAD_DIR`` (default ``MEDIA_ROOT/uploads-in-progress``, on the
same file system as the media, so a finished local upload is renamed into place, not copied).
A request appends while it holds an exclusive ``flock`` on the file: a second request for the
same upload (a client that retried too early, another tab) is told to wait, never interleaved.
Several web processes on one host share the folder; several hosts must share it (NFS) or pin
an upload to one host.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from collections.abc import Iterator
from pathlib import Path

from django.conf import settings

CHUNK = 1024 * 1024


class Busy(Exception):
    """Another request is appending to this upload right now."""


def folder() -> Path:
    configured = getattr(settings, "RESUMABLE_UPLOAD_DIR", None)
    return Path(configured) if configured else Path(settings.MEDIA_ROOT) / "uploads-in-progress"


def path_of(staged_name: str) -> Path:
    # Names are made here (a UUID and ".part"), never taken from a request.
    return folder() / staged_name


def create(staged_name: str) -> Path:
    path = path_of(staged_name)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    os.close(fd)
    return path


@contextlib.contextmanager
def appending(staged_name: str) -> Iterator[int]:
    """The staging file open for appending, locked for this request; raises Busy when another
    request holds it, FileNotFoundError when it is gone (expired and removed)."""
    fd = os.open(path_of(staged_name), os.O_WRONLY | os.O_APPEND)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise Busy from None
        yield fd
    finally:
        os.close(fd)  # releases the lock


def append(fd: int, read, *, at: int, limit: int) -> int:
    """Append at most ``limit`` bytes from ``read(n)`` to the locked file ``fd``, whose
    committed length is ``at``: anything beyond it (bytes of a request that died between its
    write and its commit) is cut first. Reads a megabyte at a time, never more in memory;
    stops at the end of the body or when the client goes away (what arrived is kept), then
    flushes the bytes to disk. Returns how many were appended. A failing write (disk full)
    raises: nothing of this request is committed, the client sends it again."""
    os.ftruncate(fd, at)
    written = 0
    for piece in body_pieces(read, limit):
        view = memoryview(piece)
        while view:
            view = view[os.write(fd, view) :]
        written += len(piece)
    os.fsync(fd)
    return written


def body_pieces(read, limit: int) -> Iterator[bytes]:
    """A PATCH body from ``read(n)``, a megabyte at a time, at most ``limit`` bytes in all;
    ends at the end of the body or when the client goes away (what came is given)."""
    taken = 0
    while taken < limit:
        try:
            piece = read(min(CHUNK, limit - taken))
        except OSError:  # the connection dropped mid-body (UnreadablePostError is an OSError)
            return
        if not piece:
            return
        taken += len(piece)
        yield piece


def delete(staged_name: str) -> None:
    with contextlib.suppress(FileNotFoundError):
        path_of(staged_name).unlink()
