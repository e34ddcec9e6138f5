"""``GET /healthz`` reports the database, the broker and the workers."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.django_db
def test_healthz_is_ok_with_the_database_up(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    body = response.json()
    assert body["database"] == "ok"
    assert body["broker"] == "ok"
    assert body["worker"] in {"ok", "none", "unknown"}
    assert "no-cache" in response["Cache-Control"]


def _healthz_in_a_process_with(database_url: str) -> tuple[int, dict]:
    """Ask /healthz in a fresh process whose database cannot be reached."""
    script = (
        "import django, json; django.setup();"
        "from django.test import Client;"
        "r = Client().get('/healthz', headers={'host': 'localhost'});"
        "print(r.status_code); print(r.content.decode())"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "shuangchuang.test_settings", "DATABASE_URL": database_url}
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    status, body = done.stdout.strip().splitlines()[-2:]
    return int(status), json.loads(body)


def test_healthz_answers_503_with_the_database_down(tmp_path):
    unreachable = f"sqlite:///{tmp_path}/no-such-folder/db.sqlite3"

    status, body = _healthz_in_a_process_with(unreachable)

    assert status == 503
    assert body["database"].startswith("error:")


def test_healthz_answers_503_when_postgresql_is_down():
    # Port 9 (discard) has no PostgreSQL listening on this machine or in CI.
    status, body = _healthz_in_a_process_with("postgres://postgres@127.0.0.1:9/nothing")

    assert status == 503
    assert body["database"] == "error: OperationalError"
