"""Zip export of a day with ~5 GB of media: peak memory of the exporting process and
throughput against ``cat`` of the same files.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/shuangchuang_board \
        .venv/bin/python benchmarks/export_zip_memory.py [--gigabytes 5] [--files 40] [--workdir DIR]

1. In a temporary folder (removed at the end) it writes ``--files`` files totalling
   ``--gigabytes`` GB: each is one random 8 MiB block repeated (fast to write, and not
   sparse, so reading them is real I/O through the page cache; the zip stores without
   compressing, so the repetition does not help it).
2. Seeds one accepted report per 4 files (3 photos + 1 video each) for one day of a new
   week in the database of DATABASE_URL, with MEDIA_ROOT pointing at the folder.
3. Runs ``cat`` of all files to /dev/null (timed), then a fresh Python process that runs
   ``manage.py export_day --format zip --output /dev/null`` (timed), and reads the
   process's peak resident set (VmHWM) from /proc when it ends, next to the same
   process's VmHWM right after Django started (the baseline).
4. Deletes the rows and the folder.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYTHON = str(ROOT / ".venv" / "bin" / "python")
BLOCK = 8 * 1024 * 1024
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/shuangchuang_board")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shuangchuang.test_settings")

CHILD = r"""
import os, sys, time, resource
sys.path.insert(0, {root!r})
def hwm():
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM"): return int(line.split()[1]) // 1024
import django; django.setup()
from events.models import Week
from submissions.exports.zip import stream_day_zip
import datetime as dt
week = Week.objects.get(pk={week})
base = hwm()
start = time.perf_counter(); written = 0
with open("/dev/null", "wb") as out:
    for chunk in stream_day_zip(week=week, day=dt.date.fromisoformat({day!r})):
        out.write(chunk); written += len(chunk)
print(base, hwm(), time.perf_counter() - start, written)
"""


def make_files(folder: Path, total: int, count: int) -> list[Path]:
    block = os.urandom(BLOCK)
    size = total // count
    paths = []
    for n in range(count):
        path = folder / "bench" / f"file{n:03d}.{'mp4' if n % 4 == 3 else 'jpg'}"
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "wb") as out:
            left = size
            while left:
                piece = block[: min(left, BLOCK)]
                out.write(piece)
                left -= len(piece)
        paths.append(path)
    return paths


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--gigabytes", type=float, default=5)
    parser.add_argument("--files", type=int, default=40)
    parser.add_argument("--workdir")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="zip-bench-", dir=args.workdir))
    os.environ["MEDIA_ROOT"] = str(folder)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command
    from django.utils import timezone

    from events.models import Week
    from submissions.models import DailyReport, MediaFile
    from tests import factories

    call_command("migrate", verbosity=0)
    week = None
    try:
        t0 = time.perf_counter()
        paths = make_files(folder, int(args.gigabytes * 1024**3), args.files)
        total = sum(p.stat().st_size for p in paths)
        print(f"wrote {len(paths)} files, {total / 1024**3:.2f} GiB in {time.perf_counter() - t0:.1f} s")
        Week.objects.filter(is_current=True).update(is_current=False)
        week = factories.week(
            name="打包基准活动周", starts_on=dt.date(2026, 9, 20), ends_on=dt.date(2026, 9, 26)
        )
        day = dt.date(2026, 9, 21)
        for n in range(0, len(paths), 4):
            event = factories.event(
                week=week,
                subtitle=f"打包基准活动 {n // 4}",
                starts_at=factories.at(day, 9),
                ends_at=factories.at(day, 11),
            )
            report = DailyReport.objects.create(
                event=event,
                day=day,
                status="accepted",
                text="基准。",
                submitted_at=timezone.now(),
                first_submitted_at=timezone.now(),
                is_late=False,
                reviewed_at=timezone.now(),
            )
            for k, path in enumerate(paths[n : n + 4]):
                MediaFile.objects.create(
                    report=report,
                    kind="video" if path.suffix == ".mp4" else "photo",
                    file=str(path.relative_to(folder)),
                    original_name=path.name,
                    size=path.stat().st_size,
                    sha256=f"{n:032d}{k:032d}",
                    status="passed",
                    checked_at=timezone.now(),
                )
        # cat first (and once more), so both read from a warm page cache
        subprocess.run(["cat", *map(str, paths)], stdout=subprocess.DEVNULL, check=True)
        start = time.perf_counter()
        subprocess.run(["cat", *map(str, paths)], stdout=subprocess.DEVNULL, check=True)
        cat_seconds = time.perf_counter() - start
        child = CHILD.format(root=str(ROOT), week=week.pk, day=day.isoformat())
        result = subprocess.run(
            [PYTHON, "-c", child], capture_output=True, text=True, env={**os.environ}, check=True
        )
        base, peak, seconds, written = result.stdout.split()
        base, peak, seconds, written = int(base), int(peak), float(seconds), int(written)
        gib = total / 1024**3
        print("| measurement | result |")
        print("|---|---|")
        print(f"| media in the day | {len(paths)} files, {gib:.2f} GiB |")
        print(
            f"| zip written | {written / 1024**3:.2f} GiB ({written - total:,} bytes of headers, manifest, texts) |"
        )
        print(
            f"| `cat` of the files to /dev/null (warm cache) | {cat_seconds:.1f} s, {gib / cat_seconds:.2f} GiB/s |"
        )
        print(
            f"| zip export to /dev/null (warm cache) | {seconds:.1f} s, {gib / seconds:.2f} GiB/s, "
            f"{cat_seconds / seconds * 100:.0f}% of cat |"
        )
        print(
            f"| exporting process peak RSS (VmHWM) | {peak} MiB (after Django start: {base} MiB; growth {peak - base} MiB) |"
        )
    finally:
        if week is not None:
            from events.models import Event

            events = Event.objects.filter(week=week)
            DailyReport.objects.filter(event__in=events).delete()
            hosts = list(events.values_list("host_id", flat=True))
            venues = list(events.values_list("venue_id", flat=True))
            events.delete()
            from events.models import Organizer
            from venues.models import Venue

            Organizer.objects.filter(pk__in=hosts).delete()
            Venue.objects.filter(pk__in=venues).delete()
            week.delete()
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
