"""Entry point of the sandboxed child: limits first, then one JSON request in, one out.

Requests (stdin):

- a check: {"path", "kind": "photo"|"video", "demuxer", "max_pixels", "preview_long_side",
  "scan"}; answer (stdout): ``Findings.to_json()``;
- a transcode: {"kind": "transcode", "path", "demuxer", "out_dir", "slots", "preview_seconds",
  "duration"}; lines ``progress <percent>`` while it works, then the answer of
  ``transcode.make_renditions`` as the last line.

Anything else (no answer, a non-zero exit, a signal) is the parent's to interpret as a crash.
"""

from __future__ import annotations

import ctypes
import json
import os
import resource
import signal
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .findings import Findings


def main(argv: list[str]) -> None:
    memory_bytes, cpu_seconds, parent_pid = int(argv[0]), int(argv[1]), int(argv[2])
    file_size_bytes = int(argv[3]) if len(argv) > 3 else 0
    _die_with_parent(parent_pid)
    _limit(resource.RLIMIT_AS, memory_bytes)
    _limit(resource.RLIMIT_CPU, cpu_seconds)  # backstop if the parent is gone
    _limit(resource.RLIMIT_FSIZE, file_size_bytes)  # checks write nothing; transcodes their outputs
    _limit(resource.RLIMIT_CORE, 0)
    request = json.loads(sys.stdin.buffer.read())
    if request["kind"] == "transcode":
        answer = transcode(request)
    else:
        answer = examine(request).to_json()
    sys.stdout.write(json.dumps(answer) + "\n")
    sys.stdout.flush()


def examine(request: dict) -> Findings:
    # Each kind's decoder is imported only when needed: a photo check never loads PyAV.
    if request["kind"] == "photo":
        from .photo import examine_photo

        return examine_photo(
            request["path"], max_pixels=request["max_pixels"], preview_long_side=request["preview_long_side"]
        )
    from .video import examine_video

    return examine_video(
        request["path"],
        demuxer=request["demuxer"],
        preview_long_side=request["preview_long_side"],
        scan=request.get("scan"),
    )


def transcode(request: dict) -> dict:
    from .transcode import make_renditions  # PyAV and the encoders: only in a transcoding child

    def progress(percent: int) -> None:
        sys.stdout.write(f"progress {percent}\n")
        sys.stdout.flush()

    return make_renditions(
        request["path"],
        request["out_dir"],
        demuxer=request["demuxer"],
        slots=tuple(request["slots"]),
        preview_seconds=request["preview_seconds"],
        duration=request.get("duration"),
        on_progress=progress,
    )


def _die_with_parent(parent_pid: int) -> None:
    """A worker killed mid-check (SIGKILL, OOM killer) takes its child along (Linux only)."""
    if not sys.platform.startswith("linux"):
        return
    pr_set_pdeathsig = 1
    ctypes.CDLL(None).prctl(pr_set_pdeathsig, signal.SIGKILL)
    if os.getppid() != parent_pid:  # the parent died before prctl took effect
        os._exit(1)


def _limit(which: int, value: int) -> None:
    soft, hard = resource.getrlimit(which)
    if hard != resource.RLIM_INFINITY:
        value = min(value, hard)
    resource.setrlimit(which, (value, value if hard == resource.RLIM_INFINITY else hard))
