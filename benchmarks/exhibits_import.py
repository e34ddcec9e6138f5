"""Bulk import benchmark (issue 16): a curator's .xlsx of 2,000 projects with a .zip of their
cover images, checked and imported by the worker's code.

    .venv/bin/python benchmarks/exhibits_import.py [--rows 2000] [--image-size 800x600] [--sqlite]

(Re)creates its own database (PostgreSQL ``shuangchuang_exhibits_import_bench`` on 127.0.0.1,
user postgres; or a SQLite file with ``--sqlite``) and a media folder under /tmp, migrates,
makes a hall with three sections and generates the files: one row per project with realistic
Chinese text, a JPEG cover per row (``--image-size``, random noise so it does not compress).
Then it times the worker's halves as the page runs them (``services.import_job_create``, then
``importing.import_job_check`` → preview, ``services.import_job_confirm`` +
``importing.import_job_run`` → import): the first import (creates every project), the same
files again (nothing written), and the files with a tenth of the rows changed. The web versions
of the covers are made by another task per project; their cost is measured on a sample.
Tasks are sent to an in-memory broker nobody reads: only the code timed here runs.
"""

from __future__ import annotations

import argparse
import io
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATABASE = "shuangchuang_exhibits_import_bench"
SECTIONS = ["碳中和", "生物医药与大健康", "数字文创"]
WORDS = [
    "固态锂电池",
    "钙钛矿",
    "氢燃料电池",
    "液体活检",
    "外骨骼",
    "微流控",
    "动作捕捉",
    "数字人",
    "古籍识别",
]
SUFFIXES = ["材料", "系统", "平台", "装置", "关键技术", "制备工艺", "智能终端", "解决方案"]
STAGES = ["概念", "样机", "小试", "中试", "量产"]
KINDS = ["技术转让", "许可", "合作开发", "融资", "落地"]
HEADER = [
    "项目编号",
    "项目名称",
    "展区",
    "一句话介绍",
    "所处阶段",
    "寻求合作方式",
    "成果所属单位",
    "团队成员",
    "项目介绍",
    "联系人",
    "联系人电话",
    "联系人邮箱",
    "封面图文件",
    "项目图片文件",
]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=2000)
    parser.add_argument("--image-size", default="800x600")
    parser.add_argument("--sqlite", action="store_true")
    options = parser.parse_args()
    media = Path(tempfile.mkdtemp(prefix="exhibits-import-bench-"))
    if options.sqlite:
        url = f"sqlite:///{media / 'bench.sqlite3'}"
    else:
        subprocess.run(["dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", DATABASE], check=True)
        subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", DATABASE], check=True)
        url = f"postgres://postgres@127.0.0.1:5432/{DATABASE}"
    os.environ.update(
        DATABASE_URL=url,
        DJANGO_SETTINGS_MODULE="shuangchuang.settings",
        SECRET_KEY="benchmark-only",
        DEBUG="0",
        MEDIA_ROOT=str(media / "media"),
        CELERY_BROKER_URL="memory://",
        REDIS_URL="",
    )
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    try:
        run(options, media)
    finally:
        shutil.rmtree(media, ignore_errors=True)


def run(options, media: Path) -> None:
    width, height = (int(part) for part in options.image_size.split("x"))
    hall, curator = make_hall()
    rng = random.Random(16)
    rows = [row(number, rng) for number in range(1, options.rows + 1)]
    started = time.perf_counter()
    images = {f"{r['项目编号']}.jpg": jpeg(width, height, rng) for r in rows}
    sheet, archive = workbook(rows), zipped(images)
    print(
        f"{options.rows} rows: .xlsx {len(sheet) / 1e6:.1f} MB, .zip {len(archive) / 1e6:.0f} MB "
        f"of {width}x{height} JPEG covers (generated in {time.perf_counter() - started:.0f} s)\n"
    )
    print(
        "| run | upload s | check s | import s | created | updated | unchanged |\n|---|---|---|---|---|---|---|"
    )
    measure("first import", hall, curator, sheet, archive)
    measure("the same files again", hall, curator, sheet, archive)
    for changed in rows[::10]:
        changed["项目名称"] += "（修订）"
    measure("a tenth of the rows changed", hall, curator, workbook(rows), archive)
    versions(hall)


