"""The schedule's and the feeds' server time without the page cache: cold, with the event cards kept, after one change.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/shuangchuang_schedule_bench REDIS_URL=redis://127.0.0.1:6379/3 \
        .venv/bin/python benchmarks/schedule_render.py [--events 100 1000 5000] [--repeat 5] [--profile PATH]

Uses the database in DATABASE_URL (default ``shuangchuang_schedule_bench``, created when
missing; migrated) and the Redis of REDIS_URL as the shared cache (flushed: use a db of its
own). For each size it makes the current week with ``manage.py generate_load_data --events N
--venues 30 --units 20 --reset`` (today is its busiest day), ``VACUUM ANALYZE``s it and asks, through Django's test
client in this process (no network), the home page (today's events and the next), today's tab
``/schedule/``, all days ``/schedule/?day=all``, an event page and the week's feeds (.ics, JSON API, frab XML; they
keep no per-event piece, so their three cases differ only by the cache's state):

- **cache cleared**: the shared cache and this process's kept cards and week rows emptied
  before each request (no page, no event card, no row);
- **cards kept**: the public version bumped naming nothing before each request (what a week's
  change in the admin does, and what a process does with rows a minute old, one that no
  page was asked of for half a minute; a busier one reads them after a response): the page
  and the week's rows (``public.week_snapshot``) read again, the event cards from the previous
  render still in the cache;
- **one event changed**: an event's subtitle changed and the version bumped naming it (as the
  event services do), so the page is rendered again from the kept rows with that one row read
  again and its card new;
- **a venue renamed**: the venue of that event renamed and the version bumped naming the events
  at it and its sub-venues (as the venue's admin does): those rows read again, their cards new;
- **rows kept**: the version bumped naming no event (as the hall's and contests' services
  do): the page rendered again from the kept rows and cards;
- **rows half a minute old**: as "rows kept", the rows read more than half a minute ago: the
  page is made from them and they are read again once it is answered (``request_finished``).

``PUBLIC_WEEK_SNAPSHOT=0`` in the environment measures the pages without the kept rows.

Prints the median of ``--repeat`` requests (after one to load templates) in milliseconds, wall
and CPU time of this process until the response is answered (the machine may be shared:
waiting for a core counts in the first only; PostgreSQL's and Redis's work in neither), and
the wall time the process then still worked before it could take the next request when that
was more than half a millisecond, as a Markdown table. ``--profile PATH``
prints a cProfile of one more "cards kept" request of each page and feed to PATH.1, PATH.2,
… (in the order above) at the largest size.
"""

from __future__ import annotations

import argparse
import cProfile
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

os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/shuangchuang_schedule_bench")
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/3")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shuangchuang.test_settings")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
os.environ.setdefault("LOG_LEVEL", "ERROR")

SCENARIOS = (
    "cache cleared",
    "cards kept",
    "one event changed",
    "a venue renamed",
    "rows kept",
    "rows half a minute old",
)

# (wall, CPU) when each response was answered: the first receiver of ``request_finished``
# (connected before Django's set-up connects the project's), sent as the server closes it.
_answered: list[tuple[float, float]] = []


def _mark_answered(**_kwargs) -> None:
    _answered.append((time.perf_counter(), time.process_time()))


def generate(events: int) -> dict:
    from django.core.management import call_command
    from django.db import connection

    out = io.StringIO()
    call_command(
        "generate_load_data",
        events=events,
        venues=30,
        units=20,
        reset=True,
        stdout=out,
        stderr=io.StringIO(),
    )
    # Tables and statistics as autovacuum keeps them in production: without statistics
    # PostgreSQL plans the week's thousand events as one row (nested loops; the API's queries
    # took 2-4 ms each), and each --reset leaves the previous rows dead in the tables (after a
    # few runs, 25 dead rows for each live event made every page 10-20 % slower).
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    return json.loads(out.getvalue().strip().splitlines()[-1])


def prepare(scenario: str, event_id: int, turn: int) -> None:
    """Put the caches in the scenario's state (not timed)."""
    from django.core.cache import cache

    from core.fragments import forget_local_fragments
    from core.public_cache import NO_EVENT, bump_public_version
    from events.models import Event
    from public import week_snapshot

    if scenario == "cache cleared":
        cache.clear()
        forget_local_fragments()
        week_snapshot.forget()
    elif scenario == "one event changed":
        Event.objects.filter(pk=event_id).update(subtitle=f"压测变更活动（第{turn}次）")
        bump_public_version(events=[event_id])
    elif scenario == "a venue renamed":
        from venues.models import Venue
        from venues.selectors import events_at

        venue = Event.objects.select_related("venue").get(pk=event_id).venue
        # The generated name (its tag is how --reset finds it) and the turn.
        name = venue.name.split("（更名")[0]
        Venue.objects.filter(pk=venue.pk).update(name=f"{name}（更名{turn}）")
        bump_public_version(events=events_at([venue.pk]))
    elif scenario == "rows kept":
        bump_public_version(events=NO_EVENT)
    elif scenario == "rows half a minute old":
        bump_public_version(events=NO_EVENT)
        for snapshot in week_snapshot._held.values():
            snapshot.read_at -= week_snapshot.REFRESH_AGE + 1
    else:
        bump_public_version()


