"""Rendered pieces of a page (an event's card), kept in the shared cache by a key that names
everything the piece shows.

A page of a thousand cards asks the cache for all of them at once (one round trip), renders
only those it lacks and stores them. The caller makes each key from the piece's content (a
digest of the strings it prints, the template and the language), so a changed piece has a
new key and nothing has to be invalidated: after one event changes, the next page renders
that event's card only. Old keys expire by themselves.

The cache may be away (``core.cache_guard``): every piece is then rendered afresh, the same
bytes as from the cache.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Sequence

from django.core.cache import cache

from .cache_guard import CacheGuard, CacheUnavailable

# Long enough to outlive many versions of the public pages around a piece, short enough that
# the keys of pieces that changed do not pile up in Redis.
FRAGMENT_TIMEOUT = 24 * 60 * 60

_guard = CacheGuard(consequence="page fragments are rendered afresh")


def cached_fragments(
    keys: Sequence[str], render: Callable[[int], str], *, timeout: int = FRAGMENT_TIMEOUT
) -> list[str]:
    """The fragment of each key, from the cache or ``render(index)`` (then stored), in order."""
    try:
        found = _guard.call(cache.get_many, keys) if keys else {}
    except CacheUnavailable:
        found = None
    fragments, rendered = [], {}
    for index, key in enumerate(keys):
        fragment = (found.get(key) if found is not None else None) or rendered.get(key)
        if fragment is None:
            fragment = rendered[key] = render(index)
        fragments.append(fragment)
    if rendered and found is not None:
        with contextlib.suppress(CacheUnavailable):
            _guard.call(cache.set_many, rendered, timeout)
    return fragments
