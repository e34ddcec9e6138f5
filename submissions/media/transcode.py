"""Web versions of a video: H.264/AAC MP4s with their index first, a poster and a preview.

Runs in the sandboxed child (``sandbox.run_with_progress``) and knows nothing of Django or
storage: it reads one video and writes its versions into a folder, so any domain with
videos (reports, exhibits, contests) can use it through ``renditions.render_video``.

One decoding pass feeds every output. Versions are named by slot, the short side of the
picture as shown (360, 720: "360p", "720p", portrait or landscape alike); a slot larger
than the source holds the source at its own size and no larger slot follows, so nothing is
ever upscaled and a 360p source gets one version. Frames above ``MAX_FPS`` are dropped, a
non-square pixel aspect is made square, the display rotation a phone recorded is carried
over (players apply it; the poster is turned in pixels). Each MP4 is written with
``movflags=+faststart``: the moov box comes before the media data, so a browser starts
playing after the first bytes and seeks with byte ranges.
"""

from __future__ import annotations

import io
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any

import av

from .video import display_rotation, main_video_stream, open_video, upright

SLOTS = (360, 720)
MAX_FPS = 30
PRESET = "veryfast"
THREADS = 2
TIME_BASE = Fraction(1, 90000)
# Constant quality with a ceiling (VBV), so a busy scene cannot blow a phone's data plan.
VIDEO_OPTIONS = {
    360: {"crf": "26", "maxrate": "900k", "bufsize": "1800k", "profile": "main"},
    720: {"crf": "23", "maxrate": "2800k", "bufsize": "5600k", "profile": "high"},
}
AUDIO_BIT_RATES = {360: 64_000, 720: 128_000}
POSTER_AT_SECONDS = 1.0  # the very first frame is often black
JPEG_QUALITY = 85
AUDIO_BUFFER_FRAMES = 500  # audio decoded before the first picture, held until it comes


def plan_slots(short_side: int, slots: tuple[int, ...] = SLOTS) -> list[tuple[int, int]]:
    """(slot, short side of that version) for a picture whose short side is ``short_side``."""
    plan = []
    for slot in sorted(slots):
        plan.append((slot, min(slot, short_side)))
        if short_side <= slot:
            break
    return plan


def make_renditions(
    source: str | os.PathLike,
    out_dir: str | os.PathLike,
    *,
    demuxer: str,
    slots: tuple[int, ...] = SLOTS,
    preview_seconds: float = 0.0,
    duration: float | None = None,
    on_progress: Callable[[int], None] = lambda percent: None,
) -> dict[str, Any]:
    """Write ``<slot>.mp4`` per version, ``poster.jpg`` and (``preview_seconds`` > 0) a muted
    ``preview.mp4`` of the first seconds at the smallest size into ``out_dir``.

    Returns {"versions": {"360": {"file", "width", "height", "duration", "size", "bit_rate"},
    ..., "preview": {...}}, "poster": {"file", "width", "height", "size"}, "frames",
    "errors", "seconds"}; width and height are as shown (rotation applied). Raises when no
    picture could be decoded at all."""
    av.logging.set_level(None)
    started = time.monotonic()
    out_dir = Path(out_dir)
    with open_video(source, demuxer) as container:
        video = main_video_stream(container)
        if video is None:
            raise ValueError("no video stream")
        audio = _first_audio(container)
        duration = duration or (container.duration / 1_000_000 if container.duration else None)
        if duration and duration <= preview_seconds:
            preview_seconds = 0.0  # the preview would be the whole video again
        job = _Job(
            video=video,
            audio=audio,
            out_dir=out_dir,
            slots=slots,
            preview_seconds=preview_seconds,
            duration=duration,
            on_progress=on_progress,
        )
        streams = [video] + ([audio] if audio is not None else [])
        for packet in container.demux(*streams):
            try:
                frames = packet.decode()
            except (av.FFmpegError, ValueError):
                job.errors += 1
                continue
            for frame in frames:
                if packet.stream.index == video.index:
                    job.picture(frame)
                else:
                    job.sound(frame)
    if not job.outputs:
        raise ValueError("no picture could be decoded")
    job.finish()
    versions = {str(output.slot): output.describe() for output in job.outputs}
    if job.preview is not None:
        versions["preview"] = job.preview.describe()
    on_progress(100)
    return {
        "versions": versions,
        "poster": job.poster,
        "frames": job.frames,
        "errors": job.errors,
        "seconds": round(time.monotonic() - started, 2),
    }