def timed(client, path: str) -> tuple[float, float, float]:
    """Wall and CPU ms until the response was answered, and wall ms of work after it."""
    _answered.clear()
    start, cpu = time.perf_counter(), time.process_time()
    response = client.get(path)
    done = time.perf_counter()
    assert response.status_code == 200, (path, response.status_code)
    answered, answered_cpu = _answered[0]
    return (answered - start) * 1000, (answered_cpu - cpu) * 1000, (done - answered) * 1000


def measure(client, path: str, scenario: str, event_id: int, repeat: int) -> tuple[float, float, float]:
    prepare(scenario, event_id, 0)
    if path.startswith("/events/"):
        # An event's page takes its event from the week's rows only when a list page read them
        # (it never reads a whole week itself): as in a served process, where the schedule's
        # pages are asked for all the time.
        client.get("/schedule/")
    client.get(path)  # templates loaded, cards stored
    walls, cpus, afters = [], [], []
    for turn in range(1, repeat + 1):
        prepare(scenario, event_id, turn)
        wall, cpu, after = timed(client, path)
        walls.append(wall)
        cpus.append(cpu)
        afters.append(after)
    return statistics.median(walls), statistics.median(cpus), statistics.median(afters)


def profile(client, path: str, event_id: int, out: str) -> None:
    prepare("cards kept", event_id, 0)
    client.get(path)
    prepare("cards kept", event_id, 0)
    profiler = cProfile.Profile()
    profiler.enable()
    client.get(path)
    profiler.disable()
    with open(out, "w") as stream:
        pstats.Stats(profiler, stream=stream).sort_stats("cumulative").print_stats(60)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--events", type=int, nargs="+", default=[100, 1000, 5000])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--profile", default="")
    args = parser.parse_args()

    ensure_database(script="schedule_render")
    import django
    from django.core.signals import request_finished

    request_finished.connect(_mark_answered)
    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import override_settings

    from shuangchuang.garbage import settle

    call_command("migrate", verbosity=0)
    redis_cache = {
        "default": {
            "BACKEND": "shuangchuang.redis_cache.PortalRedisCache",
            "LOCATION": os.environ["REDIS_URL"],
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
    results: dict[tuple[str, str, int], tuple[float, float, float]] = {}
    with override_settings(CACHES=redis_cache, DEBUG=False):
        assert settings.CACHES["default"]["BACKEND"].endswith("PortalRedisCache")
        client = Client()
        for size in args.events:
            made = generate(size)
            event_id = made["middle_event"]
            # As in a served process (shuangchuang/wsgi.py): what is loaded is frozen out of the
            # garbage collector's walks.
            settle()
            targets = [
                ("home page", "/"),
                ("/schedule/ (today)", "/schedule/"),
                ("/schedule/?day=all", "/schedule/?day=all"),
                ("event page", f"/events/{event_id}/"),
                ("/schedule.ics", "/schedule.ics"),
                ("/api/schedule.json", "/api/schedule.json"),
                ("/schedule.xml", "/schedule.xml"),
            ]
            for label, path in targets:
                for scenario in SCENARIOS:
                    results[(label, scenario, size)] = measure(client, path, scenario, event_id, args.repeat)
                    print(
                        f"{size:>5} {label:<20} {scenario:<18} {results[(label, scenario, size)]}",
                        file=sys.stderr,
                    )
            if args.profile and size == max(args.events):
                for number, (_label, path) in enumerate(targets, start=1):
                    profile(client, path, event_id, f"{args.profile}.{number}")

    sizes = args.events
    print("| page | case | " + " | ".join(f"{size:,} events" for size in sizes) + " |")
    print("|---|---|" + "---:|" * len(sizes))
    for label, _path in targets:
        for scenario in SCENARIOS:
            cells = [results[(label, scenario, size)] for size in sizes]
            print(
                f"| {label} | {scenario} | "
                + " | ".join(
                    f"{wall:.1f} ms (CPU {cpu:.1f}"
                    + (f"; then {after:.1f} ms after it)" if after > 0.5 else ")")
                    for wall, cpu, after in cells
                )
                + " |"
            )


if __name__ == "__main__":
    main()
