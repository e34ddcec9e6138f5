"""Uncached JSON API and frab schedule (XML and JSON): render time before and after issue 21's rewrite.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/shuangchuang_feeds_bench \
        .venv/bin/python benchmarks/feeds_render.py [--sizes 100,1000,5000] [--repeat 5] [--profile api]

Uses the database in DATABASE_URL (default ``shuangchuang_feeds_bench``, created when
missing; PostgreSQL), migrates it, and for each size makes the week of ``manage.py
generate_load_data --events N`` (30 venues, 20 units, as ``public_load`` seeds it; no reports
nor media rows, which no feed reads), analyzes it, and removes it again at the end.

Each feed is rendered in this process, ``--repeat`` times after one warm-up call, three ways:

- *before*: the code the feeds ran before the rewrite (model instances from
  ``events.selectors.public.week_events``, ElementTree, one ``reverse()`` and form label per
  event), kept as the reference of ``tests/public/test_feed_writers.py`` and imported from it;
- *after*: the view's ``get`` (the current week, the rows of
  ``events.selectors.public.week_rows``, the writer, the response's bytes);
- *through Django*: the first GET after a change (the public cache emptied before each one,
  outside the timing) with the test client: middleware, the view, and the public cache
  storing the answer (gzipped); what a visitor waits for after the office approves an event.

It prints medians in milliseconds, the median CPU time of this process for *before* and
*after* (the machine is shared: wall time includes waiting for a core, and PostgreSQL's work is in neither
CPU figure), the body's size, the queries of the view, and whether the before and
after bodies are the same bytes. ``--profile api|xml|frab`` prints a cProfile of one more
*after* render at the largest size.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import io
import json
import os
import pstats
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from benchmarks.in_process import ensure_database  # noqa: E402 (after the path)

os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/shuangchuang_feeds_bench")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shuangchuang.test_settings")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
os.environ.setdefault("LOG_LEVEL", "ERROR")
NAME = "订阅源压测活动周"
TAG = "feedsrender"


def generate(events: int) -> dict:
    from django.core.management import call_command

    out = io.StringIO()
    call_command(
        "generate_load_data",
        events=events,
        venues=30,
        units=20,
        media=0,
        reports=0,
        name=NAME,
        tag=TAG,
        reset=True,
        stdout=out,
        stderr=io.StringIO(),
    )
    return json.loads(out.getvalue().strip().splitlines()[-1])


def feeds() -> list[tuple[str, str, object, object]]:
    """(key, label, before, after): ``before`` renders the old way, ``after`` calls the view;
    both return the body's bytes."""
    from django.test import RequestFactory

    from events.models import Week
    from events.selectors.public import week_events
    from public.views import feeds as views
    from tests.public import test_feed_writers as reference
    from venues.selectors import venues_in_order

    factory = RequestFactory()

    def view(view_class):
        return lambda: view_class().get(factory.get("/")).content

    def old_api() -> bytes:
        week = Week.objects.current()
        data = reference.reference_api(week_events(week=week), week=week, venues=list(venues_in_order()))
        return reference.reference_json_bytes(data)

    def old_xml() -> bytes:
        week = Week.objects.current()
        return reference.reference_xml(week_events(week=week), week=week)

    def old_frab_json() -> bytes:
        week = Week.objects.current()
        return reference.reference_json_bytes(
            reference.reference_frab_json(week_events(week=week), week=week)
        )

    return [
        ("api", "/api/schedule.json", old_api, view(views.ApiScheduleView)),
        ("xml", "/schedule.xml", old_xml, view(views.ScheduleXmlView)),
        ("frab", "/schedule.frab.json", old_frab_json, view(views.ScheduleFrabJsonView)),
    ]


def timed(render, repeat: int) -> tuple[float, float, bytes]:
    """Median wall and CPU milliseconds of ``repeat`` calls after a warm-up, and the body."""
    gc.collect()  # the garbage of the previous series is not this one's
    body = render()
    walls, cpus = [], []
    for _ in range(repeat):
        start, cpu = time.perf_counter(), time.process_time()
        render()
        walls.append((time.perf_counter() - start) * 1000)
        cpus.append((time.process_time() - cpu) * 1000)
    return statistics.median(walls), statistics.median(cpus), body


def queries_of(render) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        render()
    return len(captured)


def through_django(client, path: str, repeat: int) -> float:
    """Median milliseconds of a GET the public cache cannot answer."""
    from django.core.cache import cache

    cache.clear()
    response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    walls = []
    for _ in range(repeat):
        cache.clear()
        start = time.perf_counter()
        client.get(path)
        walls.append((time.perf_counter() - start) * 1000)
    return statistics.median(walls)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="100,1000,5000", help="events in the week, comma-separated")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--profile", choices=["api", "xml", "frab"])
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",")]

    ensure_database(script="feeds_render", required=True)
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.utils import translation

    call_command("migrate", verbosity=0)
    translation.activate(settings.LANGUAGE_CODE)
    client = Client()
    rows = []
    try:
        for size in sizes:
            generate(size)
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")  # fresh rows: plans as on a database autovacuum has seen
            for key, path, before, after in feeds():
                old_ms, old_cpu, old_body = timed(before, args.repeat)
                new_ms, new_cpu, new_body = timed(after, args.repeat)
                django_ms, queries = through_django(client, path, args.repeat), queries_of(after)
                same = old_body == new_body
                rows.append(
                    (path, size, old_ms, old_cpu, new_ms, new_cpu, django_ms, len(new_body), queries, same)
                )
                if args.profile == key and size == sizes[-1]:
                    profile = cProfile.Profile()
                    profile.runcall(after)
                    pstats.Stats(profile, stream=sys.stderr).sort_stats("tottime").print_stats(25)
    finally:
        from events.models import Week
        from submissions.management.commands.generate_load_data import remove

        week = Week.objects.filter(name=NAME).first()
        if week is not None:
            remove(week=week, tag=TAG)

    load = os.getloadavg()
    print(
        f"database: {connection.vendor} {connection.settings_dict['NAME']}; {os.cpu_count()} cores; "
        f"load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} at the end; median of {args.repeat}"
    )
    print(
        "\n| feed | events | before ms | before CPU ms | after ms | after CPU ms | through Django ms | KB "
        "| queries | same bytes |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    for path, size, old_ms, old_cpu, new_ms, new_cpu, django_ms, size_bytes, queries, same in sorted(rows):
        print(
            f"| {path} | {size:,} | {old_ms:.1f} | {old_cpu:.1f} | {new_ms:.1f} | {new_cpu:.1f} | {django_ms:.1f} | "
            f"{size_bytes / 1024:.0f} | {queries} | {'yes' if same else 'NO'} |"
        )
    if not all(row[-1] for row in rows):
        sys.exit("the rewritten feeds differ from the reference")


if __name__ == "__main__":
    main()
