"""The one gunicorn configuration (Procfile, stack.sh, systemd): its access lines are JSON
with the request id nginx sent, like the portal's own log lines."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.faults.processes import Gunicorn, wait_until

ROOT = Path(__file__).resolve().parents[2]
CONFIG = ROOT / "shuangchuang" / "scripts" / "gunicorn.conf.py"


def test_access_lines_are_json_with_the_request_id(tmp_path):
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DJANGO_SETTINGS_MODULE": "shuangchuang.test_settings",
        "DATABASE_URL": f"sqlite:///{tmp_path}/db.sqlite3",
        "CELERY_BROKER_URL": "memory://",
    }
    server = Gunicorn(tmp_path, env, config=CONFIG)
    try:
        status, _body, _headers = server.get("/healthz", headers={"X-Request-ID": "nginx-5e6f7a8b9c0d"})
        assert status == 200
        wait_until(
            lambda: b"gunicorn.access" in server.logfile.read_bytes(), timeout=10, what="the access line"
        )
    finally:
        server.stop()

    access = [
        json.loads(line) for line in server.logfile.read_text().splitlines() if '"gunicorn.access"' in line
    ]
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
