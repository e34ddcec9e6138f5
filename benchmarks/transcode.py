"""Cost of the web versions and of the whole-stream video check. Run by hand; the figures go
into docs/benchmarks.md.

    .venv/bin/python benchmarks/transcode.py [--workdir DIR] [--seconds 60] [--codecs h264,hevc]
                                             [--trailing-bytes N] [--check-bytes N] [--keep]

Transcode: a 1080p30 clip of ``--seconds`` (default one minute) per source codec, a busy
picture (moving pattern + grain) at a phone's bit rate, made by encoding two seconds once and
muxing its packets again and again (``media_samples.make_large_video``'s method). Each is
turned into the 720p and 360p H.264/AAC versions, a poster and a 6-second preview by the
sandboxed child exactly as the worker runs it; wall time, the child's CPU time and peak
resident memory, and the bytes of each version against the original.

Check: a 2-second clip followed by ``--trailing-bytes`` of random data (default 600 MB), and
an H.264 1080p video of ``--check-bytes`` (default 1.2 GB), through the sandboxed checking
child as ``inspect_file`` starts it: verdict, wall time, peak resident memory.

The children's peak memory is their own VmHWM, read from /proc when they finish (not
``ru_maxrss``, which Linux carries over from the parent across fork and exec).
"""

from __future__ import annotations

import argparse
import io
import json
import math
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from fractions import Fraction
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import av  # noqa: E402
from PIL import Image  # noqa: E402

from submissions.media import checks, sandbox  # noqa: E402
from submissions.media.renditions import (  # noqa: E402
    CPU_PER_WALL_SECOND,
    PREVIEW_SECONDS,
    SLOTS,
    largest_output_bytes,
    transcode_limits,
)
from submissions.media.sniff import sniff_file  # noqa: E402
from tests.submissions import media_samples as samples  # noqa: E402

MB = 1_000_000
# The child's own entry point, then its peak resident set and CPU times on stderr.
_MEASURED_BOOTSTRAP = (
    sandbox._BOOTSTRAP
    + "; import resource; u = resource.getrusage(resource.RUSAGE_SELF);"
    + " sys.stderr.write(open('/proc/self/status').read() + f'cpu:{u.ru_utime + u.ru_stime}\\n')"
)


def measured_child(
    request: dict, *, limits, cpu_seconds=None, file_size_bytes=0
) -> tuple[float, int, float, str]:
    """Runs the sandboxed child with its limits; (wall s, peak RSS bytes, CPU s, stdout)."""
    command = sandbox.child_command(
        limits=limits, bootstrap=_MEASURED_BOOTSTRAP, cpu_seconds=cpu_seconds, file_size_bytes=file_size_bytes
    )
    start = time.perf_counter()
    done = subprocess.run(
        command,
        input=json.dumps(request).encode(),
        capture_output=True,
        timeout=limits.seconds,
        env=sandbox.child_environment(),
    )
    wall = time.perf_counter() - start
    if done.returncode != 0:
        raise RuntimeError(f"child failed ({done.returncode}): {done.stderr[-500:].decode(errors='replace')}")
    status = dict(line.split(":", 1) for line in done.stderr.decode().splitlines() if ":" in line)
    return wall, int(status["VmHWM"].split()[0]) * 1024, float(status["cpu"]), done.stdout.decode()


def make_busy_1080p(path: Path, *, codec: str, seconds: int, bit_rate: int) -> Path:
    """``seconds`` of busy 1080p30 in ``codec``: two seconds encoded once, muxed over and over."""
    fps, clip = 30, io.BytesIO()
    with av.open(clip, "w", format="mp4") as out:
        stream = out.add_stream(samples._ENCODERS[codec], rate=fps)
        stream.width, stream.height, stream.pix_fmt = 1920, 1080, "yuv420p"
        stream.time_base, stream.bit_rate = Fraction(1, fps), bit_rate
        stream.options = {"preset": "ultrafast"} | (
            {"x265-params": "log-level=error"} if codec == "hevc" else {}
        )
        audio = samples._add_audio(out, opus=False)
        for index in range(2 * fps):
            frame = av.VideoFrame.from_image(samples._noisy_pattern(1920, 1080, index))
            frame.pts = index
            out.mux(stream.encode(frame))
        out.mux(stream.encode(None))
        samples._write_tone(out, audio, seconds=2)
    clip.seek(0)
    with av.open(clip) as source, av.open(str(path), "w", format="mp4") as out:
        templates = {s.index: s for s in source.streams}
        packets = [
            (p.stream.index, bytes(p), p.pts, p.dts, p.duration or 0, p.is_keyframe)
            for p in source.demux()
            if p.size
        ]
        # Each stream repeats after its own span (the audio's starts with priming samples).
        spans = {
            index: max(pts + duration for i, _d, pts, _dts, duration, _k in packets if i == index)
            - min(dts for i, _d, _pts, dts, _duration, _k in packets if i == index)
            for index in templates
        }
        streams = {index: out.add_stream_from_template(template) for index, template in templates.items()}
        for repeat in range(math.ceil(seconds / 2)):
            for index, data, pts, dts, _duration, keyframe in packets:
                time_base = templates[index].time_base
                shift = spans[index] * repeat
                packet = av.Packet(data)
                packet.pts, packet.dts = pts + shift, dts + shift
                packet.time_base, packet.is_keyframe, packet.stream = time_base, keyframe, streams[index]
                out.mux(packet)
    return path


