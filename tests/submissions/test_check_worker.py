"""Media checks on a real Celery worker and real Redis, including a worker killed mid-check."""

import time

import pytest
from django.urls import reverse

from submissions.models import MediaFile
from tests import celery_processes
from tests.services import redis_url, require_postgresql
from tests.submissions import media_samples

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]
MIB = 1024 * 1024


@pytest.fixture
def stack(tmp_path):
    require_postgresql()
    url = redis_url()
    queue = celery_processes.new_queue()
    with celery_processes.sending_to(redis_url=url, queue=queue):
        yield {"redis": url, "queue": queue, "folder": tmp_path}


def _upload_photo(client, event, folder) -> MediaFile:
    photo = media_samples.make_jpeg(folder / "现场.jpg", size_bytes=int(2.1 * MIB))
    with open(photo, "rb") as handle:
        client.post(reverse("reports:upload", args=[event.pk, event.days[0]]), {"photos": [handle]})
    return MediaFile.objects.get()


def _wait_for(media: MediaFile, statuses: set[str], timeout: float = 60) -> MediaFile:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        media.refresh_from_db()
        if media.status in statuses:
            return media
        time.sleep(0.05)
    raise AssertionError(f"media stayed {media.status!r}; wanted {statuses}")


def test_uploaded_photo_goes_from_queued_to_passed_on_a_real_worker(client, member, event, stack):
    env = celery_processes.worker_environment(redis_url=stack["redis"], queue=stack["queue"])
    worker = celery_processes.start_worker(env=env, folder=stack["folder"])
    try:
        client.force_login(member)
        media = _upload_photo(client, event, stack["folder"])
        assert media.status in {MediaFile.Status.QUEUED, MediaFile.Status.CHECKING}

        media = _wait_for(media, {MediaFile.Status.PASSED, MediaFile.Status.FAILED})
    finally:
        worker.stop()

    assert media.status == MediaFile.Status.PASSED, media.reasons
    assert media.attempts == 1 and media.preview


def test_check_killed_with_its_worker_completes_on_the_next_worker(client, member, event, stack):
    # The first worker holds each check for a few seconds, long enough to be killed mid-check.
    slow = celery_processes.worker_environment(
        redis_url=stack["redis"], queue=stack["queue"], SLOW_CHECK_SECONDS="30", CELERY_VISIBILITY_TIMEOUT="5"
    )
    first = celery_processes.start_worker(
        env=slow, folder=stack["folder"], name="doomed", app="tests.slow_check_worker"
    )
    try:
        client.force_login(member)
        media = _wait_for(_upload_photo(client, event, stack["folder"]), {MediaFile.Status.CHECKING})
    finally:
        first.kill()
    media.refresh_from_db()
    assert media.status == MediaFile.Status.CHECKING and media.attempts == 1

    normal = celery_processes.worker_environment(
        redis_url=stack["redis"],
        queue=stack["queue"],
        CELERY_VISIBILITY_TIMEOUT="5",
        CELERY_UNACKED_RESTORE_INTERVAL="1",
        CELERY_UNACKED_RESTORE_THROTTLE="1",
    )
    second = celery_processes.start_worker(env=normal, folder=stack["folder"], name="successor")
    try:
        media = _wait_for(media, {MediaFile.Status.PASSED, MediaFile.Status.FAILED}, timeout=90)
    finally:
        second.stop()

    assert media.status == MediaFile.Status.PASSED
    assert media.attempts == 2
    assert "submissions.check_media" in second.log()
