"""Checking uploaded photos and videos against the week's rules.

``inspect_file(path, expected_kind=..., rules=Rules.from_week(week))`` returns a
``Verdict``; reasons are stored as ``{"code", "params"}`` and rendered with
``reason_message`` when shown. Untrusted data is decoded only in a sandboxed child
process (``sandbox``); the limits are ``sandbox.TIME_LIMIT_SECONDS`` and
``sandbox.MEMORY_LIMIT_BYTES``.
"""
from .checks import PREVIEW_LONG_SIDE, inspect_file
from .reasons import REASON_CODES, Reason, format_resolution, format_size, reason_message
from .rules import Rules
from .sandbox import ChildLimits
from .verdict import Verdict

__all__ = [
    "ChildLimits",
    "PREVIEW_LONG_SIDE",
    "REASON_CODES",
    "Reason",
    "Rules",
    "Verdict",
    "format_resolution",
    "format_size",
    "inspect_file",
    "reason_message",
]