def transcode_section(workdir: Path, *, codec: str, seconds: int) -> list[str]:
    source = make_busy_1080p(
        workdir / f"source-{codec}.mp4", codec=codec, seconds=seconds, bit_rate=16_000_000
    )
    with av.open(str(source)) as container:
        duration = container.duration / 1_000_000
    out_dir = workdir / f"out-{codec}"
    out_dir.mkdir(exist_ok=True)
    limits = transcode_limits(duration)
    request = {
        "kind": "transcode",
        "path": str(source),
        "demuxer": sniff_file(source).demuxer,
        "out_dir": str(out_dir),
        "slots": list(SLOTS),
        "preview_seconds": PREVIEW_SECONDS,
        "duration": duration,
    }
    wall, rss, cpu, stdout = measured_child(
        request,
        limits=limits,
        cpu_seconds=limits.seconds * CPU_PER_WALL_SECOND,
        file_size_bytes=largest_output_bytes(duration),
    )
    answer = json.loads(stdout.strip().splitlines()[-1])
    original = source.stat().st_size
    lines = [
        f"transcode: {codec} 1920x1080 30 fps, {duration:.1f} s, {original / MB:.1f} MB "
        f"({original * 8 / duration / 1e6:.1f} Mbit/s) -> 720p + 360p + preview + poster",
        f"  wall {wall:.1f} s = {wall / duration * 60:.1f} s per minute of input "
        f"({duration / wall:.2f}x real time); child CPU {cpu:.1f} s; peak RSS {rss / 2**20:.0f} MiB",
    ]
    for slot, version in answer["versions"].items():
        lines.append(
            f"  {slot:>7}: {version['width']}x{version['height']}, {version['size'] / MB:.2f} MB "
            f"({version['bit_rate'] / 1e6:.2f} Mbit/s), {100 * (1 - version['size'] / original):.0f}% smaller than the original"
        )
    total = sum(v["size"] for v in answer["versions"].values()) + answer["poster"]["size"]
    lines.append(
        f"   poster: {answer['poster']['width']}x{answer['poster']['height']}, {answer['poster']['size'] / 1000:.0f} kB; "
        f"all web versions together {total / MB:.2f} MB = {100 * total / original:.0f}% of the original kept beside it"
    )
    return lines


def check_request(path: Path, limits) -> dict:
    return {
        "kind": "video",
        "path": str(path),
        "demuxer": sniff_file(path).demuxer,
        "preview_long_side": checks.PREVIEW_LONG_SIDE,
        "scan": {
            "budget_base": checks.DECODE_BUDGET_BASE_SECONDS,
            "budget_per_second": checks.DECODE_BUDGET_PER_SECOND,
            "budget_cap": checks.DECODE_BUDGET_SHARE * limits.seconds,
        },
    }


def check_section(workdir: Path, *, trailing_bytes: int, check_bytes: int) -> list[str]:
    lines = []
    glued = samples.make_video(
        workdir / "glued.mp4", width=1280, height=720, seconds=2, fps=30, with_audio=True
    )
    samples.append_random_bytes(glued, size_bytes=trailing_bytes)
    big = samples.make_large_video(workdir / "big.mp4", size_bytes=check_bytes)
    for label, path in (("2-s clip + random bytes", glued), ("H.264 1080p video", big)):
        size = path.stat().st_size
        limits = sandbox.ChildLimits.for_video(size)
        wall, rss, cpu, stdout = measured_child(check_request(path, limits), limits=limits)
        scan = json.loads(stdout)["measurements"]["scan"]
        start = time.perf_counter()
        verdict = checks.inspect_file(path, expected_kind="video", rules=checks.Rules())
        end_to_end = time.perf_counter() - start
        lines += [
            f"check: {label}, {size / MB:.0f} MB, declared {scan['declared_duration']:.1f} s -> "
            f"{'passed' if verdict.passed else 'refused: ' + ', '.join(verdict.reason_codes)}",
            f"  child {wall:.1f} s (CPU {cpu:.1f} s), peak RSS {rss / 2**20:.0f} MiB; inspect_file end to end {end_to_end:.1f} s; "
            f"{scan['packets']} packets, {scan['video_decoded']} frames decoded in {scan['decode_seconds']:.1f} s "
            f"(complete: {scan['decode_complete']}), trailing {scan['trailing_bytes']:,} B, hidden {scan['hidden_bytes']:,} B",
        ]
    return lines


def machine() -> str:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    return (
        f"{os.cpu_count()} cores ({cpu}), load average {load}; Python {platform.python_version()}, "
        f"Pillow {Image.__version__}, PyAV {av.__version__} (FFmpeg {av.ffmpeg_version_info})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workdir", type=Path)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--codecs", default="h264,hevc")
    parser.add_argument("--trailing-bytes", type=int, default=600 * MB)
    parser.add_argument("--check-bytes", type=int, default=1200 * MB)
    parser.add_argument("--skip-check", action="store_true")
    parser.add_argument("--keep", action="store_true", help="keep the generated files")
    options = parser.parse_args()
    workdir = options.workdir or Path(tempfile.mkdtemp(prefix="transcode-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    try:
        print(machine())
        for codec in options.codecs.split(","):
            print("\n".join(transcode_section(workdir, codec=codec, seconds=options.seconds)), flush=True)
        if not options.skip_check:
            print(
                "\n".join(
                    check_section(
                        workdir, trailing_bytes=options.trailing_bytes, check_bytes=options.check_bytes
                    )
                ),
                flush=True,
            )
        print(machine())
    finally:
        if not options.keep:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
