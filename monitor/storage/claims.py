"""Scheduled runs happen once, and live daemons are known: ``job_claim``, ``daemon_state``
and ``daemon_job``.

A scheduled run first claims ``(job, slot)``, where slot is the un-jittered scheduled time
(``monitor.schedule``): an INSERT into a unique pair, so of any number of daemons (or crontab
``--scheduled`` commands) racing for one slot, on SQLite or PostgreSQL, exactly one wins. The
job names are defined here, so the daemon and the ``--scheduled`` commands claim the same rows.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Mapping
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from monitor.storage.db import Database
from monitor.storage.models import DaemonJob, DaemonState, JobClaim

REPORT_JOB = "report"
# A daemon refreshes its heartbeat this often; one silent for three beats is gone.
HEARTBEAT_S = 30.0
ALIVE_WITHIN = timedelta(seconds=HEARTBEAT_S * 3)
CLAIMS_KEPT = timedelta(days=30)


def scrape_job(source: str) -> str:
    return f"scrape:{source}"


def owner_id() -> str:
    """This process, as ``host:pid``."""
    return f"{socket.gethostname()}:{os.getpid()}"


def claim(db: Database, job: str, slot: datetime, now: datetime, owner: str | None = None) -> bool:
    """True if this process won ``job`` at ``slot``; False if someone else already had it."""
    try:
        with db.session() as session:
            session.add(JobClaim(job=job, slot=slot, owner=owner or owner_id(), claimed_at=now))
    except IntegrityError:
        return False
    return True


def heartbeat(
    db: Database,
    owner: str,
    now: datetime,
    started_at: datetime,
    next_runs: Mapping[str, datetime | None],
) -> None:
    """Record that ``owner`` is alive and when each of its jobs runs next; drop old claims."""
    with db.session() as session:
        row = session.get(DaemonState, owner)
        if row is None:
            pid = int(owner.rsplit(":", 1)[-1]) if owner.rsplit(":", 1)[-1].isdigit() else 0
            session.add(DaemonState(owner=owner, pid=pid, started_at=started_at, heartbeat_at=now))
        else:
            row.heartbeat_at = now
        session.execute(delete(DaemonJob).where(DaemonJob.owner == owner))
        session.add_all(
            DaemonJob(owner=owner, job=job, next_run_at=when) for job, when in next_runs.items()
        )
        session.execute(delete(JobClaim).where(JobClaim.claimed_at < now - CLAIMS_KEPT))


def sign_off(db: Database, owner: str) -> None:
    """A daemon stopping: it is no longer alive and runs nothing next."""
    with db.session() as session:
        session.execute(delete(DaemonJob).where(DaemonJob.owner == owner))
        session.execute(delete(DaemonState).where(DaemonState.owner == owner))


def live_daemons(db: Database, now: datetime) -> list[DaemonState]:
    """Every daemon whose heartbeat is fresh, freshest first."""
    with db.session() as session:
        rows = session.scalars(
            select(DaemonState)
            .where(DaemonState.heartbeat_at >= now - ALIVE_WITHIN)
            .order_by(DaemonState.heartbeat_at.desc())
        ).all()
        session.expunge_all()
    return list(rows)


def next_runs(db: Database, owners: list[str]) -> dict[str, datetime]:
    """Per job, the soonest next run any of ``owners`` (live daemons) recorded."""
    if not owners:
        return {}
    out: dict[str, datetime] = {}
    with db.session() as session:
        for job, when in session.execute(
            select(DaemonJob.job, DaemonJob.next_run_at).where(DaemonJob.owner.in_(owners))
        ):
            if when is not None and (job not in out or when < out[job]):
                out[job] = when
    return out
