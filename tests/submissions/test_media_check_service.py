"""The check service: one verdict per file however often it runs, bounded attempts, the sweep."""

import datetime as dt
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from submissions.models import DailyReport, MediaFile
from submissions.services import media as media_services
from submissions.services.reports import report_for_day
from tests import celery_processes
from tests.submissions import media_samples

pytestmark = pytest.mark.django_db
MIB = 1024 * 1024


def _stored_photo(event, member, tmp_path, *, size=int(2.1 * MIB)) -> MediaFile:
    photo = media_samples.make_jpeg(tmp_path / "p.jpg", size_bytes=size)
    report = report_for_day(event=event, day=event.days[0])
    upload = SimpleUploadedFile("p.jpg", photo.read_bytes(), content_type="image/jpeg")
    return media_services.media_upload(report=report, uploaded=upload, kind="photo", by=member)


def test_running_the_check_twice_gives_one_verdict(event, member, tmp_path):
    media = _stored_photo(event, member, tmp_path)

    first = media_services.media_check(media_id=media.pk)
    checked_at = first.checked_at
    second = media_services.media_check(media_id=media.pk)

    assert first.status == second.status == MediaFile.Status.PASSED
    assert second.attempts == 1 and second.checked_at == checked_at


def test_check_of_a_vanished_file_does_nothing(db):
    assert media_services.media_check(media_id=999_999) is None


def test_a_file_that_keeps_killing_workers_is_failed_after_a_few_attempts(event, member, tmp_path):
    media = _stored_photo(event, member, tmp_path)
    MediaFile.objects.filter(pk=media.pk).update(
        status=MediaFile.Status.CHECKING, attempts=media_services.MAX_CHECK_ATTEMPTS
    )

    media = media_services.media_check(media_id=media.pk)

    assert media.status == MediaFile.Status.FAILED
    assert media.reasons == [{"code": "check_keeps_crashing", "params": {"attempts": 3}}]


def test_upload_succeeds_with_the_broker_down_and_the_sweep_checks_it_later(
    event, member, tmp_path, django_capture_on_commit_callbacks
):
    with celery_processes.sending_to(redis_url="redis://127.0.0.1:9/0", queue="nowhere"):
        with django_capture_on_commit_callbacks(execute=True):
            media = _stored_photo(event, member, tmp_path)
    media.refresh_from_db()
    assert media.status == MediaFile.Status.QUEUED

    MediaFile.objects.filter(pk=media.pk).update(queued_at=timezone.now() - dt.timedelta(minutes=11))
    swept = media_services.media_sweep_stuck()

    media.refresh_from_db()
    assert swept == [media.pk]
    assert media.status == MediaFile.Status.PASSED


def test_sweep_leaves_recent_checks_alone(event, member, tmp_path):
    media = _stored_photo(event, member, tmp_path)
    MediaFile.objects.filter(pk=media.pk).update(status=MediaFile.Status.QUEUED, checked_at=None)

    assert media_services.media_sweep_stuck() == []


def test_storage_failure_during_upload_leaves_nothing_referenced(event, member, tmp_path, settings):
    settings.MEDIA_ROOT = "/proc/no-such-place"
    photo = media_samples.make_jpeg(tmp_path / "p.jpg")
    report = report_for_day(event=event, day=event.days[0])

    with pytest.raises(OSError):
        media_services.media_upload(
            report=report, uploaded=SimpleUploadedFile("p.jpg", photo.read_bytes()), kind="photo", by=member
        )

    assert not MediaFile.objects.exists()


def _alive(media, seconds_ago: float) -> None:
    """The file is being checked; its worker last renewed the lease ``seconds_ago``."""
    MediaFile.objects.filter(pk=media.pk).update(
        status=MediaFile.Status.CHECKING,
        attempts=1,
        check_alive_at=timezone.now() - dt.timedelta(seconds=seconds_ago),
    )


