"""Keeping the stored counts current: ``daily_count`` and ``daily_part_count`` per day
(:mod:`monitor.numbers.daily`), ``weekly_phrases`` per ISO week (:mod:`monitor.numbers.weekly`).

After every run ``refresh_counts`` recounts the days the run could change, and any day not
filled yet, up to today; each week holding one of those days is summed up again.
``rebuild_counts`` recounts everything (after a retag, or ``jobtrend db rebuild-counts``).
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import delete
from sqlalchemy.orm import Session

from monitor.clock import Clock
from monitor.numbers import daily, weekly
from monitor.runs import DEFAULT_STALE_DAYS, stale_cuts
from monitor.storage.models import WeeklyPhrases


def refresh_counts(
    session: Session,
    clock: Clock,
    changed_from: date | None,
    stale_after_days: int = DEFAULT_STALE_DAYS,
) -> None:
    """Recount from ``changed_from`` (and any unfilled day) up to today."""
    today = clock.today()
    days = _recount_from(
        session, clock, changed_from, daily.filled_through(session), stale_after_days
    )
    if days is not None:
        daily.store_days(session, clock, days, today, stale_after_days)
    weeks = _recount_from(
        session, clock, changed_from, weekly.filled_through(session), stale_after_days
    )
    if weeks is not None:
        weekly.store_weeks(session, clock, weeks, stale_after_days)


def _recount_from(
    session: Session,
    clock: Clock,
    changed_from: date | None,
    last_filled: date | None,
    stale_after_days: int,
) -> date | None:
    """The first day to count again: ``changed_from``, the day after the last filled (every day
    when none is), or the day after a source's last healthy day if it went stale since."""
    today = clock.today()
    start = changed_from
    if last_filled is None:
        start = daily.first_day(session, clock)
    elif last_filled < today:
        next_day = last_filled + timedelta(days=1)
        start = next_day if start is None else min(start, next_day)
    # A source that went stale since the last refresh changes the days after its last healthy
    # one (once: later refreshes already stored them with the cut).
    for cut in stale_cuts(session, clock, stale_after_days).values():
        after = cut + timedelta(days=1)
        went_stale = cut + timedelta(days=stale_after_days + 1)
        if last_filled is not None and last_filled <= went_stale and after <= today:
            start = after if start is None else min(start, after)
    if start is None or start > today:
        return None
    return start


def rebuild_counts(
    session: Session, clock: Clock, stale_after_days: int = DEFAULT_STALE_DAYS
) -> int:
    """Recount every stored table from the postings; returns the ``daily_count`` rows."""
    daily.clear(session)
    session.execute(delete(WeeklyPhrases))
    start = daily.first_day(session, clock)
    if start is None:
        return 0
    daily.store_days(session, clock, start, clock.today(), stale_after_days)
    weekly.store_weeks(session, clock, start, stale_after_days)
    return daily.stored_rows(session)
