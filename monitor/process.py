"""Process-wide settings, applied once by the entry points (the CLI, the daemon, the benchmarks)
and never by library code.

The cyclic garbage collector: reading tens of thousands of rows creates as many tuples and
spans that all survive, and with CPython's default thresholds (700, 10, 10) a full collection
(one that walks every tracked object of the process: 40-50 ms once SQLAlchemy is imported)
comes every 70,000 or so allocations, in the middle of queries. A third threshold of 1000 makes
full collections a hundred times rarer. The first threshold stays at the default: young
collections are cheap, and they free the short-lived cycles a streamed export leaves per row.
With a first threshold of 50,000 those cycles piled up: the 1M export's peak RSS rose from
64 MB to 110 MB (112 MB measured with (50000, 20, 10), 66 MB with the defaults, 74 MB with
this setting). Being one setting at start-up, it is
safe in the daemon's threads, where switching the collector off and on around a block (as
this code once did) raced between threads.
"""

from __future__ import annotations

import gc

GC_THRESHOLDS = (700, 10, 1000)


def tune_gc() -> None:
    """Set the collector's thresholds for a process that builds many long-lived rows."""
    gc.set_threshold(*GC_THRESHOLDS)
