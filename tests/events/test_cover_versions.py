"""A cover gets web versions (400, 800 and 1600 pixels wide JPEGs) made by a worker; pages offer
them through ``srcset`` and the cover view serves them with ``?w=``; the original is kept."""

import io

import pytest
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from events import services
from events.models import Event
from tests import factories

pytestmark = pytest.mark.django_db

BLUE, RED = (20, 90, 160), (200, 20, 20)
EXIF_ORIENTATION = 0x0112


def jpeg_bytes(*, width: int, height: int, orientation: int | None = None) -> bytes:
    """A JPEG whose stored top-left corner is red, the rest blue."""
    image = Image.new("RGB", (width, height), BLUE)
    image.paste(RED, (0, 0, width // 10, height // 10))
    exif = Image.Exif()
    if orientation:
        exif[EXIF_ORIENTATION] = orientation
    exif[0x010F] = "相机厂商"  # Make: metadata the versions must not carry
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=90, exif=exif.tobytes())
    return buffer.getvalue()


def png_bytes(*, width: int, height: int, mode: str = "RGB") -> bytes:
    buffer = io.BytesIO()
    Image.new(mode, (width, height)).save(buffer, "PNG")
    return buffer.getvalue()


def storage():
    return Event._meta.get_field("cover").storage


def stored_image(name: str) -> Image.Image:
    with storage().open(name) as handle:
        image = Image.open(io.BytesIO(handle.read()))
        image.load()
    return image


def sizes(event) -> dict[int, tuple[int, int]]:
    return {slot: (v.width, v.height) for slot, v in services.current_cover_versions(event).items()}


@pytest.fixture
def save_cover(django_capture_on_commit_callbacks, member):
    """Give an event a cover as its unit's edit does, running what follows the commit (the
    eager worker)."""

    def save(event, content: bytes, name: str = "cover.jpg"):
        event.cover = ContentFile(content, name=name)
        with django_capture_on_commit_callbacks(execute=True):
            services.event_save(event=event, by=member)
        event.refresh_from_db()
        return event

    return save


@pytest.fixture
def published(week, organizer, member):
    """An approved event of a week whose public edits go live when saved (no change request)."""
    week.review_public_changes = False
    week.save()
    return factories.complete_event(week=week, host=organizer, reporter=member, status=Event.Status.APPROVED)


def test_an_uploaded_cover_gets_upright_stripped_versions_and_is_kept(
    client, member, draft, django_capture_on_commit_callbacks
):
    client.force_login(member)
    original = jpeg_bytes(width=3000, height=2000, orientation=6)
    upload = SimpleUploadedFile("封面.jpg", original, content_type="image/jpeg")

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("organizer:event_edit", args=[draft.pk]), factories.event_edit_data(draft, cover=upload)
        )

    assert response.status_code == 302
    draft.refresh_from_db()
    # Orientation 6 turns the stored 3000 x 2000 picture upright: 2000 x 3000.
    assert sizes(draft) == {400: (400, 600), 800: (800, 1200), 1600: (1600, 2400)}
    with storage().open(draft.cover.name) as kept:
        assert kept.read() == original
    for version in services.current_cover_versions(draft).values():
        assert version.name.startswith("covers/") and version.name.endswith(".jpg")
        image = stored_image(version.name)
        assert (image.format, image.mode) == ("JPEG", "RGB")
        assert image.info.get("progressive") or image.info.get("progression")
        assert not image.getexif() and "exif" not in image.info
        # The stored top-left corner (red) is now the top-right one.
        assert _near(image.getpixel((image.width - 5, 5)), RED)
        assert _near(image.getpixel((5, 5)), BLUE)


def _near(pixel, colour, tolerance: int = 40) -> bool:
    return all(abs(a - b) <= tolerance for a, b in zip(pixel, colour, strict=True))


def test_a_small_cover_is_not_upscaled(draft, save_cover):
    save_cover(draft, png_bytes(width=500, height=300), name="cover.png")

    assert sizes(draft) == {400: (400, 240), 800: (500, 300)}
    for version in services.current_cover_versions(draft).values():
        assert stored_image(version.name).size == (version.width, version.height)


def test_replacing_the_cover_deletes_its_old_versions(draft, save_cover):
    save_cover(draft, jpeg_bytes(width=1000, height=500))
    first_cover = draft.cover.name
    old = [v.name for v in services.current_cover_versions(draft).values()]
    assert sizes(draft) == {400: (400, 200), 800: (800, 400), 1600: (1000, 500)}

    save_cover(draft, jpeg_bytes(width=900, height=900))

    assert draft.cover.name != first_cover
    assert sizes(draft) == {400: (400, 400), 800: (800, 800), 1600: (900, 900)}
    assert not any(storage().exists(name) for name in old)
    assert all(storage().exists(v.name) for v in services.current_cover_versions(draft).values())


