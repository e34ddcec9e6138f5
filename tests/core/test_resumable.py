"""The protocol's plumbing without a domain: metadata, appending under a lock, a dropped
connection keeping what arrived, and expiry of unfinished uploads (rows and files)."""

from __future__ import annotations

import datetime as dt
import os

import pytest
import time_machine
from django.conf import settings as django_settings
from django.utils import timezone

from core.resumable import staging
from core.resumable.models import ResumableUpload
from core.resumable.services import (
    Refused,
    resumable_append,
    resumable_create,
    resumable_expire,
    resumable_finish,
)
from core.resumable.views import format_metadata, parse_metadata
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def staging_folder(settings, tmp_path):
    settings.RESUMABLE_UPLOAD_DIR = tmp_path / "uploads-in-progress"
    return settings.RESUMABLE_UPLOAD_DIR


def _upload(length=100, **fields):
    return resumable_create(
        owner=fields.pop("owner", None) or factories.user(),
        purpose="test",
        target="t",
        length=length,
        metadata={"filename": "a.mp4"},
        **fields,
    )


def _reader(data: bytes, *, drop_after: int | None = None):
    """A request body's ``read``: gives ``data`` in pieces; raises as a dropped connection
    does once ``drop_after`` bytes have been read."""
    position = 0

    def read(size: int) -> bytes:
        nonlocal position
        if drop_after is not None and position >= drop_after:
            raise OSError("connection reset by peer")
        end = min(position + size, len(data), drop_after if drop_after is not None else len(data))
        piece = data[position:end]
        position = end
        return piece

    return read


def test_metadata_round_trips_and_malformed_headers_are_refused():
    metadata = {"filename": "开幕式 现场.mp4", "kind": "video", "caption": ""}

    assert parse_metadata(format_metadata(metadata)) == metadata
    assert parse_metadata("") == {}
    assert parse_metadata("filename !!notbase64") is None
    assert parse_metadata("a YQ==,a Yg==") is None  # a key twice
    assert parse_metadata("x" * 5000) is None


def test_a_dropped_connection_keeps_what_arrived_and_the_rest_follows(staging_folder):
    data = os.urandom(3 * staging.CHUNK + 12345)
    upload = _upload(len(data))

    first = resumable_append(
        upload=upload, offset=0, read=_reader(data, drop_after=2 * staging.CHUNK + 7), size=len(data)
    )

    assert first.offset == 2 * staging.CHUNK + 7 == ResumableUpload.objects.get().offset
    rest = data[first.offset :]
    second = resumable_append(upload=upload, offset=first.offset, read=_reader(rest), size=len(rest))
    assert second.complete
    assert (staging_folder / upload.staged_name).read_bytes() == data


def test_bytes_past_the_committed_offset_are_cut_before_appending(staging_folder):
    upload = _upload(10)
    resumable_append(upload=upload, offset=0, read=_reader(b"abcd"), size=4)
    with open(staging_folder / upload.staged_name, "ab") as handle:
        handle.write(b"XXXX")  # a request that died between its write and its commit

    resumable_append(upload=upload, offset=4, read=_reader(b"efghij"), size=6)

    assert (staging_folder / upload.staged_name).read_bytes() == b"abcdefghij"


def test_a_second_request_for_the_same_upload_waits():
    upload = _upload(10)

    with staging.appending(upload.staged_name), pytest.raises(Refused) as refused:
        resumable_append(upload=upload, offset=0, read=_reader(b"abcd"), size=4)

    assert refused.value.status == 423
    assert ResumableUpload.objects.get().offset == 0


def test_finishing_runs_the_domain_step_once(staging_folder):
    upload = _upload(4)
    upload = resumable_append(upload=upload, offset=0, read=_reader(b"abcd"), size=4)
    calls = []

    def finish(staged):
        calls.append((staged.name, staged.read()))
        return {"created": [7]}

    with staging.appending(upload.staged_name):
        done = resumable_finish(upload=upload, finish=finish)
    again = resumable_finish(upload=upload, finish=finish)

    assert calls == [("a.mp4", b"abcd")]
    assert done.result == again.result == {"created": [7]} and done.finished_at is not None
    assert not (staging_folder / upload.staged_name).exists()


def test_an_expired_upload_is_gone_and_removed_by_the_cleanup(staging_folder):
    start = timezone.now()
    old = _upload(10, now=start)
    resumable_append(upload=old, offset=0, read=_reader(b"abc"), size=3, now=start)
    orphan = staging_folder / "f00.part"
    orphan.write_bytes(b"left by a process that died")
    os.utime(orphan, (start.timestamp() - 60, start.timestamp() - 60))
    later = start + dt.timedelta(hours=24, minutes=1)
    with time_machine.travel(later - dt.timedelta(hours=1), tick=False):
        fresh = _upload(10)

    with pytest.raises(Refused) as refused:
        resumable_append(upload=old, offset=3, read=_reader(b"def"), size=3, now=later)
    assert refused.value.status == 410
    with time_machine.travel(later, tick=False):
        assert resumable_expire() == 1

    assert list(ResumableUpload.objects.values_list("pk", flat=True)) == [fresh.pk]
    assert sorted(path.name for path in staging_folder.iterdir()) == [fresh.staged_name]


def test_beat_runs_the_cleanup_every_hour():
    from shuangchuang.celery import app

    entry = django_settings.CELERY_BEAT_SCHEDULE["expire-resumable-uploads"]
    assert entry["task"] == "core.expire_resumable_uploads" and entry["schedule"] <= 3600
    assert "core.expire_resumable_uploads" in app.tasks
