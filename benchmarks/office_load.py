"""Office and organizer pages at a busy day's scale: server time and query counts.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/shuangchuang_office_bench \
        .venv/bin/python benchmarks/office_load.py [--events 1000] [--busiest 150] [--media 3000] \
        [--small 300] [--repeat 21] [--profile /review/]

Uses the database in DATABASE_URL (default ``shuangchuang_office_bench``, created when
missing), migrates it and makes its data with ``manage.py generate_load_data`` (``--reset``):
first a small week (``--small`` events) to count queries, then the busy week (``--events``
events, ``--busiest`` on the busiest day, ``--media`` photo and video rows). The clock is set
to 17:00 of the busiest day (after its deadline: rows are on time, late, missing, accepted).

Each page is asked ``--repeat`` times through Django's test client in this process (no
network; templates cached after the first call) as an office reviewer or as the reporter of
the first unit (50 events in the week at 1,000): the board (full page and the polled live
rows), the event review queue, the reminder log, the organizer's dashboard and report list,
and the day's exports. For the zip (streamed) the time is to its first chunk; the .xlsx and
.docx are built whole before their first byte. Prints the first call, median and 95th
percentile in milliseconds, the median CPU time of this process (on a shared machine the
wall time includes waiting for a core) and the query count at both sizes (equal: constant). The
generated week is removed at the end. ``--profile PATH`` prints a pyinstrument profile of
one more request to PATH (``pip install pyinstrument``).
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from benchmarks.in_process import ensure_database  # noqa: E402 (after the path)

os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/shuangchuang_office_bench")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shuangchuang.test_settings")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
os.environ.setdefault("LOG_LEVEL", "ERROR")
NAME = "办公压测活动周"
TAG = "officeload"


def generate(events: int, busiest: int, media: int) -> dict:
    from django.core.management import call_command

    out = io.StringIO()
    call_command(
        "generate_load_data",
        events=events,
        busiest=busiest,
        media=media,
        start="2026-09-20",
        name=NAME,
        tag=TAG,
        office=f"{TAG}-office",
        reset=True,
        stdout=out,
        stderr=io.StringIO(),
    )
    return json.loads(out.getvalue().strip().splitlines()[-1])


def pages(made: dict) -> list[tuple[str, str, str]]:
    """(label, who, path) of every page measured."""
    day = made["busiest_day"]
    return [
        ("board (full page)", "office", f"/review/?day={day}"),
        ("board live rows (poll)", "office", f"/review/live/?day={day}"),
        ("board, missing only", "office", f"/review/?day={day}&state=missing"),
        ("event review queue", "office", "/review/events/"),
        ("reminder log", "office", f"/review/reminders/?day={day}"),
        ("organizer dashboard", "reporter", "/organizer/"),
        ("organizer report list", "reporter", "/organizer/reports/"),
        ("day export .xlsx (whole)", "office", f"/review/export/{day}/xlsx/"),
        ("day export .docx (whole)", "office", f"/review/export/{day}/docx/"),
        ("day export .zip (first chunk)", "office", f"/review/export/{day}/zip/"),
    ]


def request(client, path: str) -> tuple[float, float, int]:
    """Milliseconds to the first byte (a streamed answer's first chunk), of them the
    milliseconds this process spent on a core (the machine is shared: waiting for a core
    counts in the first figure only; PostgreSQL's work in neither), and queries."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        start, cpu = time.perf_counter(), time.process_time()
        response = client.get(path)
        if response.streaming:
            next(iter(response.streaming_content))
        elapsed, cpu = (time.perf_counter() - start) * 1000, (time.process_time() - cpu) * 1000
    assert response.status_code == 200, (path, response.status_code)
    if response.streaming:
        response.close()
    return elapsed, cpu, len(captured)


def clients(made: dict):
    from django.test import Client

    from events.models import User

    office, reporter = Client(), Client()
    office.force_login(User.objects.get(username=f"{TAG}-office"))
    reporter.force_login(User.objects.get(username=made["reporters"][0]["username"]))
    return {"office": office, "reporter": reporter}


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--events", type=int, default=1000)
    parser.add_argument("--busiest", type=int, default=150)
    parser.add_argument("--media", type=int, default=3000)
    parser.add_argument(
        "--small", type=int, default=300, help="events of the week whose queries are compared"
    )
    parser.add_argument("--repeat", type=int, default=21)
    parser.add_argument("--profile", help="a path to profile once more with pyinstrument")
    args = parser.parse_args()

    ensure_database(script="office_load")
    import django

    django.setup()
    import time_machine
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    small = args.small
    made = generate(small, max(1, args.busiest * small // args.events), args.media * small // args.events)
    clock = dt.datetime.fromisoformat(f"{made['busiest_day']}T17:00:00+08:00")
    with time_machine.travel(clock, tick=True):
        who = clients(made)
        small_queries = {}
        for label, role, path in pages(made):
            request(who[role], path)
            small_queries[label] = request(who[role], path)[2]
    made = generate(args.events, args.busiest, args.media)
    print(
        f"database: {connection.vendor} {connection.settings_dict['NAME']}; {os.cpu_count()} cores; "
        f"{made['events']} events in {len(made['days'])} days, {made['events_on_busiest_day']} on "
        f"{made['busiest_day']}, {made['reports']} reports, {made['media']} media rows; "
        f"queries also at {small} events"
    )
    print(
        f"\n| page | first call ms | median ms | p95 ms | median CPU ms | queries ({small} / {made['events']} events) |"
    )
    print("|---|---:|---:|---:|---:|---:|")
    try:
        with time_machine.travel(clock, tick=True):
            who = clients(made)
            for label, role, path in pages(made):
                times, cpus, queries = [], [], 0
                for _ in range(args.repeat):
                    elapsed, cpu, queries = request(who[role], path)
                    times.append(elapsed)
                    cpus.append(cpu)
                rest, cpu_rest = times[1:] or times, cpus[1:] or cpus
                print(
                    f"| {label} | {times[0]:.0f} | {statistics.median(rest):.1f} | {p95(rest):.1f} | "
                    f"{statistics.median(cpu_rest):.1f} | {small_queries[label]} / {queries} |"
                )
            if args.profile:
                from pyinstrument import Profiler

                role = "reporter" if args.profile.startswith("/organizer") else "office"
                profiler = Profiler(interval=0.0005)
                profiler.start()
                request(who[role], args.profile)
                profiler.stop()
                print(profiler.output_text(unicode=True, color=False, show_all=False))
    finally:
        from events.models import User, Week
        from submissions.management.commands.generate_load_data import remove

        week = Week.objects.filter(name=NAME).first()
        if week is not None:
            remove(week=week, tag=TAG)
        User.objects.filter(username=f"{TAG}-office").delete()


if __name__ == "__main__":
    main()
