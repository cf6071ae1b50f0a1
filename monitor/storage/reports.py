"""The ``report_run`` claim: a weekly report is mailed once per period.

``claim_send`` takes the period's row before anything is mailed: it inserts it as
``sending``, or turns a ``failed`` row (or, with ``force``, any row) back to ``sending`` with a
conditional UPDATE, so of two senders racing for one period exactly one wins. The winner
records the outcome with ``mark_sent`` or ``mark_failed``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import CursorResult, select, update
from sqlalchemy.exc import IntegrityError

from monitor.storage.db import Database
from monitor.storage.models import ReportRun

SENDING = "sending"
SENT = "sent"
FAILED = "failed"
REPORT_STATUSES = (SENDING, SENT, FAILED)


@dataclass(frozen=True)
class Claim:
    """The outcome of ``claim_send``: ``won`` to mail; otherwise the row's status blocked it."""

    won: bool
    status: str | None = None  # the blocking row's status when not won
    sent_at: datetime | None = None
    attempts: int = 0


def claim_send(db: Database, period: str, now: datetime, *, force: bool = False) -> Claim:
    """Claim ``period`` for sending (see the module docstring)."""
    try:
        with db.session() as session:
            session.add(ReportRun(period=period, status=SENDING, attempts=1, claimed_at=now))
        return Claim(won=True, attempts=1)
    except IntegrityError:
        pass  # the period has a row: take it over only from the states allowed below
    allowed = list(REPORT_STATUSES) if force else [FAILED]
    with db.session() as session:
        result = session.execute(
            update(ReportRun)
            .where(ReportRun.period == period, ReportRun.status.in_(allowed))
            .values(
                status=SENDING,
                attempts=ReportRun.attempts + 1,
                claimed_at=now,
                sent_at=None if force else ReportRun.sent_at,
            )
            .execution_options(synchronize_session=False)
        )
        taken = cast("CursorResult[Any]", result).rowcount
        row = session.scalars(select(ReportRun).where(ReportRun.period == period)).one()
        if taken:
            return Claim(won=True, attempts=row.attempts)
        return Claim(won=False, status=row.status, sent_at=row.sent_at, attempts=row.attempts)


def mark_sent(db: Database, period: str, now: datetime, recipients: list[str]) -> None:
    with db.session() as session:
        session.execute(
            update(ReportRun)
            .where(ReportRun.period == period)
            .values(status=SENT, sent_at=now, last_error=None, recipients=", ".join(recipients))
        )


def mark_failed(db: Database, period: str, error: str) -> None:
    with db.session() as session:
        session.execute(
            update(ReportRun)
            .where(ReportRun.period == period)
            .values(status=FAILED, last_error=error[:2000])
        )


def last_sent_period(db: Database) -> str | None:
    with db.session() as session:
        return session.scalar(
            select(ReportRun.period)
            .where(ReportRun.status == SENT)
            .order_by(ReportRun.sent_at.desc())
            .limit(1)
        )


def failed_periods(db: Database, keep: int = 4) -> list[str]:
    """The ``keep`` most recent periods whose last send failed, oldest first."""
    with db.session() as session:
        rows = session.scalars(
            select(ReportRun.period)
            .where(ReportRun.status == FAILED)
            .order_by(ReportRun.period.desc())
            .limit(keep)
        ).all()
    return sorted(rows)
