"""Each source's health from its recorded runs: ok, failing, suspect or stale.

A broken scraper is not a hiring freeze: status and reports say which sources are failing or
stale instead of letting their numbers quietly drop.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from monitor.models import ScrapeRun, Source

HEALTHY = ("ok", "partial", "unchanged")
MEDIAN_RUNS = 10
MEDIAN_WINDOW = timedelta(days=30)


@dataclass(frozen=True)
class SourceHealth:
    source_id: int
    name: str
    kind: str
    health: str | None  # ok | failing | suspect | stale; None before the first run
    last_run: ScrapeRun | None
    last_healthy_at: datetime | None
    median_returned: float | None
    consecutive_failures: int
    failing_since: datetime | None


def source_health(
    session: Session, source: Source, now: datetime, stale_after_days: int
) -> SourceHealth:
    runs = list(
        session.scalars(
            select(ScrapeRun)
            .where(ScrapeRun.source_id == source.id)
            .order_by(ScrapeRun.started_at.desc(), ScrapeRun.id.desc())
            .limit(200)
        )
    )
    last = runs[0] if runs else None
    failures = 0
    failing_since = None
    for run in runs:
        if run.status != "failed":
            break
        failures += 1
        failing_since = run.started_at
    healthy = [run for run in runs if run.status in HEALTHY]
    last_healthy_at = healthy[0].started_at if healthy else None
    recent = [
        run.returned
        for run in runs
        if run.status != "failed" and run.started_at >= now - MEDIAN_WINDOW
    ][:MEDIAN_RUNS]
    median = float(statistics.median(recent)) if recent else None

    health: str | None
    if last is None:
        health = None
    else:
        reference = last_healthy_at or runs[-1].started_at
        if now - reference > timedelta(days=stale_after_days):
            health = "stale"
        elif last.status == "failed":
            health = "failing"
        elif last.status == "suspect":
            health = "suspect"
        else:
            health = "ok"
    return SourceHealth(
        source_id=source.id,
        name=source.name,
        kind=source.kind,
        health=health,
        last_run=last,
        last_healthy_at=last_healthy_at,
        median_returned=median,
        consecutive_failures=failures,
        failing_since=failing_since,
    )


def all_health(session: Session, now: datetime, stale_after_days: int) -> list[SourceHealth]:
    return [
        source_health(session, source, now, stale_after_days)
        for source in session.scalars(select(Source).order_by(Source.name))
    ]
