"""Receiving uploaded files: streamed to disk, hashed and size-limited while they arrive."""

from __future__ import annotations

import hashlib
import unicodedata
from pathlib import PureWindowsPath

from django.core.files.uploadhandler import SkipFile, TemporaryFileUploadHandler

ORIGINAL_NAME_MAX = 200


class HashingLimitedUploadHandler(TemporaryFileUploadHandler):
    """Writes every file to a temporary file (never memory), computing its SHA-256 and
    refusing it the moment it passes the limit of its field, before it is stored.

    ``limits`` maps a form field name to a byte limit. Refused files are listed in
    ``request.refused_uploads`` as (field name, original name, limit).
    """

    def __init__(self, request=None, *, limits: dict[str, int]):
        super().__init__(request)
        self.limits = limits
        if request is not None and not hasattr(request, "refused_uploads"):
            request.refused_uploads = []

    def new_file(self, field_name, file_name, *args, **kwargs):
        super().new_file(field_name, file_name, *args, **kwargs)
        self.digest = hashlib.sha256()
        self.received = 0
        self.limit = self.limits.get(field_name)

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.limit is not None and self.received > self.limit:
            self.request.refused_uploads.append((self.field_name, self.file_name, self.limit))
            raise SkipFile()
        self.digest.update(raw_data)
        return super().receive_data_chunk(raw_data, start)

    def file_complete(self, file_size):
        uploaded = super().file_complete(file_size)
        uploaded.sha256 = self.digest.hexdigest()
        return uploaded


def clean_original_name(name: str) -> str:
    """The uploader's file name for display only: no folders, no control characters."""
    # Browsers on Windows may send "C:\\fakepath\\a.jpg"; PureWindowsPath splits on both slashes.
    base = PureWindowsPath(name or "").name
    printable = "".join(ch for ch in base if unicodedata.category(ch)[0] != "C")
    printable = printable.strip().lstrip(".") or "file"
    return printable[:ORIGINAL_NAME_MAX]
