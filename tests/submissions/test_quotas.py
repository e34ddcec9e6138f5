"""Storage quotas: photos and videos per report, bytes per unit per day, and the purge of
files that failed their check."""

import datetime as dt
import hashlib
import os

import pytest
import time_machine
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from shuangchuang.celery import app as celery_app
from submissions.models import DailyReport, MediaFile
from submissions.services import media as media_services
from submissions.services.reports import report_for_day
from submissions.tasks.media import purge_failed_media_task
from tests import factories
from tests.submissions import media_samples

pytestmark = pytest.mark.django_db


def _stored_names() -> set[str]:
    """Every file under MEDIA_ROOT, relative to it."""
    root = str(settings.MEDIA_ROOT)
    return {
        os.path.relpath(os.path.join(folder, name), root)
        for folder, _dirs, names in os.walk(root)
        for name in names
    }


def _photo(tmp_path, name="p.jpg", width=640) -> bytes:
    """A real JPEG; a different ``width`` gives different bytes."""
    return media_samples.make_jpeg(tmp_path / name, width=width, height=480).read_bytes()


def _upload(report, member, content, name="p.jpg", kind="photo"):
    return media_services.media_upload(
        report=report,
        uploaded=SimpleUploadedFile(name, content, content_type="image/jpeg"),
        kind=kind,
        by=member,
    )


def _row(report, *, kind="photo", size=1024, status=MediaFile.Status.QUEUED, number=0, **fields):
    """A file row (without a stored file unless ``file`` is given), for filling a report up."""
    values = {
        "report": report,
        "kind": kind,
        "file": f"reports/filler-{report.pk}-{kind}-{number}.jpg",
        "original_name": f"filler{number}.jpg",
        "size": size,
        "sha256": hashlib.sha256(f"{report.pk}-{kind}-{number}".encode()).hexdigest(),
        "status": status,
    }
    if status in (MediaFile.Status.PASSED, MediaFile.Status.FAILED):
        values["checked_at"] = dt.datetime.now(dt.UTC)
    return MediaFile.objects.create(**{**values, **fields})


# --- per report ---------------------------------------------------------------------------


def test_the_weeks_defaults_are_sized_for_the_rules(week):
    assert week.max_photos_per_report == 20
    assert week.max_videos_per_report == 3
    assert week.max_bytes_per_unit_day == 8 * 1024**3
    # One report filled to every size limit still fits in a unit's day.
    full_report = week.max_photos_per_report * week.photo_max_bytes + (
        week.max_videos_per_report * week.video_max_bytes
    )
    assert full_report <= week.max_bytes_per_unit_day


def test_the_21st_photo_is_refused_with_the_limit_and_nothing_is_stored(event, member, tmp_path):
    report = report_for_day(event=event, day=event.days[0])
    for number in range(19):
        _row(report, number=number, status=MediaFile.Status.FAILED if number % 2 else MediaFile.Status.PASSED)
    _upload(report, member, _photo(tmp_path, "20.jpg", width=640), name="20.jpg")  # the 20th fits
    before = _stored_names()

    with pytest.raises(ValidationError) as refused:
        _upload(report, member, _photo(tmp_path, "21.jpg", width=641), name="21.jpg")

    message = refused.value.messages[0]
    assert message.startswith("每份报送最多 20 张照片")
    assert "已有 20 张" in message and "“21.jpg”未保存" in message
    assert report.media.filter(kind="photo").count() == 20
    assert _stored_names() == before


def test_videos_have_their_own_count(event, member, tmp_path):
    """Three videos (failed ones included) fill a report's videos, not its photos."""
    report = report_for_day(event=event, day=event.days[0])
    for number in range(3):
        _row(report, kind="video", number=number, status=MediaFile.Status.FAILED)

    with pytest.raises(ValidationError, match="每份报送最多 3 个视频"):
        _upload(report, member, b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 2000, name="v.mp4", kind="video")
    _upload(report, member, _photo(tmp_path), name="still-fine.jpg")

    assert report.media.filter(kind="video").count() == 3
    assert report.media.filter(kind="photo").count() == 1


