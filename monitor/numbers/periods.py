"""Days, ISO weeks and months: parsing ``--since/--until`` and cutting ranges into periods."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

from monitor.errors import UsageError

By = Literal["day", "week", "month"]

_DAY = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_WEEK = re.compile(r"^(\d{4})-?W(\d{1,2})$", re.IGNORECASE)
_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
# Years a bound may name: room on both sides for the day arithmetic of periods and zones.
FIRST_YEAR, LAST_YEAR = 1900, 9998


@dataclass(frozen=True, order=True)
class Period:
    start: date
    end: date  # inclusive
    by: str

    @property
    def label(self) -> str:
        if self.by == "day":
            return self.start.isoformat()
        if self.by == "week":
            year, week, _ = self.start.isocalendar()
            return f"{year}-W{week:02d}"
        return f"{self.start.year}-{self.start.month:02d}"

    def days(self) -> list[date]:
        return [self.start + timedelta(days=i) for i in range((self.end - self.start).days + 1)]


def period_of(day: date, by: By) -> Period:
    """The period of kind ``by`` that contains ``day``."""
    if by == "day":
        return Period(day, day, by)
    if by == "week":
        start = day - timedelta(days=day.weekday())
        return Period(start, start + timedelta(days=6), by)
    start = day.replace(day=1)
    nxt = (start + timedelta(days=32)).replace(day=1)
    return Period(start, nxt - timedelta(days=1), by)


def parse_bound(text: str, option: str) -> tuple[date, date]:
    """The first and last day named by YYYY-MM-DD, YYYY-Www or YYYY-MM."""
    value = text.strip()
    year = value[:4]
    if year.isdigit() and not FIRST_YEAR <= int(year) <= LAST_YEAR:
        raise UsageError(
            f"{option} {text!r} is out of range; give a date from {FIRST_YEAR} to {LAST_YEAR}."
        )
    try:
        if m := _DAY.match(value):
            day = date(int(m[1]), int(m[2]), int(m[3]))
            return day, day
        if m := _WEEK.match(value):
            start = date.fromisocalendar(int(m[1]), int(m[2]), 1)
            return start, start + timedelta(days=6)
        if m := _MONTH.match(value):
            period = period_of(date(int(m[1]), int(m[2]), 1), "month")
            return period.start, period.end
    except ValueError:
        pass
    raise UsageError(
        f"{option} {text!r} is not a date, week or month; use YYYY-MM-DD, YYYY-Www or YYYY-MM."
    )


def periods_between(first: date, last: date, by: By) -> list[Period]:
    """Whole periods covering ``first``..``last``, in order."""
    out: list[Period] = []
    period = period_of(first, by)
    while period.start <= last:
        out.append(period)
        period = period_of(period.end + timedelta(days=1), by)
    return out


def last_complete_week(today: date) -> Period:
    """The ISO week before the one holding ``today``."""
    return period_of(period_of(today, "week").start - timedelta(days=1), "week")


def default_window(today: date, by: By, weeks: int = 26) -> tuple[date, date]:
    """The last ``weeks`` ISO weeks up to the current one, widened to whole periods."""
    first = period_of(today, "week").start - timedelta(weeks=weeks - 1)
    return period_of(first, by).start, period_of(today, by).end
