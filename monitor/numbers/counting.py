"""The counting of daily figures from sighting spans, free of any database library.

``monitor.numbers.daily.compute_daily`` reads the spans with SQLAlchemy; the sqlite3 fast path
(``monitor.numbers.fastquery``) reads them with ``sqlite3``. Both count them here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from monitor.clock import Clock


@dataclass(slots=True)
class _Span:
    """One sighting span of one posting, in local days counted from the range's first day."""

    job: int
    source: int
    posting: int
    first: int
    last: int
    closed: int | None  # the day it closed, if it did
    new_on: int | None


class _LocalDays(dict[Any, Any]):
    """Local days as offsets from ``start``, per stored instant or day as ``_raw`` reads it
    (a SQLite ISO text, a PostgreSQL datetime or date; None stays None). Runs stamp many
    postings with the same instants, so few are converted: a lookup is one dict access.
    Instants and days never share a key: SQLite's texts differ in form, and a ``date`` never
    equals a ``datetime``."""

    def __init__(self, clock: Clock, start: date) -> None:
        super().__init__()
        self._clock = clock
        self._origin = start.toordinal()

    def __missing__(self, stored: Any) -> int | None:
        day: int | None = None
        if isinstance(stored, str):
            stored_day = date.fromisoformat(stored) if len(stored) <= 10 else self._local(stored)
            day = stored_day.toordinal() - self._origin
        elif isinstance(stored, datetime):
            day = self._local(stored).toordinal() - self._origin
        elif isinstance(stored, date):
            day = stored.toordinal() - self._origin
        self[stored] = day
        return day

    def _local(self, instant: str | datetime) -> date:
        value = datetime.fromisoformat(instant) if isinstance(instant, str) else instant
        return self._clock.local_day(value.replace(tzinfo=UTC))

    def offset(self, day: date) -> int:
        return day.toordinal() - self._origin


def _merge(intervals: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for lo, hi in sorted(intervals):
        if merged and lo <= merged[-1][1] + 1:
            if hi > merged[-1][1]:
                merged[-1] = (merged[-1][0], hi)
        else:
            merged.append((lo, hi))
    return merged
