"""Hall search benchmark (issue 16): the public hall's search over 5,000 projects on PostgreSQL.

    .venv/bin/python benchmarks/exhibits_search.py [--projects 5000] [--runs 30]

(Re)creates its own PostgreSQL database ``shuangchuang_exhibits_bench`` (127.0.0.1, user
postgres), migrates, generates ``--projects`` accepted projects with realistic Chinese titles,
pitches and descriptions over three sections, then times what the hall page asks of the
database for a search: the count and the first page of 24 (``selectors.public.hall_projects``
through Django's paginator), for a two-character word inside longer words ("电池"), a word
in descriptions only, two words, and no search. Prints the median and the 95th percentile in
milliseconds. The issue asks for under 50 ms server time.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATABASE = "shuangchuang_exhibits_bench"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--projects", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=30)
    options = parser.parse_args()
    subprocess.run(["dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", DATABASE], check=True)
    subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", DATABASE], check=True)
    os.environ.update(
        DATABASE_URL=f"postgres://postgres@127.0.0.1:5432/{DATABASE}",
        DJANGO_SETTINGS_MODULE="shuangchuang.settings",
        SECRET_KEY="benchmark-only",
        DEBUG="0",
    )
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    seed(options.projects)
    measure(options.runs)


WORDS = {
    "碳中和": [
        "固态锂电池",
        "钙钛矿",
        "氢燃料电池",
        "储能",
        "光伏",
        "碳捕集",
        "余热发电",
        "钠离子电池",
        "风电叶片",
        "热泵",
    ],
    "生物医药与大健康": [
        "骨钉",
        "液体活检",
        "外骨骼",
        "疫苗",
        "眼底相机",
        "抗菌肽",
        "微流控",
        "靶向药物",
        "康复机器人",
        "中药",
    ],
    "数字文创": [
        "动作捕捉",
        "三维扫描",
        "纹样设计",
        "数字展厅",
        "编程教育",
        "语音识别",
        "数字人",
        "古籍识别",
        "导览",
        "众包设计",
    ],
}
SUFFIXES = [
    "材料",
    "系统",
    "平台",
    "装置",
    "关键技术",
    "示范应用",
    "检测方法",
    "制备工艺",
    "智能终端",
    "解决方案",
]


def seed(count: int) -> None:
    import datetime as dt

    from django.utils import timezone

    from events.models import Organizer, Week
    from exhibits.models import COOPERATION_BITS, Exhibition, Project, Section

    rng = random.Random(16)
    week = Week.objects.create(
        name="基准活动周",
        theme="创新",
        unified_title="活动周",
        starts_on=dt.date(2026, 9, 20),
        ends_on=dt.date(2026, 9, 26),
        is_current=True,
        is_published=True,
    )
    host = Organizer.objects.create(name="基准科协", kind="association")
    hall = Exhibition.objects.create(
        host=host,
        week=week,
        title="基准云展厅",
        slug="bench",
        year=2026,
        call_opens_at=timezone.now(),
        is_published=True,
    )
    sections = {
        name: Section.objects.create(exhibition=hall, name=name, order=n) for n, name in enumerate(WORDS)
    }
    bits = list(COOPERATION_BITS.values())
    projects = []
    for n in range(count):
        name = rng.choice(list(WORDS))
        word = rng.choice(WORDS[name])
        title = f"{rng.choice(['新型', '高效', '低成本', '智能', '绿色', ''])}{word}{rng.choice(SUFFIXES)}"
        other = rng.choice(WORDS[rng.choice(list(WORDS))])
        projects.append(
            Project(
                exhibition=hall,
                section=sections[name],
                title=f"{title} {n}",
                pitch=f"面向{other}应用场景的{word}{rng.choice(SUFFIXES)}",
                description=f"项目围绕{word}开展研究，兼顾{other}与产业化。" * 8,
                stage=rng.choice(Project.Stage.values),
                cooperation=rng.choice(bits) | rng.choice(bits),
                organization=f"大学 {n % 40}",
                status=Project.Status.ACCEPTED,
                accepted_at=timezone.now(),
                featured_order=n if n % 250 == 0 else None,
            )
        )
    Project.objects.bulk_create(projects, batch_size=1000)


def measure(runs: int) -> None:
    from django.core.paginator import Paginator
    from django.db import connection, reset_queries

    from exhibits.selectors.public import HallFilters, hall_projects

    cases = {
        "电池 (in titles)": "电池",
        "产业化 (descriptions only)": "产业化",
        "电池 智能 (two words)": "电池 智能",
        "(no search)": "",
    }
    print("| search | results | median ms | p95 ms |\n|---|---|---|---|")
    for label, q in cases.items():
        timings = []
        for _ in range(runs):
            reset_queries()
            start = time.perf_counter()
            page = Paginator(hall_projects(filters=HallFilters(q=q)), 24).get_page(1)
            list(page.object_list)
            total = page.paginator.count
            timings.append((time.perf_counter() - start) * 1000)
        timings.sort()
        p95 = timings[int(len(timings) * 0.95) - 1]
        print(f"| {label} | {total} | {statistics.median(timings):.1f} | {p95:.1f} |")
    connection.close()


if __name__ == "__main__":
    main()
