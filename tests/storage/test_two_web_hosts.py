"""The layout of docs/operations.md ("Two web hosts and a worker host"), in processes: two
gunicorns and a Celery worker, each with a MEDIA_ROOT of its own that stays empty, sharing
PostgreSQL, Redis and one bucket on moto's S3 server. An organizer uploads a photo and a video
to web-1, the worker checks them, the public page on web-2 shows the photo, and the video is
downloaded through web-2 (a signed link) byte for byte."""

from __future__ import annotations

import hashlib
import os
import time
import urllib.request
import uuid

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.urls import reverse

from submissions.models import MediaFile
from tests import celery_processes, factories
from tests.faults.processes import Gunicorn
from tests.services import redis_url, require_postgresql
from tests.submissions import media_samples

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]
MIB = 1024 * 1024
CSRF = uuid.uuid4().hex  # 32 characters: Django takes an unmasked secret as a token


@pytest.fixture
def hosts(tmp_path, moto_s3):
    require_postgresql()
    redis = redis_url()
    queue = celery_processes.new_queue()
    bucket = moto_s3.create_bucket(f"two-hosts-{uuid.uuid4().hex[:10]}")
    db = connection.settings_dict
    common = {
        **moto_s3.process_environment(bucket),
        "DJANGO_SETTINGS_MODULE": "tests.storage.multihost_settings",
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
        "REDIS_URL": redis,
        "CELERY_BROKER_URL": redis,
        "CELERY_QUEUE": queue,
    }
    started = []
    try:
        roots = {name: tmp_path / name / "media" for name in ("web-1", "web-2", "worker")}
        for root in roots.values():
            root.mkdir(parents=True)
        webs = []
        for name in ("web-1", "web-2"):
            webs.append(Gunicorn(tmp_path / name, {**common, "MEDIA_ROOT": str(roots[name])}))
            started.append(webs[-1])
        worker = celery_processes.start_worker(
            env={**common, "MEDIA_ROOT": str(roots["worker"])}, folder=tmp_path / "worker"
        )
        started.append(worker)
        yield webs, roots, bucket
    finally:
        for process in reversed(started):
            process.stop()


def _cookie(user) -> str:
    client = Client()
    client.force_login(user)
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


def _wait_for_verdicts(count: int, timeout: float = 180) -> list[MediaFile]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        done = list(MediaFile.objects.filter(status__in=["passed", "failed"]).order_by("kind"))
        if len(done) == count:
            return done
        time.sleep(0.2)
    raise AssertionError(f"checks not done: {list(MediaFile.objects.values_list('status', flat=True))}")


def _download(url: str, cookie: str) -> tuple[str, str]:
    """(final URL, sha256) of the body, following the redirect, a megabyte at a time."""
    digest = hashlib.sha256()
    with urllib.request.urlopen(
        urllib.request.Request(url, headers={"Cookie": cookie}), timeout=120
    ) as answer:
        while piece := answer.read(MIB):
            digest.update(piece)
        return answer.url, digest.hexdigest()


def test_upload_on_one_host_check_on_the_worker_public_page_and_download_on_the_other(
    hosts, moto_s3, week, organizer, tmp_path
):
    import requests

    (web_1, web_2), roots, bucket = hosts
    member = factories.member(organizer)
    event = factories.event(week=week, host=organizer, reporter=member)
    photo = media_samples.make_jpeg(tmp_path / "现场.jpg", size_bytes=int(2.1 * MIB))
    video = media_samples.make_large_video(
        tmp_path / "开幕式.mp4", size_bytes=40 * MIB, width=1280, height=720
    )
    cookie = _cookie(member)

    with open(photo, "rb") as photo_file, open(video, "rb") as video_file:
        uploaded = requests.post(
            web_1.url(reverse("reports:upload", args=[event.pk, event.days[0]])),
            files={
                "photos": ("现场.jpg", photo_file, "image/jpeg"),
                "videos": ("开幕式.mp4", video_file, "video/mp4"),
            },
            headers={
                "Cookie": f"{cookie}; csrftoken={CSRF}",
                "X-CSRFToken": CSRF,
                "Accept": "application/json",
            },
            timeout=120,
        )
    assert uploaded.status_code == 200, uploaded.text
    assert len(uploaded.json()["created"]) == 2

    checked_photo, checked_video = _wait_for_verdicts(2)  # ordered by kind: photo, video
    assert (checked_photo.status, checked_video.status) == ("passed", "passed"), checked_video.reasons
    stored = {item["Key"] for item in moto_s3.client().list_objects_v2(Bucket=bucket)["Contents"]}
    assert {checked_photo.file.name, checked_video.file.name, checked_photo.preview.name} <= stored
    MediaFile.objects.filter(pk=checked_photo.pk).update(is_public=True)

    status, page, _ = web_2.get(reverse("event_detail", args=[event.pk]))
    public_url = reverse("public_media", args=[checked_photo.pk])
    assert status == 200 and public_url in page
    photo_at, photo_sha = _download(web_2.url(public_url), "")
    video_at, video_sha = _download(
        web_2.url(reverse("media_files:serve", args=[checked_video.pk, "original"])), cookie
    )

    assert photo_at.startswith(moto_s3.url) and photo_sha == hashlib.sha256(photo.read_bytes()).hexdigest()
    assert video_at.startswith(moto_s3.url) and video_sha == hashlib.sha256(video.read_bytes()).hexdigest()
    for name, root in roots.items():
        assert [path for path in root.rglob("*") if path.is_file()] == [], f"{name} wrote to its MEDIA_ROOT"
    assert os.path.getsize(video) > 35 * MIB
