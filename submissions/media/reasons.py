"""Why a file failed: a stable code with JSON parameters, rendered into plain language.

The code and parameters are what gets stored (``MediaFile.reasons``); the sentence is made
when it is shown, in the reader's active language, so stored verdicts follow a language
switch and a later English catalogue.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

KIB = 1024
MIB = 1024 * KIB
GIB = 1024 * MIB


@dataclass(frozen=True)
class Reason:
    code: str
    params: dict[str, Any] = field(default_factory=dict)

    @property
    def message(self) -> str:
        return reason_message(self.code, self.params)

    def as_dict(self) -> dict[str, Any]:
        """What to store: code and parameters, no rendered text."""
        return {"code": self.code, "params": dict(self.params)}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Reason:
        return cls(code=str(data.get("code", "")), params=dict(data.get("params") or {}))


def reason_message(code: str, params: dict[str, Any]) -> str:
    """The sentence for a stored reason; never raises, whatever was stored."""
    render = _RENDERERS.get(code)
    if render is not None:
        try:
            return render(params or {})
        except (KeyError, TypeError, ValueError):
            pass  # parameters from an older or damaged record: fall back to the generic text
    return _("文件未通过检查（%(code)s）") % {"code": code}


def format_size(size: int, *, decimals: int = 1) -> str:
    """Bytes for people: "1.6 MB", "2 MB", "1.2 GB", "350 KB", "120 B" (binary multiples)."""
    if size >= GIB:
        return f"{_trimmed(size / GIB, decimals)} GB"
    if size >= MIB:
        return f"{_trimmed(size / MIB, decimals)} MB"
    if size >= KIB:
        return f"{_trimmed(size / KIB, 0 if decimals <= 1 else decimals - 1)} KB"
    return f"{size} B"


def format_resolution(width: int, height: int) -> str:
    return f"{int(width)}×{int(height)}"


def _trimmed(value: float, decimals: int) -> str:
    text = f"{value:.{decimals}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _distinct_sizes(measured: int, limit: int) -> tuple[str, str]:
    """Both sizes, with enough decimals that they do not read the same ("2 MB" vs "2 MB")."""
    for decimals in (1, 2, 3):
        pair = format_size(measured, decimals=decimals), format_size(limit, decimals=decimals)
        if pair[0] != pair[1]:
            return pair
    return f"{measured:,} B", f"{limit:,} B"


def _seconds(value: float) -> str:
    return _trimmed(float(value), 2)


def _photo_too_small(p: dict) -> str:
    size, minimum = _distinct_sizes(int(p["size"]), int(p["minimum"]))
    return _("照片大小 %(size)s，低于要求的 %(minimum)s") % {"size": size, "minimum": minimum}


def _photo_too_large(p: dict) -> str:
    size, maximum = _distinct_sizes(int(p["size"]), int(p["maximum"]))
    return _("照片大小 %(size)s，超过上限 %(maximum)s") % {"size": size, "maximum": maximum}


def _photo_not_jpeg(p: dict) -> str:
    if p.get("detected"):
        return _("照片须为 JPEG 格式，此文件实际是 %(detected)s") % {"detected": p["detected"]}
    return _("照片须为 JPEG 格式，无法识别此文件的格式")


def _photo_too_many_pixels(p: dict) -> str:
    return _("照片尺寸 %(resolution)s（%(megapixels)s 百万像素）超过可安全处理的 %(limit)s 百万像素") % {
        "resolution": format_resolution(p["width"], p["height"]),
        "megapixels": _trimmed(int(p["width"]) * int(p["height"]) / 1e6, 1),
        "limit": _trimmed(int(p["limit"]) / 1e6, 1),
    }


def _video_not_hd(p: dict) -> str:
    return _("视频分辨率 %(resolution)s，低于要求的 %(minimum)s（高清，横竖均可）") % {
        "resolution": format_resolution(p["width"], p["height"]),
        "minimum": format_resolution(p["min_width"], p["min_height"]),
    }


def _video_too_large(p: dict) -> str:
    size, maximum = _distinct_sizes(int(p["size"]), int(p["maximum"]))
    return _("视频大小 %(size)s，超过上限 %(maximum)s") % {"size": size, "maximum": maximum}


def _video_truncated(p: dict) -> str:
    if "declared" not in p:  # cut off before its index: nothing could be read
        return _("视频文件不完整，可能没有上传完，请重新上传")
    return _(
        "视频文件不完整（只能读出 %(seconds)s 秒，应有 %(declared)s 秒），可能没有上传完，请重新上传"
    ) % {
        "seconds": _seconds(p["seconds"]),
        "declared": _seconds(p["declared"]),
    }


def _video_duration_mismatch(p: dict) -> str:
    values = {"seconds": _seconds(p["seconds"]), "declared": _seconds(p["declared"])}
    if float(p["seconds"]) < float(p["declared"]):
        return (
            _("视频画面只能读出 %(seconds)s 秒，与文件声明的 %(declared)s 秒不符，文件可能不完整或已被改动")
            % values
        )
    return _("视频画面实际有 %(seconds)s 秒，与文件声明的 %(declared)s 秒不符，文件可能已被改动") % values


_RENDERERS: dict[str, Callable[[dict], str]] = {
    "file_missing": lambda p: _("找不到文件，或无权读取"),
    "empty_file": lambda p: _("文件是空的（0 字节）"),
    "unknown_format": lambda p: _("无法识别文件格式：既不是常见的照片格式，也不是常见的视频格式"),
    "playlist_not_media": lambda p: (
        _("这是播放列表文件（%(detected)s），不是视频本身，请上传视频文件") % {"detected": p["detected"]}
    ),
    "photo_slot_got_video": lambda p: (
        _("这是视频文件（%(detected)s），请在视频栏上传") % {"detected": p["detected"]}
    ),
    "video_slot_got_photo": lambda p: (
        _("这是照片文件（%(detected)s），请在照片栏上传") % {"detected": p["detected"]}
    ),
    "photo_not_jpeg": _photo_not_jpeg,
    "photo_too_small": _photo_too_small,
    "photo_too_large": _photo_too_large,
    "photo_too_many_pixels": _photo_too_many_pixels,
    "photo_damaged": lambda p: _("照片文件不完整或已损坏，无法读出全部图像数据"),
    "unreadable": lambda p: _("文件无法解析，可能已损坏或不是受支持的格式"),
    "video_no_video_stream": lambda p: _("文件中没有视频画面（可能只有音频）"),
    "video_no_duration": lambda p: _("无法读出视频时长"),
    "video_not_hd": _video_not_hd,
    "video_too_large": _video_too_large,
    "video_damaged": lambda p: _("视频无法解码出画面，文件可能已损坏"),
    "video_truncated": _video_truncated,
    "video_duration_mismatch": _video_duration_mismatch,
    "video_frame_count_mismatch": lambda p: (
        _("视频声明有 %(declared)s 帧，实际读出 %(frames)s 帧，文件可能已损坏或被改动")
        % {"declared": p["declared"], "frames": p["frames"]}
    ),
    "video_frames_damaged": lambda p: (
        _("视频有 %(frames)s 帧无法解码（共读取 %(decoded)s 帧），文件可能已损坏")
        % {"frames": p["frames"], "decoded": p["decoded"]}
    ),
    "video_audio_damaged": lambda p: (
        _("视频的声音有 %(packets)s 段无法解码（共读取 %(decoded)s 段），文件可能已损坏")
        % {"packets": p["packets"], "decoded": p["decoded"]}
    ),
    "video_trailing_data": lambda p: (
        _("视频文件末尾有无法识别的数据（%(size)s）") % {"size": format_size(int(p["size"]))}
    ),
    "video_hidden_data": lambda p: (
        _("视频文件中夹带了无法识别的数据（%(size)s）") % {"size": format_size(int(p["size"]))}
    ),
    "check_timed_out": lambda p: (
        _("文件无法解析：检查超过 %(seconds)s 秒仍未完成") % {"seconds": _seconds(p["seconds"])}
    ),
    "check_crashed": lambda p: _("文件无法解析：检查进程异常退出（文件可能已损坏，或解码所需内存超出上限）"),
    # Written by the Celery task (submissions.services.media), not by inspect_file.
    "check_keeps_crashing": lambda p: (
        _("文件无法解析：连续 %(attempts)s 次检查都未能完成") % {"attempts": p["attempts"]}
    ),
}

REASON_CODES = frozenset(_RENDERERS)
