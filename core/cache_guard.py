"""Calls to the shared cache (Redis) that must not fail a request when it is away.

A ``CacheGuard`` runs a cache call; when it fails, the guard raises ``CacheUnavailable``,
leaves the cache alone in this process for ``CACHE_RETRY_SECONDS`` (so an outage costs no
timeout per request), logs the failure at most once a minute, and remembers it until the
caller takes note with ``recovered()``.
"""

from __future__ import annotations

import logging
import time

from django.conf import settings
from redis.exceptions import RedisError

log = logging.getLogger(__name__)

# What a cache call raises when Redis is down, refuses, or does not answer in time.
CACHE_ERRORS = (RedisError, OSError)
LOG_EVERY_SECONDS = 60.0


class CacheUnavailable(Exception):
    """The shared cache did not answer; the caller goes on without it."""


class CacheGuard:
    def __init__(self, consequence: str):
        self.consequence = consequence  # what the log line says happens meanwhile
        self.until = 0.0
        self.logged_at = -LOG_EVERY_SECONDS
        self.failed = False

    def call(self, function, *args, **kwargs):
        if time.monotonic() < self.until:
            raise CacheUnavailable
        try:
            return function(*args, **kwargs)
        except CACHE_ERRORS as error:
            now = time.monotonic()
            self.until, self.failed = now + settings.CACHE_RETRY_SECONDS, True
            if now - self.logged_at >= LOG_EVERY_SECONDS:
                self.logged_at = now
                log.warning("shared cache unavailable, %s: %s", self.consequence, error)
            raise CacheUnavailable from error

    def recovered(self) -> bool:
        """True once after a failure, when the cache has answered again."""
        failed, self.failed = self.failed, False
        return failed