def make_hall():
    import datetime as dt

    from django.utils import timezone

    from events.models import Membership, Organizer, User, Week
    from exhibits.models import Curator, Exhibition, Section

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
        host=host, week=week, title="基准云展厅", slug="bench", year=2026, call_opens_at=timezone.now()
    )
    for order, name in enumerate(SECTIONS):
        Section.objects.create(exhibition=hall, name=name, order=order)
    curator = User.objects.create(username="curator", email="curator@example.com", full_name="策展人")
    Membership.objects.create(organizer=host, user=curator)
    Curator.objects.create(exhibition=hall, user=curator)
    return hall, curator


def row(number: int, rng: random.Random) -> dict:
    word = rng.choice(WORDS)
    return {
        "项目编号": f"B{number:05d}",
        "项目名称": f"{rng.choice(['新型', '高效', '低成本', '智能', '绿色'])}{word}{rng.choice(SUFFIXES)} {number}",
        "展区": SECTIONS[number % 3],
        "一句话介绍": f"面向{rng.choice(WORDS)}应用场景的{word}{rng.choice(SUFFIXES)}",
        "所处阶段": rng.choice(STAGES),
        "寻求合作方式": "、".join(rng.sample(KINDS, 2)),
        "成果所属单位": f"大学 {number % 15}",
        "团队成员": "项目负责人及研发团队 8 人",
        "项目介绍": f"项目围绕{word}开展研究，兼顾性能与产业化。" * 10,
        "联系人": "王老师",
        "联系人电话": f"138{number:08d}",
        "联系人邮箱": f"contact{number}@example.edu.cn",
        "封面图文件": f"B{number:05d}.jpg",
        "项目图片文件": "",
    }


def jpeg(width: int, height: int, rng: random.Random) -> bytes:
    from PIL import Image

    image = Image.frombytes("RGB", (width // 8, height // 8), rng.randbytes(width // 8 * (height // 8) * 3))
    buffer = io.BytesIO()
    image.resize((width, height)).save(buffer, "JPEG", quality=85)
    return buffer.getvalue()


def workbook(rows: list[dict]) -> bytes:
    import openpyxl

    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("展项")
    sheet.append(HEADER)
    for item in rows:
        sheet.append([item[title] for title in HEADER])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def zipped(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def measure(label: str, hall, curator, sheet: bytes, archive: bytes) -> None:
    from django.core.files.base import ContentFile

    from exhibits import importing, services
    from exhibits.models import ProjectImportJob

    started = time.perf_counter()
    job = services.import_job_create(
        exhibition=hall,
        by=curator,
        sheet=ContentFile(sheet, name="展项.xlsx"),
        images=ContentFile(archive, name="图片.zip"),
    )
    uploaded = time.perf_counter()
    importing.import_job_check(job_id=job.pk)
    checked = time.perf_counter()
    job.refresh_from_db()
    assert job.status == ProjectImportJob.Status.CHECKED, job.error
    errors = job.preview["counts"]["errors"]
    assert errors == 0, job.preview["rows"][:3]
    if job.preview["counts"]["valid"]:
        services.import_job_confirm(job=job, by=curator)
        importing.import_job_run(job_id=job.pk)
    else:
        services.import_job_cancel(job=job, by=curator)
    done = time.perf_counter()
    job.refresh_from_db()
    outcome = job.outcome or {"created": 0, "updated": 0, "unchanged": job.preview["counts"]["same"]}
    print(
        f"| {label} | {uploaded - started:.1f} | {checked - uploaded:.1f} | {done - checked:.1f} | "
        f"{outcome['created']} | {outcome['updated']} | {outcome['unchanged']} |"
    )


def versions(hall, sample: int = 50) -> None:
    from exhibits.models import Project
    from exhibits.services import project_image_versions_make

    ids = list(Project.objects.filter(exhibition=hall).values_list("pk", flat=True)[:sample])
    started = time.perf_counter()
    for project_id in ids:
        project_image_versions_make(project_id=project_id)
    per = (time.perf_counter() - started) / len(ids)
    total = Project.objects.filter(exhibition=hall).count()
    print(
        f"\nWeb versions of a cover (400/800 px JPEGs, the task run per project afterwards): "
        f"{per * 1000:.0f} ms each, about {per * total:.0f} s of worker time for {total} projects."
    )


if __name__ == "__main__":
    main()
