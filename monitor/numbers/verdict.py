"""Is a term's share really rising? The trend verdict of DESIGN.md, free of any database.

Over the complete weeks of a span, the weekly share is regressed on the week's position by
least squares weighted by the week's ``jobs_total`` (a share of many jobs is surer than one of
few). The verdict is ``rising`` or ``falling`` when the slope's 95% interval excludes zero,
else ``flat``; ``None`` (nothing can be said) with fewer than ``MIN_WEEKS`` complete weeks or
a mean active below ``TOO_FEW``.

The residual scatter sets the interval's width (the error variance is estimated from the data,
with Student's t on n - 2 degrees of freedom), so a series that wobbles is not called a trend
however many jobs it has. Weeks share jobs that stay open, so the weeks are not independent
and the interval is, if anything, too narrow: the test is stated, not claimed to be exact.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date

from monitor.numbers.periods import parse_bound, periods_between
from monitor.numbers.shares import TOO_FEW, Row

MIN_WEEKS = 8
RISING, FALLING, FLAT = "rising", "falling", "flat"

# Student's t, two-sided 95% (the 0.975 quantile), by degrees of freedom.
_T975 = {
    1: 12.706,
    2: 4.303,
    3: 3.182,
    4: 2.776,
    5: 2.571,
    6: 2.447,
    7: 2.365,
    8: 2.306,
    9: 2.262,
    10: 2.228,
    11: 2.201,
    12: 2.179,
    13: 2.160,
    14: 2.145,
    15: 2.131,
    16: 2.120,
    17: 2.110,
    18: 2.101,
    19: 2.093,
    20: 2.086,
    21: 2.080,
    22: 2.074,
    23: 2.069,
    24: 2.064,
    25: 2.060,
    26: 2.056,
    27: 2.052,
    28: 2.048,
    29: 2.045,
    30: 2.042,
    40: 2.021,
    60: 2.000,
    120: 1.980,
}
_Z975 = 1.959964


def t975(df: int) -> float:
    """The 0.975 quantile of Student's t with ``df`` degrees of freedom (exact where tabled,
    else linear in 1/df between the neighbours; the normal's beyond 120)."""
    if df in _T975:
        return _T975[df]
    if df > 120:
        return _Z975 + (_T975[120] - _Z975) * 120 / df
    low = max(k for k in _T975 if k < df)
    high = min(k for k in _T975 if k > df)
    fraction = (1 / df - 1 / high) / (1 / low - 1 / high)
    return _T975[high] + (_T975[low] - _T975[high]) * fraction


@dataclass(frozen=True)
class Slope:
    """The weighted least-squares slope of weekly share, in share per week, and its 95%
    interval; ``weeks`` is how many complete weeks it rests on."""

    slope: float
    low: float
    high: float
    weeks: int

    @property
    def verdict(self) -> str:
        if self.low > 0:
            return RISING
        if self.high < 0:
            return FALLING
        return FLAT


def share_slope(weeks: Sequence[Row]) -> Slope | None:
    """The slope over ``weeks`` (complete weeks of one term and group, oldest first), or
    ``None`` when they are too few or too small to say anything."""
    points = [(i, row) for i, row in enumerate(weeks) if row.share is not None and row.jobs_total]
    if len(points) < MIN_WEEKS:
        return None
    if sum(row.active for _, row in points) / len(points) < TOO_FEW:
        return None
    w = [row.jobs_total for _, row in points]
    x = [float(i) for i, _ in points]
    y = [float(row.share or 0.0) for _, row in points]
    sw = sum(w)
    xbar = sum(wi * xi for wi, xi in zip(w, x, strict=True)) / sw
    ybar = sum(wi * yi for wi, yi in zip(w, y, strict=True)) / sw
    sxx = sum(wi * (xi - xbar) ** 2 for wi, xi in zip(w, x, strict=True))
    sxy = sum(wi * (xi - xbar) * (yi - ybar) for wi, xi, yi in zip(w, x, y, strict=True))
    slope = sxy / sxx
    n = len(points)
    # The weights are relative (jobs_total), so the error scale comes from the residuals:
    # var(slope) = s² / Sxx with s² = Σ w e² / (n - 2).
    rss = sum(
        wi * (yi - ybar - slope * (xi - xbar)) ** 2 for wi, xi, yi in zip(w, x, y, strict=True)
    )
    half = t975(n - 2) * math.sqrt(rss / (n - 2) / sxx)
    return Slope(slope=slope, low=slope - half, high=slope + half, weeks=n)


def complete_weeks(rows: Iterable[Row], start: date, end: date) -> list[Row]:
    """The weekly rows whose whole ISO week lies in ``start``..``end`` and is over."""
    kept = []
    for row in rows:
        first, last = parse_bound(row.period, "period")
        if not row.partial and first >= start and last <= end:
            kept.append(row)
    return kept


def complete_week_count(start: date, end: date, today: date) -> int:
    """How many ISO weeks lie wholly in ``start``..``end`` and are over by ``today``."""
    return sum(
        1
        for week in periods_between(start, end, "week")
        if week.start >= start and week.end <= end and week.end <= today
    )


def with_verdicts(rows: Sequence[Row], weekly: Sequence[Row], start: date, end: date) -> list[Row]:
    """``rows`` with each term's (and group's) verdict over the complete weeks of ``weekly``
    (the same span by week) on every one of its rows."""
    series: dict[tuple[str, str | None], list[Row]] = {}
    for row in complete_weeks(weekly, start, end):
        series.setdefault((row.term, row.group), []).append(row)
    verdicts = {}
    for key, weeks in series.items():
        found = share_slope(weeks)
        verdicts[key] = None if found is None else found.verdict
    return [replace(row, trend=verdicts.get((row.term, row.group))) for row in rows]
