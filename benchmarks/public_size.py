"""How much the public schedule weighs on the wire: raw and as served gzipped.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/shuangchuang_office_bench \
        .venv/bin/python benchmarks/public_size.py [--events 1000]

Makes the week with ``manage.py generate_load_data --events N`` (``--reset``; removed at the
end), asks each page twice as an anonymous visitor that accepts gzip (Django's test client in
this process; the second answer comes from the page cache, gzipped once per version by
``core.public_cache``) and prints the raw size, the size on the wire, and for comparison
``gzip -9`` and brotli (when installed) of the same bytes. The goal for the all-days page is
under 150 KB compressed.
"""

from __future__ import annotations

import argparse
import gzip
import io
import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/shuangchuang_office_bench")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shuangchuang.test_settings")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
os.environ.setdefault("LOG_LEVEL", "ERROR")
NAME = "体积压测活动周"
TAG = "sizeload"
PAGES = [
    ("/schedule/?day=all", "all days"),
    ("/schedule/", "today's tab"),
    ("/schedule.ics", "schedule.ics"),
    ("/api/schedule.json", "api/schedule.json"),
    ("/schedule.xml", "schedule.xml"),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--events", type=int, default=1000)
    args = parser.parse_args()

    import django

    django.setup()
    from django.core.cache import cache
    from django.core.management import call_command
    from django.test import Client

    from events.models import Week
    from submissions.management.commands.generate_load_data import remove

    call_command("migrate", verbosity=0)
    out = io.StringIO()
    call_command(
        "generate_load_data",
        events=args.events,
        name=NAME,
        tag=TAG,
        reset=True,
        stdout=out,
        stderr=io.StringIO(),
    )
    made = json.loads(out.getvalue().strip().splitlines()[-1])
    cache.clear()
    try:
        brotli = __import__("brotli")
    except ImportError:
        brotli = None
    print(
        f"{made['events']} events in {len(made['days'])} days (generate_load_data), anonymous, Accept-Encoding: gzip"
    )
    print("\n| page | raw KB | served KB (Content-Encoding) | gzip -9 KB | brotli KB |")
    print("|---|---:|---:|---:|---:|")
    client = Client(HTTP_ACCEPT_ENCODING="gzip, br")
    try:
        for path, label in PAGES:
            client.get(path)  # renders and stores the page
            response = client.get(path)
            if response.status_code != 200:
                print(f"| {label} | status {response.status_code} | | | |")
                continue
            wire = b"".join(response.streaming_content) if response.streaming else response.content
            encoding = response.headers.get("Content-Encoding", "")
            raw = gzip.decompress(wire) if encoding == "gzip" else wire
            best = len(gzip.compress(raw, compresslevel=9)) / 1024
            small = f"{len(brotli.compress(raw)) / 1024:.1f}" if brotli else "-"
            print(
                f"| {label} | {len(raw) / 1024:.1f} | {len(wire) / 1024:.1f} ({encoding or 'none'}) | "
                f"{best:.1f} | {small} |"
            )
    finally:
        week = Week.objects.filter(name=NAME).first()
        if week is not None:
            remove(week=week, tag=TAG)


if __name__ == "__main__":
    main()
