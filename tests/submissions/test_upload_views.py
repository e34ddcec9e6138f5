"""The reporter's pages: uploads streamed, hashed, limited and checked; other units see 404."""

import hashlib
import re

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse

from submissions.models import MediaFile
from tests import factories
from tests.submissions import media_samples

pytestmark = pytest.mark.django_db
MIB = 1024 * 1024


@pytest.fixture
def reporter_client(client, member):
    client.force_login(member)
    return client


def _upload_url(event, day):
    return reverse("reports:upload", args=[event.pk, day])


def _detail_url(event, day):
    return reverse("reports:detail", args=[event.pk, day])


def test_reporter_uploads_a_photo_that_is_checked_and_passes(
    reporter_client, event, tmp_path, django_capture_on_commit_callbacks
):
    photo = media_samples.make_jpeg(tmp_path / "现场.jpg", size_bytes=int(2.1 * MIB))
    day = event.days[0]

    with django_capture_on_commit_callbacks(execute=True), open(photo, "rb") as handle:
        response = reporter_client.post(_upload_url(event, day), {"photos": [handle], "caption": "开幕式"})

    assert response.status_code == 302
    media = MediaFile.objects.get()
    assert media.status == MediaFile.Status.PASSED
    assert media.sha256 == hashlib.sha256(photo.read_bytes()).hexdigest()
    assert media.original_name == "现场.jpg" and media.caption == "开幕式"
    assert "现场" not in media.file.name and media.file.name.endswith(".jpg")
    assert media.preview and media.width and media.height
    page = reporter_client.get(_detail_url(event, day)).content.decode()
    assert "现场.jpg" in page and "合格" in page


def test_failed_photo_is_kept_flagged_with_its_reason_and_can_be_deleted(
    reporter_client, event, tmp_path, django_capture_on_commit_callbacks
):
    small = media_samples.make_jpeg(tmp_path / "small.jpg", size_bytes=int(1.9 * MIB))
    day = event.days[0]
    with django_capture_on_commit_callbacks(execute=True), open(small, "rb") as handle:
        reporter_client.post(_upload_url(event, day), {"photos": [handle]})

    media = MediaFile.objects.get()
    assert media.status == MediaFile.Status.FAILED
    page = reporter_client.get(_detail_url(event, day)).content.decode()
    assert "低于要求的 2 MB" in page

    reporter_client.post(reverse("reports:media_delete", args=[media.pk]))
    assert not MediaFile.objects.exists()


def test_same_file_twice_in_one_report_is_refused(reporter_client, event, tmp_path):
    photo = media_samples.make_jpeg(tmp_path / "a.jpg", size_bytes=int(2.1 * MIB))
    day = event.days[0]
    for _ in range(2):
        with open(photo, "rb") as handle:
            response = reporter_client.post(_upload_url(event, day), {"photos": [handle]}, follow=True)

    assert MediaFile.objects.count() == 1
    assert "已经上传过" in response.content.decode()


def test_file_over_the_limit_is_cut_off_before_it_is_stored(reporter_client, event, tmp_path):
    event.week.photo_max_bytes = event.week.photo_min_bytes = 1 * MIB
    event.week.save()
    big = media_samples.make_jpeg(tmp_path / "big.jpg", size_bytes=3 * MIB)
    stored_before = _stored_files()

    with open(big, "rb") as handle:
        response = reporter_client.post(
            _upload_url(event, event.days[0]), {"photos": [handle]}, headers={"accept": "application/json"}
        )

    assert response.status_code == 400
    assert response.json()["errors"] == ["“big.jpg”超过 1 MB 的上限，未保存。"]
    assert not MediaFile.objects.exists()
    assert _stored_files() == stored_before


def test_original_name_loses_folders_and_control_characters(reporter_client, event, tmp_path):
    photo = media_samples.make_jpeg(tmp_path / "p.jpg", size_bytes=int(2.1 * MIB))
    with open(photo, "rb") as handle:
        content = handle.read()
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("..\\..\\evil\x07/../成果\x1b.jpg.php", content, content_type="image/jpeg")
    reporter_client.post(_upload_url(event, event.days[0]), {"photos": [upload]})

    media = MediaFile.objects.get()
    assert media.original_name == "成果.jpg.php"
    assert media.file.name.endswith(".bin") and ".." not in media.file.name


def test_json_upload_answers_with_the_new_file(reporter_client, event, tmp_path):
    photo = media_samples.make_jpeg(tmp_path / "p.jpg", size_bytes=int(2.1 * MIB))
    with open(photo, "rb") as handle:
        response = reporter_client.post(
            _upload_url(event, event.days[0]), {"photos": [handle]}, headers={"accept": "application/json"}
        )

    assert response.status_code == 200
    [created] = response.json()["created"]
    assert created["name"] == "p.jpg" and created["status"] in {"queued", "passed"}


