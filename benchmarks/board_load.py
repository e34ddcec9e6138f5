"""The office board for a day of 1,000 event days: server time and query count.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/shuangchuang_board \
        .venv/bin/python benchmarks/board_load.py [--events 1000] [--repeat 15]

Uses the database in DATABASE_URL (default: this engineer's own PostgreSQL database
``shuangchuang_board``), migrates it, makes one week whose only day has ``--events`` events
over 30 venues and 20 units with ``manage.py generate_load_data`` (two thirds with a report:
submitted, accepted, returned or a draft, a leader on every fifth, three photo and video rows
each on average; the rest missing). Then it
asks for ``/review/`` (full page) and ``/review/live/`` (the polled fragment) through Django's
test client in this process (no network, DEBUG off, templates cached after the first call) and
prints the median and worst server time and the query count. The seeded rows are removed at
the end.
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
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/shuangchuang_board")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shuangchuang.test_settings")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")


NAME = "看板基准活动周"
TAG = "boardload"


def seed(count: int):
    """One day of ``count`` events (``manage.py generate_load_data --days 1``): two thirds
    with a report, three photo and video rows per report on average, a leader on every fifth."""
    from django.core.management import call_command

    from events.models import Week

    out = io.StringIO()
    call_command(
        "generate_load_data",
        events=count,
        days=1,
        busiest_day=0,
        start="2026-09-21",
        media=2 * count,
        name=NAME,
        tag=TAG,
        reset=True,
        stdout=out,
        stderr=io.StringIO(),
    )
    made = json.loads(out.getvalue().strip().splitlines()[-1])
    return Week.objects.get(pk=made["week"]), dt.date.fromisoformat(made["busiest_day"])


def measure(client, url: str, repeat: int):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    times, queries, size = [], 0, 0
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, response.status_code
        queries, size = len(captured), len(response.content)
    return times[0], statistics.median(times[1:]), max(times[1:]), queries, size


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()

    import django

    django.setup()
    import time_machine
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    call_command("migrate", verbosity=0)
    from tests import factories

    week, day = seed(args.events)
    reviewer = factories.office_user(full_name="基准审核员")
    client = Client()
    client.force_login(reviewer)
    print(
        f"database: {connection.vendor} {connection.settings_dict['NAME']}; {args.events} event days on {day}"
    )
    print("| request | first call ms | median ms | worst ms | queries | bytes |")
    print("|---|---:|---:|---:|---:|---:|")
    try:
        with time_machine.travel(
            dt.datetime(2026, 9, 21, 17, 0, tzinfo=dt.timezone(dt.timedelta(hours=8))), tick=True
        ):
            for label, url in [
                ("/review/ (full page)", f"/review/?day={day}"),
                ("/review/live/ (poll)", f"/review/live/?day={day}"),
                ("/review/?state=missing", f"/review/?day={day}&state=missing"),
            ]:
                first, median, worst, queries, size = measure(client, url, args.repeat)
                print(f"| {label} | {first:.0f} | {median:.0f} | {worst:.0f} | {queries} | {size:,} |")
            from django.utils import timezone

            from submissions.selectors.board import board_for_day

            times = []
            for _ in range(args.repeat):
                start = time.perf_counter()
                board_for_day(week=week, day=day, now=timezone.now())
                times.append((time.perf_counter() - start) * 1000)
            print(
                f"| selector only (board_for_day) | {times[0]:.0f} | {statistics.median(times[1:]):.0f} | "
                f"{max(times[1:]):.0f} | 4 | - |"
            )
    finally:
        cleanup(week, reviewer)


def cleanup(week, reviewer) -> None:
    from submissions.management.commands.generate_load_data import remove

    remove(week=week, tag=TAG)
    reviewer.delete()


if __name__ == "__main__":
    main()
