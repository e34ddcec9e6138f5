"""The outcome of checking one file: what it is, what was measured, and why it failed."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .reasons import Reason

# Measured properties, in the order ``as_dict`` lists them (also the child's output keys).
MEASUREMENTS = (
    "width",
    "height",
    "orientation",
    "duration",
    "video_codec",
    "container",
    "frame_rate",
    "bit_rate",
)


@dataclass
class Verdict:
    """``kind`` is what the content is ("photo", "video" or "unknown"), not the upload slot.

    For photos ``width``/``height`` are the stored pixel size and ``orientation`` the EXIF
    tag (1-8) a viewer applies; for videos they are the display size, rotation applied.
    """

    kind: str
    passed: bool = False
    reasons: list[Reason] = field(default_factory=list)
    detected_format: str = ""
    size: int = 0
    width: int | None = None
    height: int | None = None
    orientation: int | None = None
    duration: float | None = None
    video_codec: str = ""
    container: str = ""
    frame_rate: float | None = None
    bit_rate: int | None = None
    preview_jpeg: bytes | None = field(default=None, repr=False)
    # A video's whole-stream scan as the child measured it (``scan.Scan.as_dict``); not stored.
    scan: dict[str, Any] | None = field(default=None, repr=False)

    def fail(self, code: str, **params: Any) -> None:
        self.reasons.append(Reason(code=code, params=params))
        self.passed = False

    @property
    def reason_codes(self) -> list[str]:
        return [reason.code for reason in self.reasons]

    def as_dict(self) -> dict[str, Any]:
        """JSON-friendly, in the active language, without the preview bytes.

        Each reason carries ``code``, ``params`` and the rendered ``message``; store only
        ``[reason.as_dict() for reason in verdict.reasons]`` and render again when shown.
        """
        return {
            "kind": self.kind,
            "passed": self.passed,
            "reasons": [{**reason.as_dict(), "message": reason.message} for reason in self.reasons],
            "detected_format": self.detected_format,
            "size": self.size,
            **{name: getattr(self, name) for name in MEASUREMENTS},
            "has_preview": self.preview_jpeg is not None,
        }