def test_a_live_check_is_not_taken_over_by_a_second_delivery(event, member, tmp_path):
    media = _stored_photo(event, member, tmp_path)
    _alive(media, media_services.CHECK_LEASE_RENEW_SECONDS)

    again = media_services.media_check(media_id=media.pk)

    assert (again.status, again.attempts) == (MediaFile.Status.CHECKING, 1)


def test_a_check_whose_lease_ran_out_is_taken_over(event, member, tmp_path):
    media = _stored_photo(event, member, tmp_path)
    _alive(media, media_services.CHECK_LEASE_SECONDS + 1)

    again = media_services.media_check(media_id=media.pk)

    assert (again.status, again.attempts) == (MediaFile.Status.PASSED, 2)


def test_sweep_leaves_a_live_check_alone_and_takes_a_dead_one_within_two_minutes(
    event, member, tmp_path, monkeypatch
):
    monkeypatch.setattr(media_services, "enqueue_check", lambda *, media_id: True)
    media = _stored_photo(event, member, tmp_path)

    _alive(media, 20)  # a slow check started long ago, its worker still renewing
    assert media_services.media_sweep_stuck() == []

    _alive(media, 61)  # the worker died a minute ago; beat's sweep runs every minute
    assert media_services.media_sweep_stuck() == [media.pk]


@pytest.mark.django_db(transaction=True)
def test_a_running_check_renews_its_lease(event, member, tmp_path, monkeypatch):
    monkeypatch.setattr(media_services, "enqueue_check", lambda *, media_id: True)  # checked below
    media = _stored_photo(event, member, tmp_path)
    monkeypatch.setattr(media_services, "CHECK_LEASE_RENEW_SECONDS", 0.05)
    seen = []
    real_inspect_file = media_services.inspect_file

    def slow_inspect_file(*args, **kwargs):
        started = MediaFile.objects.get(pk=media.pk).check_alive_at
        time.sleep(0.5)
        seen.append(MediaFile.objects.get(pk=media.pk).check_alive_at > started)
        return real_inspect_file(*args, **kwargs)

    monkeypatch.setattr(media_services, "inspect_file", slow_inspect_file)

    checked = media_services.media_check(media_id=media.pk)

    assert seen == [True] and checked.status == MediaFile.Status.PASSED


def test_a_check_handed_back_by_the_broker_is_resumed_at_once(event, member, tmp_path):
    media = _stored_photo(event, member, tmp_path)
    MediaFile.objects.filter(pk=media.pk).update(
        status=MediaFile.Status.CHECKING, attempts=1, check_alive_at=timezone.now()
    )

    untouched = media_services.media_check(media_id=media.pk)  # a duplicate beside a live check
    assert untouched.status == MediaFile.Status.CHECKING and untouched.attempts == 1

    resumed = media_services.media_check(media_id=media.pk, resume=True)  # its worker died
    assert resumed.status == MediaFile.Status.PASSED and resumed.attempts == 2


@pytest.mark.parametrize("accepted", [True, False], ids=["accepted-report", "draft-report"])
def test_a_video_passing_its_check_is_queued_for_web_versions_only_when_due(
    event, member, tmp_path, accepted
):
    clip = media_samples.make_video(tmp_path / "clip.mp4", seconds=1)
    report = report_for_day(event=event, day=event.days[0])
    upload = SimpleUploadedFile("clip.mp4", clip.read_bytes(), content_type="video/mp4")
    media = media_services.media_upload(report=report, uploaded=upload, kind="video", by=member)
    if accepted:
        now = timezone.now()
        DailyReport.objects.filter(pk=report.pk).update(
            status=DailyReport.Status.ACCEPTED,
            submitted_at=now,
            first_submitted_at=now,
            is_late=False,
            reviewed_at=now,
        )

    media = media_services.media_check(media_id=media.pk)

    assert media.status == MediaFile.Status.PASSED
    assert media.rendition_status == ("queued" if accepted else "")
