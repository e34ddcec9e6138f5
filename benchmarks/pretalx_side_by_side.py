"""The portal and pretalx side by side: the same week's schedule, pages and feeds, served uncached (issue 21).

    # the portal, served by gunicorn (1 sync worker) with the production settings, and this
    # process set up with the same environment (it bumps the public version between requests):
    set -a; . /path/to/portal.env; set +a
    .venv/bin/python benchmarks/pretalx_side_by_side.py \\
        --portal http://127.0.0.1:8378 \\
        --pretalx http://127.0.0.1:8377 --pretalx-event sc2026 [--repeat 15] [--warmup 2] [--pause 0.1]

Either side may be left out: without ``--pretalx`` only the portal is measured, without
``--portal`` only pretalx (and no Django is set up here). Both servers should hold the same
shape of data: the portal's week from ``manage.py generate_load_data --events 1000 --venues 30
--units 20 --reset`` (then ``ANALYZE``), and one pretalx event of 7 days, 30 rooms and 1,000
confirmed talks of two hours on the same days (15% of them today), its schedule released.

It asks over HTTP (``http.client``, one request at a time, with a browser's Accept header but
no compression, a new connection each time as gunicorn's sync worker closes it) for what a
visitor gets from each:

| what | portal | pretalx |
|---|---|---|
| all days, as HTML | ``/schedule/?day=all`` | ``/<event>/schedule/nojs`` (the page without JavaScript) |
| today's tab | ``/schedule/`` | none: ``/<event>/schedule/`` is a 14 KB shell whose script loads ``widgets/schedule.json`` and picks the day in the browser; both are measured as pretalx-only rows |
| iCalendar | ``/schedule.ics`` | ``/<event>/schedule.ics`` |
| frab XML | ``/schedule.xml`` | ``/<event>/schedule.xml`` |
| frab JSON | ``/schedule.frab.json`` | ``/<event>/schedule/export/schedule.json`` |
| one event | ``/events/<id>/`` (the middle one by id) | ``/<event>/talk/<code>/`` (the middle one by start) |

Every URL is checked first (200 and the expected content type); one that fails is left out
and said so. Each is then asked ``--warmup`` times untimed and ``--repeat`` times timed (the
wall time to the last byte), and the table gives the median and p90 in milliseconds and the
body's size in KB (1,000 bytes), with the Cache-Control the server sent.

- The portal **re-rendered**: before each timed request the public version is bumped with the
  project's own ``core.public_cache.bump_public_version()`` in this process (against the same
  database and Redis as the server; the bump is not timed), as any approval or change does,
  so the page cache misses and the page is rendered again. The event cards (``core.fragments``)
  the worker holds in memory stay, as they do after a change in production. That the bump
  reaches the server is checked first (``Last-Modified`` moves after a bump, not without one).
- The portal **one event changed**: the bump names the event of the event page (as the event
  services name what they change; the event is not edited): the page cache misses, and a
  worker holding the week's rows (``public.week_snapshot``) reads that event's again and keeps
  the rest, where "re-rendered" (a bump that names nothing, as a venue's or the week's edit)
  has it read them all again.
- The portal **hall changed**: the bump names no event (``NO_EVENT``, as the online hall's and
  contests' services bump): every page is rendered again from the kept rows; an event's page,
  like after another event's change, from its kept row.
- The portal **warm**: no bump; the page comes from the page cache.
- ``--pause``: seconds to wait before each timed request. The portal's worker does some work
  after a response is sent (the week's rows read again when a page found them stale or half
  a minute old, ``public.week_snapshot.read_due_after_response``); asked back to back (0, the
  default), the next request waits for it, as on a worker kept busy; with a pause, as on a
  site whose workers are idle between visitors. pretalx does nothing after its responses.
- pretalx **as served**: it has no page cache of its own for these pages (its widget data is
  cached only with Redis configured; without it every answer is rendered afresh).

Prints ``uptime`` before and after, and the Markdown table on stdout (progress on stderr).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]

# (label, portal path or None, pretalx path template or None, expected content type prefixes)
ENDPOINTS = [
    ("all days (HTML)", "/schedule/?day=all", "/{event}/schedule/nojs", ("text/html",)),
    ("today's tab (HTML)", "/schedule/", None, ("text/html",)),
    ("iCalendar", "/schedule.ics", "/{event}/schedule.ics", ("text/calendar",)),
    ("frab XML", "/schedule.xml", "/{event}/schedule.xml", ("application/xml", "text/xml")),
    ("frab JSON", "/schedule.frab.json", "/{event}/schedule/export/schedule.json", ("application/json",)),
    ("one event (HTML)", "/events/{id}/", "/{event}/talk/{code}/", ("text/html",)),
    ("pretalx JS schedule shell", None, "/{event}/schedule/", ("text/html",)),
    ("pretalx widget data", None, "/{event}/schedule/widgets/schedule.json", ("application/json",)),
]


# A browser's: pretalx answers its schedule pages as ASCII art to a client that sends no Accept.
BROWSER_HEADERS = {
    "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
    "Accept-Language": "zh-CN,zh;q=0.9",
    "Accept-Encoding": "identity",
    "User-Agent": "pretalx_side_by_side",
}


def fetch(base: str, path: str) -> tuple[float, int, str, dict, bytes]:
    """One GET on a new connection: (ms to the last byte, status, content type, headers, body)."""
    parts = urlsplit(base)
    connection_class = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
    prefix = parts.path.rstrip("/")
    start = time.perf_counter()
    connection = connection_class(parts.hostname, parts.port, timeout=120)
    try:
        connection.request(
            "GET",
            prefix + path,
            headers=BROWSER_HEADERS,
        )
        response = connection.getresponse()
        body = response.read()
    finally:
        connection.close()
    elapsed = (time.perf_counter() - start) * 1000
    headers = {name.lower(): value for name, value in response.getheaders()}
    return elapsed, response.status, headers.get("content-type", ""), headers, body


def p90(values: list[float]) -> float:
    return statistics.quantiles(values, n=10, method="inclusive")[8] if len(values) > 1 else values[0]


def setup_portal() -> None:
    """Django in this process with the server's environment, for ``bump_public_version``."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shuangchuang.settings")
    missing = [name for name in ("DATABASE_URL", "REDIS_URL", "SECRET_KEY") if not os.environ.get(name)]
    if missing:
        sys.exit(
            f"--portal needs the server's environment here (missing: {', '.join(missing)}): "
            "the same DATABASE_URL and REDIS_URL as the gunicorn it measures"
        )
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def bump(events: list[int] | None = None) -> None:
    from core.public_cache import bump_public_version

    if bump_public_version(events=events) is None:
        sys.exit("bump_public_version() found no shared cache: is REDIS_URL the server's?")


