"""Run statuses and the health rules, in one home: healthy, complete, suspect, stale, active.

A broken scraper is not a hiring freeze. Every module that asks "was this run healthy?", "is
this source stale?", "is this run suspect?" or "was this posting active in these days?" asks
here, so that ``status`` and the numbers can never disagree:

- **healthy** runs (``ok``, ``partial``, ``unchanged``) are trusted: they close what they no
  longer return and keep a source fresh;
- **complete** runs delivered a whole listing (the healthy ones and ``suspect``): a source's
  first complete run decides the first-run rule;
- a run is **suspect** when it returns fewer than half the median of the source's last
  ``SUSPECT_RUNS`` non-failed runs within ``SUSPECT_WINDOW`` (or nothing after something);
  ``ACCEPT_AFTER`` suspect runs in a row at a steady level accept the new level;
- a source is **stale** when its last healthy run (or, before any, its first run) is more than
  ``stale_after_days`` old: its open postings stop counting after that run's day.

The statuses and the stale rule itself are plain Python in ``monitor.runstatus`` (re-exported
here), so the sqlite3 fast path can apply them without importing SQLAlchemy.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.orm import Session

from monitor.clock import Clock
from monitor.runstatus import COMPLETE as COMPLETE
from monitor.runstatus import DEFAULT_STALE_DAYS as DEFAULT_STALE_DAYS
from monitor.runstatus import HEALTHY as HEALTHY
from monitor.runstatus import Freshness as Freshness
from monitor.runstatus import RunStatus as RunStatus
from monitor.runstatus import cut_days
from monitor.storage.models import Posting, PostingSpan, ScrapeRun, Source

SUSPECT_WINDOW = timedelta(days=30)
SUSPECT_RUNS = 10
ACCEPT_AFTER = 3  # suspect runs in a row at a steady level, after which that level is accepted
STEADY_TOLERANCE = 0.2


# --- suspect ---------------------------------------------------------------------------------


def recent_levels(session: Session, source: Source, now: datetime) -> list[int]:
    """What the source's last non-failed runs within the window returned, newest first (since
    its level was last accepted)."""
    query = (
        select(ScrapeRun.returned)
        .where(
            ScrapeRun.source_id == source.id,
            ScrapeRun.status != RunStatus.FAILED,
            ScrapeRun.started_at >= now - SUSPECT_WINDOW,
        )
        .order_by(ScrapeRun.started_at.desc(), ScrapeRun.id.desc())
        .limit(SUSPECT_RUNS)
    )
    if source.accepted_at is not None:
        query = query.where(ScrapeRun.started_at >= source.accepted_at)
    return list(session.scalars(query))


def is_suspect(session: Session, source: Source, returned: int, now: datetime) -> bool:
    """Fewer than half the recent median, or nothing after something."""
    recent = recent_levels(session, source, now)
    if not recent:
        return False
    if returned == 0 and recent[0] > 0:
        return True
    return returned < statistics.median(recent) / 2


def steady_suspects(session: Session, source: Source, returned: int) -> bool:
    """True when this run would be the ACCEPT_AFTER-th suspect run in a row at one level."""
    previous = session.execute(
        select(ScrapeRun.returned, ScrapeRun.status)
        .where(ScrapeRun.source_id == source.id, ScrapeRun.status != RunStatus.FAILED)
        .order_by(ScrapeRun.started_at.desc(), ScrapeRun.id.desc())
        .limit(ACCEPT_AFTER - 1)
    ).all()
    if len(previous) < ACCEPT_AFTER - 1 or any(r.status != RunStatus.SUSPECT for r in previous):
        return False
    levels = [returned, *(r.returned for r in previous)]
    centre = statistics.median(levels)
    return all(abs(level - centre) <= STEADY_TOLERANCE * max(centre, 1) for level in levels)


def had_complete_run(session: Session, source_id: int) -> bool:
    found = session.scalar(
        select(func.count())
        .select_from(ScrapeRun)
        .where(ScrapeRun.source_id == source_id, ScrapeRun.status.in_(COMPLETE))
    )
    return bool(found)


# --- stale -----------------------------------------------------------------------------------


def freshness(session: Session) -> dict[int, Freshness]:
    """Per source that has run, its freshness, read from all its runs (two grouped queries)."""
    last_healthy = dict(
        session.execute(
            select(ScrapeRun.source_id, func.max(ScrapeRun.started_at))
            .where(ScrapeRun.status.in_(HEALTHY))
            .group_by(ScrapeRun.source_id)
        ).all()
    )
    first_run = session.execute(
        select(ScrapeRun.source_id, func.min(ScrapeRun.started_at)).group_by(ScrapeRun.source_id)
    ).all()
    return {
        source_id: Freshness(first, last_healthy.get(source_id)) for source_id, first in first_run
    }


def stale_cuts(session: Session, clock: Clock, stale_after_days: int) -> dict[int, date]:
    """Per stale source, its last healthy day (its open postings count up to that day)."""
    return cut_days(freshness(session), clock, stale_after_days)


# --- active ----------------------------------------------------------------------------------


def active_between(
    clock: Clock,
    start: date | None,
    end: date,
    *,
    cuts: dict[int, date] | None = None,
    events: bool = False,
) -> ColumnElement[bool]:
    """SQL: the posting's current sighting span overlaps the days ``start``..``end``.

    The span runs from ``active_from`` to the day of ``last_seen_at`` once closed, and to today
    while open; with ``cuts`` (``stale_cuts``) a stale source's open postings end on their cut
    day. Without ``cuts`` open postings are kept whatever their source (a superset the caller
    narrows day by day). ``events`` also keeps postings that closed or turned new in the range.
    Earlier spans of reposted postings are ``span_active_between``'s.
    """
    after_start: list[ColumnElement[bool]] = []
    if start is not None:
        after_start.append(Posting.last_seen_at >= clock.day_start(start))
        if events:
            after_start += [Posting.closed_at >= clock.day_start(start), Posting.new_on >= start]
    closed: ColumnElement[bool] = Posting.closed_at.is_not(None)
    if after_start:
        closed = and_(closed, or_(*after_start))
    still_open: list[ColumnElement[bool]] = [Posting.closed_at.is_(None)]
    for source_id, cut in sorted((cuts or {}).items()):
        if start is not None and cut < start:
            still_open.append(Posting.source_id != source_id)
        else:
            last = clock.day_end(min(cut, end))
            still_open.append(or_(Posting.source_id != source_id, Posting.active_from < last))
    return and_(Posting.active_from < clock.day_end(end), or_(closed, and_(*still_open)))


def span_active_between(
    clock: Clock, start: date | None, end: date, *, events: bool = False
) -> ColumnElement[bool]:
    """SQL: an earlier sighting span (``posting_span``) overlaps ``start``..``end``; it ends on
    its last sighting's day. ``events`` also keeps spans that closed in the range."""
    overlap: ColumnElement[bool] = PostingSpan.start_at < clock.day_end(end)
    if start is not None:
        ended = PostingSpan.closed_at if events else PostingSpan.end_at
        overlap = and_(overlap, ended >= clock.day_start(start))
    return overlap


