"""``GET /healthz``: is the database up, is the broker reachable, does a worker answer."""

from __future__ import annotations

from django.db import connection
from django.http import JsonResponse
from django.utils.decorators import method_decorator
from django.views.decorators.cache import never_cache
from django.views.generic import View

from .celery import app as celery_app

BROKER_TIMEOUT_SECONDS = 1.0
WORKER_PING_TIMEOUT_SECONDS = 0.5


@method_decorator(never_cache, name="dispatch")
class HealthView(View):
    http_method_names = ["get", "head"]

    def get(self, request, *args, **kwargs) -> JsonResponse:
        database = _database_state()
        broker = _broker_state()
        worker = _worker_state() if broker == "ok" else "unknown"
        status = 200 if database == "ok" else 503
        return JsonResponse({"database": database, "broker": broker, "worker": worker}, status=status)


def _database_state() -> str:
    try:
        connection.ensure_connection()
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any driver error means "down"; the reason goes to the body
        connection.close_if_unusable_or_obsolete()
        return f"error: {type(exc).__name__}"
    return "ok"


def _broker_state() -> str:
    try:
        with celery_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=BROKER_TIMEOUT_SECONDS)
    except Exception as exc:
        return f"error: {type(exc).__name__}"
    return "ok"


def _worker_state() -> str:
    """ "ok" when a worker answers a ping; the file-system broker cannot broadcast a ping."""
    if celery_app.conf.broker_url.startswith("filesystem://"):
        return "unknown"
    try:
        replies = celery_app.control.ping(timeout=WORKER_PING_TIMEOUT_SECONDS)
    except Exception as exc:
        return f"error: {type(exc).__name__}"
    return "ok" if replies else "none"
