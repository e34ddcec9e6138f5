"""Resumable uploads of a report's videos (tus 1.0) through Django's test client: the
protocol, the limits before the first byte, termination, permissions, and the finished file
becoming a MediaFile that is checked like any other."""

from __future__ import annotations

import base64
import hashlib
import uuid

import pytest
from django.test import Client
from django.urls import reverse

from core.resumable import staging
from core.resumable.models import ResumableUpload
from submissions.models import MediaFile
from tests import factories
from tests.submissions import media_samples
from tests.tus import TUS, patch

pytestmark = pytest.mark.django_db
OFFSET_TYPE = "application/offset+octet-stream"


@pytest.fixture(autouse=True)
def staging_folder(settings, tmp_path):
    settings.RESUMABLE_UPLOAD_DIR = tmp_path / "uploads-in-progress"


@pytest.fixture
def reporter_client(client, member):
    client.force_login(member)
    return client


@pytest.fixture
def clip(tmp_path):
    path = media_samples.make_video(tmp_path / "开幕式.mp4", seconds=1)
    return path.read_bytes()


def _endpoint(event, day=None):
    return reverse("reports:resumable", args=[event.pk, day or event.days[0]])


def _metadata(**values) -> str:
    return ",".join(f"{key} {base64.b64encode(value.encode()).decode()}" for key, value in values.items())


def _create(client, event, length, **metadata):
    metadata = {"filename": "开幕式.mp4", "kind": "video", **metadata}
    return client.post(
        _endpoint(event),
        headers={**TUS, "Upload-Length": str(length), "Upload-Metadata": _metadata(**metadata)},
    )


def _staged_files() -> list:
    return sorted(staging.folder().glob("*.part")) if staging.folder().is_dir() else []


def test_options_describes_the_server(reporter_client, event):
    response = reporter_client.options(_endpoint(event))

    assert response.status_code == 204
    assert response["Tus-Version"] == "1.0.0" and response["Tus-Resumable"] == "1.0.0"
    assert set(response["Tus-Extension"].split(",")) == {"creation", "termination", "expiration"}
    assert int(response["Tus-Max-Size"]) == event.week.video_max_bytes


