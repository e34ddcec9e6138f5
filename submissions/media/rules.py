"""The week's rules a photo or video is checked against."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

MIB = 1024 * 1024


@dataclass(frozen=True)
class Rules:
    """Byte and resolution limits; defaults are the domain's (seed 002, section 七).

    HD is judged in either orientation: the frame's long side must reach the larger of
    ``video_min_width``/``video_min_height`` and its short side the smaller one, so a
    720x1280 portrait clip from a phone is as HD as a 1280x720 landscape one.
    """

    photo_min_bytes: int = 2 * MIB
    photo_max_bytes: int = 40 * MIB
    video_min_width: int = 1280
    video_min_height: int = 720
    video_max_bytes: int = 2 * 1024 * MIB

    @classmethod
    def from_week(cls, week: Any) -> Rules:
        """The rules of an ``events.models.Week`` (any object with the same field names)."""
        return cls(
            photo_min_bytes=week.photo_min_bytes,
            photo_max_bytes=week.photo_max_bytes,
            video_min_width=week.video_min_width,
            video_min_height=week.video_min_height,
            video_max_bytes=week.video_max_bytes,
        )

    def is_hd(self, *, width: int, height: int) -> bool:
        long_side, short_side = max(width, height), min(width, height)
        required_long = max(self.video_min_width, self.video_min_height)
        required_short = min(self.video_min_width, self.video_min_height)
        return long_side >= required_long and short_side >= required_short
