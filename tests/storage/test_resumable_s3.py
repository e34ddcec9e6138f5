"""Resumable uploads with S3 media (moto): a tus upload is an S3 multipart upload from its
creation. Its PATCHes may reach different web hosts with no shared disk (each PATCH here
runs with a MEDIA_ROOT and staging folder of its own, which stay empty); the bytes go to the
bucket as they arrive, a remainder too small for a part waits there as a small object; the
row's lock makes a second request for the upload wait (423) on any host; termination and
expiry leave nothing of the upload in the bucket."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import io
import os
import threading
import tracemalloc
from collections import Counter
from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from django.db import transaction
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from core.resumable import objects
from core.resumable.models import ResumableUpload
from core.resumable.services import Refused, resumable_append, resumable_create, resumable_expire
from submissions.models import MediaFile
from tests.services import require_postgresql
from tests.submissions import media_samples

pytestmark = [pytest.mark.services, pytest.mark.django_db]  # services: moto's S3 server
TUS = {"Tus-Resumable": "1.0.0"}
MIB = 1024 * 1024


class S3Traffic:
    """What the web process asked of S3 (botocore's events on the storage's client): the
    operations by name and the bytes of the request bodies it sent."""

    def __init__(self):
        self.calls: Counter[str] = Counter()
        self.sent = 0

    def count_call(self, model, **kwargs):
        self.calls[model.name] += 1

    def count_bytes(self, request, **kwargs):
        if request.method in ("PUT", "POST"):
            self.sent += int(request.headers.get("Content-Length") or 0)

    def reset(self):
        self.calls.clear()
        self.sent = 0


@pytest.fixture
def traffic(s3_bucket):
    seen = S3Traffic()
    events = default_storage.connection.meta.client.meta.events
    events.register("before-call.s3", seen.count_call)
    events.register("before-send.s3", seen.count_bytes)
    yield seen
    events.unregister("before-call.s3", seen.count_call)
    events.unregister("before-send.s3", seen.count_bytes)


@pytest.fixture
def hosts(tmp_path):
    """Two web hosts' own folders: MEDIA_ROOT and the local staging folder of each."""
    folders = {}
    for name in ("web-1", "web-2"):
        media = tmp_path / name / "media"
        media.mkdir(parents=True)
        folders[name] = {"MEDIA_ROOT": media, "RESUMABLE_UPLOAD_DIR": media / "uploads-in-progress"}
    return folders


def _files_under(folder: Path) -> list[Path]:
    return [path for path in folder.rglob("*") if path.is_file()]


def _bucket_keys(moto_s3, bucket: str) -> list[str]:
    return [item["Key"] for item in moto_s3.client().list_objects_v2(Bucket=bucket).get("Contents", [])]


def _multipart_uploads(moto_s3, bucket: str) -> list[str]:
    return [item["Key"] for item in moto_s3.client().list_multipart_uploads(Bucket=bucket).get("Uploads", [])]


def _sha256(data) -> str:
    return hashlib.sha256(data).hexdigest()


def _create(client: Client, event, length: int, filename: str) -> str:
    name = base64.b64encode(filename.encode()).decode()
    filetype = base64.b64encode(b"video/mp4").decode()  # as the page's tus client sends it
    created = client.post(
        reverse("reports:resumable", args=[event.pk, event.days[0]]),
        headers={
            **TUS,
            "Upload-Length": str(length),
            "Upload-Metadata": f"filename {name},filetype {filetype}",
        },
    )
    assert created.status_code == 201, created.content
    return created["Location"]


def _patch(client: Client, location: str, offset: int, data: bytes):
    return client.patch(
        location,
        data=data,
        content_type="application/offset+octet-stream",
        headers={**TUS, "Upload-Offset": str(offset)},
    )


def _offset(client: Client, location: str) -> int:
    answer = client.head(location, headers=TUS)
    assert answer.status_code == 200
    return int(answer["Upload-Offset"])


def _reader(data: bytes, *, drop_after: int | None = None):
    """A request body's ``read`` that raises as a dropped connection does after ``drop_after`` bytes."""
    stream = io.BytesIO(data)

    def read(size: int) -> bytes:
        if drop_after is not None and stream.tell() >= drop_after:
            raise OSError("connection reset by peer")
        if drop_after is not None:
            size = min(size, drop_after - stream.tell())
        return stream.read(size)

    return read


