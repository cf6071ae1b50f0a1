"""The arithmetic of the numbers, free of any database: rows per term and period.

active(term, period) is the mean over the period's counted days of the distinct jobs active
that day with the term; days before the first run of the selected sources are left out, and a
period still running counts only its days up to today (``partial``). new is the sum of daily
new; jobs_total is active(all jobs); share = active / jobs_total with a Wilson 95% interval;
``too_few`` when active < 5.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import date

from monitor.numbers.periods import By, Period, periods_between
from monitor.storage.schema import ALL_SOURCES, ALL_TAGS

# The source_id of the all-sources rows and the tag of the all-jobs rows in daily_count.
TOO_FEW = 5
Z95 = 1.959963984540054


@dataclass(frozen=True)
class Row:
    period: str
    term: str
    tag: str | None
    active: float
    new: int
    share: float | None
    share_low: float | None
    share_high: float | None
    jobs_total: float
    too_few: bool
    partial: bool
    trend: str | None = None  # the term's verdict over the span (monitor.numbers.verdict)
    group: str | None = None  # with --group-by only
    # With --group-by company only (``compared``), the same on each of a term's and company's
    # rows: ``jobs``, the company's distinct jobs with the term on some day of the query's span
    # (the jobs ``postings`` lists); ``previous_active``, the same over the span of the same
    # length right before it; ``change``, jobs minus previous_active. Both None when that span
    # reaches back before the first run (nothing was watched then).
    jobs: int | None = None
    previous_active: int | None = None
    change: int | None = None
    compared: bool = False

    def as_dict(self) -> dict[str, object]:
        data = asdict(self)
        del data["compared"]
        if self.group is None:
            del data["group"]
        if not self.compared:
            del data["jobs"], data["previous_active"], data["change"]
        return data


Key = tuple[str, int]  # (tag, source_id)


@dataclass
class Counts:
    """Per key, per day arrays over ``start``..``end``."""

    start: date
    end: date
    active: dict[Key, list[int]]
    new: dict[Key, list[int]]
    closed: dict[Key, list[int]]

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def keys(self) -> set[Key]:
        return set(self.active) | set(self.new) | set(self.closed)

    def put(self, key: Key, offset: int, active: int, new: int) -> None:
        """One stored day's active and new for ``key``, ``offset`` days after ``start``."""
        if key not in self.active:
            self.active[key], self.new[key] = [0] * self.days, [0] * self.days
        self.active[key][offset] = active
        self.new[key][offset] = new


def wilson(successes: float, total: float, z: float = Z95) -> tuple[float, float]:
    """Wilson score interval for a proportion; accepts the real (mean) counts."""
    if total <= 0:
        return (0.0, 0.0)
    p = min(max(successes / total, 0.0), 1.0)
    denom = 1 + z * z / total
    centre = (p + z * z / (2 * total)) / denom
    half = z * math.sqrt(p * (1 - p) / total + z * z / (4 * total * total)) / denom
    return (max(0.0, centre - half), min(1.0, centre + half))


def period_rows(
    counts: Counts,
    adhoc: Mapping[str, Counts],
    resolved: Mapping[str, str | None],
    terms: Sequence[str],
    first: date,
    last: date,
    by: By,
    start: date,
    end: date,
    today: date,
    group: str | None = None,
) -> list[Row]:
    """Rows for the periods covering ``first``..``last``, counting only days in start..end."""
    rows: list[Row] = []
    for period in periods_between(first, last, by):
        a, b = max(period.start, start), min(period.end, end)  # the period's counted days
        if a > b:
            continue
        days = (b - a).days + 1
        partial = period.end > today
        total = _sum(counts, "active", (ALL_TAGS, ALL_SOURCES), a, days) / days
        for term in terms:
            tag = resolved[term]
            source = counts if tag is not None else adhoc[term]
            key = (tag if tag is not None else ALL_TAGS, ALL_SOURCES)
            active = _sum(source, "active", key, a, days) / days
            new = _sum(source, "new", key, a, days)
            rows.append(_row(period, term, tag, active, new, total, partial, group))
    return rows


def _sum(counts: Counts, metric: str, key: Key, first: date, days: int) -> int:
    """The sum of a daily series over ``days`` days from ``first``."""
    series = getattr(counts, metric).get(key)
    if not series:
        return 0
    offset = (first - counts.start).days
    return sum(series[offset : offset + days])


def _row(
    period: Period,
    term: str,
    tag: str | None,
    active: float,
    new: int,
    total: float,
    partial: bool,
    group: str | None,
) -> Row:
    if total > 0:
        share: float | None = active / total
        low, high = wilson(active, total)
    else:
        share, low, high = None, None, None
    return Row(
        period=period.label,
        term=term,
        tag=tag,
        active=round(active, 4),
        new=new,
        share=None if share is None else round(share, 6),
        share_low=None if low is None else round(low, 6),
        share_high=None if high is None else round(high, 6),
        jobs_total=round(total, 4),
        too_few=active < TOO_FEW,
        partial=partial,
        group=group,
    )
