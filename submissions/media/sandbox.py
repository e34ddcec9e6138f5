"""Running the decoders in a child process with a wall-clock and a memory limit.

A malformed file may make a decoder loop, allocate without end or crash outright. The
child is a fresh interpreter (never a fork of a Celery worker or a web process, whose
state and threads it would inherit); ``child.main`` caps its address space, CPU time and
the size of any file it writes before it reads the request. Whatever happens to it, the
caller gets its answer or ``ChildFailed``.

Checks answer once (``run_examination``). Transcoding (``run_with_progress``) runs for
minutes and reports how far it got on the way: lines ``progress <percent>`` on stdout,
then the answer as the last line.
"""

from __future__ import annotations

import json
import math
import os
import select
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from .findings import Findings

# Module constants, read at call time: change them here (or pass ``ChildLimits``).
TIME_LIMIT_SECONDS = 120.0
MEMORY_LIMIT_BYTES = 1024 * 1024 * 1024
# A video check reads the whole file: its child gets this much more time per byte, up to a
# ceiling below the check task's own soft time limit (submissions.services.media).
VIDEO_SECONDS_PER_GIB = 256.0
VIDEO_TIME_LIMIT_MAX_SECONDS = 720.0

_PROJECT_ROOT = str(Path(__file__).resolve().parents[2])
# -I: ignore PYTHON* variables and the user's site directory; the project root is added
# explicitly so the child imports this very code whatever the caller's working directory.
_BOOTSTRAP = "import sys; sys.path.insert(0, sys.argv[1]); from submissions.media.child import main; main(sys.argv[2:])"
# Encoders and decoders run threads; glibc gives each thread its own 64 MB malloc arena of
# address space, which the address-space limit counts although little of it is ever used.
_CHILD_ENVIRONMENT = {"MALLOC_ARENA_MAX": "2"}


@dataclass(frozen=True)
class ChildLimits:
    seconds: float
    memory_bytes: int

    @classmethod
    def default(cls) -> ChildLimits:
        return cls(seconds=TIME_LIMIT_SECONDS, memory_bytes=MEMORY_LIMIT_BYTES)

    @classmethod
    def for_video(cls, size: int) -> ChildLimits:
        """A video check's limits: the default time plus some per byte, since the check
        demuxes the whole file and decodes it within a budget of its own."""
        seconds = TIME_LIMIT_SECONDS + VIDEO_SECONDS_PER_GIB * size / 2**30
        ceiling = max(TIME_LIMIT_SECONDS, VIDEO_TIME_LIMIT_MAX_SECONDS)
        return cls(seconds=min(ceiling, seconds), memory_bytes=MEMORY_LIMIT_BYTES)


class ChildFailed(Exception):
    """The child timed out, crashed or answered nonsense; ``code`` is a reason code."""

    def __init__(self, code: str, **params):
        super().__init__(code, params)
        self.code = code
        self.params = params


def child_command(
    *,
    limits: ChildLimits,
    bootstrap: str = _BOOTSTRAP,
    cpu_seconds: float | None = None,
    file_size_bytes: int = 0,
) -> list[str]:
    """The child's command line; it reads one request on stdin (see ``child``).

    ``cpu_seconds`` defaults to the wall-clock limit (one busy thread); a child that runs
    threads needs more. ``file_size_bytes`` is the largest file it may write (0: none).
    """
    cpu = math.ceil(cpu_seconds if cpu_seconds is not None else limits.seconds) + 1
    return [
        sys.executable,
        "-I",
        "-c",
        bootstrap,
        _PROJECT_ROOT,
        str(limits.memory_bytes),
        str(cpu),
        str(os.getpid()),
        str(int(file_size_bytes)),
    ]


def child_environment() -> dict[str, str]:
    return {**os.environ, **_CHILD_ENVIRONMENT}


def run_examination(request: dict, *, limits: ChildLimits) -> Findings:
    command = child_command(limits=limits)
    try:
        # run() kills (SIGKILL) and reaps the child when the time is up.
        completed = subprocess.run(
            command,
            input=json.dumps(request).encode(),
            capture_output=True,
            timeout=limits.seconds,
            env=child_environment(),
        )
    except subprocess.TimeoutExpired:
        raise ChildFailed("check_timed_out", seconds=limits.seconds) from None
    if completed.returncode != 0:
        raise ChildFailed("check_crashed", exit_code=completed.returncode, detail=_tail(completed.stderr))
    try:
        return Findings.from_json(json.loads(completed.stdout))
    except (ValueError, KeyError, TypeError):
        raise ChildFailed("check_crashed", exit_code=0, detail=_tail(completed.stderr)) from None


def run_with_progress(
    request: dict,
    *,
    limits: ChildLimits,
    cpu_seconds: float,
    file_size_bytes: int,
    on_progress: Callable[[int], None],
) -> dict:
    """Run a long job in the child; ``on_progress(percent)`` is called in this thread for
    each progress line. Returns the child's JSON answer (its last line). The child is
    killed when the time is up, when ``on_progress`` raises, or when this thread is
    interrupted (a Celery soft time limit)."""
    command = child_command(limits=limits, cpu_seconds=cpu_seconds, file_size_bytes=file_size_bytes)
    deadline = time.monotonic() + limits.seconds
    answer = b""
    with tempfile.TemporaryFile() as errors:
        child = subprocess.Popen(
            command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=errors, env=child_environment()
        )
        try:
            child.stdin.write(json.dumps(request).encode())
            child.stdin.close()
            for line in _lines(child.stdout, deadline=deadline):
                if line.startswith(b"progress "):
                    on_progress(max(0, min(100, int(line.split()[1]))))
                elif line.strip():
                    answer = line
            child.wait(timeout=max(0.1, deadline - time.monotonic()))
        except (subprocess.TimeoutExpired, _TimeUp):
            raise ChildFailed("check_timed_out", seconds=limits.seconds) from None
        except BrokenPipeError:
            pass  # the child died before reading its request: its exit code says why
        finally:
            if child.poll() is None:
                child.kill()
            child.wait()
            child.stdout.close()
        errors.seek(0, os.SEEK_END)
        errors.seek(max(0, errors.tell() - 300))
        stderr = errors.read()
    if child.returncode != 0:
        raise ChildFailed("check_crashed", exit_code=child.returncode, detail=_tail(stderr))
    try:
        return json.loads(answer)
    except ValueError:
        raise ChildFailed("check_crashed", exit_code=0, detail=_tail(stderr)) from None


class _TimeUp(Exception):
    pass


def _lines(stream, *, deadline: float) -> Iterator[bytes]:
    """Lines of the child's stdout as they come, until it closes it; _TimeUp at the deadline."""
    descriptor, pending = stream.fileno(), b""
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise _TimeUp
        ready, _, _ = select.select([descriptor], [], [], remaining)
        if not ready:
            continue
        chunk = os.read(descriptor, 65536)
        if not chunk:
            if pending:
                yield pending
            return
        pending += chunk
        *complete, pending = pending.split(b"\n")
        yield from complete


def _tail(stderr: bytes) -> str:
    return stderr[-300:].decode("utf-8", "replace")
