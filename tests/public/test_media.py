"""The public gallery: only public, passed media of public events, through our own view."""

import pytest
from django.urls import reverse

from tests import factories

pytestmark = pytest.mark.django_db
VIDEO = bytes(range(256)) * 40  # 10,240 bytes


@pytest.fixture
def event(week):
    return factories.event(week=week)


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_public_photo_is_served_with_nosniff(client, event):
    media = factories.public_media(event=event, content=b"\xff\xd8\xff photo", name="a.jpg")

    response = client.get(reverse("public_media", args=[media.pk]))

    assert response.status_code == 200
    assert body(response) == b"\xff\xd8\xff photo"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "image/jpeg"


def test_preview_is_served(client, event):
    media = factories.public_media(event=event)

    response = client.get(reverse("public_media_preview", args=[media.pk]))

    assert response.status_code == 200
    assert body(response) == b"\xff\xd8\xff\xe0 preview"


@pytest.mark.parametrize(
    ("is_public", "status", "event_status"),
    [
        (False, "passed", "approved"),
        (False, "failed", "approved"),
        (True, "passed", "draft"),
        (True, "passed", "returned"),
    ],
)
def test_non_public_media_is_404(client, week, is_public, status, event_status):
    event = factories.event(week=week, status=event_status)
    media = factories.public_media(event=event, is_public=is_public, status=status)

    assert client.get(reverse("public_media", args=[media.pk])).status_code == 404
    assert client.get(reverse("public_media_preview", args=[media.pk])).status_code == 404


def test_event_page_gallery_shows_only_public_media(client, event):
    shown = factories.public_media(event=event, name="shown.jpg")
    video = factories.public_media(event=event, kind="video", name="clip.mp4", content=VIDEO)
    hidden = factories.public_media(event=event, name="hidden.jpg", is_public=False)

    html = client.get(reverse("event_detail", args=[event.pk])).content.decode()

    assert reverse("public_media", args=[shown.pk]) in html
    assert reverse("public_media", args=[video.pk]) in html and "<video" in html
    assert reverse("public_media", args=[hidden.pk]) not in html
    assert "/media/reports/" not in html  # MEDIA_URL is never linked


def test_video_answers_byte_ranges(client, event):
    media = factories.public_media(event=event, kind="video", name="clip.mp4", content=VIDEO)
    url = reverse("public_media", args=[media.pk])

    part = client.get(url, HTTP_RANGE="bytes=100-199")
    tail = client.get(url, HTTP_RANGE="bytes=-10")
    beyond = client.get(url, HTTP_RANGE="bytes=20000-")

    assert part.status_code == 206
    assert part["Content-Range"] == f"bytes 100-199/{len(VIDEO)}"
    assert body(part) == VIDEO[100:200]
    assert body(tail) == VIDEO[-10:]
    assert beyond.status_code == 416
    assert part["Content-Type"] == "video/mp4"
