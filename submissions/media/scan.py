"""Reading a whole video, packet by packet, to see that it is what its headers say.

Runs in the sandboxed child after the probe (``video``). Every packet of every stream is
demuxed (cheap: no decoding), which gives where each stream really ends, how many frames
there are and where the last byte of media lies; the video and audio packets are also
decoded, within a time budget proportional to the declared duration, which finds frames a
decoder cannot read. Nothing is kept but counters: a frame is dropped as soon as it is
decoded, so memory does not grow with the file. The numbers go back to the parent, which
judges them (``checks``).
"""

from __future__ import annotations

import os
import time
from dataclasses import asdict, dataclass
from typing import Any

import av

from .layout import account, read_layout

# Bytes of index (moov, Cues) expected besides a fixed allowance, per packet of the file.
INDEX_BYTES_PER_PACKET = 64
INDEX_BYTES_FIXED = 1024 * 1024
# Block headers around each Matroska frame; MP4 samples sit back to back in their mdat.
PACKET_OVERHEAD = {"matroska": 16}


@dataclass
class Scan:
    size: int
    declared_duration: float | None
    packets: int = 0
    media_bytes: int = 0  # audio and video packets only
    data_end: int | None = None  # where the last packet ends; None if the demuxer does not say
    video_packets: int = 0
    video_frames_declared: int = 0  # the container's own count (MP4), 0 when it has none
    video_end: float | None = None  # seconds from the start of the file to the end of the last frame
    media_end: float | None = None  # the same over every stream
    video_fed: int = 0
    video_decoded: int = 0
    video_errors: int = 0
    audio_fed: int = 0
    audio_errors: int = 0
    decode_complete: bool = True  # False when the time budget ran out before the end
    decode_seconds: float = 0.0
    demux_error: str = ""
    truncated: bool = False
    trailing_bytes: int | None = None
    hidden_bytes: int | None = None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def scan_video(
    path: str | os.PathLike,
    *,
    demuxer: str,
    declared_duration: float | None,
    budget_seconds: float,
    open_container,
    main_stream,
) -> Scan:
    """Demux everything, decode the main video and the audio streams until ``budget_seconds``
    of wall time have passed. ``open_container``/``main_stream`` are the probe's own."""
    size = os.path.getsize(path)
    scan = Scan(size=size, declared_duration=declared_duration)
    started = time.monotonic()
    deadline = started + budget_seconds
    with open_container(path, demuxer) as container:
        video = main_stream(container)
        if video is None:
            return scan
        scan.video_frames_declared = max(0, video.frames or 0)
        decoded = {video.index} | {s.index for s in container.streams.audio}
        for stream in container.streams:
            if stream.index in decoded:
                stream.codec_context.thread_count = 1  # predictable memory; the workers use the cores
        start = container.start_time / 1_000_000 if container.start_time is not None else None
        ends: dict[int, tuple[float, float]] = {}
        positions_known = True
        try:
            for packet in container.demux():
                stream = packet.stream
                if packet.size:
                    scan.packets += 1
                    if stream.type in ("video", "audio"):
                        scan.media_bytes += packet.size
                    if packet.pos is None or packet.pos < 0:
                        positions_known = False
                    else:
                        scan.data_end = max(scan.data_end or 0, packet.pos + packet.size)
                    _note_time(packet, ends)
                    if stream.index == video.index:
                        scan.video_packets += 1
                if scan.decode_complete and stream.index in decoded:
                    if time.monotonic() > deadline:
                        scan.decode_complete = False
                        _flush(video, scan)
                    else:
                        _decode(packet, scan, is_video=stream.index == video.index)
        except (av.FFmpegError, OSError, ValueError) as error:
            scan.demux_error = f"{type(error).__name__}: {error}"[:200]
            if scan.decode_complete:
                _flush(video, scan)
        scan.decode_seconds = round(time.monotonic() - started, 3)
        if start is None:
            start = min((begin for begin, _end in ends.values()), default=0.0)
        if video.index in ends:
            scan.video_end = round(ends[video.index][1] - start, 3)
        if ends:
            scan.media_end = round(max(end for _begin, end in ends.values()) - start, 3)
    if positions_known and scan.data_end is not None:
        layout = read_layout(path, demuxer=demuxer, size=size)
        accounting = account(
            layout,
            size=size,
            data_end=scan.data_end,
            media_bytes=scan.media_bytes,
            packets=scan.packets,
            index_allowance=INDEX_BYTES_FIXED + INDEX_BYTES_PER_PACKET * scan.packets,
            packet_overhead=PACKET_OVERHEAD.get(demuxer, 0),
        )
        scan.truncated = bool(layout and layout.truncated)
        scan.trailing_bytes, scan.hidden_bytes = accounting.trailing_bytes, accounting.hidden_bytes
    return scan


def _note_time(packet: Any, ends: dict[int, tuple[float, float]]) -> None:
    timestamp = packet.pts if packet.pts is not None else packet.dts
    if timestamp is None or not packet.time_base:
        return
    begin = float(timestamp * packet.time_base)
    end = float((timestamp + (packet.duration or 0)) * packet.time_base)
    known = ends.get(packet.stream.index)
    ends[packet.stream.index] = (begin, end) if known is None else (min(known[0], begin), max(known[1], end))


def _decode(packet: Any, scan: Scan, *, is_video: bool) -> None:
    """Decodes one packet (an empty one flushes the decoder) and drops what it gives."""
    if packet.size:
        if is_video:
            scan.video_fed += 1
        else:
            scan.audio_fed += 1
    try:
        for _frame in packet.decode():
            if is_video:
                scan.video_decoded += 1
    except (av.FFmpegError, ValueError):
        if is_video:
            scan.video_errors += 1
        else:
            scan.audio_errors += 1


def _flush(video: Any, scan: Scan) -> None:
    """Frames the video decoder still holds (reordering, threads) once feeding stops early."""
    try:
        for _frame in video.decode(None):
            scan.video_decoded += 1
    except (av.FFmpegError, ValueError):
        pass
