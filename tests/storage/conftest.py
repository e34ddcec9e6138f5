import tempfile
import uuid
from pathlib import Path

import pytest
from django.test import override_settings

from .moto_s3 import MotoServer


@pytest.fixture(scope="session")
def moto_s3():
    """One moto S3 server for the storage tests of this run, stopped by its PID at the end."""
    with tempfile.TemporaryDirectory(prefix="moto-s3-") as folder:
        server = MotoServer(Path(folder)).start()
        try:
            yield server
        finally:
            server.stop()


@pytest.fixture
def s3_bucket(moto_s3):
    """A fresh bucket, and the portal's media storage pointed at it for the test."""
    bucket = moto_s3.create_bucket(f"media-{uuid.uuid4().hex[:12]}")
    with override_settings(STORAGES=moto_s3.storages(bucket), MEDIA_STORAGE="s3"):
        yield bucket
