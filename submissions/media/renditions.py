"""Making a video's web versions in the sandboxed child: the caller's side, for any domain.

``render_video(path, out_dir, duration=...)`` writes the versions ``transcode`` makes
(``360.mp4``, ``720.mp4``, ``preview.mp4``, ``poster.jpg``) into ``out_dir`` and returns
their description, or raises ``ChildFailed``. It knows no model and no storage: a
report's video, an exhibit's or a contest entry's are all a path and a folder.

The child's limits grow with the video's duration (``transcode_limits``): wall time, CPU
time for its threads, the size of each file it writes; its address space is capped like
a check's, higher, since encoders hold a few frames each.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .sandbox import ChildFailed, ChildLimits, run_with_progress
from .sniff import VIDEO, sniff_file

SLOTS = (360, 720)
PREVIEW_SECONDS = 6.0
MEMORY_LIMIT_BYTES = 2 * 1024 * 1024 * 1024
# Wall time: a fixed allowance plus this many seconds per second of video, at most the
# ceiling (below the transcode task's own soft time limit). benchmarks/transcode.py measured
# 0.6-1.0 s per second of busy 1080p on 2 cores, so 4 leaves room for a loaded machine.
BASE_SECONDS = 60.0
SECONDS_PER_SECOND = 4.0
TIME_LIMIT_MAX_SECONDS = 3000.0
# Threads of the decoder and the encoders: CPU time may run ahead of wall time this much.
CPU_PER_WALL_SECOND = 3
# The highest bit rate a version may reach (720p: video ceiling + audio; transcode.VIDEO_OPTIONS).
MAX_BITS_PER_SECOND = 2_800_000 + 128_000
UNKNOWN_DURATION_FILE_BYTES = 4 * 1024**3

ProgressCallback = Callable[[int], None]


def transcode_limits(duration: float | None) -> ChildLimits:
    seconds = TIME_LIMIT_MAX_SECONDS if not duration else BASE_SECONDS + SECONDS_PER_SECOND * duration
    return ChildLimits(seconds=min(TIME_LIMIT_MAX_SECONDS, seconds), memory_bytes=MEMORY_LIMIT_BYTES)


def largest_output_bytes(duration: float | None) -> int:
    if not duration:
        return UNKNOWN_DURATION_FILE_BYTES
    return math.ceil(duration * MAX_BITS_PER_SECOND / 8 * 1.5) + 32 * 1024 * 1024


def render_video(
    path: str | os.PathLike,
    out_dir: str | os.PathLike,
    *,
    duration: float | None,
    slots: tuple[int, ...] = SLOTS,
    preview_seconds: float = PREVIEW_SECONDS,
    on_progress: ProgressCallback = lambda percent: None,
    limits: ChildLimits | None = None,
) -> dict[str, Any]:
    """The web versions of the video at ``path``, written into the (empty) folder ``out_dir``.

    ``duration`` (seconds, as the check measured it) sets the limits and the progress scale.
    Returns {"versions": {"360": {"path", "width", "height", "duration", "size", "bit_rate",
    "codec"}, "720": ..., "preview": ...}, "poster": {"path", "width", "height", "size"} or
    None, "frames", "errors", "seconds"}, paths inside ``out_dir``. Raises ``ChildFailed``
    (code ``unknown_format``, ``check_timed_out`` or ``check_crashed``)."""
    sniffed = sniff_file(path)
    if sniffed.kind != VIDEO or not sniffed.demuxer:
        raise ChildFailed("unknown_format")
    limits = limits or transcode_limits(duration)
    out_dir = Path(out_dir)
    request = {
        "kind": "transcode",
        "path": os.fspath(os.path.abspath(path)),
        "demuxer": sniffed.demuxer,
        "out_dir": os.fspath(out_dir.resolve()),
        "slots": list(slots),
        "preview_seconds": preview_seconds,
        "duration": duration,
    }
    answer = run_with_progress(
        request,
        limits=limits,
        cpu_seconds=limits.seconds * CPU_PER_WALL_SECOND,
        file_size_bytes=largest_output_bytes(duration),
        on_progress=on_progress,
    )
    try:
        return _checked(answer, out_dir=out_dir, slots=slots)
    except (KeyError, TypeError, ValueError) as error:
        raise ChildFailed("check_crashed", exit_code=0, detail=f"unexpected answer: {error}"[:300]) from None


def _checked(answer: dict, *, out_dir: Path, slots: tuple[int, ...]) -> dict[str, Any]:
    """The child's answer, trusting no name it gives: only the files expected, in ``out_dir``."""
    expected = {str(slot): f"{slot}.mp4" for slot in slots} | {"preview": "preview.mp4"}
    versions = {}
    for key, version in dict(answer["versions"]).items():
        if expected.get(key) != version["file"] or not (out_dir / version["file"]).is_file():
            raise ValueError(f"unexpected version {key!r}")
        versions[key] = {
            "path": out_dir / version["file"],
            "width": int(version["width"]),
            "height": int(version["height"]),
            "duration": float(version["duration"]) if version["duration"] is not None else None,
            "size": (out_dir / version["file"]).stat().st_size,
            "bit_rate": int(version["bit_rate"]) if version["bit_rate"] else None,
            "codec": str(version["codec"])[:20],
        }
    if not any(key in versions for key in map(str, slots)):
        raise ValueError("no version made")
    poster = answer.get("poster")
    if poster is not None:
        if poster["file"] != "poster.jpg" or not (out_dir / "poster.jpg").is_file():
            raise ValueError("unexpected poster")
        poster = {
            "path": out_dir / "poster.jpg",
            "width": int(poster["width"]),
            "height": int(poster["height"]),
            "size": (out_dir / "poster.jpg").stat().st_size,
        }
    return {
        "versions": versions,
        "poster": poster,
        "frames": int(answer.get("frames") or 0),
        "errors": int(answer.get("errors") or 0),
        "seconds": float(answer.get("seconds") or 0),
    }
