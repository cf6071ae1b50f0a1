"""Pausing Python's cyclic garbage collector while building many long-lived objects.

Reading tens of thousands of rows creates as many tuples and spans that all survive; each
allocation burst triggers collections that walk every tracked object of the process (a full
one costs tens of milliseconds in a CLI that has imported SQLAlchemy). The work here makes no
reference cycles worth collecting early, so the collector waits until it is done.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused_gc() -> Iterator[None]:
    """No cyclic collection inside the block (nested blocks are fine); reference counting
    still frees everything as usual."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