def test_deleting_a_file_frees_its_slot(event, member, tmp_path):
    event.week.max_photos_per_report = 2
    event.week.save()
    report = report_for_day(event=event, day=event.days[0])
    first = _upload(report, member, _photo(tmp_path, "a.jpg", width=640), name="a.jpg")
    _upload(report, member, _photo(tmp_path, "b.jpg", width=641), name="b.jpg")
    third = _photo(tmp_path, "c.jpg", width=642)
    with pytest.raises(ValidationError, match="每份报送最多 2 张照片"):
        _upload(report, member, third, name="c.jpg")

    media_services.media_delete(media=first)
    replaced = _upload(report, member, third, name="c.jpg")

    assert set(report.media.values_list("original_name", flat=True)) == {"b.jpg", "c.jpg"}
    assert replaced.file.storage.exists(replaced.file.name)


# --- per unit and day ---------------------------------------------------------------------


def test_a_units_bytes_per_day_are_limited_across_its_events(week, organizer, member, event, tmp_path):
    photo = _photo(tmp_path, "a.jpg", width=640)
    other = _photo(tmp_path, "b.jpg", width=641)
    week.max_bytes_per_unit_day = len(photo) + len(other) - 1  # room for one of them, not both
    week.save()
    second_event = factories.event(week=week, host=organizer, reporter=member)
    _upload(report_for_day(event=event, day=event.days[0]), member, photo, name="a.jpg")
    second_report = report_for_day(event=second_event, day=second_event.days[0])
    before = _stored_names()

    with pytest.raises(ValidationError) as refused:
        _upload(second_report, member, other, name="b.jpg")

    message = refused.value.messages[0]
    assert message.startswith("本单位今天已上传 ")
    assert "超过每日 " in message and "“b.jpg”" in message
    assert not second_report.media.exists()
    assert _stored_names() == before


def test_other_units_and_other_days_do_not_count(week, organizer, member, event, tmp_path):
    photo = _photo(tmp_path)
    week.max_bytes_per_unit_day = len(photo) + 100
    week.save()
    report = report_for_day(event=event, day=event.days[0])
    _row(report, number=1, size=10**9, uploaded_at=week.local_now() - dt.timedelta(days=1))
    stranger_unit = factories.organizer()
    stranger_event = factories.event(week=week, host=stranger_unit, reporter=factories.member(stranger_unit))
    _row(report_for_day(event=stranger_event, day=stranger_event.days[0]), number=2, size=10**9)

    media = _upload(report, member, photo)

    assert media.pk and media_services.unit_bytes_today(organizer_id=organizer.pk, week=week) == len(photo)


def test_a_file_stored_meanwhile_over_the_quota_is_refused_and_its_copy_removed(
    event, member, tmp_path, monkeypatch
):
    """Another upload of the same report lands while this one is being stored: the count is
    taken again under the lock, and the stored copy is removed."""
    event.week.max_photos_per_report = 1
    event.week.save()
    report = report_for_day(event=event, day=event.days[0])
    storage = MediaFile._meta.get_field("file").storage
    real_save = storage.save
    stored = []

    def save(name, content, max_length=None):
        saved = real_save(name, content, max_length=max_length)
        stored.append(saved)
        _row(report, number=99)
        return saved

    monkeypatch.setattr(storage, "save", save)

    with pytest.raises(ValidationError, match="每份报送最多 1 张照片"):
        _upload(report, member, _photo(tmp_path))

    assert report.media.count() == 1
    assert not storage.exists(stored[0])


def test_the_upload_page_shows_the_refusal_per_file(client, event, member, tmp_path):
    event.week.max_photos_per_report = 1
    event.week.save()
    client.force_login(member)
    day = event.days[0]
    first = media_samples.make_jpeg(tmp_path / "一.jpg", width=640, height=480)
    second = media_samples.make_jpeg(tmp_path / "二.jpg", width=641, height=480)

    with open(first, "rb") as one, open(second, "rb") as two:
        response = client.post(
            reverse("reports:upload", args=[event.pk, day]),
            {"photos": [one, two]},
            headers={"accept": "application/json"},
        )

    body = response.json()
    assert [media["name"] for media in body["created"]] == ["一.jpg"]
    assert len(body["errors"]) == 1
    assert body["errors"][0].startswith("每份报送最多 1 张照片") and "“二.jpg”未保存" in body["errors"][0]


