"""Crontab expressions read as cron reads them, and the APScheduler trigger that fires them.

An expression has 5 fields (minute hour day month weekday), or 6 with seconds in front (a
fast cadence for trying the daemon out). It is read as cron reads it, not as APScheduler's own
``CronTrigger`` would:

- numeric weekdays count from Sunday = 0 (7 is Sunday too), so ``0 9 * * 1`` is Monday 09:00;
- when both day of month and day of week are restricted (neither starts with ``*``), a day
  matching either fires;
- times are wall-clock times in the configured zone. A time skipped by a DST change fires once,
  at the moment the clocks jump (as cron runs such jobs); a time repeated by one fires once,
  at its first occurrence.

An expression that can never fire (``0 0 31 2 *``) is a ``ConfigError`` at load, like any
other malformed one, so nothing later trips over it. ``monitor.daemon.CronTrigger`` fires a
``Cron`` in APScheduler, shifted by a few seconds (sources on one host are staggered); the
*slot*, the un-jittered scheduled time, stays what claims are keyed by.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from monitor.errors import ConfigError

# How late a scheduled run may still start: a machine waking from a night's sleep runs the
# missed scrape (once: runs are coalesced), and `scrape --scheduled` from a crontab finds the
# slot it is meant to claim. One home: the daemon and the --scheduled commands read it here.
MISFIRE_GRACE = timedelta(hours=12)
# Sources on one host start up to this far apart (never more than half their interval).
MAX_STAGGER_S = 300.0

_WEEKDAYS = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"]
_MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
_PART = re.compile(r"^(\*|[0-9a-z]+(?:-[0-9a-z]+)?)(?:/([0-9]+))?$", re.IGNORECASE)
# (label, low, high, names) per field, seconds first; weekday 7 is Sunday as in cron.
_FIELDS = [
    ("second", 0, 59, None),
    ("minute", 0, 59, None),
    ("hour", 0, 23, None),
    ("day-of-month", 1, 31, None),
    ("month", 1, 12, _MONTHS),
    ("day-of-week", 0, 7, _WEEKDAYS),
]
_WEEKDAY_FIELD = 5
# Long enough to meet every allowed expression at least once (29 February within 8 years).
_HORIZON_DAYS = 366 * 9


def _number(token: str, low: int, high: int, names: list[str] | None, label: str) -> int:
    token = token.lower()
    if names and token[:3] in names and not token.isdigit():
        return names.index(token[:3]) + (1 if names is _MONTHS else 0)
    if token.isdigit() and low <= int(token) <= high:
        return int(token)
    if names is _WEEKDAYS:
        raise ConfigError(f"{token!r} is not a day of week (0-7 or sun-sat)")
    if token.isdigit():
        raise ConfigError(f"{token!r} is outside {low}-{high} for the {label}")
    raise ConfigError(f"{token!r} is not a valid {label}")


def expand(field: str, index: int) -> tuple[int, ...]:
    """The sorted values a field allows; ``index`` counts from the seconds field (0)."""
    label, low, high, names = _FIELDS[index]
    is_weekday = index == _WEEKDAY_FIELD
    if field in ("*", "?"):
        return tuple(range(low, 7 if is_weekday else high + 1))
    values: set[int] = set()
    for part in field.split(","):
        match = _PART.match(part)
        if not match:
            raise ConfigError(f"{part!r} is not a valid {label} field")
        span, step_text = match.group(1), match.group(2)
        step = int(step_text) if step_text else 1
        if step == 0:
            raise ConfigError(f"{part!r} has a zero step")
        if span == "*":
            start, end = low, (6 if is_weekday else high)
        elif "-" in span:
            a, b = span.split("-")
            start = _number(a, low, high, names, label)
            end = _number(b, low, high, names, label)
            if end < start:
                raise ConfigError(f"the {label} range {span!r} runs backwards")
        else:
            start = end = _number(span, low, high, names, label)
            if step_text:
                end = 6 if is_weekday else high
        values.update(range(start, end + 1, step))
    if is_weekday:
        values = {v % 7 for v in values}
    return tuple(sorted(values))


@dataclass(frozen=True)
class Cron:
    """A parsed crontab expression in a zone; see the module docstring for its meaning."""

    expr: str
    zone: ZoneInfo
    seconds: tuple[int, ...]
    minutes: tuple[int, ...]
    hours: tuple[int, ...]
    days: tuple[int, ...]
    months: tuple[int, ...]
    weekdays: tuple[int, ...]  # 0 = Sunday
    either_day: bool  # both day fields restricted: a day matching either fires

    def day_matches(self, day: date) -> bool:
        if day.month not in self.months:
            return False
        by_date = day.day in self.days
        by_weekday = day.isoweekday() % 7 in self.weekdays
        return (by_date or by_weekday) if self.either_day else (by_date and by_weekday)

    # -- wall-clock times in order ---------------------------------------------------------

    def _walls(self, start: datetime, backwards: bool) -> Iterator[datetime]:
        """Matching naive wall-clock times from ``start`` on (or back), ``start`` included."""
        step = timedelta(days=-1 if backwards else 1)
        fields = (self.hours, self.minutes, self.seconds)
        hours, minutes, seconds = (v[::-1] if backwards else v for v in fields)

        def before(value: int, bound: int) -> bool:  # not yet reached, in scan order
            return value > bound if backwards else value < bound

        day = start.date()
        for index in range(_HORIZON_DAYS):
            first = index == 0
            if self.day_matches(day):
                for h in hours:
                    if first and before(h, start.hour):
                        continue
                    on_hour = first and h == start.hour
                    for m in minutes:
                        if on_hour and before(m, start.minute):
                            continue
                        on_minute = on_hour and m == start.minute
                        for s in seconds:
                            if on_minute and before(s, start.second):
                                continue
                            yield datetime.combine(day, time(h, m, s))
            day += step

    def instant(self, wall: datetime) -> datetime:
        """The UTC instant a matching wall-clock time fires at (DST: module docstring)."""
        utc = wall.replace(tzinfo=self.zone).astimezone(UTC)
        if utc.astimezone(self.zone).replace(tzinfo=None) == wall:
            return utc
        # A wall time the clocks skipped: fire when they jump, found by halving the gap.
        low = wall.replace(tzinfo=self.zone, fold=1).astimezone(UTC)
        high, offset = utc, utc.astimezone(self.zone).utcoffset()
        while high - low > timedelta(seconds=1):
            middle = low + (high - low) / 2
            if middle.astimezone(self.zone).utcoffset() == offset:
                high = middle
            else:
                low = middle
        return high - timedelta(microseconds=high.microsecond)

    def first_at_or_after(self, moment: datetime) -> datetime | None:
        """The first fire at or after the aware instant ``moment`` (in UTC)."""
        wall = moment.astimezone(self.zone).replace(tzinfo=None, fold=0)
        for candidate in self._walls(wall, backwards=False):
            fire = self.instant(candidate)
            if fire >= moment:
                return fire
        return None

    def last_at_or_before(self, moment: datetime) -> datetime | None:
        """The last fire at or before the aware instant ``moment`` (in UTC)."""
        local = moment.astimezone(self.zone)
        wall = local.replace(tzinfo=None, fold=0)
        if local.fold:  # in an hour the clocks repeat: its first pass also lies before
            wall += timedelta(hours=2)
        for candidate in self._walls(wall, backwards=True):
            fire = self.instant(candidate)
            if fire <= moment:
                return fire
        return None

    def next_after(self, moment: datetime) -> datetime | None:
        """The first fire strictly after ``moment``, in the zone."""
        fire = self.first_at_or_after(moment + timedelta(microseconds=1))
        return fire.astimezone(self.zone) if fire else None

    def latest_slot(self, now: datetime, grace: timedelta = MISFIRE_GRACE) -> datetime | None:
        """The latest scheduled time at or before ``now`` and no older than ``grace``."""
        fire = self.last_at_or_before(now)
        return fire if fire is not None and now - fire <= grace else None

    def interval(self, after: datetime) -> timedelta | None:
        """The gap between the next two fires after ``after`` (for staggering)."""
        first = self.next_after(after)
        second = self.next_after(first) if first else None
        return second - first if first and second else None


def parse(expr: str, zone: ZoneInfo) -> Cron:
    """Read ``expr``; raise ConfigError (one sentence) if it is malformed or never fires."""
    fields = expr.split()
    if len(fields) == 5:
        fields = ["0", *fields]
    if len(fields) != 6:
        raise ConfigError(
            f"{expr!r} is not a 5-field crontab expression (minute hour day month weekday; "
            "a sixth field in front gives seconds)"
        )
    seconds, minutes, hours, days, months, weekdays = (
        expand(field, index) for index, field in enumerate(fields)
    )
    either = not fields[3].startswith("*") and not fields[5].startswith("*")
    cron = Cron(expr, zone, seconds, minutes, hours, days, months, weekdays, either)
    if not either and fields[5].startswith("*") and len(weekdays) == 7:
        longest = {m: calendar.monthrange(2024, m)[1] for m in months}  # a leap year
        if all(min(days) > longest[m] for m in months):
            names = ", ".join(calendar.month_name[m] for m in months)
            raise ConfigError(
                f"{expr!r} can never fire: no month it allows ({names}) has day {min(days)}"
            )
    return cron


def validate_cron(expr: str, zone: ZoneInfo) -> None:
    """Raise ConfigError unless ``expr`` is a valid crontab expression that fires."""
    parse(expr, zone)


def next_run(expr: str, zone: ZoneInfo, after: datetime) -> datetime | None:
    """The first fire time strictly after ``after`` (aware), in ``zone``."""
    return parse(expr, zone).next_after(after)


def stagger(hosts: Mapping[str, str], crons: Mapping[str, Cron], now: datetime) -> dict[str, float]:
    """Per job, seconds to start after its slot: jobs on one host are spread evenly over up to
    ``MAX_STAGGER_S`` (at most half their interval), in name order, so they do not all hit it at
    the same second. A job alone on its host starts on time."""
    by_host: dict[str, list[str]] = {}
    for name, host in hosts.items():
        by_host.setdefault(host, []).append(name)
    offsets: dict[str, float] = {}
    for names in by_host.values():
        names.sort()
        for index, name in enumerate(names):
            gap = crons[name].interval(now)
            spread = min(MAX_STAGGER_S, gap.total_seconds() / 2 if gap else MAX_STAGGER_S)
            offsets[name] = spread * index / len(names)
    return offsets
