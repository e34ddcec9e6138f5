"""Checking uploaded photos and videos against the week's rules.

``inspect_file(path, expected_kind=..., rules=Rules.from_week(week))`` returns a
``Verdict``; reasons are stored as ``{"code", "params"}`` and rendered with
``reason_message`` when shown. Untrusted data is decoded only in a sandboxed child
process (``sandbox``); its limits are ``sandbox.TIME_LIMIT_SECONDS`` and
``sandbox.MEMORY_LIMIT_BYTES``, or a ``ChildLimits`` passed to ``inspect_file``. A video
is read to its end (``scan``, ``layout``): packets against headers, bytes against packets.

``renditions.render_video(path, out_dir, duration=...)`` makes a video's web versions
(``transcode``: H.264 MP4s at 720p and 360p, poster, preview) in the same kind of child.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

# Names are imported on first use (PEP 562) because every check starts a fresh child
# interpreter that imports this package: loading Django's translation machinery there,
# which the child never uses, doubled the cost of each check.
_EXPORTS = {
    "inspect_file": "checks",
    "PREVIEW_LONG_SIDE": "checks",
    "Reason": "reasons",
    "REASON_CODES": "reasons",
    "format_resolution": "reasons",
    "format_size": "reasons",
    "reason_message": "reasons",
    "Rules": "rules",
    "ChildLimits": "sandbox",
    "Verdict": "verdict",
}
__all__ = sorted(_EXPORTS)

if TYPE_CHECKING:
    from .checks import PREVIEW_LONG_SIDE, inspect_file
    from .reasons import REASON_CODES, Reason, format_resolution, format_size, reason_message
    from .rules import Rules
    from .sandbox import ChildLimits
    from .verdict import Verdict


def __getattr__(name: str):
    if name not in _EXPORTS:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{_EXPORTS[name]}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_EXPORTS])
