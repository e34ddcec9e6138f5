"""moto's S3 server for the storage tests: a subprocess on a free loopback port with its own
pidfile and request log, stopped by that PID. Without moto (requirements-dev.txt) the tests
that need it are skipped, or failed under REQUIRE_SERVICES=1."""

from __future__ import annotations

import contextlib
import importlib.util
import os
import re
import signal
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path

from tests.faults.processes import _stop_pidfile, free_port, wait_until
from tests.services import unavailable

ROOT_DIR = Path(__file__).resolve().parents[2]
ACCESS_KEY, SECRET_KEY, REGION = "testing-key", "testing-secret", "us-east-1"
# werkzeug's request log: 127.0.0.1 - - [date] "GET /bucket/key?x HTTP/1.1" 206 -
_ANSI = re.compile(r"\x1b\[[0-9;]*m")  # werkzeug colours some statuses, even into a file
_LOG_LINE = re.compile(r'"(?P<method>[A-Z]+) (?P<target>\S+) HTTP/[\d.]+" (?P<status>\d{3})')


def require_moto() -> None:
    if importlib.util.find_spec("moto") is None or importlib.util.find_spec("boto3") is None:
        unavailable("moto[server] is not installed: .venv/bin/pip install -r requirements-dev.txt")


class MotoServer:
    def __init__(self, folder: Path, *, env: dict[str, str] | None = None):
        self.folder, self.port = folder, free_port()
        self.pidfile = folder / f"moto-{self.port}.pid"
        self.logfile = folder / f"moto-{self.port}.log"
        self.url = f"http://127.0.0.1:{self.port}"
        self.extra_env = env or {}
        self.process: subprocess.Popen | None = None

    def start(self) -> MotoServer:
        require_moto()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(self.port)],
            env={**os.environ, **self.extra_env},
            stdout=open(self.logfile, "wb"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.pidfile.write_text(str(self.process.pid))
        wait_until(self._answers, timeout=60, what="moto's S3 server to answer")
        return self

    def stop(self) -> None:
        _stop_pidfile(self.pidfile)
        if self.process is not None:
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(timeout=10)
            if self.process.poll() is None:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)

    def _answers(self) -> bool:
        if self.process is not None and self.process.poll() is not None:
            raise RuntimeError("moto server exited:\n" + self.logfile.read_text(errors="replace"))
        try:
            with urllib.request.urlopen(f"{self.url}/moto-api/", timeout=1):
                return True
        except OSError:
            return False

    # --- what the server was asked ------------------------------------------------------

    def log_position(self) -> int:
        return self.logfile.stat().st_size

    def requests_since(self, position: int) -> list[tuple[str, str, int]]:
        """(method, path and query, status) of every request logged after ``position``.

        werkzeug writes a request's line after its answer went out: a marker request, once
        logged, shows that the lines of the requests answered before it are there too."""
        marker = f"/moto-api/?marker={uuid.uuid4().hex}"
        with urllib.request.urlopen(self.url + marker, timeout=5):
            pass

        def lines() -> list[tuple[str, str, int]]:
            with open(self.logfile, "rb") as log:
                log.seek(position)
                text = log.read().decode(errors="replace")
            return [
                (match["method"], match["target"], int(match["status"]))
                for match in map(_LOG_LINE.search, _ANSI.sub("", text).splitlines())
                if match
            ]

        wait_until(lambda: any(target == marker for _, target, _ in lines()), timeout=10, what="moto's log")
        time.sleep(0.1)
        return [line for line in lines() if not line[1].startswith("/moto-api/")]

    # --- clients and settings -----------------------------------------------------------

    def client(self, access_key: str = ACCESS_KEY, secret_key: str = SECRET_KEY):
        import boto3

        return boto3.client(
            "s3",
            endpoint_url=self.url,
            aws_access_key_id=access_key,
            aws_secret_access_key=secret_key,
            region_name=REGION,
        )

    def create_bucket(self, name: str) -> str:
        self.client().create_bucket(Bucket=name)
        return name

    def environment(self, bucket: str, **extra: str) -> dict[str, str]:
        """The portal's environment variables for S3 mode against this server."""
        return {
            "MEDIA_STORAGE": "s3",
            "S3_BUCKET": bucket,
            "S3_ENDPOINT_URL": self.url,
            "S3_ACCESS_KEY_ID": ACCESS_KEY,
            "S3_SECRET_ACCESS_KEY": SECRET_KEY,
            "S3_REGION": REGION,
            **extra,
        }

    def process_environment(self, bucket: str, **extra: str) -> dict[str, str]:
        """A whole environment for a portal process (test settings) in S3 mode."""
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "shuangchuang.test_settings"}
        env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        return {**env, **self.environment(bucket, **extra)}

    def storages(self, bucket: str) -> dict:
        """``STORAGES`` for ``override_settings``: S3 mode as shuangchuang/settings.py builds it."""
        from boto3.s3.transfer import TransferConfig
        from botocore.config import Config
        from django.conf import settings

        options = {
            "bucket_name": bucket,
            "endpoint_url": self.url,
            "access_key": ACCESS_KEY,
            "secret_key": SECRET_KEY,
            "region_name": REGION,
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
            "max_memory_size": 8 * 1024 * 1024,
            "client_config": Config(signature_version="s3v4", s3={"addressing_style": "path"}),
            "transfer_config": TransferConfig(multipart_chunksize=8 * 1024 * 1024, max_concurrency=2),
        }
        return {
            **settings.STORAGES,
            "default": {"BACKEND": "core.resumable.storage.MediaS3Storage", "OPTIONS": options},
        }


def write_sparse_object(client, bucket: str, key: str, size: int, folder: Path, *, head: bytes = b"") -> Path:
    """Upload an object of ``size`` bytes (``head`` then a repeating pattern), streamed from a
    file so the test process holds none of it; returns the local file."""
    path = folder / Path(key).name
    pattern = bytes(range(256)) * 4096  # 1 MB
    with open(path, "wb") as out:
        out.write(head)
        remaining = size - len(head)
        while remaining > 0:
            out.write(pattern[: min(len(pattern), remaining)])
            remaining -= min(len(pattern), remaining)
    client.upload_file(str(path), bucket, key)
    return path
