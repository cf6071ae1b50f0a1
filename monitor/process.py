"""Process-wide settings, applied once by the entry points (the CLI, the daemon, the benchmarks)
and never by library code.

The cyclic garbage collector: reading tens of thousands of rows creates as many tuples and
spans that all survive, and with CPython's default thresholds (700, 10, 10) each burst of
allocations triggers collections that walk every tracked object of the process (a full one
costs 40-50 ms once SQLAlchemy is imported). A first-generation threshold of 50,000 makes
those collections rare during a query, while a full collection still comes every ten million
or so allocations. The 1M export's peak RSS went from 64 MB (default thresholds) to 110 MB
with both (100000, 50, 1000) and this setting: whether the thresholds are the cause is not
settled yet (bench export). Being one setting at start-up, it is
safe in the daemon's threads, where switching the collector off and on around a block (as
this code once did) raced between threads.
"""

from __future__ import annotations

import gc

GC_THRESHOLDS = (50_000, 20, 10)


def tune_gc() -> None:
    """Set the collector's thresholds for a process that builds many long-lived rows."""
    gc.set_threshold(*GC_THRESHOLDS)
