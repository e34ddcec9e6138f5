"""Acceptance of issue 19: in S3 mode a 300 MB file downloaded through the portal costs the
web process nothing (a 302 to a signed link), however long the client takes. The issue saw
gunicorn stream it, hit WORKER TIMEOUT at 122 s and send an empty reply."""

from __future__ import annotations

import hashlib
import os
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from submissions.models import DailyReport, MediaFile
from tests import factories
from tests.faults.processes import Gunicorn
from tests.services import require_postgresql

from .moto_s3 import write_sparse_object

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]
MIB = 1024 * 1024
SIZE = 300 * MIB


def kib(pid: int, field: str) -> int:
    """A line of /proc/<pid>/status in KiB (VmRSS: now, VmHWM: the peak so far)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise LookupError(field)


def gunicorn_worker(master: int) -> int:
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    assert len(children) == 1, children
    return int(children[0])


def _row(event, key: str, size: int) -> MediaFile:
    report, _ = DailyReport.objects.get_or_create(event=event, day=event.days[0])
    return MediaFile.objects.create(
        report=report,
        kind="video",
        file=key,
        original_name=Path(key).name,
        size=size,
        sha256=hashlib.sha256(key.encode()).hexdigest(),
        status="passed",
        detected_format="mp4",
        checked_at=timezone.now(),
    )


@pytest.fixture
def web_in_s3_mode(tmp_path, moto_s3):
    require_postgresql()
    bucket = moto_s3.create_bucket(f"large-download-{os.getpid()}-{id(tmp_path) % 10000}")
    db = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "shuangchuang.test_settings",
        "DEBUG": "0",
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
        "CELERY_BROKER_URL": "memory://",
        **moto_s3.environment(bucket),
    }
    env.pop("REDIS_URL", None)
    web = Gunicorn(tmp_path, env)
    try:
        yield web, bucket
    finally:
        web.stop()


def test_a_300_mb_download_through_the_portal_leaves_the_web_process_as_it_was(
    web_in_s3_mode, moto_s3, week, organizer, tmp_path
):
    web, bucket = web_in_s3_mode
    member = factories.member(organizer)
    event = factories.event(week=week, host=organizer, reporter=member)
    s3 = moto_s3.client()
    s3.put_object(Bucket=bucket, Key="reports/warm-up.mp4", Body=b"warm up")
    local = write_sparse_object(
        s3, bucket, "reports/big.mp4", SIZE, tmp_path, head=b"\x00\x00\x00\x18ftypmp42"
    )
    expected = hashlib.sha256(local.read_bytes()).hexdigest()
    local.unlink()
    warm_up, big = _row(event, "reports/warm-up.mp4", 7), _row(event, "reports/big.mp4", SIZE)
    client = Client()
    client.force_login(member)
    cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
    worker = gunicorn_worker(web.process.pid)

    status, body, _ = web.get(reverse("media_files:serve", args=[warm_up.pk, "original"]), {"Cookie": cookie})
    assert status == 200 and body == "warm up"  # redirect followed
    peak_before = kib(worker, "VmHWM")

    request = urllib.request.Request(
        web.url(reverse("media_files:serve", args=[big.pk, "original"])), headers={"Cookie": cookie}
    )
    digest, received = hashlib.sha256(), 0
    with urllib.request.urlopen(request, timeout=120) as response:
        assert response.url.startswith(moto_s3.url)  # followed the 302 to the object store
        while piece := response.read(MIB):
            digest.update(piece)
            received += len(piece)
    growth_mib = (kib(worker, "VmHWM") - peak_before) / 1024

    assert received == SIZE and digest.hexdigest() == expected
    assert growth_mib < 50, f"the web worker's peak RSS grew by {growth_mib:.1f} MiB"
    assert gunicorn_worker(web.process.pid) == worker  # no WORKER TIMEOUT, no restart
    print(f"web worker peak RSS growth during a 300 MB download: {growth_mib:.2f} MiB")
