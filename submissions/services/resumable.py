"""A report's photo or video that arrived by resumable upload (``core.resumable``).

The protocol is core's; what a file may be and what it becomes are the same as for the
normal upload: ``media_upload_check`` before the first byte, ``media_upload`` once every byte
is there (the same checks, quotas and queued media check).
"""

from __future__ import annotations

import datetime as dt

from ..models import DailyReport, MediaFile
from .media import media_upload, media_upload_check

PURPOSE = "report_media"


def report_target(*, event_id: int, day: dt.date) -> str:
    """The target of a report day's resumable uploads, as core keeps it."""
    return f"{event_id}/{day.isoformat()}"


def resumable_kind(metadata: dict[str, str]) -> str:
    """The file's kind, as the page announces it (``kind`` metadata); a video unless it says photo."""
    return MediaFile.Kind.PHOTO if metadata.get("kind") == MediaFile.Kind.PHOTO else MediaFile.Kind.VIDEO


def resumable_media_check(*, report: DailyReport, length: int, metadata: dict[str, str]) -> None:
    """Refuse a file of ``length`` bytes before it starts: ``media_upload_check``'s reasons."""
    media_upload_check(
        report=report, kind=resumable_kind(metadata), size=length, name=metadata.get("filename", "")
    )


def resumable_media_finish(*, report: DailyReport, staged, metadata: dict[str, str], by) -> MediaFile:
    """Make the report's file from a complete upload (``staged``: a Django upload whose
    digest is computed from the staged bytes); raises what ``media_upload`` raises. Side
    effects: ``media_upload``'s (stored under a generated name, check queued after commit)."""
    return media_upload(
        report=report,
        uploaded=staged,
        kind=resumable_kind(metadata),
        by=by,
        caption=metadata.get("caption", ""),
    )
