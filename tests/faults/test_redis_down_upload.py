"""Redis stops while an organizer uploads: the upload is saved and the page says the check is
queued; Redis comes back and the sweep (on a real worker) runs the check.

The Redis is a private redis-server on a free port started by this test, never the machine's."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from django.urls import reverse
from django.utils import timezone

from submissions.models import MediaFile
from tests import celery_processes
from tests.faults.processes import PrivateRedis
from tests.services import require_postgresql
from tests.submissions import media_samples

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]
MIB = 1024 * 1024


@pytest.fixture
def private_redis(tmp_path):
    require_postgresql()
    server = PrivateRedis(tmp_path)
    server.start()
    try:
        yield server
    finally:
        server.stop()


def _wait_for(media: MediaFile, statuses: set[str], timeout: float = 90) -> MediaFile:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        media.refresh_from_db()
        if media.status in statuses:
            return media
        time.sleep(0.1)
    raise AssertionError(f"media stayed {media.status!r}")


def test_upload_with_redis_stopped_is_saved_queued_and_checked_by_the_sweep_when_redis_returns(
    client, member, event, tmp_path, private_redis
):
    queue = celery_processes.new_queue()
    photo = media_samples.make_jpeg(tmp_path / "现场.jpg", size_bytes=int(2.1 * MIB))
    day = event.days[0]
    client.force_login(member)
    with celery_processes.sending_to(redis_url=private_redis.url, queue=queue) as app:
        assert client.get(reverse("reports:detail", args=[event.pk, day])).status_code == 200
        private_redis.stop()  # the organizer has the page open; Redis goes away before the file is sent

        started = time.monotonic()
        with open(photo, "rb") as handle:
            response = client.post(
                reverse("reports:upload", args=[event.pk, day]), {"photos": [handle]}, follow=True
            )
        took = time.monotonic() - started

        page = response.content.decode()
        media = MediaFile.objects.get()
        assert response.status_code == 200 and took < 20
        assert "已上传 1 个文件，正在排队检查。" in page and "等待检查" in page
        assert media.status == MediaFile.Status.QUEUED and media.file.storage.exists(media.file.name)

        private_redis.start()
        env = celery_processes.worker_environment(redis_url=private_redis.url, queue=queue)
        worker = celery_processes.start_worker(env=env, folder=tmp_path)
        try:
            # Ten minutes later the periodic sweep finds the file still queued and re-sends its check.
            MediaFile.objects.filter(pk=media.pk).update(queued_at=timezone.now() - dt.timedelta(minutes=11))
            celery_processes._forget_connections(app)
            app.send_task("submissions.sweep_stuck_checks", queue=queue)
            media = _wait_for(media, {MediaFile.Status.PASSED, MediaFile.Status.FAILED})
            # The verdict is saved before the task returns: wait for its end before stopping.
            worker.wait_for('"outcome": "SUCCESS"')
        finally:
            worker.stop()

    assert media.status == MediaFile.Status.PASSED and media.attempts == 1
    log = worker.log()
    assert (
        '"msg": "task finished"' in log
        and '"task": "submissions.check_media"' in log
        and '"outcome": "SUCCESS"' in log
    )
