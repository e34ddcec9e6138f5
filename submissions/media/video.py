"""Probing a video with PyAV (FFmpeg). Runs inside the sandboxed child (see ``sandbox``).

The container is opened with the demuxer the content sniffer chose and with the file
protocol only, so FFmpeg neither guesses formats nor follows references. Probing reads
the headers (an MP4's moov box, wherever it sits); only one keyframe is decoded, for the
poster frame, which also carries the display matrix that says how the frame is rotated.
Width and height are the coded frame's (then swapped for a quarter turn); a non-square
sample aspect ratio is not applied, since HD is about the pixels actually recorded.
Then, when asked, the whole file is read (``scan``): headers can say anything, the packets
cannot.
"""

from __future__ import annotations

import io
import os
from fractions import Fraction
from typing import Any

import av
from PIL import Image

from .findings import Findings
from .layout import read_layout
from .scan import scan_video

JPEG_QUALITY = 80
POSTER_SEEK_SECONDS = 1.0  # the very first frame is often black; one second in rarely is
POSTER_MAX_PACKETS = 600  # give up looking for a decodable keyframe after this many packets


def open_video(path: str | os.PathLike, demuxer: str) -> Any:
    """The container, read with the sniffed demuxer and the file protocol only."""
    return av.open(
        os.fspath(path),
        format=demuxer,
        container_options={"protocol_whitelist": "file", "format_whitelist": demuxer},
        metadata_errors="replace",
    )


def examine_video(
    path: str | os.PathLike, *, demuxer: str, preview_long_side: int, scan: dict | None = None
) -> Findings:
    """Probe, poster frame and, with ``scan`` ({"budget_base", "budget_per_second",
    "budget_cap"} in seconds), the whole-stream scan (``scan.scan_video``)."""
    av.logging.set_level(None)  # FFmpeg's complaints about bad input are not ours to print
    findings = Findings()
    try:
        container = open_video(path, demuxer)
    except (av.FFmpegError, OSError, ValueError) as error:
        if _cut_short(path, demuxer):  # a phone's MP4 cut off before its index: an unfinished upload
            return findings.problem("video_truncated", detail=_detail(error))
        return findings.problem("unreadable", kind="video", detail=_detail(error))
    with container:
        findings.measure(container=container.format.name, bit_rate=container.bit_rate or None)
        stream = main_video_stream(container)
        if stream is None:
            return findings.problem("video_no_video_stream")
        codec = stream.codec_context
        width, height = codec.width, codec.height
        findings.measure(
            video_codec=codec.name,
            width=width or None,
            height=height or None,
            frame_rate=_rate(stream.average_rate or stream.guessed_rate),
            duration=_duration(container, stream),
        )
        if not width or not height:
            return findings.problem("video_damaged", detail="no frame size in the stream header")
        try:
            frame = _first_keyframe(container, stream, duration=findings.measurements["duration"])
        except (av.FFmpegError, OSError, ValueError) as error:
            return findings.problem("video_damaged", detail=_detail(error))
        if frame is None:
            return findings.problem("video_damaged", detail="no keyframe decoded")
        rotation = display_rotation(frame, stream)
        if rotation % 180 == 90:
            findings.measure(width=height, height=width)
        findings.preview_jpeg = _poster(frame, rotation=rotation, long_side=preview_long_side)
    if scan is not None:
        declared = findings.measurements.get("duration")
        budget = min(scan["budget_cap"], scan["budget_base"] + scan["budget_per_second"] * (declared or 0))
        try:
            scanned = scan_video(
                path,
                demuxer=demuxer,
                declared_duration=declared,
                budget_seconds=budget,
                open_container=open_video,
                main_stream=main_video_stream,
            )
        except (av.FFmpegError, OSError, ValueError) as error:
            return findings.problem("video_damaged", detail=_detail(error))
        findings.measure(scan=scanned.as_dict())
    return findings


def _cut_short(path: str | os.PathLike, demuxer: str) -> bool:
    try:
        layout = read_layout(path, demuxer=demuxer, size=os.path.getsize(path))
    except OSError:
        return False
    return bool(layout and layout.truncated)


def main_video_stream(container: Any) -> Any | None:
    moving = [
        s
        for s in container.streams.video
        if not s.disposition & av.stream.Disposition.attached_pic  # cover art of an audio file
    ]
    return max(
        moving, key=lambda s: (s.codec_context.width or 0) * (s.codec_context.height or 0), default=None
    )


def _duration(container: Any, stream: Any) -> float | None:
    if container.duration and container.duration > 0:
        return container.duration / 1_000_000  # AV_TIME_BASE
    if stream.duration and stream.time_base:
        return float(stream.duration * stream.time_base)
    return None


def _rate(rate: Fraction | None) -> float | None:
    return round(float(rate), 3) if rate else None


def _first_keyframe(container: Any, stream: Any, *, duration: float | None) -> Any | None:
    stream.codec_context.skip_frame = "NONKEY"
    stream.codec_context.thread_count = 1  # one frame: threads would only add per-thread buffers
    if duration and duration > 2 * POSTER_SEEK_SECONDS and stream.time_base:
        try:  # seeking an indexed container is cheap; lands on the keyframe before the mark
            container.seek(int(POSTER_SEEK_SECONDS / stream.time_base), stream=stream, backward=True)
        except (OSError, ValueError):
            container.seek(0)
    packets = 0
    for packet in container.demux(stream):
        packets += 1
        for frame in packet.decode():  # the final empty packet flushes the decoder
            return frame
        if packets >= POSTER_MAX_PACKETS:
            break
    return None


def display_rotation(frame: Any, stream: Any) -> int:
    """Counter-clockwise degrees, a multiple of 90, from the display matrix or an old tag."""
    degrees = frame.rotation
    if not degrees:
        try:
            degrees = int(float(stream.metadata.get("rotate", 0)))
            degrees = -degrees  # the old tag counts clockwise
        except ValueError:
            degrees = 0
    return int(round(degrees / 90.0)) * 90 % 360


def _poster(frame: Any, *, rotation: int, long_side: int) -> bytes:
    scale = min(1.0, long_side / max(frame.width, frame.height))
    width, height = max(2, round(frame.width * scale)), max(2, round(frame.height * scale))
    image = upright(frame.reformat(width=width, height=height, format="rgb24").to_image(), rotation)
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=JPEG_QUALITY)
    return out.getvalue()


def upright(image: Image.Image, rotation: int) -> Image.Image:
    """``image`` turned as a player turns the frame (``rotation``: counter-clockwise degrees)."""
    turn = {90: Image.Transpose.ROTATE_90, 180: Image.Transpose.ROTATE_180, 270: Image.Transpose.ROTATE_270}
    return image.transpose(turn[rotation]) if rotation in turn else image


def _detail(error: BaseException) -> str:
    return f"{type(error).__name__}: {error}"[:200]
