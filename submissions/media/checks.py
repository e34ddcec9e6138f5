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

# The whole-stream scan of a video (``scan``): its decoders may spend this much wall time,
# in seconds, on top of a fixed allowance, per second of declared duration, and at most this
# share of the child's own time limit (demuxing the rest takes the remainder).
DECODE_BUDGET_BASE_SECONDS = 2.0
DECODE_BUDGET_PER_SECOND = 0.5
DECODE_BUDGET_SHARE = 0.6
# Stream end against the container's duration: a frame or two, a little rounding, no more.
DURATION_TOLERANCE_SECONDS = 0.5
DURATION_TOLERANCE_SHARE = 0.03
# Frames the container counts against packets found, and frames that did not decode.
FRAME_TOLERANCE = 2
FRAME_TOLERANCE_SHARE = 0.01
FRAME_PER_PACKET_DEMUXERS = ("mov", "matroska")
# Bytes after the last packet that are no index (some phones append a short trailer).
TRAILING_TOLERANCE_BYTES = 256 * 1024
# Bytes before it that no packet accounts for (a reserved free box, a cover attachment).
HIDDEN_TOLERANCE_BYTES = 4 * 1024 * 1024
HIDDEN_TOLERANCE_SHARE = 0.02


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
    limits = limits or ChildLimits.for_video(verdict.size)
    request = {
        "kind": VIDEO,
        "demuxer": sniffed.demuxer,
        "scan": {
            "budget_base": DECODE_BUDGET_BASE_SECONDS,
            "budget_per_second": DECODE_BUDGET_PER_SECOND,
            "budget_cap": DECODE_BUDGET_SHARE * limits.seconds,
        },
    }
    examined = _examine(verdict, path=path, request=request, limits=limits)
    if not examined:
        return
    if not verdict.duration or verdict.duration <= 0:
        verdict.fail("video_no_duration")
    elif verdict.scan:
        _judge_scan(verdict, verdict.scan, demuxer=sniffed.demuxer)
    if verdict.width and verdict.height and not rules.is_hd(width=verdict.width, height=verdict.height):
        verdict.fail(
            "video_not_hd",
            width=verdict.width,
            height=verdict.height,
            min_width=rules.video_min_width,
            min_height=rules.video_min_height,
        )


def _judge_scan(verdict: Verdict, scan: dict, *, demuxer: str) -> None:
    """Whether the packets agree with the headers, and every byte of the file is accounted for.

    In MP4 and Matroska each video packet is one frame; elsewhere (an MPEG-TS of interlaced
    fields) two packets may make one, so there only decoding errors count as damage."""
    declared = float(verdict.duration)
    tolerance = DURATION_TOLERANCE_SECONDS + DURATION_TOLERANCE_SHARE * declared
    video_end = scan.get("video_end")
    if scan.get("truncated") or (scan.get("demux_error") and (video_end or 0) < declared - tolerance):
        verdict.fail("video_truncated", seconds=round(video_end or 0, 2), declared=round(declared, 2))
    elif video_end is None or abs(video_end - declared) > tolerance:
        verdict.fail("video_duration_mismatch", seconds=round(video_end or 0, 2), declared=round(declared, 2))
    declared_frames, found = scan.get("video_frames_declared") or 0, scan.get("video_packets") or 0
    if declared_frames and abs(declared_frames - found) > _frame_tolerance(declared_frames):
        verdict.fail("video_frame_count_mismatch", frames=found, declared=declared_frames)
    fed, decoded = scan.get("video_fed") or 0, scan.get("video_decoded") or 0
    bad = scan.get("video_errors") or 0
    if demuxer in FRAME_PER_PACKET_DEMUXERS:
        bad = max(bad, fed - decoded)
    if bad > _frame_tolerance(fed):
        verdict.fail("video_frames_damaged", frames=bad, decoded=fed)
    audio_fed, audio_bad = scan.get("audio_fed") or 0, scan.get("audio_errors") or 0
    if audio_bad > _frame_tolerance(audio_fed):
        verdict.fail("video_audio_damaged", packets=audio_bad, decoded=audio_fed)
    trailing, hidden = scan.get("trailing_bytes") or 0, scan.get("hidden_bytes") or 0
    if trailing > TRAILING_TOLERANCE_BYTES:
        verdict.fail("video_trailing_data", size=trailing)
    if hidden > max(HIDDEN_TOLERANCE_BYTES, HIDDEN_TOLERANCE_SHARE * verdict.size):
        verdict.fail("video_hidden_data", size=hidden)


def _frame_tolerance(count: int) -> float:
    return max(FRAME_TOLERANCE, FRAME_TOLERANCE_SHARE * count)


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
    verdict.scan = findings.measurements.get("scan")
    verdict.reasons.extend(Reason.from_dict(problem) for problem in findings.problems)
    return not findings.problems