def _first_audio(container: Any) -> Any | None:
    for stream in container.streams.audio:
        if stream.codec_context is not None and stream.codec_context.sample_rate:
            return stream
    return None


@dataclass
class _Output:
    """One MP4 being written: its encoders and the size its pictures are scaled to."""

    slot: int | str
    path: Path
    width: int  # coded, before rotation
    height: int
    rotation: int
    fps: Fraction
    audio_source: Any | None
    audio_bit_rate: int = 0
    until: float | None = None  # stop after this many seconds (the preview)
    container: Any = None
    video: Any = None
    audio: Any = None
    closed: bool = False
    last_pts: int | None = None
    muted: bool = False  # the sound broke off: the rest of the version is silent
    video_options: dict = field(default_factory=dict)

    def open(self) -> None:
        self.container = av.open(str(self.path), "w", format="mp4", options={"movflags": "+faststart"})
        self.video = self.container.add_stream("libx264", rate=self.fps)
        self.video.width, self.video.height, self.video.pix_fmt = self.width, self.height, "yuv420p"
        # A fine clock, not 1/fps: a phone's variable frame rate keeps its timing, and no
        # two frames ever round to the same tick.
        self.video.time_base = self.video.codec_context.time_base = TIME_BASE
        self.video.codec_context.thread_count = THREADS
        gop = max(1, round(2 * self.fps))  # a keyframe every two seconds: seeking stays quick
        self.video.options = {"preset": PRESET, "g": str(gop), **self.video_options}
        if self.rotation:
            self.video.set_display_rotation(self.rotation)
        if self.audio_source is not None:
            rate = self.audio_source.codec_context.sample_rate
            self.audio = self.container.add_stream("aac", rate=rate if rate in (44100, 48000) else 48000)
            channels = self.audio_source.codec_context.layout.nb_channels or 1
            self.audio.layout = "stereo" if channels >= 2 else "mono"
            self.audio.bit_rate = self.audio_bit_rate

    def picture(self, frame: Any, seconds: float) -> None:
        if self.closed:
            return
        if self.until is not None and seconds >= self.until:
            self.close()
            return
        pts = round(seconds / TIME_BASE)
        if self.last_pts is not None and pts <= self.last_pts:
            return
        self.last_pts = pts
        frame.pts, frame.time_base = pts, TIME_BASE
        self.container.mux(self.video.encode(frame))

    def sound(self, frame: Any) -> None:
        if self.audio is not None and not self.closed and not self.muted:
            self.container.mux(self.audio.encode(frame))

    def close(self) -> None:
        if self.closed:
            return
        self.closed = True
        self.container.mux(self.video.encode(None))
        if self.audio is not None:
            self.container.mux(self.audio.encode(None))
        self.container.close()

    def describe(self) -> dict[str, Any]:
        with av.open(str(self.path)) as written:
            stream = written.streams.video[0]
            seconds = written.duration / 1_000_000 if written.duration else None
            bit_rate = written.bit_rate or None
        width, height = (self.height, self.width) if self.rotation % 180 == 90 else (self.width, self.height)
        return {
            "file": self.path.name,
            "width": width,
            "height": height,
            "duration": round(seconds, 3) if seconds else None,
            "size": self.path.stat().st_size,
            "bit_rate": bit_rate,
            "codec": stream.codec_context.name,
        }