def middle_portal_event() -> int:
    from events.models import Event

    ids = list(
        Event.objects.filter(week__is_current=True, status=Event.Status.APPROVED)
        .order_by("id")
        .values_list("id", flat=True)
    )
    if not ids:
        sys.exit("The portal has no approved event in the current week: run generate_load_data first.")
    return ids[len(ids) // 2]


def middle_pretalx_talk(base: str, event: str) -> str:
    _ms, status, _type, _headers, body = fetch(base, f"/{event}/schedule/widgets/schedule.json")
    if status != 200:
        sys.exit(
            f"pretalx: /{event}/schedule/widgets/schedule.json answered {status}: is the schedule released?"
        )
    talks = sorted(json.loads(body)["talks"], key=lambda talk: (talk.get("start") or "", talk["code"]))
    if not talks:
        sys.exit(f"pretalx: the released schedule of {event} has no talk")
    return talks[len(talks) // 2]["code"]


def check(base: str, path: str, types: tuple[str, ...]) -> str | None:
    """None when the URL answers 200 with one of ``types``, else why not."""
    try:
        _ms, status, content_type, _headers, _body = fetch(base, path)
    except OSError as error:
        return f"{error}"
    if status != 200:
        return f"status {status}"
    if not content_type.startswith(types):
        return f"content type {content_type!r}"
    return None


def check_bump_reaches(base: str, path: str) -> None:
    """Last-Modified (seconds) moves after a bump and stays without one: the bump in this
    process and the server share the version."""
    fetch(base, path)
    first = fetch(base, path)[3].get("last-modified")
    time.sleep(1.1)
    same = fetch(base, path)[3].get("last-modified")
    time.sleep(1.1)
    bump()
    moved = fetch(base, path)[3].get("last-modified")
    if not (first == same and moved != same):
        sys.exit(
            f"The bump does not reach the server ({path}: Last-Modified {first!r}, {same!r} "
            f"without a bump, {moved!r} after one): give this process the server's DATABASE_URL and REDIS_URL."
        )


def measure(base: str, path: str, *, warmup: int, repeat: int, before=None, pause: float = 0.0) -> dict:
    for _ in range(warmup):
        if before:
            before()
        fetch(base, path)
    times, sizes, cache_control = [], set(), set()
    for _ in range(repeat):
        if before:
            before()
        time.sleep(pause)
        elapsed, status, _type, headers, body = fetch(base, path)
        if status != 200:
            sys.exit(f"{base}{path} answered {status} while timed")
        times.append(elapsed)
        sizes.add(len(body))
        cache_control.add(headers.get("cache-control", "—"))
    return {
        "median": statistics.median(times),
        "p90": p90(times),
        "kb": max(sizes) / 1000,
        "cache_control": " / ".join(sorted(cache_control)),
    }


def uptime() -> str:
    try:
        # In UTC: Django's setup sets TZ to TIME_ZONE in this process.
        return subprocess.run(
            ["uptime"], capture_output=True, text=True, check=False, env={**os.environ, "TZ": "UTC"}
        ).stdout.strip()
    except OSError:
        return " ".join(open("/proc/loadavg").read().split()[:3])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--portal", help="the portal's base URL, e.g. http://127.0.0.1:8378")
    parser.add_argument(
        "--portal-event", type=int, help="the portal event page's id (default: the middle one)"
    )
    parser.add_argument("--pretalx", help="pretalx's base URL, e.g. http://127.0.0.1:8377")
    parser.add_argument("--pretalx-event", help="the pretalx event's slug (needed with --pretalx)")
    parser.add_argument("--pretalx-talk", help="the pretalx talk's code (default: the middle one by start)")
    parser.add_argument("--repeat", type=int, default=15, help="timed requests per endpoint and case (15)")
    parser.add_argument("--warmup", type=int, default=2, help="untimed requests before them (2)")
    parser.add_argument(
        "--pause",
        type=float,
        default=0.0,
        help="seconds to wait before each timed request (0): the portal's worker then has done what "
        "it does after a response (the week's rows read again) before the request, as on a site "
        "whose workers are not kept busy; 0 asks back to back",
    )
    args = parser.parse_args()
    if not (args.portal or args.pretalx):
        parser.error("give --portal, --pretalx or both")
    if args.pretalx and not args.pretalx_event:
        parser.error("--pretalx needs --pretalx-event SLUG")

    names = {}
    if args.portal:
        setup_portal()
        names["id"] = args.portal_event or middle_portal_event()
    if args.pretalx:
        names["event"] = args.pretalx_event
        names["code"] = args.pretalx_talk or middle_pretalx_talk(args.pretalx, args.pretalx_event)

    # What each side answers, checked before anything is timed.
    plan, left_out = [], []
    for label, portal_path, pretalx_path, types in ENDPOINTS:
        for side, base, template in (
            ("portal", args.portal, portal_path),
            ("pretalx", args.pretalx, pretalx_path),
        ):
            if not base:
                continue
            if template is None:
                if side == "pretalx":
                    left_out.append(f"pretalx has no {label}")
                continue
            path = template.format(**names)
            problem = check(base, path, types)
            if problem:
                left_out.append(f"{side} {path}: {problem}")
            else:
                plan.append((label, side, base, path))
    if args.portal:
        print("checking that a bump here reaches the portal's server…", file=sys.stderr)
        check_bump_reaches(args.portal, "/schedule.ics")

    load_before = uptime()
    rows = []
    for label, side, base, path in plan:
        if side == "portal":
            cases = [
                ("re-rendered", bump),
                ("one event changed", lambda: bump(events=[names["id"]])),
                ("hall changed", lambda: bump(events=[])),
                ("warm", None),
            ]
        else:
            cases = [("as served", None)]
        for case, before in cases:
            if side == "portal" and path.startswith("/events/"):
                # An event's page takes its event from the week's rows a list page read (it
                # reads no week itself); on a live site the schedule is asked for all the time.
                bump()
                fetch(base, "/schedule/")
            result = measure(
                base, path, warmup=args.warmup, repeat=args.repeat, before=before, pause=args.pause
            )
            rows.append((label, side, path, case, result))
            print(f"{label:<26} {side:<8} {case:<12} {result['median']:8.1f} ms", file=sys.stderr)
    load_after = uptime()

    print(f"uptime before: `{load_before}`  ")
    print(f"uptime after: `{load_after}`  ")
    print(
        f"{args.repeat} sequential requests per row after {args.warmup} warm-ups, "
        f"{args.pause:g} s apart; wall time to the last byte; no compression asked for.\n"
    )
    print("| what | server | path | case | median ms | p90 ms | body KB | Cache-Control |")
    print("|---|---|---|---|---:|---:|---:|---|")
    for label, side, path, case, result in rows:
        print(
            f"| {label} | {side} | `{path}` | {case} | {result['median']:.1f} | {result['p90']:.1f} "
            f"| {result['kb']:,.0f} | {result['cache_control']} |"
        )
    if left_out:
        print("\nLeft out: " + "; ".join(left_out) + ".")


if __name__ == "__main__":
    main()