def test_three_odd_patches_on_two_hosts_with_a_dropped_one_make_the_file(
    event, member, s3_bucket, moto_s3, traffic, hosts, tmp_path
):
    video = media_samples.make_large_video(
        tmp_path / "开幕式.mp4", size_bytes=23 * MIB, width=1280, height=720, fps=10, bit_rate=6_000_000
    )
    data = video.read_bytes()
    size = len(data)
    clients = {}
    for name in hosts:
        clients[name] = Client()
        clients[name].force_login(member)
    with override_settings(**hosts["web-1"]):
        location = _create(clients["web-1"], event, size, "开幕式.mp4")
    upload = ResumableUpload.objects.get()
    assert upload.multipart_id and _multipart_uploads(moto_s3, s3_bucket) == [
        f"{objects.PREFIX}{upload.staged_name}"
    ]

    # Odd sizes, none a multiple of 5 MiB; the second PATCH's connection drops after 2.3 MiB:
    # too few for a part, they wait in the bucket as the tail.
    first, dropped = int(7.3 * MIB) + 11, int(2.3 * MIB) + 5
    with override_settings(**hosts["web-1"]):
        assert _patch(clients["web-1"], location, 0, data[:first]).status_code == 204
    with override_settings(**hosts["web-2"]):
        stored = resumable_append(
            upload=ResumableUpload.objects.get(),
            offset=first,
            read=_reader(data[first:], drop_after=dropped),
            size=size - first,
        )
    assert stored.offset == first + dropped
    assert [part["size"] for part in stored.parts] == [first] and stored.tail == [
        {"start": first, "size": dropped}
    ]
    tail_key = objects.key(f"{upload.id.hex}.tail-{first}")
    assert _bucket_keys(moto_s3, s3_bucket) == [tail_key]  # where every host can read it
    for folders in hosts.values():  # between PATCHes nothing of the upload is on a web host
        assert _files_under(folders["MEDIA_ROOT"]) == []

    # The next PATCHes go to the other host each: it asks where to go on, and goes on.
    at = first + dropped
    third = at + int(6.7 * MIB) + 3
    for name, (start, end) in (("web-1", (at, third)), ("web-2", (third, size))):
        with override_settings(**hosts[name]):
            assert _offset(clients[name], location) == start
            assert _patch(clients[name], location, start, data[start:end]).status_code == 204
            if end < size:
                assert (
                    _files_under(hosts["web-1"]["MEDIA_ROOT"])
                    == _files_under(hosts["web-2"]["MEDIA_ROOT"])
                    == []
                )

    media = MediaFile.objects.get()
    body = moto_s3.client().get_object(Bucket=s3_bucket, Key=media.file.name)["Body"].read()
    assert _sha256(body) == _sha256(data) == media.sha256
    upload.refresh_from_db()
    assert upload.result == {"created": [media.pk]} and upload.finished_at is not None
    assert [part["size"] for part in upload.parts] == [first, dropped + third - at, size - third]
    # Nothing of the upload is left: no multipart upload, no tail, no staged object.
    assert _multipart_uploads(moto_s3, s3_bucket) == []
    assert [key for key in _bucket_keys(moto_s3, s3_bucket) if key.startswith(objects.PREFIX)] == []
    for folders in hosts.values():
        assert _files_under(folders["MEDIA_ROOT"]) == []


def test_the_bytes_cross_to_s3_once_and_a_part_costs_one_request(member, s3_bucket, traffic):
    data = os.urandom(int(23.5 * MIB) + 333)
    upload = resumable_create(
        owner=member, purpose="test", target="t", length=len(data), metadata={"filename": "a.bin"}
    )
    traffic.reset()
    # Odd sizes; the second PATCH's connection drops after 5.3 MiB of its 7.
    first, second, dropped = int(6.1 * MIB) + 1, 7 * MIB, int(5.3 * MIB) + 7
    upload = resumable_append(upload=upload, offset=0, read=_reader(data[:first]), size=first)
    upload = resumable_append(
        upload=upload,
        offset=first,
        read=_reader(data[first : first + second], drop_after=dropped),
        size=second,
    )
    offset = upload.offset
    assert offset == first + dropped
    upload = resumable_append(
        upload=upload, offset=offset, read=_reader(data[offset:]), size=len(data) - offset
    )

    assert upload.complete and upload.tail == [] and len(upload.parts) == 3
    assert traffic.sent == len(data) <= 1.05 * len(data)
    assert traffic.calls == {"UploadPart": 3}


