"""PostgreSQL goes away while the site serves: a Chinese 503 page (no traceback) for as long
as it is away, then the same web process serves again (CONN_HEALTH_CHECKS reconnects).

PostgreSQL itself is shared with other runs, so the test cuts a proxy between gunicorn and
it: every open connection dies and new ones are refused, as during a restart."""

from __future__ import annotations

import os

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client

from tests import factories
from tests.faults.processes import CuttableProxy, Gunicorn
from tests.services import require_postgresql

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def site_through_proxy(tmp_path):
    require_postgresql()
    db = connection.settings_dict
    proxy = CuttableProxy((db["HOST"] or "127.0.0.1", int(db["PORT"] or 5432)))
    proxy.start()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "shuangchuang.test_settings",
        "DEBUG": "0",
        "DATABASE_URL": f"postgres://{db['USER']}@127.0.0.1:{proxy.port}/{db['NAME']}",
        "CONN_MAX_AGE": "60",
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "CELERY_BROKER_URL": "memory://",
    }
    env.pop("REDIS_URL", None)
    web = Gunicorn(tmp_path, env)
    try:
        yield web, proxy
    finally:
        web.stop()
        proxy.stop()


def _signed_in_cookie(user) -> str:
    client = Client()
    client.force_login(user)
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


def test_database_away_gives_a_chinese_503_then_the_same_process_recovers(
    site_through_proxy, week, organizer
):
    web, proxy = site_through_proxy
    member = factories.member(organizer)
    factories.event(week=week, host=organizer, reporter=member)
    cookie = {"Cookie": _signed_in_cookie(member)}
    pid = web.process.pid

    assert web.get("/organizer/", cookie)[0] == 200

    proxy.cut()
    outage = [web.get(path, cookie) for path in ("/organizer/", "/organizer/reports/", "/organizer/")]
    anonymous = web.get("/venues/")

    for status, body, headers in outage + [anonymous]:
        assert status == 503
        assert "系统暂时不可用" in body and "数据库正在重启或维护" in body
        assert "Traceback" not in body and "OperationalError" not in body and "psycopg" not in body
        assert headers["Retry-After"] == "15" and headers.get("X-Request-ID")
    assert web.get("/readyz")[0] == 503  # asked from the machine itself
    assert web.get("/healthz")[0] == 200  # liveness: the process answers

    proxy.restore()
    status, body, _ = web.get("/organizer/", cookie)

    assert status == 200 and "系统暂时不可用" not in body
    assert web.process.pid == pid and web.process.poll() is None
    assert '"level": "ERROR"' in web.logfile.read_text(errors="replace")  # the outage is logged, as JSON
