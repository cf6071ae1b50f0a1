"""The ``watch_sent`` claim: a job is mailed once per watch.

``claim_jobs`` inserts a ``sending`` row per job before the digest goes out; a job whose row
exists (sent, or out with another sender) is not claimed, so of two daemons racing for a job
exactly one mails it. The winner calls ``mark_sent`` after the mail went, or ``release`` when
it failed, so the next try mails the jobs again. A ``sending`` row older than ``STUCK``
(a process killed mid-send) may be claimed again: a job is then mailed twice rather than
never.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from monitor.storage.db import Database
from monitor.storage.models import WatchSent

SENDING = "sending"
SENT = "sent"
STUCK = timedelta(hours=1)


def claim_jobs(db: Database, watch: str, job_ids: Iterable[int], now: datetime) -> list[int]:
    """The jobs of ``job_ids`` this caller may mail now, claimed (in the given order)."""
    won: list[int] = []
    for job_id in job_ids:
        try:
            with db.session() as session:
                session.add(WatchSent(watch=watch, job_id=job_id, status=SENDING, claimed_at=now))
            won.append(job_id)
            continue
        except IntegrityError:
            pass
        with db.session() as session:  # taken over only from a sender that died
            taken = session.execute(
                update(WatchSent)
                .where(
                    WatchSent.watch == watch,
                    WatchSent.job_id == job_id,
                    WatchSent.status == SENDING,
                    WatchSent.claimed_at < now - STUCK,
                )
                .values(claimed_at=now)
                .execution_options(synchronize_session=False)
            )
            if taken.rowcount:  # type: ignore[attr-defined]
                won.append(job_id)
    return won


def mark_sent(db: Database, watch: str, job_ids: list[int], now: datetime) -> None:
    with db.session() as session:
        session.execute(
            update(WatchSent)
            .where(WatchSent.watch == watch, WatchSent.job_id.in_(job_ids))
            .values(status=SENT, sent_at=now)
            .execution_options(synchronize_session=False)
        )


def release(db: Database, watch: str, job_ids: list[int]) -> None:
    """Forget the claims of a digest that was not mailed, so the next try sends them."""
    with db.session() as session:
        session.execute(
            delete(WatchSent)
            .where(
                WatchSent.watch == watch,
                WatchSent.job_id.in_(job_ids),
                WatchSent.status == SENDING,
            )
            .execution_options(synchronize_session=False)
        )


def sent_jobs(db: Database, watch: str) -> dict[int, datetime | None]:
    """The jobs ``watch`` has mailed (or is mailing), with when."""
    with db.session() as session:
        rows = session.execute(
            select(WatchSent.job_id, WatchSent.sent_at).where(WatchSent.watch == watch)
        )
        return {job_id: sent_at for job_id, sent_at in rows}


def sent_before(session: Session, watch: str, instant: datetime) -> set[int]:
    """The jobs ``watch`` had mailed (or was mailing) before ``instant``."""
    return set(
        session.scalars(
            select(WatchSent.job_id).where(WatchSent.watch == watch, WatchSent.claimed_at < instant)
        )
    )


def record_sent(db: Database, watch: str, job_ids: Iterable[int], now: datetime) -> None:
    """Record jobs as sent for ``watch`` by a mail that already went (the weekly report);
    a job recorded before keeps its first record."""
    won = claim_jobs(db, watch, job_ids, now)
    if won:
        mark_sent(db, watch, won, now)
