"""Contest entries benchmark (issue 17): the organizer's entries list over 1,000 registrations.

    .venv/bin/python benchmarks/contests_load.py [--entries 1000] [--runs 30] [--sqlite]

(Re)creates its own PostgreSQL database ``shuangchuang_contests_bench`` (127.0.0.1, user
postgres; ``--sqlite``: a fresh SQLite file under var/ instead), migrates, generates a
contest with two tracks, two rounds and ``--entries`` registrations (Chinese names, answers to
three questions, every state), then requests the organizer's entries page through Django's
full request path (middleware, sign-in, rules, selector, template) with the test client,
for each filter the page offers, and the .xlsx export of all entries. Prints the median and
95th percentile server time in milliseconds and the number of queries. The issue asks for
under 200 ms.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATABASE = "shuangchuang_contests_bench"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--entries", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--sqlite", action="store_true")
    options = parser.parse_args()
    if options.sqlite:
        path = Path(tempfile.mkdtemp(prefix="contests-bench-")) / "db.sqlite3"
        url = f"sqlite:///{path}"
    else:
        subprocess.run(["dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", DATABASE], check=True)
        subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", DATABASE], check=True)
        url = f"postgres://postgres@127.0.0.1:5432/{DATABASE}"
    os.environ.update(
        DATABASE_URL=url,
        # Test settings as board_load.py: plain static files (no manifest to collect), templates cached.
        DJANGO_SETTINGS_MODULE="shuangchuang.test_settings",
        SECRET_KEY="benchmark-only",
        DEBUG="0",
        SECURE_SSL_REDIRECT="0",
        ALLOWED_HOSTS="testserver",
    )
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    contest, member = seed(options.entries)
    measure(contest, member, options.runs)


PROJECTS = [
    "智能农业无人机",
    "固态锂电池隔膜",
    "社区养老服务平台",
    "非遗文创电商",
    "工业视觉检测",
    "跨境电商供应链",
]
ORGS = ["昆山飞羽科技有限公司", "苏州某某智能装备", "昆山大学生创业团队", "玉山镇青年创客工作室"]
NAMES = ["王芳", "李强", "张伟", "刘洋", "陈静", "赵磊"]


def seed(count: int):
    import datetime as dt

    from django.utils import timezone

    from contests.models import Contest, Entry, FormField, Round, RoundEntry, Track
    from events.models import Event, Membership, Organizer, User, Week
    from venues.models import Venue

    rng = random.Random(17)
    week = Week.objects.create(
        name="基准活动周",
        theme="创新",
        unified_title="活动周",
        starts_on=dt.date(2026, 9, 20),
        ends_on=dt.date(2026, 9, 26),
        is_current=True,
        is_published=True,
    )
    host = Organizer.objects.create(name="基准人社局", kind="government")
    member = User.objects.create_user(username="bench", password="bench-Passphrase-42", full_name="基准")
    Membership.objects.create(organizer=host, user=member)
    venue = Venue.objects.create(name="基准会场", kind="main", address="某路 1 号")
    start = timezone.make_aware(dt.datetime(2026, 9, 22, 9))
    event = Event.objects.create(
        week=week,
        host=host,
        subtitle="青年创业大赛",
        form="contest",
        venue=venue,
        place="创酷空间",
        starts_at=start,
        ends_at=start + dt.timedelta(hours=8),
        status="approved",
    )
    now = timezone.now()
    contest = Contest.objects.create(
        event=event,
        title="基准创业大赛",
        slug="bench",
        registration_opens_at=now - dt.timedelta(days=30),
        registration_closes_at=now + dt.timedelta(days=30),
        is_published=True,
    )
    tracks = [
        Track.objects.create(contest=contest, name=name, order=n)
        for n, name in enumerate(["企业组", "团队组"])
    ]
    rounds = [
        Round.objects.create(
            contest=contest, name=name, number=n + 1, starts_on=week.starts_on, ends_on=week.starts_on
        )
        for n, name in enumerate(["预赛", "决赛"])
    ]
    fields = [
        FormField.objects.create(contest=contest, label=label, kind=kind, order=n, choices=choices)
        for n, (label, kind, choices) in enumerate(
            [
                ("项目简介", "text", []),
                ("所处阶段", "choice", ["创意", "初创", "成长"]),
                ("团队成员", "members", []),
            ]
        )
    ]
    users = User.objects.bulk_create(
        [
            User(username=f"applicant{n}", email=f"a{n}@example.com", full_name=rng.choice(NAMES))
            for n in range(count)
        ],
        batch_size=1000,
    )
    statuses = ["submitted"] * 6 + ["eligible"] * 3 + ["ineligible", "withdrawn"]
    entries = []
    for n, user in enumerate(users):
        status = rng.choice(statuses)
        entries.append(
            Entry(
                contest=contest,
                track=tracks[n % 2],
                applicant=user,
                number=n + 1,
                name=f"{rng.choice(PROJECTS)} {n}",
                organization=rng.choice(ORGS),
                contact_name=user.full_name,
                contact_phone=f"139{n:08d}",
                contact_email=user.email,
                status=status,
                screening_reason="材料不全" if status == "ineligible" else "",
                submitted_at=now,
                plan=f"contests/bench/plan{n}.pdf",
                answers={
                    str(fields[0].pk): "项目介绍" * 20,
                    str(fields[1].pk): rng.choice(["创意", "初创", "成长"]),
                    str(fields[2].pk): [{"name": rng.choice(NAMES), "role": "成员"} for _ in range(3)],
                },
            )
        )
    Entry.objects.bulk_create(entries, batch_size=1000)
    eligible = list(Entry.objects.filter(contest=contest, status="eligible").order_by("number")[:300])
    RoundEntry.objects.bulk_create(
        [RoundEntry(round=rounds[0], entry=entry, running_order=n + 1) for n, entry in enumerate(eligible)]
    )
    Entry.objects.filter(pk__in=[entry.pk for entry in eligible]).update(reached_round=rounds[0])
    return contest, member


def measure(contest, member, runs: int) -> None:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    client = Client()
    client.force_login(member)
    url = reverse("contests:entries", args=[contest.pk])
    track = contest.tracks.first().pk
    first_round = contest.rounds.first().pk
    cases = {
        "(no filter)": {},
        "status=submitted": {"status": "submitted"},
        f"track={track}": {"track": track},
        "q=无人机": {"q": "无人机"},
        f"round={first_round}": {"round": first_round},
        "all, page 10": {"status": "all", "page": 10},
        "q=139 + status + track": {"q": "139", "status": "eligible", "track": track},
    }
    print(
        f"| entries list ({contest.entries.count()} entries) | median ms | p95 ms | queries |\n|---|---|---|---|"
    )
    for label, query in cases.items():
        timings = []
        for _ in range(runs):
            with CaptureQueriesContext(connection) as captured:
                start = time.perf_counter()
                response = client.get(url, query)
                timings.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200, response.status_code
        timings.sort()
        p95 = timings[max(0, int(len(timings) * 0.95) - 1)]
        print(f"| {label} | {statistics.median(timings):.1f} | {p95:.1f} | {len(captured)} |")
    timings = []
    for _ in range(max(3, runs // 10)):
        start = time.perf_counter()
        response = client.get(reverse("contests:entries_xlsx", args=[contest.pk]), {"status": "all"})
        timings.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200
    print(f"| .xlsx of all entries | {statistics.median(timings):.1f} | {max(timings):.1f} | – |")
    connection.close()


if __name__ == "__main__":
    main()
