"""The garbage collector of a process that loads, then serves (issue 21).

What the loaded application holds lives as long as the process: moved out of the collector's
reach (``gc.freeze``, as the Python documentation recommends for such servers), a full
collection no longer walks it on every page that builds thousands of objects (the 5,000-event
JSON feed, 276 → 211 ms median).

Collecting the youngest generation less often (every 50,000 allocations instead of 700) made
a 5,000-event feed built without its kept rows a fifth faster, but a process whose kept rows
were dropped and read again many times grew from 195 to 481 MB (10,000: 423 MB): dead rows
wait for a full collection, which then comes far more seldom. Python's thresholds stay.
"""

from __future__ import annotations

import gc


def settle() -> None:
    """Free what loading left as garbage and move the rest out of the collector's walks."""
    gc.collect()
    gc.freeze()
