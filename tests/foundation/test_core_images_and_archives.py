"""core.image_versions (web versions of any stored image) and core.archives.check_zip_archive
(any zip, from bytes or from a file) on their own, without a domain."""

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from PIL import Image

from core import archives, image_versions

EXIF_ORIENTATION = 0x0112


@pytest.fixture
def storage(tmp_path):
    return FileSystemStorage(location=tmp_path)


def stored(storage, image: Image.Image, name: str, **save) -> str:
    buffer = io.BytesIO()
    image.save(buffer, **save)
    return storage.save(name, ContentFile(buffer.getvalue()))


def test_versions_are_upright_srgb_jpegs_never_wider_than_the_image(storage):
    portrait = Image.new("RGB", (1200, 600), (20, 90, 160))  # stored sideways, turned by EXIF
    portrait.paste((200, 20, 20), (0, 0, 120, 60))
    exif = Image.Exif()
    exif[EXIF_ORIENTATION] = 6
    name = stored(storage, portrait, "covers/a.jpg", format="JPEG", exif=exif.tobytes())

    made = image_versions.make_versions(storage, name)

    assert [(v.slot, v.width, v.height) for v in made] == [(400, 400, 800), (800, 600, 1200)]
    with storage.open(made[0].name) as handle:
        version = Image.open(handle)
        version.load()
    assert version.format == "JPEG" and version.mode == "RGB" and not version.getexif()
    assert version.getpixel((version.width - 5, 5))[0] > 150  # the red corner turned with the photo
    assert made[0].name.startswith("covers/a-400w-")


def test_records_name_their_source_and_srcset_offers_what_is_recorded(storage):
    name = stored(storage, Image.new("RGB", (2000, 1000)), "x.png", format="PNG")
    made = image_versions.make_versions(storage, name)
    record = image_versions.versions_record(name, made)

    assert image_versions.recorded_versions(record, "another.png") == {}
    versions = image_versions.recorded_versions(record, name)
    assert list(versions) == [400, 800, 1600]
    assert sorted(image_versions.version_names(record)) == sorted(v.name for v in made)
    attrs = image_versions.responsive_attrs("/f", versions, sizes="100vw")
    assert attrs == {
        "src": "/f?w=800",
        "srcset": "/f?w=400 400w, /f?w=800 800w, /f?w=1600 1600w",
        "sizes": "100vw",
        "width": 800,
        "height": 400,
    }
    assert image_versions.responsive_attrs("/f", {}, sizes="100vw") == {"src": "/f"}
    assert image_versions.version_for(versions, "800").width == 800
    assert image_versions.version_for(versions, "801") is None
    assert image_versions.version_for(versions, "abc") is None


def test_a_file_that_is_no_image_gets_no_versions(storage):
    name = storage.save("bad.jpg", ContentFile(b"\xff\xd8\xff nothing"))
    assert image_versions.make_versions(storage, name) == []


def test_any_zip_is_checked_from_a_file_left_at_its_start(tmp_path):
    path = tmp_path / "images.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("a.jpg", b"x" * 1000)
    with open(path, "rb") as handle:
        handle.read(10)
        archives.check_zip_archive(handle)
        assert handle.tell() == 0

    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("bomb.jpg", b"\0" * (5 * 1024 * 1024))
    with pytest.raises(ValidationError) as refused:
        archives.check_zip_archive(bomb)
    assert refused.value.code == "ratio"
    with pytest.raises(ValidationError) as refused:
        archives.check_zip_archive(io.BytesIO(b"not a zip"))
    assert refused.value.code == "not_zip"
