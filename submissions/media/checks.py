"""Checking one file against the week's rules: the library's entry point.

The caller's process only reads the first bytes and the file size; anything that parses
image or video data runs in the sandboxed child. Rules about numbers (bytes, HD) are
judged here from what the child measured, so the child stays a plain measuring tool.
"""

from __future__ import annotations

import os
import stat

from PIL import Image

from .findings import Findings
from .reasons import Reason
from .rules import Rules
from .sandbox import ChildFailed, ChildLimits, run_examination
from .sniff import PHOTO, PLAYLIST, UNKNOWN, VIDEO, Sniffed, sniff_file
from .verdict import MEASUREMENTS, Verdict

PREVIEW_LONG_SIDE = 480
SLOTS = (PHOTO, VIDEO)


def inspect_file(
    path: str | os.PathLike,
    *,
    expected_kind: str | None,
    rules: Rules,
    limits: ChildLimits | None = None,
) -> Verdict:
    """The verdict on one local file; never raises for anything about the file itself.

    ``expected_kind`` is the upload slot ("photo" or "video"); ``None`` lets the content
    decide. ``limits`` defaults to the module constants in ``sandbox``.
    """
    if expected_kind not in (None, *SLOTS):
        raise ValueError(f"expected_kind must be None, 'photo' or 'video', not {expected_kind!r}")
    try:
        status = os.stat(path)
        # Only regular files: opening a FIFO or a device to sniff it could block or never end.
        sniffed = sniff_file(path) if stat.S_ISREG(status.st_mode) else None
    except OSError:  # missing, no permission
        sniffed = None
    if sniffed is None:
        verdict = Verdict(kind=UNKNOWN)
        verdict.fail("file_missing")
        return verdict
    size = status.st_size
    verdict = Verdict(
        kind=sniffed.kind if sniffed.kind in SLOTS else UNKNOWN,
        detected_format=sniffed.label,
        size=size,
    )
    slot = expected_kind or (sniffed.kind if sniffed.kind in SLOTS else None)
    if size == 0:
        verdict.fail("empty_file")
    elif slot == PHOTO:
        _check_photo(verdict, path=path, sniffed=sniffed, rules=rules, limits=limits)
    elif slot == VIDEO:
        _check_video(verdict, path=path, sniffed=sniffed, rules=rules, limits=limits)
    elif sniffed.kind == PLAYLIST:
        verdict.fail("playlist_not_media", detected=sniffed.label)
    else:
        verdict.fail("unknown_format")
    verdict.passed = not verdict.reasons
    return verdict


def _check_photo(verdict: Verdict, *, path, sniffed: Sniffed, rules: Rules, limits) -> None:
    if sniffed.kind == VIDEO:
        verdict.fail("photo_slot_got_video", detected=sniffed.label)
        return
    if not sniffed.is_jpeg:
        verdict.fail("photo_not_jpeg", detected=sniffed.label)
    if verdict.size < rules.photo_min_bytes:
        verdict.fail("photo_too_small", size=verdict.size, minimum=rules.photo_min_bytes)
    if verdict.size > rules.photo_max_bytes:
        verdict.fail("photo_too_large", size=verdict.size, maximum=rules.photo_max_bytes)
    if sniffed.is_jpeg:  # other formats already failed; no reason to decode them
        request = {"kind": PHOTO, "max_pixels": Image.MAX_IMAGE_PIXELS or 2**63}
        _examine(verdict, path=path, request=request, limits=limits)


def _check_video(verdict: Verdict, *, path, sniffed: Sniffed, rules: Rules, limits) -> None:
    if sniffed.kind == PHOTO:
        verdict.fail("video_slot_got_photo", detected=sniffed.label)
        return
    if sniffed.kind == PLAYLIST:
        verdict.fail("playlist_not_media", detected=sniffed.label)
        return
    if sniffed.kind == UNKNOWN:
        verdict.fail("unknown_format")
        return
    if verdict.size > rules.video_max_bytes:
        verdict.fail("video_too_large", size=verdict.size, maximum=rules.video_max_bytes)
    examined = _examine(
        verdict, path=path, request={"kind": VIDEO, "demuxer": sniffed.demuxer}, limits=limits
    )
    if not examined:
        return
    if not verdict.duration or verdict.duration <= 0:
        verdict.fail("video_no_duration")
    if verdict.width and verdict.height and not rules.is_hd(width=verdict.width, height=verdict.height):
        verdict.fail(
            "video_not_hd",
            width=verdict.width,
            height=verdict.height,
            min_width=rules.video_min_width,
            min_height=rules.video_min_height,
        )


def _examine(verdict: Verdict, *, path, request: dict, limits: ChildLimits | None) -> bool:
    """Runs the child and copies its findings; False when the content could not be read."""
    request = {**request, "path": os.fspath(os.path.abspath(path)), "preview_long_side": PREVIEW_LONG_SIDE}
    try:
        findings: Findings = run_examination(request, limits=limits or ChildLimits.default())
    except ChildFailed as failure:
        verdict.fail(failure.code, **failure.params)
        return False
    for name, value in findings.measurements.items():
        if name in MEASUREMENTS:
            setattr(verdict, name, value)
    verdict.preview_jpeg = findings.preview_jpeg
    verdict.reasons.extend(Reason.from_dict(problem) for problem in findings.problems)
    return not findings.problems
