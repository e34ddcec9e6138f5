"""S3 mode: a permission-checked download is a 302 to a short-lived signed link; the bytes,
and any Range request, go from the object store to the browser without a web worker."""

from __future__ import annotations

import hashlib
import urllib.error
import urllib.request
from urllib.parse import parse_qs, urlparse

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from submissions.models import DailyReport, MediaFile
from tests import factories

pytestmark = [pytest.mark.services, pytest.mark.django_db]  # services: moto's S3 server
MIB = 1024 * 1024


def _fetch(url: str, headers: dict | None = None) -> tuple[int, bytes, dict]:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, response.read(), {k.lower(): v for k, v in response.headers.items()}
    except urllib.error.HTTPError as error:
        return error.code, error.read(), {k.lower(): v for k, v in error.headers.items()}


def _media(event, *, name: str, content: bytes, status="passed", detected_format="mp4", kind="video"):
    report, _ = DailyReport.objects.get_or_create(event=event, day=event.days[0])
    media = MediaFile(
        report=report,
        kind=kind,
        original_name=name,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        status=status,
        detected_format=detected_format,
        checked_at=timezone.now(),
    )
    media.file.save(name, ContentFile(content), save=False)
    media.save()
    return media


def test_a_private_file_is_a_redirect_to_a_signed_link_that_works(client, member, event, s3_bucket, moto_s3):
    content = b"\x00\x00\x00\x18ftypmp42" + bytes(range(256)) * 40
    media = _media(event, name="开幕式.mp4", content=content)
    client.force_login(member)
    before = moto_s3.log_position()

    response = client.get(reverse("media_files:serve", args=[media.pk, "original"]))

    assert response.status_code == 302
    assert moto_s3.requests_since(before) == []  # signing is arithmetic: no request to S3
    assert response["Cache-Control"] == "private, max-age=1800"  # half the link's hour
    link = response["Location"]
    query = parse_qs(urlparse(link).query)
    assert link.startswith(f"{moto_s3.url}/{s3_bucket}/{media.file.name}?")
    assert query["X-Amz-Expires"] == ["3600"]
    assert query["response-content-type"] == ["video/mp4"]
    status, body, headers = _fetch(link)
    assert status == 200 and body == content
    assert headers["content-type"] == "video/mp4"


def test_an_unproven_file_is_signed_as_an_attachment_under_its_chinese_name(client, member, event, s3_bucket):
    media = _media(event, name="现场 视频.mp4", content=b"not really a video", status="failed")
    client.force_login(member)

    response = client.get(reverse("media_files:serve", args=[media.pk, "original"]))

    assert response.status_code == 302
    status, body, headers = _fetch(response["Location"])
    assert status == 200 and body == b"not really a video"
    assert headers["content-type"] == "application/octet-stream"
    assert headers["content-disposition"].startswith("attachment; filename*=utf-8''")
    assert "%E7%8E%B0%E5%9C%BA" in headers["content-disposition"]


def test_nobody_else_gets_a_link(client, event, s3_bucket):
    media = _media(event, name="a.mp4", content=b"x" * 100)
    client.force_login(factories.member(factories.organizer(name="别的单位")))

    response = client.get(reverse("media_files:serve", args=[media.pk, "original"]))

    assert response.status_code == 404
    assert "Location" not in response


def test_a_view_cannot_let_the_redirect_outlive_its_link(client, member, event, s3_bucket):
    """The view sets "private, max-age=3600" after file_response: clamped to half the link's life."""
    media = _media(event, name="a.mp4", content=b"x" * 100)
    client.force_login(member)

    with override_settings(MEDIA_SIGNED_URL_SECONDS=600):
        response = client.get(reverse("media_files:serve", args=[media.pk, "original"]))

    assert response["Cache-Control"] == "private, max-age=300"
    assert parse_qs(urlparse(response["Location"]).query)["X-Amz-Expires"] == ["600"]


def test_a_100_byte_range_is_one_ranged_get_on_the_object_store(client, member, event, s3_bucket, moto_s3):
    """The issue measured 4 full GETs of a 26 MB object for one 100-byte Range request."""
    content = bytes(range(256)) * (26 * MIB // 256)
    media = _media(event, name="long.mp4", content=content)
    client.force_login(member)
    before = moto_s3.log_position()

    response = client.get(
        reverse("media_files:serve", args=[media.pk, "original"]), HTTP_RANGE="bytes=1000-1099"
    )
    status, body, headers = _fetch(response["Location"], {"Range": "bytes=1000-1099"})

    assert response.status_code == 302
    assert status == 206 and body == content[1000:1100]
    assert headers["content-range"] == f"bytes 1000-1099/{len(content)}"
    asked = moto_s3.requests_since(before)
    assert [(method, status) for method, _target, status in asked] == [("GET", 206)]
    assert asked[0][1].startswith(f"/{s3_bucket}/{media.file.name}?")


def test_public_web_versions_come_from_the_public_base_url_when_set(client, week, s3_bucket):
    event = factories.event(week=week)
    media = factories.public_media(event=event, kind="video", name="v.mp4", content=b"\x00" * 64)
    web = default_storage.save(f"renditions/{event.pk}/{media.pk}-720.mp4", ContentFile(b"web version"))
    MediaFile.objects.filter(pk=media.pk).update(
        rendition_status="done", renditions={"source": media.file.name, "versions": {"720": {"name": web}}}
    )

    with override_settings(MEDIA_PUBLIC_BASE_URL="https://cdn.example.cn/media"):
        from_cdn = client.get(reverse("public_media", args=[media.pk]))
    signed = client.get(reverse("public_media", args=[media.pk]))

    assert from_cdn.status_code == 302
    assert from_cdn["Location"] == f"https://cdn.example.cn/media/{web}"
    assert signed.status_code == 302 and "X-Amz-Signature=" in signed["Location"]
    assert _fetch(signed["Location"])[1] == b"web version"


def test_readyz_asks_the_bucket_itself(client, s3_bucket, moto_s3):
    with override_settings(READYZ_CACHE_SECONDS=0):
        present = client.get("/readyz").json()
        with override_settings(STORAGES=moto_s3.storages("no-such-bucket-here")):
            missing = client.get("/readyz")

    assert present["storage"] == "ok"
    assert missing.status_code == 200  # pages that need no file still work
    assert missing.json()["storage"] == "error: ClientError"