def lifetime_between(clock: Clock, start: date | None, end: date) -> list[ColumnElement[bool]]:
    """SQL: the posting's whole life (every span lies inside it) touches ``start``..``end``: a
    cheap superset of ``active_between`` and ``span_active_between`` together."""
    out: list[ColumnElement[bool]] = [_born_by(clock, end)]
    if start is not None:
        out.append(or_(Posting.closed_at.is_(None), _seen_since(clock, start)))
    return out


def lifetime_branches(
    clock: Clock, start: date, end: date
) -> tuple[list[ColumnElement[bool]], list[ColumnElement[bool]]]:
    """``lifetime_between`` as two disjoint sets of conditions (open postings; closed ones),
    for a UNION of two reads: the closed branch is a range of ``ix_posting_life``, where the
    OR of one read makes SQLite scan a whole index."""
    born = _born_by(clock, end)
    return (
        [Posting.closed_at.is_(None), born],
        [Posting.closed_at.is_not(None), _seen_since(clock, start), born],
    )


def _born_by(clock: Clock, end: date) -> ColumnElement[bool]:
    return Posting.first_seen_at < clock.day_end(end)


def _seen_since(clock: Clock, start: date) -> ColumnElement[bool]:
    return Posting.last_seen_at >= clock.day_start(start)


