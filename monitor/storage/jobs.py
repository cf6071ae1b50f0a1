"""Job identity: which job a stored posting belongs to.

Postings of one ``dedup_key`` are one job while one of them is open (the same job on another
board) or when one was last seen within REPOST_WINDOW (a repost); a posting that closed and
came back keeps its earlier span apart, so the gap is not active.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from monitor.clock import Clock
from monitor.identity import dedup_key
from monitor.normalise import Posting as NormalPosting
from monitor.storage.idlist import chunks
from monitor.storage.models import Job, Posting, PostingSpan, Source

if TYPE_CHECKING:
    from monitor.storage.ingest import SourceTraits, StoredPosting

# A posting of a key last seen this recently is a repost of that job: not new, gap not active.
REPOST_WINDOW = timedelta(days=60)


def job_key(source: Source, posting: NormalPosting, traits: SourceTraits) -> str:
    """The posting's ``dedup_key`` as stored: postings of one key may be one job."""
    key = dedup_key(posting.company, posting.title, posting.location)
    # Hacker News comments never merge with other sources' postings.
    return f"{source.id}:{key}" if traits.seen_at_posted else key


class JobFinder:
    """Finds the job a posting belongs to: an open posting of the same key (the same job on
    another board) or one last seen within REPOST_WINDOW (a repost); else a new job."""

    def __init__(self, session: Session, keys: Iterable[str]) -> None:
        self.session = session
        self.candidates: dict[str, list[tuple[int, bool, datetime]]] = defaultdict(list)
        wanted = sorted(set(keys))
        for chunk in chunks(wanted):
            rows = session.execute(
                select(
                    Posting.dedup_key, Posting.job_id, Posting.closed_at, Posting.last_seen_at
                ).where(Posting.dedup_key.in_(chunk), Posting.job_id.is_not(None))
            )
            for key, job_id, closed_at, last_seen in rows:
                if job_id is not None:
                    self.candidates[key].append((job_id, closed_at is None, last_seen))
        self.pending: list[str] = []  # keys of jobs to create, by index

    def find(self, key: str, seen_at: datetime) -> int | None:
        """An existing job id, or None."""
        options = self.candidates.get(key, [])
        open_jobs = [job for job, is_open, _ in options if is_open]
        if open_jobs:
            return min(open_jobs)
        recent = [
            (last_seen, job)
            for job, _, last_seen in options
            if timedelta(0) <= seen_at - last_seen <= REPOST_WINDOW
        ]
        return max(recent)[1] if recent else None

    def create(self, key: str, seen_at: datetime, closes_at: datetime | None) -> int:
        """A placeholder (negative) id for a job created with ``flush``."""
        self.pending.append(key)
        placeholder = -len(self.pending)
        # Later postings of this batch with the same key join it.
        last_seen = min(seen_at, closes_at) if closes_at else seen_at
        self.candidates[key].append((placeholder, closes_at is None, last_seen))
        return placeholder

    def flush(self, now: datetime) -> dict[int, int]:
        """Insert the pending jobs; returns placeholder -> real id."""
        if not self.pending:
            return {}
        ids: list[int] = []
        for chunk in chunks(self.pending, 500):
            result = self.session.execute(
                insert(Job).returning(Job.id, sort_by_parameter_order=True),
                [{"dedup_key": key, "created_at": now} for key in chunk],
            )
            ids.extend(result.scalars().all())
        return {-(index + 1): job_id for index, job_id in enumerate(ids)}


def reopen(
    session: Session,
    source: Source,
    reopened: list[tuple[StoredPosting, NormalPosting]],
    now: datetime,
    clock: Clock,
    traits: SourceTraits,
) -> int:
    """Postings that closed and came back: their earlier span is kept apart so the gap is not
    active; back within REPOST_WINDOW they stay the same job (not new), later a new one."""
    if not reopened:
        return 0
    today = clock.local_day(now)
    finder = JobFinder(session, [job_key(source, posting, traits) for _, posting in reopened])
    placements: list[tuple[StoredPosting, int, date | None]] = []
    for row, posting in reopened:
        session.add(
            PostingSpan(
                posting_id=row.id,
                job_id=row.job_id or row.id,
                start_at=row.active_from,
                end_at=row.last_seen_at,
                closed_at=row.closed_at,
                new_on=row.new_on,
            )
        )
        if now - row.last_seen_at <= REPOST_WINDOW:
            placements.append((row, row.job_id or row.id, None))
            continue
        key = job_key(source, posting, traits)
        job = finder.find(key, now)
        if job is None:
            placements.append((row, finder.create(key, now, None), today))
        else:
            placements.append((row, job, None))
    real = finder.flush(now)
    for row, job, new_on in placements:
        session.execute(
            update(Posting)
            .where(Posting.id == row.id)
            .values(closed_at=None, active_from=now, new_on=new_on, job_id=real.get(job, job))
        )
    return sum(1 for _, _, new_on in placements if new_on == today)
