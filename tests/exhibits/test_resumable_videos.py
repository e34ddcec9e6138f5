"""A project's video sent resumably (tus, ``core.resumable``): the same holder-only rule,
1 GB refused before the first byte, and a finished upload becomes the project's video
through ``project_video_add`` (first look by content, check and web versions queued)."""

from __future__ import annotations

import base64
import hashlib

import pytest
from django.test import Client
from django.urls import reverse

from core.resumable.models import ResumableUpload
from exhibits.models import Project, ProjectVideo
from tests.exhibits import factories as exhibit_factories
from tests.submissions import media_samples
from tests.tus import TUS, patch

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def staging_folder(settings, tmp_path):
    settings.RESUMABLE_UPLOAD_DIR = tmp_path / "uploads-in-progress"


@pytest.fixture
def draft(hall, holder):
    return exhibit_factories.project(exhibition=hall, owner=holder, status=Project.Status.DRAFT)


def _signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _create(client, project, length, filename="路演.mp4"):
    name = base64.b64encode(filename.encode()).decode()
    return client.post(
        reverse("exhibits:video_resumable", args=[project.pk]),
        headers={**TUS, "Upload-Length": str(length), "Upload-Metadata": f"filename {name}"},
    )


def test_a_resumable_upload_becomes_the_projects_video(
    holder, draft, tmp_path, django_capture_on_commit_callbacks
):
    data = media_samples.make_video(tmp_path / "路演.mp4", width=1280, height=720, seconds=1).read_bytes()
    client = _signed_in(holder)
    location = _create(client, draft, len(data))["Location"]
    half = len(data) // 2

    with django_capture_on_commit_callbacks(execute=True):  # eager tasks: the check, then the versions
        assert patch(client, location, data[:half], 0).status_code == 204
        assert client.head(location, headers=TUS)["Upload-Offset"] == str(half)
        assert patch(client, location, data[half:], half).status_code == 204

    video = ProjectVideo.objects.get(project=draft)
    with video.file.open("rb") as stored:
        assert hashlib.sha256(stored.read()).digest() == hashlib.sha256(data).digest()
    assert video.original_name == "路演.mp4" and video.file.name.endswith(".mp4")
    assert video.status == ProjectVideo.Status.PASSED
    answer = client.get(location).json()
    assert answer["created"] == [{"id": video.pk}] and answer["page"] == reverse(
        "exhibits:project", args=[draft.pk]
    )


def test_over_a_gigabyte_is_refused_before_the_first_byte(holder, draft):
    response = _create(_signed_in(holder), draft, 1024 * 1024 * 1024 + 1)

    assert response.status_code == 413 and response.json()["errors"] == ["视频不能超过 1 GB。"]
    assert not ResumableUpload.objects.exists()


def test_a_finished_file_that_is_no_video_is_refused_by_its_content(holder, draft):
    client = _signed_in(holder)
    data = b"<html>" + b"x" * 4000
    location = _create(client, draft, len(data))["Location"]

    patch(client, location, data, 0)

    assert "按文件内容判断" in client.get(location).json()["errors"][0]
    assert not ProjectVideo.objects.exists()


def test_only_the_projects_holder_may_upload(hall, holder, draft):
    other_holder = exhibit_factories.holder(exhibition=hall)
    curator = exhibit_factories.curator(exhibition=hall)
    statuses = {
        "other holder": _create(_signed_in(other_holder), draft, 10).status_code,
        "curator": _create(_signed_in(curator), draft, 10).status_code,
        "holder": _create(_signed_in(holder), draft, 10).status_code,
    }

    assert statuses == {"other holder": 404, "curator": 403, "holder": 201}
    location = ResumableUpload.objects.get().pk
    url = reverse("exhibits:video_resumable_upload", args=[draft.pk, location])
    assert _signed_in(other_holder).head(url, headers=TUS).status_code == 404
