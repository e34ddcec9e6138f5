import pytest
from django.core.cache import cache

from tests import factories


@pytest.fixture(autouse=True)
def empty_cache(empty_cache):
    """The root conftest's (the cache, this process's fragments and kept week rows emptied
    before each test), and the page cache (process-wide, locmem in tests) emptied after."""
    yield
    cache.clear()


@pytest.fixture
def main_venue(db):
    return factories.venue(name="昆山市主会场", kind="main", district="昆山高新区", address="创业路 1 号")


@pytest.fixture
def sub_venue(main_venue):
    return factories.venue(name="开发区分会场", kind="sub", parent=main_venue, district="昆山开发区")
