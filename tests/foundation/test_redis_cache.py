"""The production cache backend against a real Redis: it behaves like Django's, with one client."""

import pytest

from shuangchuang.redis_cache import PortalRedisCache
from tests.services import redis_url

pytestmark = pytest.mark.services


@pytest.fixture
def cache():
    backend = PortalRedisCache(redis_url(), {"KEY_PREFIX": "test-portal-cache"})
    yield backend
    backend.delete_many(["a", "b", "n"])


def test_reads_and_writes_like_djangos_redis_cache(cache):
    cache.set("a", {"body": b"\x00page"}, 30)
    cache.set("n", 1, 30)

    assert cache.get_many(["a", "b", "n"]) == {"a": {"body": b"\x00page"}, "n": 1}
    assert cache.incr("n") == 2


def test_one_client_serves_every_call(cache):
    first = cache._cache.get_client(write=False)
    cache.get("a")

    assert cache._cache.get_client(write=False) is first
    assert cache._cache.get_client(write=True) is first  # one server: reads and writes share it
