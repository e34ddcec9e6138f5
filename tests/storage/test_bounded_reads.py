"""S3 mode: a worker reads an object into a temporary file a chunk at a time, so checking a
large video costs disk, not RAM (the issue measured 1.41 GB of RAM for a 1.2 GB video)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db.models.fields.files import FieldFile

from submissions.models import MediaFile
from submissions.services.local_files import local_copy
from tests.submissions import media_samples

from .moto_s3 import ROOT_DIR

pytestmark = pytest.mark.services  # moto's S3 server
MIB = 1024 * 1024


def test_local_copy_of_an_object_is_one_streamed_get(s3_bucket, moto_s3, tmp_path):
    content = bytes(range(256)) * (3 * MIB // 256)
    name = default_storage.save("reports/x/clip.mp4", ContentFile(content))
    field_file = FieldFile(None, MediaFile._meta.get_field("file"), name)
    before = moto_s3.log_position()

    with local_copy(field_file) as path:
        with open(path, "rb") as copy:
            assert copy.read() == content
        assert path.endswith(".mp4")

    asked = [(method, status) for method, _target, status in moto_s3.requests_since(before)]
    assert asked == [("HEAD", 200), ("GET", 200)]


def test_a_missing_object_raises_before_any_temporary_file_is_written(s3_bucket):
    field_file = FieldFile(None, MediaFile._meta.get_field("file"), "reports/x/gone.mp4")

    with pytest.raises(FileNotFoundError), local_copy(field_file):
        pass


def test_a_300_mb_video_is_checked_from_s3_with_the_worker_under_300_mb(moto_s3, tmp_path):
    """Acceptance of issue 19: the real copy and check, in a process of their own."""
    video = media_samples.make_large_video(tmp_path / "long.mp4", size_bytes=300 * MIB)
    bucket = moto_s3.create_bucket(f"check-{tmp_path.name[-20:].lower().replace('_', '-')}")
    moto_s3.client().upload_file(str(video), bucket, "reports/x/long.mp4")
    size = video.stat().st_size
    video.unlink()

    done = subprocess.run(
        [sys.executable, "-m", "tests.storage.check_in_s3", "reports/x/long.mp4"],
        cwd=ROOT_DIR,
        env=moto_s3.process_environment(bucket),
        capture_output=True,
        text=True,
        timeout=600,
    )

    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    print(result)
    assert result["passed"], result
    assert result["size"] == size
    copy_growth_mib = (result["peak_after_copy_kib"] - result["peak_before_copy_kib"]) / 1024
    assert copy_growth_mib < 32, f"copying the object grew the worker by {copy_growth_mib:.1f} MiB"
    assert result["peak_kib"] < 300 * 1024 and result["child_peak_kib"] < 300 * 1024, result
