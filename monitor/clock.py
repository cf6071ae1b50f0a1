"""The one clock every business date comes from.

``JOBTREND_NOW`` (ISO 8601; without an offset it is read in the configured zone) freezes the
clock at that instant for one command, so history can be built day by day in tests and by hand.
It moves business dates only (first seen, today, periods): sleeps, timeouts and Retry-After
use the real clock.
"""

from __future__ import annotations

import os
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from monitor.errors import UsageError

ENV_VAR = "JOBTREND_NOW"


class Clock:
    """Knows the configured zone and whether the time is frozen."""

    def __init__(self, zone: ZoneInfo, frozen: datetime | None = None) -> None:
        self.zone = zone
        self.frozen = frozen

    @classmethod
    def from_env(cls, zone: ZoneInfo) -> Clock:
        raw = os.environ.get(ENV_VAR, "").strip()
        if not raw:
            return cls(zone)
        try:
            value = datetime.fromisoformat(raw)
        except ValueError:
            raise UsageError(
                f"{ENV_VAR}={raw!r} is not an ISO 8601 time such as 2026-03-02T09:00."
            ) from None
        if value.tzinfo is None:
            value = value.replace(tzinfo=zone)
        return cls(zone, value.astimezone(UTC))

    def now(self) -> datetime:
        """The current instant, aware, in UTC."""
        return self.frozen if self.frozen is not None else datetime.now(UTC)

    def today(self) -> date:
        """Today's date in the configured zone."""
        return self.now().astimezone(self.zone).date()

    def local_day(self, instant: datetime) -> date:
        """The configured zone's calendar day of an aware instant."""
        return instant.astimezone(self.zone).date()

    def day_start(self, day: date) -> datetime:
        """The UTC instant at which ``day`` starts in the configured zone."""
        return datetime(day.year, day.month, day.day, tzinfo=self.zone).astimezone(UTC)

    def day_end(self, day: date) -> datetime:
        return self.day_start(day + timedelta(days=1))