# --- purge --------------------------------------------------------------------------------

OLD_DAY = dt.date(2026, 9, 20)
RECENT_DAY = dt.date(2026, 9, 26)
NOW = factories.at(dt.date(2026, 9, 30), 3)


def _stored_file(report, *, status, number, checked_at, preview=True):
    """A file row with a real stored file (and preview), checked at ``checked_at``."""
    storage = MediaFile._meta.get_field("file").storage
    name = storage.save(f"reports/purge/{report.pk}-{number}.jpg", ContentFile(b"\xff\xd8 not really"))
    preview_name = (
        storage.save(f"previews/purge/{report.pk}-{number}.jpg", ContentFile(b"x")) if preview else ""
    )
    return _row(report, number=number, status=status, checked_at=checked_at, file=name, preview=preview_name)


@pytest.fixture
def purge_files(week, organizer, member):
    old_event = factories.event(week=week, host=organizer, reporter=member)
    recent_event = factories.event(
        week=week,
        host=organizer,
        reporter=member,
        starts_at=factories.at(RECENT_DAY, 9),
        ends_at=factories.at(RECENT_DAY, 17),
    )
    old = DailyReport.objects.create(event=old_event, day=OLD_DAY)
    recent = DailyReport.objects.create(event=recent_event, day=RECENT_DAY)
    checked_old = factories.at(OLD_DAY, 18)
    return {
        "old_failed": _stored_file(old, status=MediaFile.Status.FAILED, number=1, checked_at=checked_old),
        "old_failed_no_preview": _stored_file(
            old, status=MediaFile.Status.FAILED, number=2, checked_at=checked_old, preview=False
        ),
        "old_passed": _stored_file(old, status=MediaFile.Status.PASSED, number=3, checked_at=checked_old),
        "old_failed_lately": _stored_file(
            old, status=MediaFile.Status.FAILED, number=4, checked_at=NOW - dt.timedelta(days=1)
        ),
        "recent_failed": _stored_file(
            recent, status=MediaFile.Status.FAILED, number=5, checked_at=factories.at(RECENT_DAY, 18)
        ),
    }


def _exists(name: str) -> bool:
    return bool(name) and MediaFile._meta.get_field("file").storage.exists(name)


def test_purge_removes_only_old_failed_files_and_their_stored_files(
    purge_files, django_capture_on_commit_callbacks
):
    gone = [purge_files["old_failed"], purge_files["old_failed_no_preview"]]
    kept = [purge_files["old_passed"], purge_files["old_failed_lately"], purge_files["recent_failed"]]

    with django_capture_on_commit_callbacks(execute=True):
        purged = media_services.media_purge_failed(older_than_days=7, now=NOW)

    assert purged == 2
    assert set(MediaFile.objects.values_list("pk", flat=True)) == {media.pk for media in kept}
    for media in gone:
        assert not _exists(media.file.name) and not _exists(media.preview.name)
    for media in kept:
        assert _exists(media.file.name) and _exists(media.preview.name)


def test_purge_counts_days_from_the_setting_by_default(
    purge_files, settings, django_capture_on_commit_callbacks
):
    settings.MEDIA_PURGE_FAILED_AFTER_DAYS = 30

    with django_capture_on_commit_callbacks(execute=True):
        assert media_services.media_purge_failed(now=NOW) == 0

    assert MediaFile.objects.count() == 5


def test_the_daily_task_runs_the_purge(purge_files, settings, django_capture_on_commit_callbacks):
    settings.MEDIA_PURGE_FAILED_AFTER_DAYS = 2  # the recent report (4 days ago) is old enough now

    with time_machine.travel(NOW, tick=False), django_capture_on_commit_callbacks(execute=True):
        purge_failed_media_task.delay()

    assert set(MediaFile.objects.values_list("pk", flat=True)) == {
        purge_files["old_passed"].pk,
        purge_files["old_failed_lately"].pk,
    }
    assert not _exists(purge_files["recent_failed"].file.name)
    assert "submissions.purge_failed_media" in {
        entry["task"] for entry in celery_app.conf.beat_schedule.values()
    }