def test_removing_the_cover_deletes_its_versions(
    draft, save_cover, member, django_capture_on_commit_callbacks
):
    save_cover(draft, jpeg_bytes(width=800, height=600))
    old = [v.name for v in services.current_cover_versions(draft).values()]

    draft.cover = None
    with django_capture_on_commit_callbacks(execute=True):
        services.event_save(event=draft, by=member)

    draft.refresh_from_db()
    assert draft.cover_versions == {"source": "", "versions": {}}
    assert old and not any(storage().exists(name) for name in old)


def test_an_accepted_cover_change_gets_versions(published, save_cover, django_capture_on_commit_callbacks):
    published.week.review_public_changes = True
    published.week.save()
    save_cover(published, jpeg_bytes(width=1200, height=800))  # held in a change request
    change = published.change_requests.get(status="pending")
    assert not published.cover and published.cover_versions == {}
    reviewer = factories.office_user()

    with django_capture_on_commit_callbacks(execute=True):
        services.change_request_accept(change_request=change, by=reviewer)

    published.refresh_from_db()
    assert published.cover.name == change.proposed["cover"]
    assert sizes(published) == {400: (400, 267), 800: (800, 533), 1600: (1200, 800)}


def test_the_cover_view_serves_a_version_to_those_who_may_see_the_event(client, published, draft, save_cover):
    save_cover(published, jpeg_bytes(width=2000, height=1000))
    save_cover(draft, jpeg_bytes(width=2000, height=1000))
    url = reverse("event_cover", args=[published.pk])

    small = client.get(url, {"w": "400"})
    whole = client.get(url, {"w": "3000"})

    assert small.status_code == 200
    assert (small["Content-Type"], small["Cache-Control"]) == ("image/jpeg", "public, max-age=300")
    assert Image.open(io.BytesIO(b"".join(small.streaming_content))).size == (400, 200)
    assert Image.open(io.BytesIO(b"".join(whole.streaming_content))).size == (2000, 1000)
    assert client.get(reverse("event_cover", args=[draft.pk]), {"w": "400"}).status_code == 404


def test_a_slot_wider_than_the_cover_serves_the_original(client, published, save_cover):
    save_cover(published, png_bytes(width=300, height=200), name="cover.png")

    response = client.get(reverse("event_cover", args=[published.pk]), {"w": "1600"})

    assert sizes(published) == {400: (300, 200)}
    assert response["Content-Type"] == "image/png"


def test_pages_offer_the_versions_through_srcset(client, published, member, save_cover):
    save_cover(published, jpeg_bytes(width=3000, height=1500))
    url = reverse("event_cover", args=[published.pk])
    expected = f'srcset="{url}?w=400 400w, {url}?w=800 800w, {url}?w=1600 1600w"'

    cache.clear()
    public = client.get(reverse("event_detail", args=[published.pk])).content.decode()
    client.force_login(member)
    organizer = client.get(reverse("organizer:event_detail", args=[published.pk])).content.decode()

    for html in (public, organizer):
        assert expected in html
        assert f'src="{url}?w=800"' in html
        assert 'width="800" height="400"' in html
        assert 'loading="lazy"' in html and "sizes=" in html


def test_a_page_shows_the_original_until_the_versions_are_made(client, published):
    published.cover.save("cover.png", factories.png_file())

    html = client.get(reverse("event_detail", args=[published.pk])).content.decode()

    assert f'src="{reverse("event_cover", args=[published.pk])}"' in html
    assert "srcset" not in html


def test_the_form_refuses_a_cover_of_more_than_50_megapixels(client, member, draft):
    client.force_login(member)
    # 56 megapixels in a few kilobytes: a one-bit PNG of one colour.
    huge = SimpleUploadedFile(
        "huge.png", png_bytes(width=8000, height=7000, mode="1"), content_type="image/png"
    )

    response = client.post(
        reverse("organizer:event_edit", args=[draft.pk]), factories.event_edit_data(draft, cover=huge)
    )

    assert response.context["form"].errors["cover"] == [
        "封面图不能超过 5000 万像素（当前 8000 × 7000），请缩小后再上传。"
    ]
    draft.refresh_from_db()
    assert not draft.cover


def test_a_stored_cover_above_the_limit_gets_no_versions(draft):
    assert Image.MAX_IMAGE_PIXELS  # Pillow's decompression-bomb guard stays on
    draft.cover.save("huge.png", ContentFile(png_bytes(width=8000, height=7000, mode="1")))

    assert services.cover_versions_make(event_id=draft.pk) == {}

    draft.refresh_from_db()
    assert draft.cover_versions == {"source": draft.cover.name, "versions": {}}


def test_the_worker_tolerates_a_vanished_event(draft):
    pk = draft.pk
    draft.delete()

    assert services.cover_versions_make(event_id=pk) == {}
