"""The backup and restore that docs/operations.md describes, tried: shuangchuang/scripts/backup.sh on the
test database and media folder, shuangchuang/scripts/restore.sh into a fresh database and folder, and the
restored rows and files checked against the originals."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import psycopg2
import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import connection

from submissions.models import MediaFile
from tests import factories
from tests.services import require_postgresql

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]
ROOT = Path(__file__).resolve().parents[2]


def _url(db: dict, name: str) -> str:
    return f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{name}"


@pytest.fixture
def restored_database():
    require_postgresql()
    db = connection.settings_dict
    name = f"{db['NAME']}_restored"
    admin = psycopg2.connect(_url(db, "postgres"))
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute(f'CREATE DATABASE "{name}"')
    try:
        yield _url(db, name)
    finally:
        with admin.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


def test_backup_then_restore_gives_back_the_rows_and_the_files(
    tmp_path, week, organizer, member, restored_database
):
    event = factories.event(week=week, host=organizer, reporter=member, subtitle="备份恢复演练")
    report = factories.report(event=event, status="submitted", leaders=[("王五", "市长", "municipal")])
    photo = MediaFile(report=report, kind="photo", original_name="现场.jpg", size=11, sha256="a" * 64)
    photo.file.save("现场.jpg", ContentFile(b"\xff\xd8\xffphoto"), save=True)
    db = connection.settings_dict
    backup, media = tmp_path / "backup", tmp_path / "restored-media"

    subprocess.run(
        [ROOT / "shuangchuang" / "scripts" / "backup.sh", backup],
        check=True,
        capture_output=True,
        env={**os.environ, "DATABASE_URL": _url(db, db["NAME"]), "MEDIA_ROOT": str(settings.MEDIA_ROOT)},
    )
    subprocess.run(
        [ROOT / "shuangchuang" / "scripts" / "restore.sh", backup],
        check=True,
        capture_output=True,
        env={**os.environ, "DATABASE_URL": restored_database, "MEDIA_ROOT": str(media)},
    )

    with psycopg2.connect(restored_database) as conn, conn.cursor() as cursor:
        cursor.execute("SELECT subtitle FROM events_event WHERE id = %s", [event.pk])
        assert cursor.fetchone() == ("备份恢复演练",)
        cursor.execute("SELECT name, post FROM submissions_reportleader WHERE report_id = %s", [report.pk])
        assert cursor.fetchall() == [("王五", "市长")]
        cursor.execute("SELECT file, original_name FROM submissions_mediafile WHERE id = %s", [photo.pk])
        stored, original = cursor.fetchone()
        cursor.execute("SELECT count(*) FROM django_migrations")
        assert cursor.fetchone()[0] > 10
    conn.close()
    assert original == "现场.jpg" and stored == photo.file.name
    assert (media / stored).read_bytes() == b"\xff\xd8\xffphoto"


def test_restore_refuses_a_damaged_backup(tmp_path, restored_database):
    require_postgresql()
    db = connection.settings_dict
    backup = tmp_path / "backup"
    subprocess.run(
        [ROOT / "shuangchuang" / "scripts" / "backup.sh", "--database-only", backup],
        check=True,
        capture_output=True,
        env={**os.environ, "DATABASE_URL": _url(db, db["NAME"]), "MEDIA_ROOT": ""},
    )
    with open(backup / "db.dump", "ab") as dump:
        dump.write(b"garbage")

    done = subprocess.run(
        [ROOT / "shuangchuang" / "scripts" / "restore.sh", backup],
        capture_output=True,
        text=True,
        env={**os.environ, "DATABASE_URL": restored_database},
    )

    assert done.returncode != 0 and "FAILED" in done.stdout + done.stderr


def test_backup_refuses_to_skip_the_media_silently(tmp_path):
    """No media folder and no --database-only: nothing is written, and the message says why."""
    done = subprocess.run(
        [ROOT / "shuangchuang" / "scripts" / "backup.sh", tmp_path / "backup"],
        capture_output=True,
        text=True,
        env={
            **os.environ,
            "DATABASE_URL": "postgres://nobody@127.0.0.1:9/none",
            "MEDIA_ROOT": str(tmp_path / "no"),
        },
    )

    assert done.returncode == 1
    assert "is not a folder" in done.stderr and "--database-only" in done.stderr
    assert not (tmp_path / "backup").exists()
