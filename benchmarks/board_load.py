"""The office board for a day of 1,000 event days: server time and query count.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/shuangchuang_board \
        .venv/bin/python benchmarks/board_load.py [--events 1000] [--repeat 15]

Uses the database in DATABASE_URL (default: this engineer's own PostgreSQL database
``shuangchuang_board``), migrates it, seeds one week whose benchmark day has ``--events``
approved events over 30 venues and 20 units; two thirds have a submitted/accepted/returned
report (a leader on every fifth, two photos and a video each), the rest are missing. Then it
asks for ``/review/`` (full page) and ``/review/live/`` (the polled fragment) through Django's
test client in this process (no network, DEBUG off, templates cached after the first call) and
prints the median and worst server time and the query count. The seeded rows are removed at
the end.
"""

from __future__ import annotations

import argparse
import datetime as dt
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


def seed(count: int):
    from django.utils import timezone

    from events.models import Event, Week
    from submissions.models import DailyReport, MediaFile, ReportLeader
    from tests import factories

    Week.objects.filter(is_current=True).update(is_current=False)
    week = factories.week(name="看板基准活动周", starts_on=dt.date(2026, 9, 20), ends_on=dt.date(2026, 9, 26))
    day = dt.date(2026, 9, 21)
    venues = [factories.venue(name=f"基准会场 {n}") for n in range(30)]
    units = [factories.organizer(name=f"基准单位 {n} {week.pk}") for n in range(20)]
    reporters = [factories.member(unit, phone="13800000000") for unit in units]
    events = Event.objects.bulk_create(
        Event(
            week=week,
            host=units[n % 20],
            reporter=reporters[n % 20],
            venue=venues[n % 30],
            subtitle=f"基准活动 {n}",
            form=Event.Form.values[n % 6],
            place="报告厅",
            starts_at=factories.at(day, 8 + n % 8),
            ends_at=factories.at(day, 9 + n % 8),
            status=Event.Status.APPROVED,
        )
        for n in range(count)
    )
    now = timezone.now()
    statuses = ["submitted", "accepted", "returned"]
    reports = DailyReport.objects.bulk_create(
        DailyReport(
            event=event,
            day=day,
            text="活动顺利举行。" * 20,
            status=statuses[n % 3],
            is_late=n % 4 == 0,
            submitted_at=factories.at(day, 15),
            first_submitted_at=factories.at(day, 15),
            reviewed_at=now if n % 3 else None,
        )
        for n, event in enumerate(events)
        if n % 3
    )
    ReportLeader.objects.bulk_create(
        ReportLeader(report=report, name=f"领导{n}", post="副市长", level="municipal")
        for n, report in enumerate(reports)
        if n % 5 == 0
    )
    MediaFile.objects.bulk_create(
        MediaFile(
            report=report,
            kind=kind,
            file=f"bench/{report.pk}-{k}",
            original_name=f"{k}.jpg",
            size=3_000_000,
            sha256=f"{report.pk:032d}{k:032d}",
            status="passed",
            checked_at=now,
        )
        for report in reports
        for k, kind in enumerate(["photo", "photo", "video"])
    )
    return week, day


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
    from events.models import Event, Membership, Organizer, User
    from submissions.models import DailyReport
    from venues.models import Venue

    events = Event.objects.filter(week=week)
    DailyReport.objects.filter(event__in=events).delete()
    hosts = list(events.values_list("host_id", flat=True).distinct())
    venues = list(events.values_list("venue_id", flat=True).distinct())
    members = list(Membership.objects.filter(organizer_id__in=hosts).values_list("user_id", flat=True))
    events.delete()
    Organizer.objects.filter(pk__in=hosts).delete()
    Venue.objects.filter(pk__in=venues).delete()
    User.objects.filter(pk__in=[*members, reviewer.pk]).delete()
    week.delete()


if __name__ == "__main__":
    main()
