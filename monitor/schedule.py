"""Crontab expressions with cron's own day-of-week numbers.

APScheduler numbers weekdays from Monday = 0; cron (and users) from Sunday = 0 (7 is Sunday
too). Expressions are translated to weekday names before APScheduler sees them, so
``0 9 * * 1`` means Monday 09:00 as a user expects.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from monitor.errors import ConfigError

if TYPE_CHECKING:
    from apscheduler.triggers.cron import CronTrigger

_NAMES = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"]
_FIELD = re.compile(r"^(\*|[0-9a-z]+(-[0-9a-z]+)?)(/[0-9]+)?$", re.IGNORECASE)
_LIMITS = [(0, 59, "minute"), (0, 23, "hour"), (1, 31, "day of month"), (1, 12, "month")]


def _dow_number(token: str) -> int:
    token = token.lower()
    if token[:3] in _NAMES and not token.isdigit():
        return _NAMES.index(token[:3])
    if token.isdigit() and 0 <= int(token) <= 7:
        return int(token) % 7
    raise ConfigError(f"{token!r} is not a day of week (0-7 or sun-sat)")


def cron_weekdays(field: str) -> str:
    """Translate a cron day-of-week field into APScheduler's weekday names."""
    if field in ("*", "?"):
        return "*"
    days: set[int] = set()
    for part in field.split(","):
        match = _FIELD.match(part)
        if not match:
            raise ConfigError(f"{part!r} is not a valid day-of-week field")
        span, _, step_part = part.partition("/")
        step = int(step_part) if step_part else 1
        if span == "*":
            start, end = 0, 6
        elif "-" in span:
            a, b = span.split("-")
            start, end = _dow_number(a), _dow_number(b)
            if b.strip() == "7":
                end = 7
        else:
            start = end = _dow_number(span)
            if step_part:
                end = 6
        if end < start:
            raise ConfigError(f"the day-of-week range {span!r} runs backwards")
        days.update(d % 7 for d in range(start, end + 1, step))
    return ",".join(_NAMES[d] for d in sorted(days))


def _check_field(value: str, low: int, high: int, label: str) -> None:
    for part in value.split(","):
        if not _FIELD.match(part):
            raise ConfigError(f"{part!r} is not a valid {label} field")
        span = part.partition("/")[0]
        if span == "*":
            continue
        for token in span.split("-"):
            if not token.isdigit() or not low <= int(token) <= high:
                raise ConfigError(f"{token!r} is outside {low}-{high} for the {label}")


def validate_cron(expr: str, zone: ZoneInfo) -> None:
    """Raise ConfigError unless ``expr`` is a 5-field crontab expression."""
    fields = expr.split()
    if len(fields) != 5:
        raise ConfigError(
            f"{expr!r} is not a 5-field crontab expression (minute hour day month weekday)"
        )
    for value, (low, high, label) in zip(fields[:4], _LIMITS, strict=True):
        _check_field(value, low, high, label)
    cron_weekdays(fields[4])


def trigger(expr: str, zone: ZoneInfo) -> CronTrigger:
    """An APScheduler trigger for a validated crontab expression."""
    from apscheduler.triggers.cron import CronTrigger

    validate_cron(expr, zone)
    minute, hour, day, month, dow = expr.split()
    return CronTrigger(
        minute=minute,
        hour=hour,
        day=day,
        month=month,
        day_of_week=cron_weekdays(dow),
        timezone=zone,
    )


def next_run(expr: str, zone: ZoneInfo, after: datetime) -> datetime | None:
    """The first fire time strictly after ``after`` (aware)."""
    fire: datetime | None = trigger(expr, zone).get_next_fire_time(None, after)
    if fire is not None and fire <= after:
        from datetime import timedelta

        fire = trigger(expr, zone).get_next_fire_time(fire, after + timedelta(seconds=1))
    return fire
