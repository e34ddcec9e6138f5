"""Availability of the real services the suite can use.

Outside CI a missing service skips the tests that need it, with the reason; with
REQUIRE_SERVICES=1 (set by .ci/run) it fails them instead, so CI proves the real stack.
"""

from __future__ import annotations

import os

import pytest
import redis
from django.db import connection

REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES", "") not in ("", "0", "false")


def unavailable(reason: str) -> None:
    if REQUIRE_SERVICES:
        pytest.fail(f"{reason} (REQUIRE_SERVICES=1 turns this skip into a failure)", pytrace=False)
    pytest.skip(reason)


def redis_url() -> str:
    """A Redis URL for tests, or skip/fail when none answers."""
    url = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0"
    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except redis.RedisError as error:
        unavailable(f"Redis is not available at {url}: {error}")
    return url


def require_postgresql() -> None:
    if connection.vendor != "postgresql":
        unavailable("This test needs PostgreSQL: set DATABASE_URL=postgres://...")
