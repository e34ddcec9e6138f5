"""Running the decoders in a child process with a wall-clock and a memory limit.

A malformed file may make a decoder loop, allocate without end or crash outright. The
child is a fresh interpreter (never a fork of a Celery worker or a web process, whose
state and threads it would inherit); ``child.main`` caps its address space before it
reads the request. Whatever happens to it, the caller gets ``Findings`` or ``ChildFailed``.
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from .findings import Findings

# Module constants, read at call time: change them here (or pass ``ChildLimits``).
TIME_LIMIT_SECONDS = 120.0
MEMORY_LIMIT_BYTES = 1024 * 1024 * 1024

_PROJECT_ROOT = str(Path(__file__).resolve().parents[2])
# -I: ignore PYTHON* variables and the user's site directory; the project root is added
# explicitly so the child imports this very code whatever the caller's working directory.
_BOOTSTRAP = "import sys; sys.path.insert(0, sys.argv[1]); from submissions.media.child import main; main(sys.argv[2:])"


@dataclass(frozen=True)
class ChildLimits:
    seconds: float
    memory_bytes: int

    @classmethod
    def default(cls) -> ChildLimits:
        return cls(seconds=TIME_LIMIT_SECONDS, memory_bytes=MEMORY_LIMIT_BYTES)


class ChildFailed(Exception):
    """The child timed out, crashed or answered nonsense; ``code`` is a reason code."""

    def __init__(self, code: str, **params):
        super().__init__(code, params)
        self.code = code
        self.params = params


def child_command(*, limits: ChildLimits, bootstrap: str = _BOOTSTRAP) -> list[str]:
    """The child's command line; it reads one request on stdin (see ``child``)."""
    cpu_seconds = math.ceil(limits.seconds) + 1
    return [
        sys.executable,
        "-I",
        "-c",
        bootstrap,
        _PROJECT_ROOT,
        str(limits.memory_bytes),
        str(cpu_seconds),
        str(os.getpid()),
    ]


def run_examination(request: dict, *, limits: ChildLimits) -> Findings:
    command = child_command(limits=limits)
    try:
        # run() kills (SIGKILL) and reaps the child when the time is up.
        completed = subprocess.run(
            command, input=json.dumps(request).encode(), capture_output=True, timeout=limits.seconds
        )
    except subprocess.TimeoutExpired:
        raise ChildFailed("check_timed_out", seconds=limits.seconds) from None
    if completed.returncode != 0:
        raise ChildFailed("check_crashed", exit_code=completed.returncode, detail=_tail(completed.stderr))
    try:
        return Findings.from_json(json.loads(completed.stdout))
    except (ValueError, KeyError, TypeError):
        raise ChildFailed("check_crashed", exit_code=0, detail=_tail(completed.stderr)) from None


def _tail(stderr: bytes) -> str:
    return stderr[-300:].decode("utf-8", "replace")
