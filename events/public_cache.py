"""The version of everything the public sees, bumped whenever a public event changes.

Public pages and feeds put the version in their cache keys and ETags, so approving,
changing or cancelling an event makes every cached public page stale at once, with no
list of keys to hunt down.
"""
from django.core.cache import cache

VERSION_KEY = "public:version"


def public_version() -> int:
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, 1, timeout=None)
        version = cache.get(VERSION_KEY, 1)
    return version


def bump_public_version() -> int:
    """Call after any change to what the public sees (approve, change, cancel)."""
    try:
        return cache.incr(VERSION_KEY)
    except ValueError:
        cache.add(VERSION_KEY, 2, timeout=None)
        return cache.get(VERSION_KEY, 2)
