"""Benchmark of one reminder tick with 2,000 event days due, and of the sends behind it.

    .venv/bin/python benchmarks/reminders_tick.py [--days 2000] [--small 200] [--concurrency 2]

What it does, on this machine and loopback only:

1. (re)creates its own PostgreSQL database ``shuangchuang_reminders`` and uses Redis db 6
   with a queue of its own; production settings (``shuangchuang.settings``);
2. makes one week running today with ``--small`` approved one-day events, each with its own
   information reporter (so each event day is due a reminder to one person on two channels:
   e-mail and in-site notice), and a reminder slot at the current minute in the week's zone
   (a fixed-offset zone in which it is about noon, so the deadline is later the same day),
   with ``manage.py generate_load_data``;
3. runs one tick in this process (``reminders_tick``, as the beat task does) and counts its
   SQL queries and time; the sends are only queued (no worker yet) and then dropped;
4. makes the week again with ``--days`` event days and does the same: the query count must
   not move;
5. clears the claims, starts a real Celery worker (``--concurrency`` processes, file e-mail
   backend into a temporary folder) and times one tick end to end: from the tick's start
   until no reminder is pending any more, then counts the e-mail files.

The worker is started with a pidfile and stopped at the end whatever happens.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
DB_NAME = "shuangchuang_reminders"
PG = "postgres://postgres@127.0.0.1:5432"
REDIS = "redis://127.0.0.1:6379/6"
QUEUE = f"bench-reminders-{uuid.uuid4().hex[:8]}"


def recreate_database() -> None:
    for statement in (f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)', f'CREATE DATABASE "{DB_NAME}"'):
        subprocess.run(["psql", f"{PG}/postgres", "-q", "-c", statement], check=True)


def configure() -> None:
    os.environ.update(
        DJANGO_SETTINGS_MODULE="shuangchuang.settings",
        SECRET_KEY="benchmark-only-secret-key-0123456789abcdefghijklmnopqrstuvwxyz",
        DATABASE_URL=f"{PG}/{DB_NAME}",
        REDIS_URL=REDIS,
        CELERY_BROKER_URL=REDIS,
        CELERY_QUEUE=QUEUE,
        LOG_LEVEL="WARNING",
    )
    import django

    django.setup()


def midday_zone() -> ZoneInfo:
    offset = 12 - dt.datetime.now(dt.UTC).hour
    return ZoneInfo(f"Etc/GMT{-offset:+d}" if offset else "Etc/UTC")


def seed(count: int):
    """``count`` approved one-day events today, one reporter each, on 50 host units, in a week
    of one day in ``midday_zone`` with a reminder slot at the current minute and the deadline
    two hours later: ``manage.py generate_load_data`` (``--reset``: the week is made again at
    each size)."""
    from django.core.management import call_command

    from events.models import Week

    zone = midday_zone()
    local_now = dt.datetime.now(zone)
    units = min(50, count)
    out = io.StringIO()
    call_command(
        "generate_load_data",
        events=count,
        days=1,
        busiest_day=0,
        start=local_now.date().isoformat(),
        units=units,
        reporters=count - count % units,
        hours="6-6",
        evening=0,
        cancelled=0,
        reports=0,
        media=0,
        time_zone=str(zone),
        deadline=(local_now + dt.timedelta(hours=2)).strftime("%H:%M"),
        set=[f'reminder_times=["{local_now.strftime("%H:%M")}"]'],
        name="提醒压测活动周",
        tag="remindload",
        reset=True,
        stdout=out,
        stderr=io.StringIO(),
    )
    return Week.objects.get(pk=json.loads(out.getvalue().strip().splitlines()[-1])["week"])


def measured_tick():
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from submissions.services.reminders import reminders_tick

    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        result = reminders_tick(now=timezone.now())
        seconds = time.perf_counter() - started
    return result, len(queries), seconds


def drop_claims_and_queue() -> None:
    import redis

    from submissions.models import Reminder

    Reminder.objects.all().delete()
    redis.Redis.from_url(REDIS).delete(QUEUE)


def end_to_end(concurrency: int, folder: Path) -> tuple[float, float, int, int]:
    from django.db import connection

    from core.models import OutboxMessage
    from submissions.models import Reminder
    from tests.celery_processes import CeleryProcess

    env = {**os.environ, "EMAIL_URL": f"filemail:///{folder / 'mail'}", "LOG_LEVEL": "INFO"}
    worker = CeleryProcess(
        [
            "worker",
            "-Q",
            QUEUE,
            f"--concurrency={concurrency}",
            "--pool=prefork",
            f"--hostname=bench-{uuid.uuid4().hex[:6]}@%h",
        ],
        env=env,
        folder=folder,
        name="bench-worker",
    )
    try:
        worker.wait_for("ready.")
        started = time.perf_counter()
        result, _queries, tick_seconds = measured_tick()
        # Handed to the outbox is not yet sent: wait for the outbox's own tasks too.
        while (
            Reminder.objects.filter(status=Reminder.Status.PENDING).exists()
            or OutboxMessage.objects.filter(status__in=["pending", "sending"]).exists()
        ):
            time.sleep(0.1)
        total = time.perf_counter() - started
    finally:
        worker.stop()
        connection.close()
    mails = sum(
        len(re.findall(r"^To: ", log.read_text(errors="replace"), flags=re.MULTILINE))
        for log in (folder / "mail").glob("*.log")
    )
    return tick_seconds, total, result.queued, mails


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=2000)
    parser.add_argument("--small", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=2)
    options = parser.parse_args()

    recreate_database()
    configure()
    from django.core.management import call_command

    from submissions.models import Reminder

    call_command("migrate", verbosity=0)
    rows = []
    for size in (options.small, options.days):
        seed(size)
        result, queries, seconds = measured_tick()
        rows.append((size, queries, seconds, result.queued, Reminder.objects.count()))
        drop_claims_and_queue()

    with tempfile.TemporaryDirectory(prefix="reminders-bench-") as folder:
        tick_seconds, total, queued, mails = end_to_end(options.concurrency, Path(folder))
    sent = Reminder.objects.filter(status__in=[Reminder.Status.SENT, Reminder.Status.HANDED_OVER]).count()

    print("| event days due | SQL queries in the tick | tick time (s) | reminder rows claimed |")
    print("|---:|---:|---:|---:|")
    for size, queries, seconds, _queued, claimed in rows:
        print(f"| {size:,} | {queries} | {seconds:.2f} | {claimed:,} |")
    print()
    print(
        f"End to end, {options.days:,} event days, worker concurrency {options.concurrency}: tick {tick_seconds:.2f} s, "
        f"all {queued:,} rows sent or settled after {total:.2f} s; {sent:,} rows sent; {mails:,} e-mails written."
    )


if __name__ == "__main__":
    main()