class _Job:
    """The single decoding pass: each kept picture goes to every output, scaled once per size."""

    def __init__(self, *, video, audio, out_dir: Path, slots, preview_seconds, duration, on_progress):
        self.video, self.audio, self.out_dir, self.slots = video, audio, out_dir, slots
        self.preview_seconds, self.duration, self.on_progress = preview_seconds, duration, on_progress
        self.outputs: list[_Output] = []
        self.preview: _Output | None = None
        self.poster: dict[str, Any] | None = None
        self.frames = self.errors = 0
        self.start: float | None = None
        self.last_kept: float | None = None
        self.percent = -1
        self.pending_audio: list[Any] = []
        self.audio_next: int | None = None
        rate = video.average_rate or video.guessed_rate or Fraction(MAX_FPS)
        self.fps = min(Fraction(rate), Fraction(MAX_FPS)).limit_denominator(1001)
        self.min_gap = 1 / float(Fraction(MAX_FPS)) * 0.98
        self.poster_at = min(POSTER_AT_SECONDS, duration / 3) if duration else POSTER_AT_SECONDS

    def picture(self, frame: Any) -> None:
        seconds = frame.time
        if seconds is None:
            return
        if self.start is None:
            self._open(frame)
            self.start = seconds
            for held in self.pending_audio:
                self.sound(held)
            self.pending_audio = []
        at = seconds - self.start
        if at < 0 or (self.last_kept is not None and at - self.last_kept < self.min_gap):
            return
        self.last_kept = at
        self.frames += 1
        scaled: dict[tuple[int, int], Any] = {}
        for output in [*self.outputs, *([self.preview] if self.preview else [])]:
            size = (output.width, output.height)
            if size not in scaled:
                scaled[size] = frame.reformat(
                    width=output.width, height=output.height, format="yuv420p", interpolation="BILINEAR"
                )
            output.picture(scaled[size], at)
        if self.poster is None or (self.poster.get("at", 0) < self.poster_at <= at):
            self._poster(frame, at)
        if self.duration:
            percent = min(99, int(100 * at / self.duration))
            if percent != self.percent:
                self.percent = percent
                self.on_progress(percent)

    def sound(self, frame: Any) -> None:
        if frame.time is None:
            return
        if self.start is None:
            if len(self.pending_audio) < AUDIO_BUFFER_FRAMES:
                self.pending_audio.append(frame)
            return
        at = frame.time - self.start
        if at < 0:
            return
        # Sound is one continuous run of samples from its first frame on: the encoder's own
        # buffer refuses timestamps that jitter, and a phone's audio has no gaps to keep.
        if self.audio_next is None:
            self.audio_next = round(at * frame.sample_rate)
        frame.pts, frame.time_base = self.audio_next, Fraction(1, frame.sample_rate)
        self.audio_next += frame.samples
        for output in self.outputs:
            try:
                output.sound(frame)
            except ValueError:  # the sample format or rate changed mid-stream: keep the pictures
                output.muted = True

    def finish(self) -> None:
        for output in [*self.outputs, *([self.preview] if self.preview else [])]:
            output.close()
        if self.poster is not None:
            self.poster.pop("at", None)

    def _open(self, frame: Any) -> None:
        self.rotation = display_rotation(frame, self.video)
        width, height = frame.width, frame.height
        aspect = self.video.sample_aspect_ratio or self.video.codec_context.sample_aspect_ratio
        shown_width = width * float(aspect) if aspect and float(aspect) > 0 else width
        short = min(shown_width, height)
        for slot, side in plan_slots(round(short), self.slots):
            coded = _even(shown_width * side / short), _even(height * side / short)
            self.outputs.append(self._output(slot, coded, audio_bit_rate=AUDIO_BIT_RATES.get(slot, 128_000)))
        if self.preview_seconds > 0:
            smallest = self.outputs[0]
            self.preview = self._output(
                "preview", (smallest.width, smallest.height), audio=False, until=self.preview_seconds
            )
            self.preview.video_options = {**self.preview.video_options, "crf": "28"}
            self.preview.open()
        for output in self.outputs:
            output.open()

    def _output(self, slot, coded, *, audio: bool = True, audio_bit_rate: int = 0, until=None) -> _Output:
        options = VIDEO_OPTIONS.get(slot if isinstance(slot, int) else min(VIDEO_OPTIONS), {})
        return _Output(
            slot=slot,
            path=self.out_dir / f"{slot}.mp4",
            width=coded[0],
            height=coded[1],
            rotation=self.rotation,
            fps=self.fps,
            audio_source=self.audio if audio else None,
            audio_bit_rate=audio_bit_rate,
            until=until,
            video_options=dict(options),
        )

    def _poster(self, frame: Any, at: float) -> None:
        largest = self.outputs[-1]
        image = upright(
            frame.reformat(width=largest.width, height=largest.height, format="rgb24").to_image(),
            self.rotation,
        )
        out = io.BytesIO()
        image.save(out, format="JPEG", quality=JPEG_QUALITY, optimize=True, progressive=True)
        path = self.out_dir / "poster.jpg"
        path.write_bytes(out.getvalue())
        self.poster = {
            "file": path.name,
            "width": image.width,
            "height": image.height,
            "size": len(out.getvalue()),
            "at": at,
        }


def _even(value: float) -> int:
    return max(2, int(round(value / 2)) * 2)
