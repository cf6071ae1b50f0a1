"""Run statuses and the stale rule as plain Python, for readers that import no SQLAlchemy (the
sqlite3 fast path); ``monitor.runs`` is their home for everything else and re-exports them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

from monitor.clock import Clock


class RunStatus(StrEnum):
    """What one scrape run of one source came to (``scrape_run.status``)."""

    OK = "ok"
    PARTIAL = "partial"  # a complete listing; some detail pages or blocks were skipped
    FAILED = "failed"  # the listing could not be fetched completely: nothing changed
    SUSPECT = "suspect"  # far fewer postings than usual: stored, nothing closed
    UNCHANGED = "unchanged"  # 304 Not Modified: everything open seen again, nothing closed


HEALTHY: frozenset[str] = frozenset({RunStatus.OK, RunStatus.PARTIAL, RunStatus.UNCHANGED})
COMPLETE: frozenset[str] = HEALTHY | {RunStatus.SUSPECT}

DEFAULT_STALE_DAYS = 14


@dataclass(frozen=True)
class Freshness:
    """A source's first run and its last healthy one (None before any)."""

    first_run_at: datetime
    last_healthy_at: datetime | None

    @property
    def reference(self) -> datetime:
        """The instant staleness is measured from: before any healthy run, the first run."""
        return self.last_healthy_at or self.first_run_at

    def is_stale(self, now: datetime, stale_after_days: int) -> bool:
        return now - self.reference > timedelta(days=stale_after_days)


def cut_days(
    freshness: Mapping[int, Freshness], clock: Clock, stale_after_days: int
) -> dict[int, date]:
    """Per stale source, its last healthy day (its open postings count up to that day)."""
    now = clock.now()
    return {
        source_id: clock.local_day(fresh.reference)
        for source_id, fresh in freshness.items()
        if fresh.is_stale(now, stale_after_days)
    }
