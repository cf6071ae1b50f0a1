"""The run rules have one home: ``status`` (health) and the numbers (stale cuts) agree on every
health state, however many runs a source has recorded since its last healthy one."""

from __future__ import annotations

from datetime import timedelta

import pytest
from runs import DAY1, SEOUL, raw, run
from sqlalchemy import insert, select

from monitor.clock import Clock
from monitor.runs import all_health, stale_cuts
from monitor.storage.db import Database
from monitor.storage.models import ScrapeRun, Source

STALE_AFTER = 14


def _failures_every_15_minutes(db: Database, from_day: int, to_day: int) -> None:
    """Failed runs of ``acme`` every 15 minutes from ``from_day`` to ``to_day`` (bulk insert:
    a failed run only records itself)."""
    with db.session() as session:
        source_id = session.scalar(select(Source.id).where(Source.name == "acme"))
        start = DAY1 + timedelta(days=from_day - 1, minutes=15)
        end = DAY1 + timedelta(days=to_day - 1)
        rows = []
        when = start
        while when <= end:
            rows.append(
                {
                    "source_id": source_id,
                    "started_at": when,
                    "ended_at": when,
                    "status": "failed",
                    "requests": 1,
                    "bytes": 0,
                    "returned": 0,
                    "new": 0,
                    "closed": 0,
                    "skipped": 0,
                    "error_kind": "fetch",
                    "error": "boom",
                }
            )
            when += timedelta(minutes=15)
        session.execute(insert(ScrapeRun), rows)


def _history(db: Database, state: str) -> int:
    """A history of ``acme`` that leaves it in ``state``; returns the day to look on."""
    jobs = [raw(str(n)) for n in range(40)]
    if state == "ok":
        run(db, 1, jobs)
        run(db, 2, jobs)
        return 2
    if state == "failing":
        run(db, 1, jobs)
        run(db, 2, [], status="failed")
        return 2
    if state == "suspect":
        run(db, 1, jobs)
        run(db, 2, jobs)
        run(db, 3, jobs[:5])
        return 3
    if state == "stale":
        run(db, 1, jobs)
        run(db, 20, [], status="failed")
        return 20
    if state == "stale after many failures":
        # The case status got wrong: its only healthy run 20 days ago, a failure every 15
        # minutes since (more runs than status used to read).
        run(db, 1, jobs)
        _failures_every_15_minutes(db, 1, 21)
        return 21
    raise AssertionError(state)


@pytest.mark.parametrize(
    "state",
    [
        "ok",
        "failing",
        "suspect",
        "stale",
        "stale after many failures",
    ],
)
def test_status_and_the_numbers_agree_on_health(db: Database, state: str) -> None:
    day = _history(db, state)
    now = DAY1 + timedelta(days=day - 1, hours=1)
    clock = Clock(SEOUL, now)
    with db.session() as session:
        health = {h.name: h.health for h in all_health(session, now, STALE_AFTER)}
        cut = stale_cuts(session, clock, STALE_AFTER)
        acme = session.scalar(select(Source.id).where(Source.name == "acme"))
    assert health["acme"] == ("stale" if state.startswith("stale") else state)
    assert (acme in cut) == (health["acme"] == "stale")
    if health["acme"] == "stale":
        assert cut[acme] == DAY1.astimezone(SEOUL).date()