# --- health ----------------------------------------------------------------------------------


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
    session: Session,
    source: Source,
    now: datetime,
    stale_after_days: int,
    fresh: Freshness | None = None,
) -> SourceHealth:
    last = session.scalars(
        select(ScrapeRun)
        .where(ScrapeRun.source_id == source.id)
        .order_by(ScrapeRun.started_at.desc(), ScrapeRun.id.desc())
        .limit(1)
    ).first()
    if fresh is None:
        fresh = freshness(session).get(source.id)
    last_working = session.scalar(
        select(func.max(ScrapeRun.started_at)).where(
            ScrapeRun.source_id == source.id, ScrapeRun.status != RunStatus.FAILED
        )
    )
    failed = select(func.count(), func.min(ScrapeRun.started_at)).where(
        ScrapeRun.source_id == source.id, ScrapeRun.status == RunStatus.FAILED
    )
    if last_working is not None:
        failed = failed.where(ScrapeRun.started_at > last_working)
    failures, failing_since = session.execute(failed).one()
    levels = recent_levels(session, source, now)

    health: str | None
    if last is None or fresh is None:
        health = None
    elif fresh.is_stale(now, stale_after_days):
        health = "stale"
    elif last.status == RunStatus.FAILED:
        health = "failing"
    elif last.status == RunStatus.SUSPECT:
        health = "suspect"
    else:
        health = "ok"
    return SourceHealth(
        source_id=source.id,
        name=source.name,
        kind=source.kind,
        health=health,
        last_run=last,
        last_healthy_at=fresh.last_healthy_at if fresh else None,
        median_returned=float(statistics.median(levels)) if levels else None,
        consecutive_failures=int(failures or 0),
        failing_since=failing_since,
    )


def all_health(session: Session, now: datetime, stale_after_days: int) -> list[SourceHealth]:
    fresh = freshness(session)
    sources: Sequence[Source] = session.scalars(select(Source).order_by(Source.name)).all()
    return [
        source_health(session, source, now, stale_after_days, fresh.get(source.id))
        for source in sources
    ]


def failure_streak_change(session: Session, source_name: str, threshold: int) -> str | None:
    """After a run: ``crossed`` when it made exactly ``threshold`` failed runs in a row,
    ``recovered`` when it is the first working run after such a streak, else None. Read from
    the stored runs, so it holds across daemons and restarts, and each is said once."""
    source_id = session.scalar(select(Source.id).where(Source.name == source_name))
    if source_id is None:
        return None
    statuses = list(
        session.scalars(
            select(ScrapeRun.status)
            .where(ScrapeRun.source_id == source_id)
            .order_by(ScrapeRun.started_at.desc(), ScrapeRun.id.desc())
            .limit(threshold + 1)
        )
    )
    failed = [status == RunStatus.FAILED for status in statuses]
    if failed[:1] == [True]:
        streak = failed[:threshold]
        if (
            len(streak) == threshold
            and all(streak)
            and (len(failed) == threshold or not failed[-1])
        ):
            return "crossed"
        return None
    if len(failed) == threshold + 1 and all(failed[1:]):
        return "recovered"
    return None