def test_a_video_sent_in_pieces_becomes_a_checked_media_file(
    reporter_client, event, clip, django_capture_on_commit_callbacks
):
    created = _create(reporter_client, event, len(clip), caption="开幕式现场")
    assert created.status_code == 201
    location = created["Location"]
    assert created["Upload-Offset"] == "0" and "GMT" in created["Upload-Expires"]
    thirds = [0, len(clip) // 3, 2 * len(clip) // 3, len(clip)]

    with django_capture_on_commit_callbacks(execute=True):
        for start, end in zip(thirds, thirds[1:], strict=False):
            head = reporter_client.head(location, headers=TUS)
            assert head.status_code == 200 and head["Upload-Offset"] == str(start)
            assert head["Upload-Length"] == str(len(clip)) and head["Cache-Control"] == "no-store"
            patched = patch(reporter_client, location, clip[start:end], start)
            assert patched.status_code == 204 and patched["Upload-Offset"] == str(end)

    media = MediaFile.objects.get()
    assert media.kind == MediaFile.Kind.VIDEO and media.caption == "开幕式现场"
    assert media.original_name == "开幕式.mp4" and media.size == len(clip)
    assert media.sha256 == hashlib.sha256(clip).hexdigest()
    assert media.file.read() == clip
    assert media.status == MediaFile.Status.PASSED  # the check ran after commit, as for any upload
    assert _staged_files() == []
    answer = reporter_client.get(location, headers={"Accept": "application/json"}).json()
    assert answer["finished"] and answer["errors"] == []
    [card] = answer["created"]
    assert card["id"] == media.pk and "开幕式.mp4" in card["html"]


def test_a_wrong_offset_is_a_conflict_and_stores_nothing(reporter_client, event, clip):
    location = _create(reporter_client, event, len(clip))["Location"]
    assert patch(reporter_client, location, clip[:1000], 0).status_code == 204

    response = patch(reporter_client, location, clip[500:2000], 500)

    assert response.status_code == 409
    assert ResumableUpload.objects.get().offset == 1000
    [staged] = _staged_files()
    assert staged.read_bytes() == clip[:1000]


def test_too_large_is_refused_before_anything_is_stored(reporter_client, event):
    event.week.video_max_bytes = 10 * 1024 * 1024
    event.week.save()

    response = _create(reporter_client, event, 10 * 1024 * 1024 + 1)

    assert response.status_code == 413
    assert response.json()["errors"] == ["“开幕式.mp4”超过 10 MB 的上限，未保存。"]
    assert not ResumableUpload.objects.exists() and _staged_files() == []


def test_the_units_daily_bytes_are_counted_before_the_first_byte(reporter_client, event):
    event.week.max_bytes_per_unit_day = 5 * 1024 * 1024
    event.week.save()

    response = _create(reporter_client, event, 6 * 1024 * 1024)

    assert response.status_code == 413
    assert "本单位今天已上传" in response.json()["errors"][0]
    assert not ResumableUpload.objects.exists()


def test_more_bytes_than_announced_are_refused(reporter_client, event, clip):
    location = _create(reporter_client, event, 100)["Location"]

    assert patch(reporter_client, location, clip[:101], 0).status_code == 413
    assert ResumableUpload.objects.get().offset == 0


def test_delete_ends_the_upload_and_removes_its_bytes(reporter_client, event, clip):
    location = _create(reporter_client, event, len(clip))["Location"]
    patch(reporter_client, location, clip[:1000], 0)

    response = reporter_client.delete(location, headers=TUS)

    assert response.status_code == 204
    assert not ResumableUpload.objects.exists() and _staged_files() == []
    assert reporter_client.head(location, headers=TUS).status_code == 404


def test_requests_without_the_protocol_version_are_refused(reporter_client, event):
    response = reporter_client.post(_endpoint(event), headers={"Upload-Length": "10"})

    assert response.status_code == 412 and response["Tus-Version"] == "1.0.0"
    assert not ResumableUpload.objects.exists()


def test_a_finished_file_that_is_no_video_is_refused_with_its_reason(reporter_client, event):
    data = b"<html>" + b"x" * 5000
    location = _create(reporter_client, event, len(data), filename="a.mp4")["Location"]

    assert patch(reporter_client, location, data, 0).status_code == 204

    answer = reporter_client.get(location)
    assert answer.status_code == 400
    assert "不是照片或视频文件" in answer.json()["errors"][0]
    assert not MediaFile.objects.exists() and _staged_files() == []


def test_the_same_file_twice_is_refused_as_the_normal_upload_does(reporter_client, event, clip):
    for _ in range(2):
        location = _create(reporter_client, event, len(clip))["Location"]
        patch(reporter_client, location, clip, 0)

    assert MediaFile.objects.count() == 1
    assert "已经上传过" in reporter_client.get(location).json()["errors"][0]


def test_a_user_has_few_unfinished_uploads_at_once(reporter_client, event, settings):
    settings.RESUMABLE_MAX_OPEN_PER_USER = 2
    assert [_create(reporter_client, event, 1000).status_code for _ in range(2)] == [201, 201]

    refused = _create(reporter_client, event, 1000)

    assert refused.status_code == 429 and "未完成的上传" in refused.json()["errors"][0]


def test_the_browser_client_sends_the_csrf_token_in_a_header(member, event):
    client = Client(enforce_csrf_checks=True)
    client.force_login(member)
    client.get(reverse("reports:detail", args=[event.pk, event.days[0]]))  # sets the cookie
    headers = {**TUS, "Upload-Length": "1000"}

    assert client.post(_endpoint(event), headers=headers).status_code == 403
    token = client.cookies["csrftoken"].value
    assert client.post(_endpoint(event), headers={**headers, "X-CSRFToken": token}).status_code == 201


def test_only_the_uploader_reaches_an_upload(reporter_client, event, organizer, clip):
    location = _create(reporter_client, event, len(clip))["Location"]
    colleague = factories.member(organizer)  # same unit, not the uploader
    stranger = factories.member(factories.organizer())
    others = {"colleague": colleague, "stranger": stranger, "office": factories.office_user()}
    answers = {}
    for role, user in others.items():
        client = Client()
        client.force_login(user)
        answers[role] = (
            client.head(location, headers=TUS).status_code,
            patch(client, location, clip[:10], 0).status_code,
            client.delete(location, headers=TUS).status_code,
            client.get(location).status_code,
        )
    answers["stranger creates"] = _create(_signed_in(stranger), event, 10).status_code
    answers["office creates"] = _create(_signed_in(others["office"]), event, 10).status_code

    assert answers == {
        "colleague": (404, 404, 404, 404),
        "stranger": (404, 404, 404, 404),
        "office": (403, 403, 403, 403),  # no organizer area at all, as for the normal upload
        "stranger creates": 404,
        "office creates": 403,
    }
    anonymous = Client().head(location, headers=TUS)
    assert anonymous.status_code == 302 and "/login/" in anonymous["Location"]
    assert ResumableUpload.objects.get().offset == 0


def test_an_unknown_upload_is_not_found(reporter_client, event):
    location = reverse("reports:resumable_upload", args=[event.pk, event.days[0], uuid.uuid4()])

    assert reporter_client.head(location, headers=TUS).status_code == 404


def _signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_complete_upload_whose_request_died_is_finished_when_the_page_asks(reporter_client, event, clip):
    location = _create(reporter_client, event, len(clip))["Location"]
    upload = ResumableUpload.objects.get()
    staging.path_of(upload.staged_name).write_bytes(clip)  # the bytes and the offset were committed,
    ResumableUpload.objects.filter(pk=upload.pk).update(offset=len(clip))  # then the process died

    answer = reporter_client.get(location).json()

    assert [card["id"] for card in answer["created"]] == [MediaFile.objects.get().pk]
