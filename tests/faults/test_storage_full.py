"""The disk fills up while an uploaded file is written to storage: the organizer reads a clear
Chinese message, no row refers to the file, and the half-written file does not stay behind."""

from __future__ import annotations

import errno
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from submissions.models import MediaFile
from tests.submissions import media_samples

pytestmark = pytest.mark.django_db
MIB = 1024 * 1024


def _files() -> set[Path]:
    return {path for path in Path(settings.MEDIA_ROOT).rglob("*") if path.is_file()}


def test_disk_full_mid_write_gives_a_chinese_message_and_leaves_nothing(
    client, member, event, tmp_path, monkeypatch
):
    import django.core.files.storage.filesystem as filesystem

    def copy_until_the_disk_is_full(
        old_file_name, new_file_name, chunk_size=64 * 1024, allow_overwrite=False
    ):
        # Storage moves the streamed temporary file into place; across file systems that is a
        # copy, and here the disk fills up halfway through it.
        data = Path(old_file_name).read_bytes()
        Path(new_file_name).write_bytes(data[: len(data) // 2])
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(filesystem, "file_move_safe", copy_until_the_disk_is_full)
    photo = media_samples.make_jpeg(tmp_path / "现场.jpg", size_bytes=int(2.1 * MIB))
    client.force_login(member)
    before = _files()

    with open(photo, "rb") as handle:
        response = client.post(
            reverse("reports:upload", args=[event.pk, event.days[0]]), {"photos": [handle]}, follow=True
        )

    assert response.status_code == 200
    assert "“现场.jpg”保存失败（存储空间不可用），请稍后重试。" in response.content.decode()
    assert MediaFile.objects.count() == 0
    assert _files() == before


def test_disk_full_answers_the_upload_script_in_json_too(client, member, event, tmp_path, monkeypatch):
    from django.core.files.storage import FileSystemStorage

    def full(self, name, content):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(FileSystemStorage, "_save", full)
    photo = media_samples.make_jpeg(tmp_path / "a.jpg", size_bytes=int(2.1 * MIB))
    client.force_login(member)

    with open(photo, "rb") as handle:
        response = client.post(
            reverse("reports:upload", args=[event.pk, event.days[0]]),
            {"photos": [handle]},
            HTTP_ACCEPT="application/json",
        )

    assert response.status_code == 400
    assert response.json() == {"created": [], "errors": ["“a.jpg”保存失败（存储空间不可用），请稍后重试。"]}
    assert MediaFile.objects.count() == 0