def test_a_small_patch_waits_in_the_bucket_and_goes_up_once_more_in_the_next_part(member, s3_bucket, traffic):
    data = os.urandom(int(12.5 * MIB) + 333)
    upload = resumable_create(owner=member, purpose="test", target="t", length=len(data), metadata={})
    traffic.reset()
    offset = 0
    for piece in (
        int(1.2 * MIB) + 7,
        int(0.9 * MIB) + 1,
        int(5.9 * MIB) + 17,
    ):  # two tail pieces, then a part
        upload = resumable_append(
            upload=upload, offset=offset, read=_reader(data[offset : offset + piece]), size=piece
        )
        offset += piece
    tail = int(1.2 * MIB) + 7 + int(0.9 * MIB) + 1
    upload = resumable_append(
        upload=upload, offset=offset, read=_reader(data[offset:]), size=len(data) - offset
    )

    assert upload.complete and [part["size"] for part in upload.parts] == [offset, len(data) - offset]
    assert traffic.sent == len(data) + tail
    assert traffic.calls == {"PutObject": 2, "GetObject": 2, "UploadPart": 2}


def test_a_patch_of_20_mib_holds_a_few_mib_in_memory(member, s3_bucket, tmp_path):
    source = tmp_path / "big.bin"
    with open(source, "wb") as out:
        for _ in range(23):
            out.write(os.urandom(MIB))
    size = source.stat().st_size - 333
    upload = resumable_create(
        owner=member, purpose="test", target="t", length=source.stat().st_size, metadata={}
    )
    resumable_append(
        upload=upload, offset=0, read=_reader(b"x"), size=1
    )  # boto3's client made before measuring
    upload = ResumableUpload.objects.get()

    with open(source, "rb") as body:
        body.seek(1)
        tracemalloc.start()
        try:
            upload = resumable_append(upload=upload, offset=1, read=body.read, size=size - 1)
            _current, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()

    assert upload.offset == size and len(upload.parts) == 1 and upload.parts[0]["size"] == size
    assert peak < 4 * MIB, f"peak {peak / MIB:.1f} MiB"


@pytest.mark.django_db(transaction=True)
def test_a_second_request_waits_while_one_holds_the_upload_on_any_host(member, s3_bucket):
    # The hold is a row lock (FOR UPDATE NOWAIT) that another connection must meet: SQLite,
    # which locks the whole file and ignores FOR UPDATE, is never the database behind S3 media.
    require_postgresql()
    upload = resumable_create(owner=member, purpose="test", target="t", length=10, metadata={})
    holding, release = threading.Event(), threading.Event()

    def other_host_patching():
        from django.db import connection

        try:
            with transaction.atomic():
                list(ResumableUpload.objects.select_for_update().filter(pk=upload.pk))
                holding.set()
                release.wait(30)
        finally:
            connection.close()

    thread = threading.Thread(target=other_host_patching)
    thread.start()
    try:
        assert holding.wait(30)
        with pytest.raises(Refused) as refused:
            resumable_append(upload=upload, offset=0, read=_reader(b"abcd"), size=4)
    finally:
        release.set()
        thread.join(30)

    assert refused.value.status == 423
    assert resumable_append(upload=upload, offset=0, read=_reader(b"abcd"), size=4).offset == 4
    with pytest.raises(Refused) as stale:
        resumable_append(upload=upload, offset=0, read=_reader(b"abcd"), size=4)
    assert stale.value.status == 409


def test_termination_leaves_nothing_in_the_bucket(client, event, member, s3_bucket, moto_s3):
    client.force_login(member)
    location = _create(client, event, 12 * MIB, "会场.mp4")
    assert _patch(client, location, 0, os.urandom(6 * MIB)).status_code == 204
    assert _patch(client, location, 6 * MIB, os.urandom(MIB)).status_code == 204  # a tail object
    upload = ResumableUpload.objects.get()
    assert len(upload.parts) == 1 and len(upload.tail) == 1
    assert len(_multipart_uploads(moto_s3, s3_bucket)) == 1 and len(_bucket_keys(moto_s3, s3_bucket)) == 1

    assert client.delete(location, headers=TUS).status_code == 204

    assert not ResumableUpload.objects.exists()
    assert _multipart_uploads(moto_s3, s3_bucket) == [] and _bucket_keys(moto_s3, s3_bucket) == []


