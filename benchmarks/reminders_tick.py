"""Benchmark of one reminder tick with 2,000 event days due, and of the sends behind it.

    .venv/bin/python benchmarks/reminders_tick.py [--days 2000] [--small 200] [--concurrency 2]

What it does, on this machine and loopback only:

1. (re)creates its own PostgreSQL database ``shuangchuang_reminders`` and uses Redis db 6
   with a queue of its own; production settings (``shuangchuang.settings``);
2. seeds one week running today with ``--small`` approved one-day events, each with its own
   information reporter (so each event day is due a reminder to one person on two channels:
   e-mail and in-site notice), and a reminder slot at the current minute in the week's zone
   (a fixed-offset zone in which it is about noon, so the deadline is later the same day);
3. runs one tick in this process (``reminders_tick``, as the beat task does) and counts its
   SQL queries and time; the sends are only queued (no worker yet) and then dropped;
4. grows the week to ``--days`` event days and does the same: the query count must not move;
5. clears the claims, starts a real Celery worker (``--concurrency`` processes, file e-mail
   backend into a temporary folder) and times one tick end to end: from the tick's start
   until no reminder is pending any more, then counts the e-mail files.

The worker is started with a pidfile and stopped at the end whatever happens.
"""

from __future__ import annotations

import argparse
import datetime as dt
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


def seed_week():
    from events.models import Week

    zone = midday_zone()
    local_now = dt.datetime.now(zone)
    return Week.objects.create(
        name="提醒压测活动周",
        theme="创新创业",
        unified_title="2026年全国大众创业万众创新活动周",
        starts_on=local_now.date(),
        ends_on=local_now.date(),
        time_zone=str(zone),
        is_current=True,
        reminder_times=[local_now.strftime("%H:%M")],
        deadline_time=(local_now + dt.timedelta(hours=2)).time(),
    )


def seed_events(week, count: int, *, offset: int) -> None:
    """``count`` approved one-day events, one reporter each, on 50 host units."""
    from events.models import Event, Membership, Organizer, User
    from venues.models import Venue

    venue = Venue.objects.first() or Venue.objects.create(name="主会场", kind="main", address="创业路 1 号")
    units = list(Organizer.objects.all()) or Organizer.objects.bulk_create(
        Organizer(name=f"压测单位{n}") for n in range(50)
    )
    users = User.objects.bulk_create(
        User(username=f"reporter{n}", full_name=f"报送员{n}", email=f"reporter{n}@example.com", password="!")
        for n in range(offset, offset + count)
    )
    Membership.objects.bulk_create(
        Membership(organizer=units[n % 50], user=user) for n, user in enumerate(users)
    )
    start = week.at(week.starts_on, dt.time(6))
    Event.objects.bulk_create(
        Event(
            week=week,
            host=units[n % 50],
            subtitle=f"第{offset + n}场专题活动",
            form="forum",
            venue=venue,
            place="报告厅",
            starts_at=start,
            ends_at=start + dt.timedelta(hours=3),
            status="approved",
            reporter=user,
        )
        for n, user in enumerate(users)
    )


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
    week = seed_week()
    rows = []
    seed_events(week, options.small, offset=0)
    for size in (options.small, options.days):
        if size != options.small:
            seed_events(week, size - options.small, offset=options.small)
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
