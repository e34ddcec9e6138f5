"""Cost of the media checks. Run by hand; the figures go into docs/benchmarks.md.

    .venv/bin/python benchmarks/media_checks.py [--workdir DIR] [--video-bytes N] [--keep]

Photo: a 12-megapixel, ~8 MB JPEG. Header-only read (what the check does before deciding
anything) against a full-size decode of the same file, and the draft-mode thumbnail.
Video: an H.264 MP4 of ~1 GB (a 2-second clip muxed again and again; see
``media_samples.make_large_video``). Probe time and the peak memory of the probing child.
Everything in-process is the median of several runs; the sandboxed child is measured
with ``os.wait4``, which returns that one child's peak resident set size.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shuangchuang.test_settings")

import django  # noqa: E402

django.setup()

from PIL import Image, ImageOps  # noqa: E402

from submissions.media import (  # noqa: E402
    Rules,
    inspect_file,
    sandbox,  # noqa: E402
)
from submissions.media import photo as photo_module  # noqa: E402
from tests.submissions import media_samples as samples  # noqa: E402

MB = 1_000_000


def timed(function, *, repeat: int) -> float:
    """Median wall time in milliseconds."""
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        runs.append((time.perf_counter() - start) * 1000)
    return statistics.median(runs)


def make_photo(path: Path) -> tuple[Path, int]:
    for quality in (92, 90, 88, 85, 82, 80, 75, 70):
        try:
            return samples.make_jpeg(
                path, width=4000, height=3000, size_bytes=8 * MB, quality=quality
            ), quality
        except ValueError:
            continue
    raise RuntimeError("no quality fits 12 MP into 8 MB")


def header_only(path: Path) -> None:
    with Image.open(path, formats=["JPEG"]) as image:
        image.size, image.getexif().get(0x0112)


def full_decode(path: Path) -> None:
    with Image.open(path) as image:
        image.load()


def thumbnail(path: Path) -> None:
    with Image.open(path) as image:
        photo_module._thumbnail(image, long_side=480, ops=ImageOps)


# The child's own entry point, then its peak resident set (VmHWM) on stderr. Not ru_maxrss:
# Linux carries the parent's high-water mark across fork and exec into the child's figure.
_MEASURED_BOOTSTRAP = sandbox._BOOTSTRAP + "; sys.stderr.write(open('/proc/self/status').read())"


def child_run(request: dict) -> tuple[float, int, dict]:
    """Runs the sandboxed child as ``sandbox`` does, same limits; (ms, peak RSS bytes, answer)."""
    limits = sandbox.ChildLimits.default()
    command = sandbox.child_command(limits=limits, bootstrap=_MEASURED_BOOTSTRAP)
    start = time.perf_counter()
    done = subprocess.run(
        command, input=json.dumps(request).encode(), capture_output=True, timeout=limits.seconds
    )
    elapsed = (time.perf_counter() - start) * 1000
    status = dict(line.split(":", 1) for line in done.stderr.decode().splitlines() if ":" in line)
    peak_kib = int(status["VmHWM"].split()[0])
    return elapsed, peak_kib * 1024, json.loads(done.stdout)


def headers_only(path: Path) -> None:
    import av

    with av.open(str(path), format="mov", container_options={"protocol_whitelist": "file"}) as container:
        stream = container.streams.video[0]
        _measured = (stream.codec_context.width, container.duration, stream.average_rate)


def draft_decode_only(path: Path) -> None:
    with Image.open(path) as image:
        image.draft("RGB", (480, 360))
        image.load()


def photo_section(workdir: Path) -> list[str]:
    path, quality = make_photo(workdir / "photo-12mp.jpg")
    with Image.open(path) as image:
        size_text = (
            f"{image.size[0]}x{image.size[1]}, {path.stat().st_size / MB:.1f} MB (noise, quality {quality})"
        )
    header_ms = timed(lambda: header_only(path), repeat=50)
    full_ms = timed(lambda: full_decode(path), repeat=7)
    thumb_ms = timed(lambda: thumbnail(path), repeat=7)
    draft_ms = timed(lambda: draft_decode_only(path), repeat=7)
    whole_ms = timed(lambda: inspect_file(path, expected_kind="photo", rules=Rules()), repeat=7)
    child_ms, child_rss, _ = child_run(
        {"kind": "photo", "path": str(path), "max_pixels": Image.MAX_IMAGE_PIXELS, "preview_long_side": 480}
    )
    return [
        f"photo: {size_text}",
        f"  header only (open, size, EXIF orientation): {header_ms:.2f} ms",
        f"  full decode (Image.load at full size):       {full_ms:.1f} ms  -> header is {full_ms / header_ms:.0f}x cheaper",
        f"  draft-mode thumbnail (480 px, JPEG out):     {thumb_ms:.1f} ms  -> {full_ms / thumb_ms:.1f}x cheaper than full",
        f"    of which the 1/8-scale draft decode:       {draft_ms:.1f} ms",
        f"  inspect_file end to end (child included):    {whole_ms:.1f} ms",
        f"  sandboxed child alone: {child_ms:.0f} ms, peak RSS {child_rss / 2**20:.0f} MiB",
    ]


def video_section(workdir: Path, *, size_bytes: int) -> list[str]:
    path = workdir / "video-1gb.mp4"
    start = time.perf_counter()
    samples.make_large_video(path, size_bytes=size_bytes)
    made_s = time.perf_counter() - start
    tiny = samples.make_video(workdir / "tiny.mp4", width=1280, height=720)
    baseline_ms, baseline_rss, _ = child_run(
        {"kind": "video", "path": str(tiny), "demuxer": "mov", "preview_long_side": 480}
    )
    runs = [
        child_run({"kind": "video", "path": str(path), "demuxer": "mov", "preview_long_side": 480})
        for _ in range(5)
    ]
    answer = runs[0][2]["measurements"]
    whole_ms = timed(lambda: inspect_file(path, expected_kind="video", rules=Rules()), repeat=7)
    open_ms = timed(lambda: headers_only(path), repeat=7)
    return [
        f"video: {path.stat().st_size / MB:.0f} MB, {answer['width']}x{answer['height']} {answer['video_codec']}, "
        f"{answer['duration']:.0f} s (generated in {made_s:.0f} s)",
        f"  probe + poster frame in the child: median {statistics.median(r[0] for r in runs):.0f} ms, "
        f"peak RSS {max(r[1] for r in runs) / 2**20:.0f} MiB",
        f"  same child on a 1-second clip:     {baseline_ms:.0f} ms, peak RSS {baseline_rss / 2**20:.0f} MiB "
        "(interpreter + PyAV + Pillow)",
        f"    of which opening the container and reading stream headers (in-process): {open_ms:.0f} ms",
        f"  inspect_file end to end:           median {whole_ms:.0f} ms",
    ]


def machine() -> str:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    import av

    return (
        f"{os.cpu_count()} cores ({cpu}), Python {platform.python_version()}, "
        f"Pillow {Image.__version__}, PyAV {av.__version__} (FFmpeg {av.ffmpeg_version_info})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workdir", type=Path)
    parser.add_argument("--video-bytes", type=int, default=1024 * MB)
    parser.add_argument("--keep", action="store_true", help="keep the generated files")
    options = parser.parse_args()
    workdir = options.workdir or Path(tempfile.mkdtemp(prefix="media-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    try:
        print(machine())
        for section in (
            lambda: photo_section(workdir),
            lambda: video_section(workdir, size_bytes=options.video_bytes),
        ):
            print("\n".join(section()), flush=True)
    finally:
        if not options.keep:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
