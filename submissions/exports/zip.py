"""The day's accepted photos and videos as one zip, streamed while it is written.

``zipfile`` writes into a sink that keeps only what was written since the last ``drain``;
each source file is read from storage in chunks (``storage.open().chunks()``), so memory
stays at about one chunk whatever the day's size, and nothing goes to a temporary file.
Entries are stored, not deflated: JPEG and video do not shrink, and storing keeps the
export as fast as reading the files. On a non-seekable output ``zipfile`` writes sizes and
CRC in data descriptors after each entry; sizes are known in advance so entries over 4 GB
get ZIP64 headers. Names are UTF-8 (the zip's language flag), which Windows 10+, macOS,
7-Zip and WPS read.

Layout::

    清单.txt                 the manifest for people: events, leaders, files with captions
    manifest.json            the same for programs
    01_<event>/信息.txt       the report's text, leaders, attendance
    01_<event>/<event>_照片01.jpg, <event>_视频01.mp4, ...
"""

from __future__ import annotations

import datetime as dt
import json
import os
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass

from django.utils import timezone

from events.models import Week

from ..models import MediaFile
from ..selectors.board import BoardRow, accepted_reports
from . import day_label, safe_name

CHUNK_SIZE = 1024 * 1024


@dataclass(frozen=True)
class Entry:
    """One file of the archive: ``media`` is read from storage, or ``data`` is written as is."""

    name: str
    media: MediaFile | None = None
    data: bytes = b""
    when: dt.datetime | None = None


class _Sink:
    """Write-only and not seekable: holds what ``zipfile`` wrote until it is drained."""

    def __init__(self) -> None:
        self._parts: list[bytes] = []

    def write(self, data) -> int:
        self._parts.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        pass

    def drain(self) -> bytes:
        data = b"".join(self._parts)
        self._parts.clear()
        return data


def _extension(media: MediaFile) -> str:
    if media.kind == MediaFile.Kind.PHOTO:
        return ".jpg"
    ext = os.path.splitext(media.original_name)[1].lower()
    return ext if ext in {".mp4", ".mov", ".mkv", ".webm", ".avi", ".m4v", ".3gp"} else ".mp4"


def _passed(row: BoardRow) -> list[MediaFile]:
    return [m for m in row.media if m.status == MediaFile.Status.PASSED]


def plan(*, week: Week, day: dt.date) -> tuple[list[Entry], dict]:
    """The archive's entries and its manifest, from the database (a fixed number of queries)."""
    rows = accepted_reports(week=week, day=day)
    zone = week.zone
    manifest = {"week": week.name, "unified_title": week.unified_title, "day": day.isoformat(), "events": []}
    entries: list[Entry] = []
    for number, row in enumerate(rows, start=1):
        event, report = row.event, row.report
        folder = f"{number:02d}_{safe_name(event.subtitle)}"
        stem = safe_name(event.subtitle, limit=40)
        files = []
        counters = {MediaFile.Kind.PHOTO: 0, MediaFile.Kind.VIDEO: 0}
        for media in _passed(row):
            counters[media.kind] += 1
            word = "照片" if media.kind == MediaFile.Kind.PHOTO else "视频"
            name = f"{folder}/{stem}_{word}{counters[media.kind]:02d}{_extension(media)}"
            entries.append(Entry(name=name, media=media, when=media.uploaded_at.astimezone(zone)))
            files.append(
                {
                    "file": name,
                    "kind": media.kind,
                    "caption": media.caption,
                    "original_name": media.original_name,
                    "size": media.size,
                    "sha256": media.sha256,
                }
            )
        leaders = [
            {"name": leader.name, "post": leader.post, "level": leader.get_level_display()}
            for leader in row.leaders
        ]
        manifest["events"].append(
            {
                "folder": folder,
                "title": event.full_title,
                "subtitle": event.subtitle,
                "host": event.host_names,
                "place_kind": event.place_kind,
                "venue": event.venue.name if event.has_venue else "",
                "place": event.place,
                "where": event.where,
                "online_url": event.online_url,
                "no_leaders": report.no_leaders,
                "leaders": leaders,
                "attendance": report.attendance,
                "text": report.text,
                "files": files,
            }
        )
        entries.insert(
            len(entries) - len(files), Entry(name=f"{folder}/信息.txt", data=_report_text(row).encode())
        )
    head = [
        Entry(name="清单.txt", data=_manifest_text(week, day, manifest).encode()),
        Entry(name="manifest.json", data=json.dumps(manifest, ensure_ascii=False, indent=2).encode()),
    ]
    return head + entries, manifest


def stream_day_zip(*, week: Week, day: dt.date, chunk_size: int = CHUNK_SIZE) -> Iterator[bytes]:
    """Yield the zip of the day's accepted material piece by piece (see the module docstring)."""
    entries, _manifest = plan(week=week, day=day)
    return stream_entries(entries, chunk_size=chunk_size)


def stream_entries(entries: list[Entry], *, chunk_size: int = CHUNK_SIZE) -> Iterator[bytes]:
    sink = _Sink()
    now = timezone.localtime()
    with zipfile.ZipFile(sink, mode="w", compression=zipfile.ZIP_STORED, allowZip64=True) as archive:
        for entry in entries:
            info = zipfile.ZipInfo(entry.name, date_time=_zip_time(entry.when or now))
            info.compress_type = zipfile.ZIP_STORED
            info.external_attr = 0o644 << 16
            if entry.media is None:
                archive.writestr(info, entry.data)
                yield sink.drain()
                continue
            info.file_size = entry.media.size  # lets zipfile choose ZIP64 headers up front
            with (
                entry.media.file.storage.open(entry.media.file.name, "rb") as source,
                archive.open(info, "w") as dest,
            ):
                for chunk in source.chunks(chunk_size):
                    dest.write(chunk)
                    data = sink.drain()
                    if data:
                        yield data
            yield sink.drain()
    tail = sink.drain()
    if tail:
        yield tail


def _zip_time(when: dt.datetime) -> tuple:
    when = max(when, dt.datetime(1980, 1, 1, tzinfo=when.tzinfo))
    return (when.year, when.month, when.day, when.hour, when.minute, when.second)


def _leader_line(leader) -> str:
    return f"{leader.post} {leader.name}"


def _report_text(row: BoardRow) -> str:
    report = row.report
    lines = [row.event.subtitle, f"{row.event.host_names} · {row.event.where}", ""]
    lines.append(
        "出席领导："
        + ("无" if report.no_leaders or not row.leaders else "；".join(map(_leader_line, row.leaders)))
    )
    if report.attendance:
        lines.append(f"参加人数：{report.attendance}")
    lines += ["", report.text, ""]
    return "\r\n".join(lines)


def _manifest_text(week: Week, day: dt.date, manifest: dict) -> str:
    lines = [f"{week.unified_title} 每日材料", day_label(day), ""]
    if not manifest["events"]:
        lines.append("当日没有已采用的报送。")
    for event in manifest["events"]:
        lines.append(f"【{event['folder']}】{event['subtitle']}")
        lines.append(f"  主办单位：{event['host']}　地点：{event['where']}")
        leaders = "；".join(f"{item['post']} {item['name']}" for item in event["leaders"]) or "无"
        lines.append(f"  出席领导：{leaders}")
        for item in event["files"]:
            caption = f"　说明：{item['caption']}" if item["caption"] else ""
            lines.append(f"  {item['file'].split('/', 1)[1]}（原文件名：{item['original_name']}）{caption}")
        lines.append("")
    return "\r\n".join(lines)