def test_expiry_aborts_the_uploads_and_the_orphans_older_than_a_day(member, s3_bucket, moto_s3):
    data = os.urandom(6 * MIB + 100)
    old = resumable_create(owner=member, purpose="test", target="t", length=len(data) + 10, metadata={})
    old = resumable_append(upload=old, offset=0, read=_reader(data[: 6 * MIB]), size=6 * MIB)
    resumable_append(upload=old, offset=6 * MIB, read=_reader(data[6 * MIB :]), size=100)  # the tail
    # A multipart upload and a tail object no row names (a request died before its commit).
    orphan = objects.start("f00.part")
    moto_s3.client().put_object(Bucket=s3_bucket, Key=objects.key("f00.tail-0"), Body=b"left over")
    assert len(_multipart_uploads(moto_s3, s3_bucket)) == 2 and len(_bucket_keys(moto_s3, s3_bucket)) == 2
    assert len(ResumableUpload.objects.get().parts) == 1
    later = timezone.now() + dt.timedelta(hours=24, minutes=1)

    assert resumable_expire(now=later) == 1

    assert not ResumableUpload.objects.exists() and orphan
    assert _multipart_uploads(moto_s3, s3_bucket) == [] and _bucket_keys(moto_s3, s3_bucket) == []


def test_a_fresh_upload_survives_the_sweep(member, s3_bucket, moto_s3):
    fresh = resumable_create(owner=member, purpose="test", target="t", length=10, metadata={})
    resumable_append(upload=fresh, offset=0, read=_reader(b"abc"), size=3)

    assert resumable_expire() == 0

    assert _multipart_uploads(moto_s3, s3_bucket) == [objects.key(fresh.staged_name)]
    assert _bucket_keys(moto_s3, s3_bucket) == [
        objects.key(fresh.staged_name.removesuffix(".part") + ".tail-0")
    ]


def test_an_empty_file_and_a_small_one_finish_without_parts_of_five_mib(member, s3_bucket, moto_s3):
    from core.resumable.services import resumable_finish_held

    seen = []

    def finish(staged):
        seen.append((staged.size, _sha256(b"".join(staged.chunks(MIB)))))
        return {"created": [1]}

    data = os.urandom(3 * MIB + 5)
    small = resumable_create(owner=member, purpose="test", target="t", length=len(data), metadata={})
    small = resumable_append(upload=small, offset=0, read=_reader(data), size=len(data))
    assert small.complete and [part["size"] for part in small.parts] == [len(data)]
    resumable_finish_held(upload=small, finish=finish)
    empty = resumable_create(owner=member, purpose="test", target="t", length=0, metadata={})
    resumable_finish_held(upload=empty, finish=finish)

    assert seen == [(len(data), _sha256(data)), (0, _sha256(b""))]
    assert _multipart_uploads(moto_s3, s3_bucket) == [] and _bucket_keys(moto_s3, s3_bucket) == []


def test_local_media_still_stage_on_disk(member, settings, tmp_path):
    settings.RESUMABLE_UPLOAD_DIR = tmp_path / "uploads-in-progress"
    upload = resumable_create(owner=member, purpose="test", target="t", length=4, metadata={})

    assert upload.multipart_id == "" and (tmp_path / "uploads-in-progress" / upload.staged_name).exists()


@pytest.fixture
def copying_storage(s3_bucket, moto_s3):
    """The media storage as ``core.resumable.storage.MediaS3Storage`` (a copy inside S3)."""
    storages = moto_s3.storages(s3_bucket)
    storages["default"] = {**storages["default"], "BACKEND": "core.resumable.storage.MediaS3Storage"}
    with override_settings(STORAGES=storages):
        yield s3_bucket


def test_a_copying_storage_stores_the_finished_file_without_sending_it_again(
    event, member, copying_storage, moto_s3, traffic, tmp_path
):
    video = media_samples.make_large_video(
        tmp_path / "路演.mp4", size_bytes=12 * MIB, width=1280, height=720, fps=10, bit_rate=6_000_000
    )
    data = video.read_bytes()
    client = Client()
    client.force_login(member)
    location = _create(client, event, len(data), "路演.mp4")
    half = len(data) // 2 + 7
    assert _patch(client, location, 0, data[:half]).status_code == 204
    traffic.reset()

    assert _patch(client, location, half, data[half:]).status_code == 204

    media = MediaFile.objects.get()
    stored = moto_s3.client().get_object(Bucket=copying_storage, Key=media.file.name)
    assert _sha256(stored["Body"].read()) == _sha256(data) == media.sha256
    assert stored["ContentType"] == "video/mp4"
    # The last part went up (and a few requests' XML); the file itself was copied by S3, read
    # only for its first bytes and its digest.
    assert len(data) - half <= traffic.sent < len(data) - half + 16 * 1024
    assert traffic.calls["CopyObject"] + traffic.calls["UploadPartCopy"] >= 1
    assert traffic.calls["UploadPart"] == 1 and traffic.calls["PutObject"] == 0
    assert _multipart_uploads(moto_s3, copying_storage) == []
    assert [key for key in _bucket_keys(moto_s3, copying_storage) if key.startswith(objects.PREFIX)] == []
