"""S3 mode (moto): a report video's resumable upload is an S3 multipart upload from its first
PATCH (parts sent while it runs, nothing staged on the web host's disk), and the finished
object becomes the report's file by a copy inside the bucket (docs/resumable_uploads.md)."""

from __future__ import annotations

import base64
import hashlib

import pytest
from django.urls import reverse

from core.resumable import staging
from submissions.models import MediaFile
from tests.storage.conftest import moto_s3, s3_bucket  # noqa: F401 (fixtures)
from tests.submissions import media_samples

pytestmark = [pytest.mark.services, pytest.mark.django_db]  # services: moto's S3 server
TUS = {"Tus-Resumable": "1.0.0"}
MIB = 1024 * 1024


@pytest.fixture(autouse=True)
def staging_folder(settings, tmp_path):
    settings.RESUMABLE_UPLOAD_DIR = tmp_path / "uploads-in-progress"


def test_a_finished_upload_goes_to_the_bucket_in_parts(client, member, event, s3_bucket, moto_s3, tmp_path):  # noqa: F811
    video = media_samples.make_large_video(
        tmp_path / "论坛.mp4", size_bytes=10 * MIB, width=1280, height=720, fps=10, bit_rate=4_000_000
    )
    data = video.read_bytes()
    client.force_login(member)
    name = base64.b64encode("论坛.mp4".encode()).decode()
    created = client.post(
        reverse("reports:resumable", args=[event.pk, event.days[0]]),
        headers={**TUS, "Upload-Length": str(len(data)), "Upload-Metadata": f"filename {name}"},
    )
    location = created["Location"]
    half = len(data) // 2
    before = moto_s3.log_position()
    for start, end in ((0, half), (half, len(data))):
        response = client.patch(
            location,
            data=data[start:end],
            content_type="application/offset+octet-stream",
            headers={**TUS, "Upload-Offset": str(start)},
        )
        assert response.status_code == 204
        if end < len(data):  # the first five megabytes already went to the bucket as a part
            requests = moto_s3.requests_since(before)
            assert any(method == "PUT" and "partNumber=1" in target for method, target, _status in requests)
            assert list(staging.folder().glob("*")) == []

    media = MediaFile.objects.get()
    requests = moto_s3.requests_since(before)
    assert any(method == "POST" and "uploads" in target for method, target, _status in requests)
    assert any(method == "PUT" and "partNumber=" in target for method, target, _status in requests)
    with media.file.open("rb") as stored:
        assert hashlib.sha256(stored.read()).hexdigest() == hashlib.sha256(data).hexdigest() == media.sha256
    assert list(staging.folder().glob("*")) == []
