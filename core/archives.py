"""Check an Office file (.xlsx, .docx), or any zip, as an archive before anything opens it.

An .xlsx is a zip of XML parts. A hostile one can be small on disk and huge inside (a
"zip bomb": one 400 MiB deflated cell fits in 400 KB), and the XML parser would inflate all
of it into memory. ``check_office_archive`` refuses such a file from the zip's central
directory (entry count, sizes, compression ratio, compression method) and then inflates every
entry in small chunks, throwing the bytes away, with a hard cap on what it accepts, so a
header that lies about the sizes cannot get a bomb past it either.

``check_zip_archive`` does the same for any zip (e.g. a folder of images), read from bytes or
from a seekable binary file, so a large archive never has to be held in memory.
"""

from __future__ import annotations

import io
import zipfile
import zlib
from dataclasses import dataclass
from typing import BinaryIO

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

MiB = 1024 * 1024
CHUNK = 64 * 1024
# Office writes its parts stored or deflated; other methods are refused rather than inflated.
METHODS = frozenset({zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED})


@dataclass(frozen=True)
class ArchiveLimits:
    """Bounds for one archive. ``ratio_grace`` bytes of an entry are exempt from the ratio
    (small XML parts, e.g. empty styles, compress very well and are harmless)."""

    max_entries: int = 200
    max_entry_size: int = 20 * MiB
    max_total_size: int = 50 * MiB
    max_ratio: int = 100
    ratio_grace: int = 100 * 1024


# Enough for an events plan of a few thousand rows; far below what hurts a web worker.
SPREADSHEET_LIMITS = ArchiveLimits()

NOT_AN_ARCHIVE_MESSAGE = _("该文件不是有效的 Office 文档（应为 zip 格式），无法读取。")
TOO_MANY_ENTRIES_MESSAGE = _("文件内部条目过多（%(count)d 个，最多 %(max)d 个），已拒绝。")
TOO_LARGE_MESSAGE = _("文件解压后过大（超过 %(limit)d MB），已拒绝。")
RATIO_MESSAGE = _("文件压缩比异常（超过 %(ratio)d:1），疑似恶意构造的文件，已拒绝。")
METHOD_MESSAGE = _("文件使用了不支持的压缩方式或已加密，无法读取。")
DAMAGED_MESSAGE = _("文件已损坏，无法读取。")


def check_office_archive(content: bytes, *, limits: ArchiveLimits = SPREADSHEET_LIMITS) -> None:
    """Raise ``ValidationError`` (Chinese message) unless ``content`` is a zip within ``limits``.

    Reads the central directory first, then inflates each entry chunk by chunk, keeping no
    more than one chunk in memory and stopping at the first byte over a limit.
    """
    check_zip_archive(content, limits=limits)


def check_zip_archive(source: bytes | BinaryIO, *, limits: ArchiveLimits = SPREADSHEET_LIMITS) -> None:
    """``check_office_archive`` for any zip, given as bytes or as a seekable binary file (left
    at its start). A file that is no zip at all raises the code ``not_zip``, so a caller can
    say in its own words what it expected."""
    stream = io.BytesIO(source) if isinstance(source, bytes | bytearray | memoryview) else source
    try:
        stream.seek(0)
        archive = zipfile.ZipFile(stream)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError):
        raise ValidationError(NOT_AN_ARCHIVE_MESSAGE, code="not_zip") from None
    try:
        with archive:
            entries = archive.infolist()
            _check_directory(entries, limits)
            _check_streams(archive, entries, limits)
    finally:
        stream.seek(0)


def _too_large(limit: int) -> ValidationError:
    return ValidationError(TOO_LARGE_MESSAGE, code="too_large", params={"limit": limit // MiB})


def _check_directory(entries: list[zipfile.ZipInfo], limits: ArchiveLimits) -> None:
    if len(entries) > limits.max_entries:
        raise ValidationError(
            TOO_MANY_ENTRIES_MESSAGE,
            code="too_many_entries",
            params={"count": len(entries), "max": limits.max_entries},
        )
    total = 0
    for entry in entries:
        if entry.compress_type not in METHODS or entry.flag_bits & 0x1:
            raise ValidationError(METHOD_MESSAGE, code="method")
        if entry.file_size > limits.max_entry_size:
            raise _too_large(limits.max_entry_size)
        total += entry.file_size
        if total > limits.max_total_size:
            raise _too_large(limits.max_total_size)
        if entry.file_size > limits.ratio_grace and entry.file_size > limits.max_ratio * max(
            entry.compress_size, 1
        ):
            raise ValidationError(RATIO_MESSAGE, code="ratio", params={"ratio": limits.max_ratio})


def _check_streams(archive: zipfile.ZipFile, entries: list[zipfile.ZipInfo], limits: ArchiveLimits) -> None:
    total = 0
    for entry in entries:
        if entry.is_dir():
            continue
        size = 0
        try:
            with archive.open(entry) as stream:
                while chunk := stream.read(CHUNK):
                    size += len(chunk)
                    total += len(chunk)
                    if size > limits.max_entry_size:
                        raise _too_large(limits.max_entry_size)
                    if total > limits.max_total_size:
                        raise _too_large(limits.max_total_size)
                    if size > limits.ratio_grace and size > limits.max_ratio * max(entry.compress_size, 1):
                        raise ValidationError(RATIO_MESSAGE, code="ratio", params={"ratio": limits.max_ratio})
        except (
            zipfile.BadZipFile,
            zlib.error,
            ValueError,
            OSError,
            EOFError,
            NotImplementedError,
            RuntimeError,
        ):
            # A bad CRC (the header lied about the contents), a broken deflate stream, a cut-off file.
            raise ValidationError(DAMAGED_MESSAGE, code="damaged") from None
