"""Covers and project images get web versions (JPEGs 400, 800 and 1600 pixels wide, never
upscaled; the originals kept), made by a worker after upload; the hall and project pages offer
them through srcset/sizes and the file views serve them with ``?w=``. Real Pillow images."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from exhibits import services
from exhibits.models import Project, ProjectImage
from tests.exhibits import factories as exhibit_factories
from tests.exhibits.test_flow import project_data

pytestmark = pytest.mark.django_db


def jpeg(width: int, height: int, name: str = "photo.jpg") -> SimpleUploadedFile:
    image = Image.new("RGB", (width, height), (20, 90, 160))
    image.paste((200, 20, 20), (0, 0, width // 10, height // 10))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=90)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def png_with_alpha(width: int, height: int) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGBA", (width, height), (0, 0, 0, 0)).save(buffer, "PNG")
    return SimpleUploadedFile("clear.png", buffer.getvalue(), content_type="image/png")


def opened(storage, name: str) -> Image.Image:
    with storage.open(name) as handle:
        image = Image.open(io.BytesIO(handle.read()))
        image.load()
    return image


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def sizes(versions) -> dict[int, tuple[int, int]]:
    return {slot: (version.width, version.height) for slot, version in versions.items()}


@pytest.fixture
def holder_client(client, holder):
    client.force_login(holder)
    return client


def test_an_uploaded_cover_gets_versions_and_the_original_is_kept(
    holder_client, hall, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = holder_client.post(
            reverse("exhibits:project_create", args=[hall.pk]),
            project_data(hall, cover=jpeg(2400, 1200, "huge.jpg"), action="save"),
        )
    assert response.status_code == 302
    project = Project.objects.get()
    versions = services.cover_versions(project)

    assert sizes(versions) == {400: (400, 200), 800: (800, 400), 1600: (1600, 800)}
    storage = project.cover.storage
    assert opened(storage, project.cover.name).size == (2400, 1200)  # the original, untouched
    for version in versions.values():
        image = opened(storage, version.name)
        assert image.format == "JPEG" and image.size == (version.width, version.height)
        assert image.getpixel((0, 0))[0] > 150  # the red corner stays top left


def test_a_small_image_is_never_upscaled_and_transparency_is_laid_on_white(
    holder_client, hall, holder, django_capture_on_commit_callbacks
):
    project = exhibit_factories.project(exhibition=hall, owner=holder, status=Project.Status.DRAFT)
    with django_capture_on_commit_callbacks(execute=True):
        holder_client.post(reverse("exhibits:image_add", args=[project.pk]), {"image": jpeg(600, 300)})
        holder_client.post(
            reverse("exhibits:image_add", args=[project.pk]), {"image": png_with_alpha(300, 300)}
        )

    wide, clear = ProjectImage.objects.order_by("id")
    assert sizes(services.image_versions(wide)) == {400: (400, 200), 800: (600, 300)}
    assert sizes(services.image_versions(clear)) == {400: (300, 300)}
    flat = opened(clear.image.storage, services.image_versions(clear)[400].name)
    assert flat.mode == "RGB" and flat.getpixel((10, 10)) == (255, 255, 255)


def test_hall_and_project_pages_offer_the_versions_and_the_views_serve_them(
    client, hall, holder, django_capture_on_commit_callbacks
):
    project = exhibit_factories.project(exhibition=hall, owner=holder, title="钙钛矿叠层太阳能电池")
    with django_capture_on_commit_callbacks(execute=True):
        project.cover.save("cover.jpg", jpeg(1800, 900), save=True)
        services.image_versions_schedule(project_ids=[project.pk])
        image = ProjectImage(project=project)
        image.image.save("image.jpg", jpeg(1000, 750), save=True)
        services.image_versions_schedule(project_ids=[project.pk])
    cover_url = reverse("expo:cover", args=[project.pk])
    image_url = reverse("expo:image", args=[project.pk, image.pk])

    hall_page = client.get(reverse("expo:hall")).content.decode()
    assert f'srcset="{cover_url}?w=400 400w, {cover_url}?w=800 800w, {cover_url}?w=1600 1600w"' in hall_page
    assert (
        'sizes="(min-width: 1400px) 430px, (min-width: 992px) 31vw, (min-width: 576px) 48vw, 32vw"'
        in hall_page
    )
    assert f'src="{cover_url}?w=800"' in hall_page and 'width="800" height="400"' in hall_page
    page = client.get(reverse("expo:project", args=[project.pk])).content.decode()
    assert f'srcset="{image_url}?w=400 400w, {image_url}?w=800 800w, {image_url}?w=1600 1000w"' in page
    assert 'sizes="(min-width: 1400px) 1320px, 100vw"' in page
    assert f'{cover_url}?w=1600">' in page.split('property="og:image"')[1].split("\n")[0]  # the share card

    version = client.get(f"{cover_url}?w=400")
    assert version["Content-Type"] == "image/jpeg"
    assert Image.open(io.BytesIO(body(version))).size == (400, 200)
    original = client.get(f"{cover_url}?w=123")  # not a slot: the original
    assert Image.open(io.BytesIO(body(original))).size == (1800, 900)


def test_replaced_and_deleted_images_take_their_versions_with_them(
    holder_client, hall, holder, django_capture_on_commit_callbacks
):
    project = exhibit_factories.project(exhibition=hall, owner=holder, status=Project.Status.DRAFT)
    edit = reverse("exhibits:project_edit", args=[project.pk])
    with django_capture_on_commit_callbacks(execute=True):
        holder_client.post(edit, project_data(hall, cover=jpeg(900, 600, "a.jpg"), action="save"))
        holder_client.post(reverse("exhibits:image_add", args=[project.pk]), {"image": jpeg(900, 600)})
    project.refresh_from_db()
    image = project.images.get()
    storage = project.cover.storage
    first_cover = [project.cover.name, *[v.name for v in services.cover_versions(project).values()]]
    image_files = [image.image.name, *[v.name for v in services.image_versions(image).values()]]
    assert len(first_cover) == 4 and all(storage.exists(name) for name in first_cover + image_files)

    with django_capture_on_commit_callbacks(execute=True):
        holder_client.post(edit, project_data(hall, cover=jpeg(500, 400, "b.jpg"), action="save"))
        holder_client.post(reverse("exhibits:image_delete", args=[image.pk]))

    project.refresh_from_db()
    assert not any(storage.exists(name) for name in first_cover + image_files)
    assert sizes(services.cover_versions(project)) == {400: (400, 320), 800: (500, 400)}


def test_an_image_pillow_cannot_decode_gets_no_versions_and_the_page_shows_the_original(
    client, hall, holder, django_capture_on_commit_callbacks
):
    project = exhibit_factories.project(exhibition=hall, owner=holder)
    project.cover.save("cover.jpg", SimpleUploadedFile("x.jpg", b"\xff\xd8\xff not really a jpeg"), save=True)
    with django_capture_on_commit_callbacks(execute=True):
        services.image_versions_schedule(project_ids=[project.pk])

    project.refresh_from_db()
    assert project.cover_versions == {"source": project.cover.name, "versions": {}}
    html = client.get(reverse("expo:hall")).content.decode()
    assert f'src="{reverse("expo:cover", args=[project.pk])}"' in html
