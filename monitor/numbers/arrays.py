"""Small numpy helpers the counting shares: distinct values by sorting.

numpy's own ``unique`` hashes 64-bit integers, several times slower on large arrays than a
stable sort (4 s against 0.3 s for 4.7M keys with numpy 2.4)."""

from __future__ import annotations

from typing import Any

import numpy as np


def starts(ordered: Any) -> Any:
    """True where an array's value differs from the one before it (the first of each run)."""
    out = np.ones(len(ordered), dtype=np.bool_)
    out[1:] = ordered[1:] != ordered[:-1]
    return out


def first_of_each(values: Any) -> tuple[Any, Any]:
    """The distinct values, ascending, and the index of each one's first occurrence."""
    order = np.argsort(values, kind="stable")
    first = starts(values[order])
    return values[order][first], order[first]


def numbered(values: Any, dtype: Any = np.int64) -> tuple[Any, Any]:
    """The distinct values, ascending, and each value's number among them."""
    order = np.argsort(values, kind="stable")
    ordered = values[order]
    first = starts(ordered)
    number = np.empty(len(values), dtype=dtype)
    number[order] = np.cumsum(first) - 1
    return ordered[first], number


def distinct(values: Any) -> Any:
    """The distinct values, ascending."""
    ordered = np.sort(values)
    return ordered[starts(ordered)]
