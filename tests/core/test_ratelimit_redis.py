"""core.ratelimit against the real Redis: a hit is one round trip (the Lua script), counts and
expiries as on LocMem, the other helpers read and undo the script's counters, and a Redis
that does not answer lets requests through."""

import datetime as dt
import logging
import uuid

import pytest
import redis
import time_machine
from django.core.cache import cache
from redis.connection import AbstractConnection

from core import ratelimit
from tests.services import redis_url

pytestmark = pytest.mark.services
LIMIT = ratelimit.RateLimit("test-redis-hits", 3, 60 * 60)
# A counter's key names its window: the tests run from half a minute past a minute's start
# (and seven past the hour), far from where a minute's, five minutes' or an hour's window ends.
MID_WINDOW = dt.datetime(2026, 12, 4, 10, 7, 30, tzinfo=dt.UTC)


@pytest.fixture
def redis_cache(settings):
    """The default cache is the production backend on the test Redis, under a prefix of this
    test's own (its keys are deleted after, nothing else in the database is touched)."""
    url = redis_url()
    prefix = f"test-ratelimit-{uuid.uuid4().hex[:8]}"
    settings.CACHES = {
        "default": {
            "BACKEND": "shuangchuang.redis_cache.PortalRedisCache",
            "LOCATION": url,
            "KEY_PREFIX": prefix,
        }
    }
    ratelimit._guard.until = 0.0
    with time_machine.travel(MID_WINDOW, tick=True):
        yield redis.Redis.from_url(url)
    server = redis.Redis.from_url(url)
    keys = list(server.scan_iter(f"{prefix}:*"))
    if keys:
        server.delete(*keys)


@pytest.fixture
def round_trips(monkeypatch):
    """The commands sent to Redis, one list per round trip (a pipeline's or a script's whole)."""
    sent = []
    original = AbstractConnection.send_packed_command

    def counting(self, command, check_health=True):
        sent.append(command)
        return original(self, command, check_health)

    monkeypatch.setattr(AbstractConnection, "send_packed_command", counting)
    return sent


def _names(sent) -> list[bytes]:
    """The command name of each round trip (the first word of the RESP array)."""
    out = []
    for packed in sent:
        data = b"".join(packed) if isinstance(packed, list | tuple) else packed
        out.append(data.split(b"\r\n")[2].upper())
    return out


def test_each_hit_is_one_round_trip_and_counts_like_locmem(redis_cache, round_trips):
    ratelimit.spend(LIMIT, "203.0.113.7")  # the first call may load the script into Redis
    round_trips.clear()

    allowed = [ratelimit.spend(LIMIT, "203.0.113.7") for _ in range(3)]

    assert allowed == [True, True, False]  # the 1st (above), 2nd and 3rd pass, the 4th not
    assert _names(round_trips) == [b"EVALSHA"] * 3
    counter = cache.make_and_validate_key(ratelimit._counter_key(LIMIT, "203.0.113.7"))
    assert 0 < redis_cache.ttl(counter) <= LIMIT.seconds + 1  # ends with its window
    assert cache.get(ratelimit._counter_key(LIMIT, "203.0.113.7")) == 4  # Django's cache reads it
    assert ratelimit.is_spent(LIMIT, "203.0.113.7")
    assert ratelimit.spend(LIMIT, "198.51.100.1")  # another address is not affected


def test_the_vote_paths_two_limits_are_two_round_trips(redis_cache, round_trips):
    from contests.views.voting import VOTES_PER_ADDRESS, VOTES_PER_DEVICE

    ratelimit.spend(VOTES_PER_DEVICE, "warm-up")
    round_trips.clear()

    assert ratelimit.spend(VOTES_PER_DEVICE, "7|device") and ratelimit.spend(VOTES_PER_ADDRESS, "7|10.0.0.1")
    assert len(round_trips) == 2  # was four: add, then incr, per limit


def test_a_distinct_member_counts_once_per_window_in_one_round_trip(redis_cache, round_trips):
    ratelimit.spend_distinct(LIMIT, "warm-up", "x")
    round_trips.clear()

    results = [ratelimit.spend_distinct(LIMIT, "10.0.0.9", name) for name in ("a", "a", "b", "c", "d")]

    assert results == [True, True, True, True, False]
    assert _names(round_trips) == [b"EVALSHA"] * 5
    counter = ratelimit._counter_key(LIMIT, "10.0.0.9")
    assert cache.get(counter) == 4

    ratelimit.release_distinct(LIMIT, "10.0.0.9", "d")  # what went well is given back
    assert cache.get(counter) == 3
    assert ratelimit.spend_distinct(LIMIT, "10.0.0.9", "a") is True  # counted before: within
    assert ratelimit.spend_distinct(LIMIT, "10.0.0.9", "d") is False  # counted again: over


def test_a_redis_that_does_not_answer_lets_requests_through(settings, caplog):
    settings.CACHES = {
        "default": {
            "BACKEND": "shuangchuang.redis_cache.PortalRedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }
    ratelimit._guard.until, ratelimit._guard.logged_at = 0.0, -1e9

    with caplog.at_level(logging.WARNING, logger="core.cache_guard"):
        assert ratelimit.spend(LIMIT, "203.0.113.7") is True
        assert ratelimit.spend_distinct(LIMIT, "203.0.113.7", "a") is True

    assert "requests are let through without rate limits" in caplog.text
    ratelimit._guard.until = 0.0
