"""Rendered pieces of a page (an event's card), kept by a key that names everything the piece
shows: in this process's memory first, then in the shared cache.

A page of a thousand cards asks for all of them at once, renders only those it lacks and
stores them. The caller makes each key from the piece's content (a digest of the strings it
prints, the template and the language), so a changed piece has a new key and nothing has to be
invalidated: after one event changes, the next page renders that event's card only. Old keys
expire by themselves (in the shared cache after ``FRAGMENT_TIMEOUT``, in memory when the
least recently used give way to new ones).

Because a key names its content, a piece this process already holds can never be stale: it
is served from memory without asking Redis (a thousand cards are about a megabyte, which the
shared cache would send and unpickle on every page; issue 21). The shared cache passes pieces
between the web processes and survives a restart.

The shared cache may be away (``core.cache_guard``): pieces are then served from memory or
rendered afresh, the same bytes either way.
"""

from __future__ import annotations

import contextlib
import sys
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence

from django.conf import settings
from django.core.cache import cache

from .cache_guard import CacheGuard, CacheUnavailable

# Long enough to outlive many versions of the public pages around a piece, short enough that
# the keys of pieces that changed do not pile up in Redis.
FRAGMENT_TIMEOUT = 24 * 60 * 60
# What one process keeps in memory is PUBLIC_FRAGMENTS_MEMORY_BYTES (32 MiB): a week of a
# thousand events has about two megabytes of cards per language and kind of list; at 5,000
# events the all-days lists of two languages alone fill it, and a page whose cards do not all
# fit reads them from the shared cache as before.

_guard = CacheGuard(consequence="page fragments are rendered afresh")

# Text, or text encoded (the event cards are kept as UTF-8: pages are put together as bytes).
Fragment = str | bytes


class _RecentFragments:
    """The fragments this process used last, by key, within a budget of bytes (least recently
    used first out). Thread-safe: the development server and test live servers run threads."""

    def __init__(self, budget_bytes: int):
        self.budget, self.size = budget_bytes, 0
        self._items: OrderedDict[str, Fragment] = OrderedDict()
        self._lock = threading.Lock()

    @staticmethod
    def _weight(key: str, fragment: Fragment) -> int:
        # The two strings as CPython holds them, and about as much again for the entry.
        return sys.getsizeof(fragment) + sys.getsizeof(key) + 100

    def get_many(self, keys: Sequence[str]) -> dict[str, Fragment]:
        found = {}
        with self._lock:
            items = self._items
            for key in keys:
                fragment = items.get(key)
                if fragment is not None:
                    items.move_to_end(key)
                    found[key] = fragment
        return found

    def set_many(self, fragments: dict[str, Fragment]) -> None:
        with self._lock:
            items = self._items
            for key, fragment in fragments.items():
                if key in items:
                    items.move_to_end(key)
                    continue
                items[key] = fragment
                self.size += self._weight(key, fragment)
            while self.size > self.budget and items:
                dropped_key, dropped = items.popitem(last=False)
                self.size -= self._weight(dropped_key, dropped)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self.size = 0


_recent = _RecentFragments(settings.PUBLIC_FRAGMENTS_MEMORY_BYTES)


def forget_local_fragments() -> None:
    """Empty this process's fragments (the tests start each test without them, as with the cache)."""
    _recent.clear()


def cached_fragments(
    keys: Sequence[str], render: Callable[[int], Fragment], *, timeout: int = FRAGMENT_TIMEOUT
) -> list[Fragment]:
    """The fragment of each key, from memory, the shared cache or ``render(index)`` (then
    stored in both), in order."""
    held = _recent.get_many(keys)
    wanted = [key for key in keys if key not in held]
    shared_down = False
    if wanted:
        try:
            from_shared = _guard.call(cache.get_many, wanted)
        except CacheUnavailable:
            from_shared, shared_down = {}, True
        if from_shared:
            _recent.set_many(from_shared)
            held.update(from_shared)
    fragments, rendered = [], {}
    for index, key in enumerate(keys):
        fragment = held.get(key) or rendered.get(key)
        if fragment is None:
            fragment = rendered[key] = render(index)
        fragments.append(fragment)
    if rendered:
        _recent.set_many(rendered)
        if not shared_down:
            with contextlib.suppress(CacheUnavailable):
                _guard.call(cache.set_many, rendered, timeout)
    return fragments
