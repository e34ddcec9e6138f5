"""Federation sync benchmark (issue 23): 30 sub-venue portals of 1,000 events each.

    .venv/bin/python benchmarks/federation_sync.py [--sources 30] [--events 1000] [--database NAME]

(Re)creates its own PostgreSQL database (default ``shuangchuang_federation_bench``, 127.0.0.1,
user postgres; the cache is Redis db 12 unless REDIS_URL says otherwise), migrates, and serves
``--sources`` generated answers of ``/api/schedule.json`` (this project's API shape, ``--events``
events each, gzipped as the portal sends them, with an ETag) from a local HTTP server in a
thread. Then syncs every source one after the other, as one worker would, three times:

1. first read: every event new;
2. unchanged: the same ETag again (304);
3. changed: a new ETag, 1% of the events edited and 1% gone.

Prints, per round, the time per source (median, 95th percentile, max) and the queries per
source, and the rows in the database at the end.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gzip
import json
import os
import statistics
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def payload(source: int, events: int, *, version: int) -> dict:
    start = dt.datetime(2026, 9, 15, 9, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    items = []
    for n in range(events):
        if version and n % 100 == 0:
            continue  # 1% gone in the changed round
        begins = start + dt.timedelta(days=n % 30, hours=n % 8)
        subtitle = f"第{n}场 创新创业项目路演与产学研对接会（{source}号分会场）"
        if version and n % 100 == 1:
            subtitle += "（时间调整）"  # 1% edited
        items.append(
            {
                "id": n + 1,
                "title": "2026年全国大众创业万众创新活动周——" + subtitle,
                "subtitle": subtitle,
                "form": "roadshow",
                "themes": ["科技创新", "创业就业"],
                "place_kind": "venue",
                "venue_id": 1,
                "place": "创客空间",
                "where": f"高新区创业服务中心 · 创客空间 {n % 12} 号厅",
                "online_url": None,
                "address": "高新区创业路 1 号",
                "starts_at": begins.isoformat(),
                "ends_at": (begins + dt.timedelta(hours=2)).isoformat(),
                "host": f"{source}号市科技局",
                "hosts": [f"{source}号市科技局"],
                "units": [{"role": "host", "name": f"{source}号市科技局"}],
                "live_url": f"https://live.example.com/{source}/{n}" if n % 5 == 0 else None,
                "status": "cancelled" if n % 97 == 0 else "approved",
                "cancel_reason": None,
                "description": "路演项目介绍。" * 20,
                "url": f"https://city{source}.example.cn/events/{n + 1}/",
                "ics_url": f"https://city{source}.example.cn/events/{n + 1}.ics",
                "updated_at": start.isoformat(),
            }
        )
    return {
        "api_version": "1.0",
        "week": {
            "id": 1,
            "name": f"{source}号分会场双创周",
            "starts_on": "2026-09-15",
            "ends_on": "2026-10-15",
        },
        "forms": [{"id": "roadshow", "name": "项目路演"}],
        "venues": [{"id": 1, "name": "创业服务中心", "kind": "main"}],
        "events": items,
    }


class Portals:
    """Every source's answer, by path: (etag, gzipped body)."""

    def __init__(self):
        self.answers: dict[str, tuple[str, bytes]] = {}

    def set(self, source: int, data: dict, etag: str) -> int:
        body = gzip.compress(json.dumps(data, ensure_ascii=False).encode(), 6)
        self.answers[f"/s{source}/api/schedule.json"] = (etag, body)
        return len(body)

    def handler(self):
        answers = self.answers

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_GET(self):
                etag, body = answers.get(self.path, ("", b""))
                if not body:
                    self.send_response(404)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                if self.headers.get("If-None-Match") == etag:
                    self.send_response(304)
                    self.send_header("ETag", etag)
                    self.end_headers()
                    return
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Encoding", "gzip")
                self.send_header("ETag", etag)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        return Handler


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sources", type=int, default=30)
    parser.add_argument("--events", type=int, default=1000)
    parser.add_argument("--database", default="shuangchuang_federation_bench")
    options = parser.parse_args()
    subprocess.run(
        ["dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", options.database], check=True
    )
    subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", options.database], check=True)
    os.environ.update(
        DATABASE_URL=f"postgres://postgres@127.0.0.1:5432/{options.database}",
        DJANGO_SETTINGS_MODULE="shuangchuang.settings",
        SECRET_KEY="benchmark-only",
        DEBUG="0",
    )
    os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/12")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    run(options.sources, options.events)


def run(sources: int, events: int) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from federation import services
    from federation.models import RemoteEvent, Source

    portals = Portals()
    server = ThreadingHTTPServer(("127.0.0.1", 0), portals.handler())
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    sizes = [portals.set(n, payload(n, events, version=0), f'"v0-{n}"') for n in range(sources)]
    ids = [
        Source.objects.create(name=f"{n}号分会场", city=f"城市{n}", base_url=f"{base}/s{n}").pk
        for n in range(sources)
    ]
    print(f"{sources} sources × {events} events; gzipped answer {statistics.mean(sizes) / 1024:.0f} KB each")

    def round_(label: str) -> None:
        times, queries, outcomes = [], [], set()
        for source_id in ids:
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                outcome = services.source_sync(source_id=source_id)
                times.append((time.perf_counter() - started) * 1000)
            queries.append(len(captured.captured_queries))
            outcomes.add(outcome.status)
        times.sort()
        p95 = times[max(0, int(len(times) * 0.95) - 1)]
        print(
            f"{label:<34} {sum(times) / 1000:6.2f} s in all · per source median {statistics.median(times):6.1f} ms"
            f" · p95 {p95:6.1f} ms · max {times[-1]:6.1f} ms · queries {min(queries)}–{max(queries)}"
            f" · {sorted(outcomes)}"
        )

    round_("1. first read (all new)")
    round_("2. unchanged (304)")
    for n in range(sources):
        portals.set(n, payload(n, events, version=1), f'"v1-{n}"')
    round_("3. 1% edited, 1% gone")
    print(f"rows: {RemoteEvent.objects.count()} remote events in {Source.objects.count()} sources")
    server.shutdown()


if __name__ == "__main__":
    main()