def test_the_file_list_gives_cards_when_asked_so_a_page_can_show_a_file_whose_answer_it_lost(
    reporter_client, event, tmp_path
):
    """The report page asks ``media.json?cards=1`` after an upload it cancelled late or whose
    answer never came: each stored file comes with the card the upload would have answered."""
    day = event.days[0]
    photo = media_samples.make_jpeg(tmp_path / "会场.jpg", size_bytes=int(2.1 * MIB))
    with open(photo, "rb") as handle:
        uploaded = reporter_client.post(
            _upload_url(event, day), {"photos": [handle]}, headers={"accept": "application/json"}
        ).json()["created"][0]
    status_url = reverse("reports:media_status", args=[event.pk, day])

    plain = reporter_client.get(status_url).json()["media"]
    with_cards = reporter_client.get(status_url, {"cards": "1"}).json()["media"]

    assert [item["id"] for item in plain] == [item["id"] for item in with_cards] == [uploaded["id"]]
    assert "html" not in plain[0]
    assert _unmasked(with_cards[0]["html"]) == _unmasked(uploaded["html"])
    assert (
        f'data-media-id="{uploaded["id"]}"' in with_cards[0]["html"] and "会场.jpg" in with_cards[0]["html"]
    )


def _unmasked(html: str) -> str:
    """A card without its CSRF token's value (masked anew for every response)."""
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', 'name="csrfmiddlewaretoken"', html)


def test_another_units_event_is_not_found(client, event, tmp_path):
    outsider = factories.member(factories.organizer())
    client.force_login(outsider)
    day = event.days[0]

    assert client.get(_detail_url(event, day)).status_code == 404
    photo = media_samples.make_jpeg(tmp_path / "p.jpg")
    with open(photo, "rb") as handle:
        assert client.post(_upload_url(event, day), {"photos": [handle]}).status_code == 404
    assert not MediaFile.objects.exists()


def test_upload_needs_a_csrf_token(event, member, tmp_path):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(member)
    photo = media_samples.make_jpeg(tmp_path / "p.jpg")
    with open(photo, "rb") as handle:
        response = strict.post(_upload_url(event, event.days[0]), {"photos": [handle]})

    assert response.status_code == 403
    assert not MediaFile.objects.exists()


def test_report_page_saves_a_draft_and_submits(reporter_client, event, ready_report):
    day = event.days[0]
    ready_report(event, day)
    data = {
        "report-text": "沙龙顺利举行，签约项目 3 个。",
        "report-attendance": "120",
        "leaders-TOTAL_FORMS": "2",
        "leaders-INITIAL_FORMS": "0",
        "leaders-MIN_NUM_FORMS": "0",
        "leaders-MAX_NUM_FORMS": "50",
        "leaders-0-name": "周伟",
        "leaders-0-post": "副市长",
        "leaders-0-level": "municipal",
        "leaders-1-name": "",
        "leaders-1-post": "",
        "leaders-1-level": "municipal",
        "action": "submit",
    }

    response = reporter_client.post(_detail_url(event, day), data, follow=True)

    page = response.content.decode()
    assert "已按时报送" in page or "已报送（逾期）" in page
    report = event.reports.get()
    assert report.status == "submitted"
    assert [leader.name for leader in report.leaders.all()] == ["周伟"]


def test_half_filled_leader_row_is_explained(reporter_client, event):
    data = {
        "report-text": "x",
        "leaders-TOTAL_FORMS": "1",
        "leaders-INITIAL_FORMS": "0",
        "leaders-MIN_NUM_FORMS": "0",
        "leaders-MAX_NUM_FORMS": "50",
        "leaders-0-name": "周伟",
        "leaders-0-post": "",
        "leaders-0-level": "municipal",
        "action": "draft",
    }

    response = reporter_client.post(_detail_url(event, event.days[0]), data)

    assert response.status_code == 200
    assert "请同时填写领导的姓名和职务。" in response.content.decode()


def test_report_list_shows_every_day_with_its_due_time(reporter_client, week, organizer, member):
    evening = factories.event(
        week=week,
        host=organizer,
        starts_at=factories.at(week.starts_on, 18, 30),
        ends_at=factories.at(week.starts_on, 21),
    )

    page = reporter_client.get(reverse("reports:list")).content.decode()

    assert evening.subtitle in page
    assert "晚间活动，次日截止" in page


def _stored_files() -> set[str]:
    found = set()
    if not default_storage.exists("reports"):
        return found
    stack = ["reports"]
    while stack:
        folder = stack.pop()
        folders, files = default_storage.listdir(folder)
        stack.extend(f"{folder}/{name}" for name in folders)
        found.update(f"{folder}/{name}" for name in files)
    return found


def test_looking_at_a_day_writes_nothing(reporter_client, event):
    day = event.days[0]

    page = reporter_client.get(_detail_url(event, day)).content.decode()

    assert "提交前还缺" in page and "合格照片（至少 1 张，已有 0 张）" in page
    assert not event.reports.exists()
