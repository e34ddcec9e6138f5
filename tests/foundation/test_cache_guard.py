"""A failing shared cache is left alone for a few seconds, logged once a minute, and its
recovery is noticed once."""

import logging
import time

import pytest
from redis.exceptions import ConnectionError as RedisConnectionError

from core.cache_guard import CacheGuard, CacheUnavailable


def _down():
    raise RedisConnectionError("connection refused")


def test_a_failure_is_raised_as_unavailable_and_logged_once_a_minute(caplog, settings):
    settings.CACHE_RETRY_SECONDS = 0
    guard = CacheGuard(consequence="pages are served without it")

    with caplog.at_level(logging.WARNING, logger="core.cache_guard"):
        for _ in range(3):
            with pytest.raises(CacheUnavailable):
                guard.call(_down)

    assert [record.getMessage() for record in caplog.records] == [
        "shared cache unavailable, pages are served without it: connection refused"
    ]


def test_after_a_failure_the_cache_is_not_asked_for_a_few_seconds(settings):
    settings.CACHE_RETRY_SECONDS = 0.3
    guard = CacheGuard(consequence="-")
    calls = []

    with pytest.raises(CacheUnavailable):
        guard.call(_down)
    with pytest.raises(CacheUnavailable):
        guard.call(calls.append, "asked too soon")
    time.sleep(0.35)
    guard.call(calls.append, "asked again")

    assert calls == ["asked again"]


def test_recovery_is_reported_once(settings):
    settings.CACHE_RETRY_SECONDS = 0
    guard = CacheGuard(consequence="-")
    with pytest.raises(CacheUnavailable):
        guard.call(_down)

    assert guard.call(lambda: "answer") == "answer"
    assert (guard.recovered(), guard.recovered()) == (True, False)
