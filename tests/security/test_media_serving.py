"""Media leaves only through the two views that decide who may see it, and with
MEDIA_ACCEL_REDIRECT_PREFIX set both hand the bytes to nginx through one helper."""

from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import OperationalError
from django.test import Client
from django.urls import reverse

from events.models import Week
from tests import factories

pytestmark = pytest.mark.django_db
PREFIX = "/_protected_media"


@pytest.fixture
def stored(event):
    report = factories.report(event=event, status="submitted", photos=1, failed=1)
    passed, failed = report.media.order_by("status").reverse()  # "passed" after "failed"
    for media in (passed, failed):
        path = Path(settings.MEDIA_ROOT) / media.file.name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"\xff\xd8\xff\xe0 bytes")
    return passed, failed


def test_checked_photo_is_handed_to_nginx_inline_and_a_failed_file_as_an_attachment(
    settings, client, member, stored
):
    settings.MEDIA_ACCEL_REDIRECT_PREFIX = PREFIX
    passed, failed = stored
    client.force_login(member)

    good = client.get(reverse("media_files:serve", args=[passed.pk, "original"]))
    bad = client.get(reverse("media_files:serve", args=[failed.pk, "original"]))

    assert good.content == b"" and good["X-Accel-Redirect"] == f"{PREFIX}/{passed.file.name}"
    assert good["Content-Type"] == "image/jpeg" and good["X-Content-Type-Options"] == "nosniff"
    assert good["Content-Disposition"].startswith("inline")
    assert bad["X-Accel-Redirect"] == f"{PREFIX}/{failed.file.name}"
    assert bad["Content-Type"] == "application/octet-stream" and bad["Content-Disposition"].startswith(
        "attachment"
    )


def test_public_media_uses_the_same_helper_and_only_for_media_made_public(settings, event, stored):
    settings.MEDIA_ACCEL_REDIRECT_PREFIX = PREFIX
    public = factories.public_media(event=event)
    passed, _ = stored

    response = Client().get(reverse("public_media", args=[public.pk]))
    private = Client().get(reverse("public_media", args=[passed.pk]))

    assert response.status_code == 200 and response["X-Accel-Redirect"] == f"{PREFIX}/{public.file.name}"
    assert response["X-Content-Type-Options"] == "nosniff" and response.content == b""
    assert private.status_code == 404 and "X-Accel-Redirect" not in private


def test_another_units_member_gets_no_redirect_header(settings, organizer, stored):
    settings.MEDIA_ACCEL_REDIRECT_PREFIX = PREFIX
    passed, _ = stored
    stranger = Client()
    stranger.force_login(factories.member(factories.organizer()))

    response = stranger.get(reverse("media_files:serve", args=[passed.pk, "original"]))

    assert response.status_code == 404 and "X-Accel-Redirect" not in response


def test_without_the_prefix_the_file_is_streamed(client, member, stored):
    passed, _ = stored
    client.force_login(member)

    response = client.get(reverse("media_files:serve", args=[passed.pk, "original"]))

    assert (
        b"".join(response.streaming_content) == b"\xff\xd8\xff\xe0 bytes"
        and "X-Accel-Redirect" not in response
    )


def test_media_url_is_not_served_at_all(stored):
    passed, _ = stored

    assert Client().get(settings.MEDIA_URL + passed.file.name).status_code == 404


def test_a_database_error_anywhere_becomes_the_chinese_503_page(monkeypatch, week):
    def away(self):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(type(Week.objects), "current", away)
    cache.clear()  # the home page may sit in the page cache from an earlier test

    response = Client(raise_request_exception=False).get(reverse("home"))

    assert response.status_code == 503 and response["Retry-After"] == "15"
    body = response.content.decode()
    assert "系统暂时不可用" in body and "OperationalError" not in body and "Traceback" not in body


def test_other_errors_get_the_plain_500_page(monkeypatch, week):
    def broken(self):
        raise RuntimeError("bug")

    monkeypatch.setattr(type(Week.objects), "current", broken)
    cache.clear()

    response = Client(raise_request_exception=False).get(reverse("home"))

    assert response.status_code == 500 and "服务器出错" in response.content.decode()


@pytest.mark.parametrize(
    ("label", "content_type"),
    [
        ("MP4", "video/mp4"),
        ("M4V", "video/mp4"),
        ("MOV", "video/quicktime"),
        ("WebM", "video/webm"),
        ("MKV", "video/x-matroska"),
    ],
)
def test_passed_video_plays_inline_with_the_type_of_its_sniffed_format(
    client, member, event, label, content_type
):
    report = factories.report(event=event, status="submitted", videos=1)
    video = report.media.get()
    video.detected_format = label
    video.save(update_fields=["detected_format"])
    path = Path(settings.MEDIA_ROOT) / video.file.name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"\x00\x00\x00\x18ftypisom video")
    client.force_login(member)

    response = client.get(reverse("media_files:serve", args=[video.pk, "original"]))

    assert response["Content-Type"] == content_type
    assert response["Content-Disposition"].startswith("inline")


def test_streamed_file_answers_a_byte_range_for_ios_players(client, member, stored):
    passed, _ = stored
    client.force_login(member)
    url = reverse("media_files:serve", args=[passed.pk, "original"])

    part = client.get(url, HTTP_RANGE="bytes=2-5")
    beyond = client.get(url, HTTP_RANGE="bytes=500-")

    assert part.status_code == 206 and part["Content-Range"] == "bytes 2-5/10"
    assert b"".join(part.streaming_content) == b"\xff\xe0 b"
    assert part["Content-Type"] == "image/jpeg" and part["Accept-Ranges"] == "bytes"
    assert part["X-Content-Type-Options"] == "nosniff" and part["Cache-Control"] == "private, max-age=3600"
    assert beyond.status_code == 416 and beyond["Content-Range"] == "bytes */10"
