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


def with_web_versions(media, *, poster: bytes = b"\xff\xd8\xff poster"):
    """Give a video web versions (bytes of our own, standing for the 720p and 360p MP4s)."""
    from django.core.files.base import ContentFile

    from submissions.models import MediaFile

    storage = media.file.storage
    versions = {
        slot: {"name": storage.save(f"renditions/x/{slot}.mp4", ContentFile(content)), "size": len(content)}
        for slot, content in (("720", WEB_720), ("360", WEB_360))
    }
    MediaFile.objects.filter(pk=media.pk).update(
        rendition_status="done",
        renditions={
            "source": media.file.name,
            "versions": versions,
            "poster": {"name": storage.save("renditions/x/poster.jpg", ContentFile(poster))},
        },
    )
    media.refresh_from_db()
    return media


WEB_720 = bytes(reversed(range(256))) * 40  # as long as VIDEO, other bytes
WEB_360 = b"360p" * 100


def test_event_page_gallery_shows_only_public_media(client, event):
    shown = factories.public_media(event=event, name="shown.jpg")
    video = with_web_versions(
        factories.public_media(event=event, kind="video", name="clip.mp4", content=VIDEO)
    )
    hidden = factories.public_media(event=event, name="hidden.jpg", is_public=False)

    html = client.get(reverse("event_detail", args=[event.pk])).content.decode()

    assert reverse("public_media", args=[shown.pk]) in html
    url = reverse("public_media", args=[video.pk])
    assert "<video" in html and f"{url}?v=720" in html and f"{url}?v=360" in html
    assert 'preload="metadata"' in html and 'media="(max-width: 640px)"' in html
    assert reverse("public_media", args=[hidden.pk]) not in html
    assert "/media/reports/" not in html  # MEDIA_URL is never linked
    assert video.file.name not in html


def test_a_video_is_served_as_its_web_versions_never_as_the_original(client, event):
    media = with_web_versions(
        factories.public_media(event=event, kind="video", name="clip.mp4", content=VIDEO)
    )
    url = reverse("public_media", args=[media.pk])

    assert body(client.get(url)) == WEB_720  # the largest by default
    assert body(client.get(f"{url}?v=720")) == WEB_720
    assert body(client.get(f"{url}?v=360")) == WEB_360
    assert body(client.get(f"{url}?v=original")) == WEB_720
    assert body(client.get(reverse("public_media_preview", args=[media.pk]))) == b"\xff\xd8\xff poster"


def test_a_video_without_web_versions_shows_processing_and_is_not_served(client, event):
    media = factories.public_media(event=event, kind="video", name="clip.mp4", content=VIDEO)

    html = client.get(reverse("event_detail", args=[event.pk])).content.decode()
    url = reverse("public_media", args=[media.pk])

    assert "视频处理中" in html and "<video" not in html and f'"{url}"' not in html
    assert client.get(url).status_code == 404
    assert client.get(f"{url}?v=360").status_code == 404
    assert body(client.get(reverse("public_media_preview", args=[media.pk]))) == b"\xff\xd8\xff\xe0 preview"


def test_web_versions_of_another_file_are_not_used(client, event):
    media = with_web_versions(
        factories.public_media(event=event, kind="video", name="clip.mp4", content=VIDEO)
    )
    media.renditions = {**media.renditions, "source": "reports/some/other.mp4"}
    media.save(update_fields=["renditions"])

    assert client.get(reverse("public_media", args=[media.pk])).status_code == 404


def test_video_answers_byte_ranges(client, event):
    media = with_web_versions(
        factories.public_media(event=event, kind="video", name="clip.mp4", content=VIDEO)
    )
    url = reverse("public_media", args=[media.pk]) + "?v=720"

    part = client.get(url, HTTP_RANGE="bytes=100-199")
    tail = client.get(url, HTTP_RANGE="bytes=-10")
    beyond = client.get(url, HTTP_RANGE="bytes=20000-")

    assert part.status_code == 206
    assert part["Content-Range"] == f"bytes 100-199/{len(WEB_720)}"
    assert body(part) == WEB_720[100:200]
    assert body(tail) == WEB_720[-10:]
    assert beyond.status_code == 416
    assert part["Content-Type"] == "video/mp4"


def test_an_events_public_files_are_only_those_of_a_public_event(week, django_assert_num_queries):
    from events.models import Event
    from submissions.selectors.public_media import public_media

    shown = factories.event(week=week)
    photo = factories.public_media(event=shown, name="现场.jpg")
    factories.public_media(event=shown, is_public=False)
    draft = factories.event(week=week, status=Event.Status.DRAFT)
    factories.public_media(event=draft)
    unpublished = factories.event(week=factories.week(is_current=False, is_published=False))
    factories.public_media(event=unpublished)

    shown = Event.objects.select_related("week").get(pk=shown.pk)
    with django_assert_num_queries(1):
        items = public_media(event=shown)
        assert [item.pk for item in items] == [photo.pk]
        assert items[0].report.event is shown  # no query for the event again
    for hidden in (draft, unpublished):
        assert public_media(event=Event.objects.select_related("week").get(pk=hidden.pk)) == []
