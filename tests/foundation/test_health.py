"""``/healthz`` says the process answers and nothing more; ``/readyz`` reports every service,
to the operator's monitoring only."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import override_settings

from core.tasks import heartbeat_task

ROOT = Path(__file__).resolve().parents[2]
OUTSIDE = "203.0.113.7"


@pytest.mark.django_db
def test_healthz_is_constant_and_touches_nothing(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz", REMOTE_ADDR=OUTSIDE)

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_readyz_reports_every_service_to_the_machine_itself(client):
    heartbeat_task.delay()  # beat sends it; the (eager) worker records it

    with override_settings(READYZ_CACHE_SECONDS=0):
        response = client.get("/readyz")  # the test client comes from 127.0.0.1

    assert response.status_code == 200
    body = response.json()
    assert (body["database"], body["cache"], body["storage"], body["worker"]) == ("ok", "ok", "ok", "ok")
    assert body["broker"] == "ok" or body["broker"].startswith("error:")


@pytest.mark.django_db
def test_readyz_says_when_no_worker_ran_the_heartbeat(client):
    with override_settings(READYZ_CACHE_SECONDS=0):
        assert client.get("/readyz").json()["worker"] == "never"


@pytest.mark.django_db
def test_readyz_is_not_found_for_an_outside_caller_without_the_token(client):
    with override_settings(READYZ_TOKEN="s3cret-monitor-token"):
        assert client.get("/readyz", REMOTE_ADDR=OUTSIDE).status_code == 404
        wrong = client.get("/readyz", REMOTE_ADDR=OUTSIDE, headers={"Authorization": "Bearer guess"})
        assert wrong.status_code == 404
        allowed = client.get(
            "/readyz", REMOTE_ADDR=OUTSIDE, headers={"Authorization": "Bearer s3cret-monitor-token"}
        )
    assert allowed.status_code == 200


@pytest.mark.django_db
def test_readyz_answers_from_its_last_round_for_a_few_seconds(client, django_assert_max_num_queries):
    with override_settings(READYZ_CACHE_SECONDS=60):
        client.get("/readyz")
        with django_assert_max_num_queries(0):
            assert client.get("/readyz").status_code == 200


def _readyz_in_a_process_with(database_url: str) -> tuple[int, dict]:
    """Ask /readyz in a fresh process whose database cannot be reached."""
    script = (
        "import django, json; django.setup();"
        "from django.test import Client;"
        "r = Client().get('/readyz', headers={'host': 'localhost'});"
        "print(r.status_code); print(r.content.decode())"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "shuangchuang.test_settings", "DATABASE_URL": database_url}
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    status, body = done.stdout.strip().splitlines()[-2:]
    return int(status), json.loads(body)


def test_readyz_answers_503_with_the_database_down(tmp_path):
    unreachable = f"sqlite:///{tmp_path}/no-such-folder/db.sqlite3"

    status, body = _readyz_in_a_process_with(unreachable)

    assert status == 503
    assert body["database"].startswith("error:")


def test_readyz_answers_503_when_postgresql_is_down():
    # Port 9 (discard) has no PostgreSQL listening on this machine or in CI.
    status, body = _readyz_in_a_process_with("postgres://postgres@127.0.0.1:9/nothing")

    assert status == 503
    assert body["database"] == "error: OperationalError"


def test_the_503_page_gives_back_what_was_typed_and_says_it_was_not_saved(rf):
    from urllib.parse import urlencode

    from django.db import OperationalError

    from shuangchuang.errors import server_error

    typed = {
        "csrfmiddlewaretoken": "secret-token",
        "report-text": "今天的活动很成功",
        "password1": "hunter22",
    }
    request = rf.post(
        "/organizer/reports/1/2026-09-25/", urlencode(typed), content_type="application/x-www-form-urlencoded"
    )
    try:
        raise OperationalError("the database is restarting")
    except OperationalError:
        response = server_error(request)

    page = response.content.decode()
    assert response.status_code == 503 and response["Retry-After"] == "15"
    assert "没有保存" in page and "今天的活动很成功" in page
    assert "secret-token" not in page and "hunter22" not in page


@pytest.mark.django_db
@override_settings(ALLOWED_HOSTS=["sc.example.gov.cn"])
def test_healthz_and_readyz_answer_a_caller_that_uses_the_ip_address(client):
    """A load balancer's health check names the host by IP, which is not in ALLOWED_HOSTS:
    the issue saw 400. Other pages by IP stay refused."""
    by_ip = {"HTTP_HOST": "10.0.0.12:8000"}

    health = client.get("/healthz", REMOTE_ADDR=OUTSIDE, **by_ip)
    with override_settings(READYZ_CACHE_SECONDS=0):
        ready = client.get("/readyz", **by_ip)  # from 127.0.0.1: allowed
        hidden = client.get("/readyz", REMOTE_ADDR=OUTSIDE, **by_ip)
    page = client.get("/", **by_ip)

    assert health.status_code == 200 and health.json() == {"status": "ok"}
    assert ready.status_code == 200 and ready.json()["database"] == "ok"
    assert hidden.status_code == 404 and hidden.content == b""
    assert page.status_code == 400


@pytest.mark.django_db
def test_the_not_found_log_line_carries_the_request_id_from_nginx(client):
    """Django logs "Not Found" after the middleware chain returned; the issue saw request_id "-"."""
    import logging

    from shuangchuang.logging import JsonFormatter, RequestIdFilter

    lines = []

    class Collect(logging.Handler):
        def emit(self, record):
            lines.append(json.loads(self.format(record)))

    handler = Collect()
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RequestIdFilter())
    logger = logging.getLogger("django.request")
    logger.addHandler(handler)
    try:
        response = client.get("/no-such-page/", HTTP_X_REQUEST_ID="nginx-4f3e2d1c0b9a")
    finally:
        logger.removeHandler(handler)

    assert response.status_code == 404
    assert [(line["msg"], line["request_id"]) for line in lines] == [
        ("Not Found: /no-such-page/", "nginx-4f3e2d1c0b9a")
    ]
