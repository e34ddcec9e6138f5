"""What `make run` serves, with no server installed: SQLite, and a real Celery worker and beat
on the file-system broker, checking an uploaded photo. Runs everywhere (no PostgreSQL, no Redis)."""

import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests import celery_processes
from tests.faults.processes import Gunicorn, wait_until

ROOT = Path(__file__).resolve().parents[2]
UPLOAD = """
import django; django.setup()
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from events.models import Event, Week
from submissions.services.media import media_upload
from submissions.services.reports import report_for_day
week = Week.objects.current(); today = week.today()
event = next(e for e in Event.objects.filter(week=week, status="approved") if today in e.days)
member = event.host.memberships.first().user
with open({photo!r}, "rb") as handle:
    upload = SimpleUploadedFile("现场.jpg", handle.read(), content_type="image/jpeg")
with transaction.atomic():
    media = media_upload(report=report_for_day(event=event, day=today), uploaded=upload, kind="photo", by=member)
print(media.pk)
"""


def _manage(env, *args):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
        timeout=180,
    )


@pytest.fixture(scope="module")
def run_env(tmp_path_factory):
    """The environment `make run` gives its processes, with the database migrated and the demo
    week loaded (today among its days)."""
    var = tmp_path_factory.mktemp("run") / "var"
    var.mkdir()  # as `make run` does before migrating; everything else the stack makes itself
    env = {
        key: value
        for key, value in os.environ.items()
        if key
        not in (
            "DATABASE_URL",
            "REDIS_URL",
            "CELERY_BROKER_URL",
            "DJANGO_SETTINGS_MODULE",
            "DJANGO_ALLOW_ASYNC_UNSAFE",
            "MEDIA_ROOT",
        )
    }
    env.update(DEBUG="1", VAR_DIR=str(var), DJANGO_SETTINGS_MODULE="shuangchuang.settings")
    _manage(env, "migrate", "--noinput")
    _manage(env, "load_demo_week", "--today")
    return env


def test_make_run_checks_uploads_with_a_worker_on_the_file_system_broker(run_env, tmp_path):
    from tests.submissions import media_samples

    env, var = run_env, Path(run_env["VAR_DIR"])
    photo = media_samples.make_jpeg(tmp_path / "photo.jpg", size_bytes=int(2.1 * 1024 * 1024))
    worker = celery_processes.CeleryProcess(
        ["worker", "--beat", "--concurrency=1", f"--schedule={tmp_path / 'beat'}"],
        env=env,
        folder=tmp_path,
        name="run-worker",
    )
    try:
        worker.wait_for("ready.")
        media_id = int(
            subprocess.run(
                [sys.executable, "-c", UPLOAD.format(photo=str(photo))],
                cwd=ROOT,
                env=env,
                check=True,
                capture_output=True,
                text=True,
                timeout=120,
            ).stdout.split()[-1]
        )
        status = _wait_for_verdict(var / "db.sqlite3", media_id)
    finally:
        worker.stop()

    assert status == "passed", worker.log()[-3000:]
    assert not (ROOT / "control").exists()  # the broker keeps its files under VAR_DIR, not in the checkout


def _wait_for_verdict(database: Path, media_id: int, timeout: float = 90) -> str:
    deadline = time.monotonic() + timeout
    status = ""
    while time.monotonic() < deadline:
        with sqlite3.connect(database) as connection:
            (status,) = connection.execute(
                "SELECT status FROM submissions_mediafile WHERE id = ?", (media_id,)
            ).fetchone()
        if status in ("passed", "failed"):
            return status
        time.sleep(0.2)
    return status


def test_each_web_worker_asks_itself_for_the_busiest_pages_before_it_takes_a_request(run_env, tmp_path):
    server = Gunicorn(tmp_path, run_env, config=ROOT / "shuangchuang" / "scripts" / "gunicorn.conf.py")
    try:
        wait_until(lambda: b"Warmed up in" in server.logfile.read_bytes(), timeout=60, what="the warm-up")
        assert server.get("/schedule/")[0] == 200
    finally:
        server.stop()

    text = server.logfile.read_text()
    assert ": / 200, /schedule/ 200, /en/schedule/ 200" in text, text[-3000:]
    assert "Keeping the week's rows younger than 45 s" in text  # public.week_snapshot.keep_young
    # Its own requests are no visitors': gunicorn logged only the one above.
    assert text.count('"gunicorn.access"') == 1
