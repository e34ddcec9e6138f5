"""``/healthz``: liveness for load balancers, constant time, telling nothing about the inside.
``/readyz``: every service the portal uses (database, Redis as cache and broker, the media
storage, a worker), for the operator's monitoring only (allowed addresses or a token);
computed at most once every few seconds per process.

``HealthCheckMiddleware`` answers both before anything reads the Host header: a load balancer
or a monitor calls them by IP, which is not in ALLOWED_HOSTS (Django would answer 400)."""

from __future__ import annotations

import threading
import time

from django.conf import settings
from django.core.cache import cache
from django.core.files.storage import default_storage
from django.db import connection
from django.http import Http404, HttpResponseNotFound, JsonResponse
from django.utils.crypto import constant_time_compare
from django.utils.decorators import method_decorator
from django.views.decorators.cache import never_cache
from django.views.generic import View

from core import media_storage
from core.client_ip import client_ip
from core.heartbeat import heartbeat_age

from .celery import app as celery_app

BROKER_TIMEOUT_SECONDS = 1.0


@method_decorator(never_cache, name="dispatch")
class HealthView(View):
    """The process answers: no database, no cache, no broker, nothing to learn from."""

    http_method_names = ["get", "head"]

    def get(self, request, *args, **kwargs) -> JsonResponse:
        return JsonResponse({"status": "ok"})


@method_decorator(never_cache, name="dispatch")
class ReadyView(View):
    """503 when the database is down (this process cannot serve); the other services are
    reported for monitoring: pages degrade without them rather than fail."""

    http_method_names = ["get", "head"]

    def get(self, request, *args, **kwargs) -> JsonResponse:
        if not _may_ask(request):
            raise Http404
        status, body = _readiness.answer()
        return JsonResponse(body, status=status)


class HealthCheckMiddleware:
    """First in the chain after the request id: ``/healthz`` and ``/readyz`` never reach the
    middleware that validates the host (SecurityMiddleware, CommonMiddleware, CSRF)."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.liveness = HealthView.as_view()
        self.readiness = ReadyView.as_view()

    def __call__(self, request):
        if request.path_info == "/healthz":
            return self.liveness(request)
        if request.path_info == "/readyz":
            if not _may_ask(request):  # a bare 404: the 404 page would read the host
                return HttpResponseNotFound(b"", content_type="text/plain")
            return self.readiness(request)
        return self.get_response(request)


def _may_ask(request) -> bool:
    token = settings.READYZ_TOKEN
    if token and constant_time_compare(request.headers.get("Authorization", ""), f"Bearer {token}"):
        return True
    return client_ip(request) in settings.READYZ_ALLOWED_ADDRESSES


class _Readiness:
    """The last answer, kept for ``READYZ_CACHE_SECONDS`` so that a monitor polling hard costs
    one round of checks every few seconds, not one per call."""

    def __init__(self):
        self.lock = threading.Lock()
        self.at = float("-inf")
        self.last: tuple[int, dict] | None = None

    def answer(self) -> tuple[int, dict]:
        with self.lock:
            if self.last is None or time.monotonic() - self.at >= settings.READYZ_CACHE_SECONDS:
                self.last, self.at = _check_everything(), time.monotonic()
            return self.last


_readiness = _Readiness()


def _check_everything() -> tuple[int, dict]:
    database = _database_state()
    body = {
        "database": database,
        "cache": _cache_state(),
        "broker": _broker_state(),
        "storage": _storage_state(),
        "worker": _worker_state() if database == "ok" else "unknown",
    }
    return (200 if database == "ok" else 503), body


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


def _cache_state() -> str:
    try:
        cache.get("readyz-probe")
    except Exception as exc:
        return f"error: {type(exc).__name__}"
    return "ok"


def _broker_state() -> str:
    try:
        with celery_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=BROKER_TIMEOUT_SECONDS)
    except Exception as exc:
        return f"error: {type(exc).__name__}"
    return "ok"


def _storage_state() -> str:
    try:
        media_storage.probe(default_storage)
    except Exception as exc:
        return f"error: {type(exc).__name__}"
    return "ok"


def _worker_state() -> str:
    """ "ok" while beat's heartbeat task ran on a worker lately, else how long ago it last ran."""
    try:
        age = heartbeat_age()
    except Exception as exc:
        return f"error: {type(exc).__name__}"
    if age is None:
        return "never"
    seconds = int(age.total_seconds())
    return "ok" if seconds <= 3 * settings.HEARTBEAT_SECONDS else f"stale: {seconds} s ago"
