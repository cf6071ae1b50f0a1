"""Crontab expressions read as cron reads them.

APScheduler numbers weekdays from Monday = 0; cron (and users) from Sunday = 0 (7 is Sunday
too). Every field is expanded here into explicit values, weekdays into names, so ``0 9 * * 1``
means Monday 09:00 as a user expects. As in cron, when both day of month and day of week are
restricted a day matching either fires (APScheduler alone would require both).
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from monitor.errors import ConfigError

if TYPE_CHECKING:
    from apscheduler.triggers.base import BaseTrigger

_NAMES = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"]
_MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
_PART = re.compile(r"^(\*|[0-9a-z]+(?:-[0-9a-z]+)?)(?:/([0-9]+))?$", re.IGNORECASE)
# (label, low, high, names) per field; weekday 7 is Sunday as in cron.
_FIELDS = [
    ("minute", 0, 59, None),
    ("hour", 0, 23, None),
    ("day-of-month", 1, 31, None),
    ("month", 1, 12, _MONTHS),
    ("day-of-week", 0, 7, _NAMES),
]


def _number(token: str, low: int, high: int, names: list[str] | None, label: str) -> int:
    token = token.lower()
    if names and token[:3] in names and not token.isdigit():
        return names.index(token[:3]) + (1 if names is _MONTHS else 0)
    if token.isdigit() and low <= int(token) <= high:
        return int(token)
    if names is _NAMES:
        raise ConfigError(f"{token!r} is not a day of week (0-7 or sun-sat)")
    if token.isdigit():
        raise ConfigError(f"{token!r} is outside {low}-{high} for the {label}")
    raise ConfigError(f"{token!r} is not a valid {label}")


def expand(field: str, index: int) -> set[int] | None:
    """The values a crontab field allows (None for an unrestricted ``*``)."""
    label, low, high, names = _FIELDS[index]
    if field in ("*", "?"):
        return None
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
            start, end = low, high
            if index == 4:
                end = 6
        elif "-" in span:
            a, b = span.split("-")
            start = _number(a, low, high, names, label)
            end = _number(b, low, high, names, label)
            if end < start:
                raise ConfigError(f"the {label} range {span!r} runs backwards")
        else:
            start = end = _number(span, low, high, names, label)
            if step_text:
                end = 6 if index == 4 else high
        values.update(range(start, end + 1, step))
    if index == 4:
        values = {v % 7 for v in values}
    return values


def cron_weekdays(field: str) -> str:
    """A cron day-of-week field as APScheduler's weekday names (``*`` stays ``*``)."""
    days = expand(field, 4)
    return "*" if days is None else ",".join(_NAMES[d] for d in sorted(days))


def validate_cron(expr: str, zone: ZoneInfo) -> None:
    """Raise ConfigError unless ``expr`` is a valid 5-field crontab expression."""
    fields = expr.split()
    if len(fields) != 5:
        raise ConfigError(
            f"{expr!r} is not a 5-field crontab expression (minute hour day month weekday)"
        )
    for index, field in enumerate(fields):
        expand(field, index)


def _listed(values: set[int] | None) -> str:
    return "*" if values is None else ",".join(str(v) for v in sorted(values))


def trigger(expr: str, zone: ZoneInfo) -> BaseTrigger:
    """An APScheduler trigger firing when cron would fire ``expr`` in ``zone``."""
    from apscheduler.triggers.combining import OrTrigger
    from apscheduler.triggers.cron import CronTrigger

    validate_cron(expr, zone)
    fields = expr.split()
    minute, hour, day, month = (_listed(expand(f, i)) for i, f in enumerate(fields[:4]))
    weekdays = cron_weekdays(fields[4])
    common: dict[str, Any] = {"minute": minute, "hour": hour, "month": month, "timezone": zone}
    if day != "*" and weekdays != "*":
        return OrTrigger(
            [CronTrigger(day=day, **common), CronTrigger(day_of_week=weekdays, **common)]
        )
    return CronTrigger(day=day, day_of_week=weekdays, **common)


def next_run(expr: str, zone: ZoneInfo, after: datetime) -> datetime | None:
    """The first fire time strictly after ``after`` (aware), in ``zone``."""
    fire: datetime | None = trigger(expr, zone).get_next_fire_time(
        None, after + timedelta(seconds=1)
    )
    while fire is not None and fire <= after:
        fire = trigger(expr, zone).get_next_fire_time(fire, fire + timedelta(seconds=1))
    return fire
