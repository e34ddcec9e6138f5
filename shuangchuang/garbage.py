"""The garbage collector of a process that loads, then serves (issue 21).

What the loaded application holds lives as long as the process: moved out of the collector's
reach (``gc.freeze``, as the Python documentation recommends for such servers), a full
collection no longer walks it on every page that builds thousands of objects (the 5,000-event
JSON feed, 276 → 211 ms median). And the youngest generation is collected every
``YOUNG_COLLECTION_EVERY`` allocations instead of Python's 700: a feed or an all-days page of
5,000 events made without its kept rows allocates a few hundred thousand objects, and each of
the many collections walked those still alive (frab XML so made, 190 → 154 ms median; the
pages made from kept rows allocate little and moved within the noise). Only objects in
reference cycles wait for the collector; everything else is freed as before.
"""

from __future__ import annotations

import gc

YOUNG_COLLECTION_EVERY = 50_000


def settle() -> None:
    """Free what loading left as garbage, move the rest out of the collector's walks, and collect
    the youngest generation every ``YOUNG_COLLECTION_EVERY`` allocations."""
    gc.collect()
    gc.freeze()
    _young, middle, old = gc.get_threshold()
    gc.set_threshold(YOUNG_COLLECTION_EVERY, middle, old)
