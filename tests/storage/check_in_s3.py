"""Run as a worker would: ``python -m tests.storage.check_in_s3 STORAGE_NAME`` with the
portal's S3 environment. Copies the object to a temporary file (``local_copy``), checks it
in the sandboxed child (``inspect_file``) and prints one JSON line: the verdict and the peak
memory of this process after each step and of the child."""

from __future__ import annotations

import json
import os
import resource
import sys
import time
from pathlib import Path


def peak_kib() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    raise LookupError("VmHWM")


def main(name: str) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shuangchuang.test_settings")
    import django

    django.setup()
    from django.db.models.fields.files import FieldFile

    from submissions.media.checks import inspect_file
    from submissions.media.rules import Rules
    from submissions.models import MediaFile
    from submissions.services.local_files import local_copy

    field_file = FieldFile(None, MediaFile._meta.get_field("file"), name)
    field_file.storage.exists(name)  # connect (boto3's first client) before measuring
    started = peak_kib()
    began = time.monotonic()
    with local_copy(field_file) as path:
        copied, copy_seconds, size = peak_kib(), time.monotonic() - began, os.path.getsize(path)
        verdict = inspect_file(path, expected_kind="video", rules=Rules())
    print(
        json.dumps(
            {
                "passed": verdict.passed,
                "reasons": [reason.code for reason in verdict.reasons],
                "size": size,
                "copy_seconds": round(copy_seconds, 1),
                "seconds": round(time.monotonic() - began, 1),
                "peak_before_copy_kib": started,
                "peak_after_copy_kib": copied,
                "peak_kib": peak_kib(),
                "child_peak_kib": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss,
            }
        )
    )


if __name__ == "__main__":
    main(sys.argv[1])
