"""Backups in S3 mode: backup.sh copies every object with a sha256 manifest, or refuses to run
(before writing anything) without an explicit --database-only; restore.sh puts the objects
back, each checked against the manifest. The issue found backup.sh silently dumping only the
database in S3 mode."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import uuid

import pytest
from django.db import connection

from submissions.models import MediaFile
from tests import factories
from tests.faults.test_backup_restore import _url, restored_database  # noqa: F401 - a fixture
from tests.services import require_postgresql

from .moto_s3 import ROOT_DIR

pytestmark = pytest.mark.services  # moto's S3 server
SCRIPTS = ROOT_DIR / "shuangchuang" / "scripts"
OBJECTS = {
    "reports/7/a.jpg": b"\xff\xd8\xff photo",
    "reports/7/b.mp4": bytes(range(256)) * 9000,  # more than one chunk of the copy
    "renditions/7/720.mp4": b"web version",
}


def _objects(moto_s3, bucket: str) -> dict[str, bytes]:
    s3 = moto_s3.client()
    listed = s3.list_objects_v2(Bucket=bucket).get("Contents", [])
    return {item["Key"]: s3.get_object(Bucket=bucket, Key=item["Key"])["Body"].read() for item in listed}


@pytest.fixture
def filled_bucket(moto_s3):
    bucket = moto_s3.create_bucket(f"backup-{uuid.uuid4().hex[:12]}")
    for key, content in OBJECTS.items():
        moto_s3.client().put_object(Bucket=bucket, Key=key, Body=content)
    return bucket


def _helper(moto_s3, bucket: str, *args) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, SCRIPTS / "s3_media.py", *args],
        env={**os.environ, **moto_s3.environment(bucket)},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_objects_are_copied_with_a_sha256_manifest_and_put_back(moto_s3, filled_bucket, tmp_path):
    done = _helper(moto_s3, filled_bucket, "backup", tmp_path)
    assert done.returncode == 0, done.stderr

    for key, content in OBJECTS.items():
        assert (tmp_path / "media" / key).read_bytes() == content
    manifest = (tmp_path / "media-manifest.tsv").read_text().splitlines()
    assert manifest == [
        f"{hashlib.sha256(OBJECTS[key]).hexdigest()}\t{len(OBJECTS[key])}\t{key}" for key in sorted(OBJECTS)
    ]

    empty = moto_s3.create_bucket(f"restored-{uuid.uuid4().hex[:12]}")
    done = _helper(moto_s3, empty, "restore", tmp_path)
    assert done.returncode == 0, done.stderr
    assert _objects(moto_s3, empty) == OBJECTS


def test_a_damaged_copy_is_not_restored(moto_s3, filled_bucket, tmp_path):
    assert _helper(moto_s3, filled_bucket, "backup", tmp_path).returncode == 0
    (tmp_path / "media" / "reports/7/b.mp4").write_bytes(b"damaged")
    empty = moto_s3.create_bucket(f"restored-{uuid.uuid4().hex[:12]}")

    done = _helper(moto_s3, empty, "restore", tmp_path)

    assert done.returncode == 1
    assert "reports/7/b.mp4: the file differs from the manifest" in done.stderr


def test_backup_in_s3_mode_refuses_when_it_cannot_read_the_bucket(moto_s3, tmp_path):
    env = {
        **os.environ,
        **moto_s3.environment("no-such-bucket-here"),
        "DATABASE_URL": "postgres://x@127.0.0.1:9/x",
    }

    done = subprocess.run(
        [SCRIPTS / "backup.sh", tmp_path / "backup"], env=env, capture_output=True, text=True, timeout=120
    )

    assert done.returncode == 1
    assert "cannot list the media bucket no-such-bucket-here" in done.stderr
    assert "--database-only" in done.stderr
    assert not (tmp_path / "backup").exists()


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_backup_sh_and_restore_sh_in_s3_mode(moto_s3, filled_bucket, tmp_path, restored_database, week):  # noqa: F811
    require_postgresql()
    event = factories.event(week=week, subtitle="S3 备份演练")
    media = factories.public_media(event=event, preview=False)  # a row; its file is in local test media
    MediaFile.objects.filter(pk=media.pk).update(file="reports/7/a.jpg")
    db = connection.settings_dict
    backup, database_only = tmp_path / "backup", tmp_path / "database-only"
    env = {**os.environ, **moto_s3.environment(filled_bucket), "DATABASE_URL": _url(db, db["NAME"])}

    full = subprocess.run([SCRIPTS / "backup.sh", backup], env=env, capture_output=True, text=True)
    only = subprocess.run(
        [SCRIPTS / "backup.sh", "--database-only", database_only], env=env, capture_output=True, text=True
    )
    empty = moto_s3.create_bucket(f"restored-{uuid.uuid4().hex[:12]}")
    restored = subprocess.run(
        [SCRIPTS / "restore.sh", backup],
        env={**env, **moto_s3.environment(empty), "DATABASE_URL": restored_database},
        capture_output=True,
        text=True,
    )

    assert full.returncode == 0, full.stderr
    assert "media: 3 objects" in full.stdout
    sums = (backup / "SHA256SUMS").read_text()
    assert "./media-manifest.tsv" in sums and "./media/reports/7/b.mp4" in sums and "./db.dump" in sums
    assert only.returncode == 0 and "media NOT copied (--database-only)" in only.stdout
    assert not (database_only / "media").exists()
    assert restored.returncode == 0, restored.stderr
    assert _objects(moto_s3, empty) == OBJECTS
    import psycopg2

    with psycopg2.connect(restored_database) as conn, conn.cursor() as cursor:
        cursor.execute("SELECT file FROM submissions_mediafile WHERE id = %s", [media.pk])
        assert cursor.fetchone() == ("reports/7/a.jpg",)
    conn.close()
