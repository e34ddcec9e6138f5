"""The one gunicorn configuration (Procfile, stack.sh, systemd): its access lines are JSON
with the request id nginx sent, like the portal's own log lines."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.request
from pathlib import Path

from tests.faults.processes import _stop_pidfile, free_port, wait_until

ROOT = Path(__file__).resolve().parents[2]
CONFIG = ROOT / "shuangchuang" / "scripts" / "gunicorn.conf.py"


def test_access_lines_are_json_with_the_request_id(tmp_path):
    port, pidfile, log = free_port(), tmp_path / "web.pid", tmp_path / "web.log"
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DJANGO_SETTINGS_MODULE": "shuangchuang.test_settings",
        "DATABASE_URL": f"sqlite:///{tmp_path}/db.sqlite3",
        "WEB_BIND": f"127.0.0.1:{port}",
        "WEB_WORKERS": "1",
        "CELERY_BROKER_URL": "memory://",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", str(CONFIG), "shuangchuang.wsgi", "--pid", str(pidfile)],
        cwd=ROOT,
        env=env,
        stdout=open(log, "wb"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        wait_until(
            lambda: pidfile.exists() and b"Booting worker" in log.read_bytes(), timeout=60, what="gunicorn"
        )
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/healthz", headers={"X-Request-ID": "nginx-5e6f7a8b9c0d"}
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            assert response.status == 200
        wait_until(lambda: b"gunicorn.access" in log.read_bytes(), timeout=10, what="the access line")
    finally:
        _stop_pidfile(pidfile)
        process.wait(timeout=30)

    access = [json.loads(line) for line in log.read_text().splitlines() if '"gunicorn.access"' in line]
    assert len(access) == 1
    line = access[0]
    assert line["request_id"] == "nginx-5e6f7a8b9c0d"
    assert line["msg"] == "GET /healthz HTTP/1.1" and line["status"] == 200 and line["level"] == "INFO"
    assert "max_requests: 2000" in _printed_config(env)


def _printed_config(env: dict) -> str:
    """gunicorn --print-config: the settings every start command shares."""
    done = subprocess.run(
        [sys.executable, "-m", "gunicorn", "-c", str(CONFIG), "--print-config", "shuangchuang.wsgi"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    return done.stdout.replace(" ", "").replace("max_requests=", "max_requests: ")
