"""Write one run's outcome in one short transaction.

Upserts keep ``first_seen_at``, move ``last_seen_at``, re-tag changed text and close what a
healthy run no longer returns. A failed run only records itself: stored postings stay as they
were. A 304 listing (``unchanged``) sees every open posting again and closes nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TypeVar

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.orm import Session

from monitor.clock import Clock
from monitor.models import HttpCache, Posting, PostingTag, ScrapeRun, Source
from monitor.normalise import Posting as NormalPosting
from monitor.tagging import Tagger

log = logging.getLogger(__name__)
T = TypeVar("T")

HEALTHY = ("ok", "partial", "unchanged")
# Statuses of runs that delivered a complete listing (a suspect run did, but is not trusted).
COMPLETE = ("ok", "partial", "unchanged", "suspect")


@dataclass
class RunOutcome:
    """What fetching one source gave, before anything is written."""

    status: str  # ok | partial | failed | unchanged
    started_at: datetime
    ended_at: datetime
    postings: Sequence[NormalPosting] = ()
    requests: int = 0
    bytes: int = 0
    skipped: list[str] = field(default_factory=list)
    error_kind: str | None = None
    error: str | None = None
    validators: dict[str, tuple[str | None, str | None]] = field(default_factory=dict)


@dataclass
class StoreResult:
    run: ScrapeRun
    first_changed_day: date | None  # the earliest day whose counts this run changed


def ensure_source(
    session: Session, name: str, kind: str, query_filtered: bool, now: datetime
) -> Source:
    """The source row for ``name``, created on first use, kind kept current."""
    row = session.scalars(select(Source).where(Source.name == name)).one_or_none()
    if row is None:
        row = Source(name=name, kind=kind, query_filtered=query_filtered, created_at=now)
        session.add(row)
        session.flush()
    elif row.kind != kind or row.query_filtered != query_filtered:
        row.kind = kind
        row.query_filtered = query_filtered
    return row


def had_complete_run(session: Session, source_id: int) -> bool:
    found = session.scalar(
        select(func.count())
        .select_from(ScrapeRun)
        .where(ScrapeRun.source_id == source_id, ScrapeRun.status.in_(COMPLETE))
    )
    return bool(found)


def _run_row(source: Source, outcome: RunOutcome, status: str) -> ScrapeRun:
    return ScrapeRun(
        source_id=source.id,
        started_at=outcome.started_at,
        ended_at=outcome.ended_at,
        status=status,
        requests=outcome.requests,
        bytes=outcome.bytes,
        returned=len(outcome.postings),
        new=0,
        closed=0,
        skipped=len(outcome.skipped),
        skipped_detail="\n".join(outcome.skipped[:200]) or None,
        error_kind=outcome.error_kind,
        error=outcome.error,
    )


def write_run(
    session: Session,
    source: Source,
    outcome: RunOutcome,
    *,
    tagger: Tagger,
    clock: Clock,
) -> StoreResult:
    """Record ``outcome`` for ``source`` and apply it to the stored postings."""
    now = outcome.ended_at
    today = clock.local_day(now)
    if outcome.status == "failed":
        run = _run_row(source, outcome, "failed")
        session.add(run)
        session.flush()
        return StoreResult(run, None)

    if outcome.status == "unchanged":
        run = _run_row(source, outcome, "unchanged")
        open_ids = list(
            session.scalars(
                select(Posting.id).where(
                    Posting.source_id == source.id, Posting.closed_at.is_(None)
                )
            )
        )
        for chunk in _chunks(open_ids):
            session.execute(update(Posting).where(Posting.id.in_(chunk)).values(last_seen_at=now))
        run.returned = len(open_ids)
        session.add(run)
        session.flush()
        _store_validators(session, outcome, now)
        return StoreResult(run, today)

    first_run = not had_complete_run(session, source.id)
    run = _run_row(source, outcome, outcome.status)
    existing = {
        row.external_id: row
        for row in session.execute(
            select(
                Posting.id,
                Posting.external_id,
                Posting.content_hash,
                Posting.closed_at,
                Posting.last_seen_at,
            ).where(Posting.source_id == source.id)
        )
    }
    first_changed = today
    seen_ids: list[int] = []
    reopened: list[int] = []
    changed: list[tuple[int, NormalPosting]] = []
    fresh: list[NormalPosting] = []
    unique: dict[str, NormalPosting] = {}
    for posting in outcome.postings:
        unique.setdefault(posting.external_id, posting)  # a listing may repeat an item
    for posting in unique.values():
        row = existing.get(posting.external_id)
        if row is None:
            fresh.append(posting)
            continue
        seen_ids.append(row.id)
        if row.closed_at is not None:
            reopened.append(row.id)
            # Days after its last sighting were not active; now they are (until job-level
            # repost handling splits the gap out).
            first_changed = min(first_changed, clock.local_day(row.last_seen_at))
        if row.content_hash != posting.content_hash:
            changed.append((row.id, posting))

    if seen_ids:
        for chunk in _chunks(seen_ids):
            session.execute(update(Posting).where(Posting.id.in_(chunk)).values(last_seen_at=now))
    if reopened:
        for chunk in _chunks(reopened):
            session.execute(update(Posting).where(Posting.id.in_(chunk)).values(closed_at=None))
    for posting_id, posting in changed:
        session.execute(update(Posting).where(Posting.id == posting_id).values(**_fields(posting)))
    _replace_tags(session, [(pid, p) for pid, p in changed], tagger)

    new_count = 0
    if fresh:
        values = []
        for posting in fresh:
            new_on = _new_on(posting, today, first_run, clock)
            new_count += new_on is not None
            values.append(
                {
                    **_fields(posting),
                    "source_id": source.id,
                    "external_id": posting.external_id,
                    "first_seen_at": now,
                    "last_seen_at": now,
                    "new_on": new_on,
                    "dedup_key": "",
                }
            )
        ids = _insert_postings(session, values)
        session.execute(
            update(Posting)
            .where(Posting.source_id == source.id, Posting.job_id.is_(None))
            .values(job_id=Posting.id)
        )
        _replace_tags(session, list(zip(ids, fresh, strict=True)), tagger, fresh_rows=True)

    # Close what this complete listing no longer returns.
    returned_ids = set(seen_ids)
    to_close = [
        row for row in existing.values() if row.closed_at is None and row.id not in returned_ids
    ]
    for chunk in _chunks([row.id for row in to_close]):
        session.execute(update(Posting).where(Posting.id.in_(chunk)).values(closed_at=now))
    if to_close:
        # Open postings counted as active up to today; closed, they stop at their last sighting.
        last_seen = min(row.last_seen_at for row in to_close)
        first_changed = min(first_changed, clock.local_day(last_seen))

    run.new = new_count
    run.closed = len(to_close)
    session.add(run)
    session.flush()
    _store_validators(session, outcome, now)
    return StoreResult(run, first_changed)


def _new_on(posting: NormalPosting, today: date, first_run: bool, clock: Clock) -> date | None:
    if not first_run:
        return today
    # A freshly added board must not look like a hiring spike: on its first run only what
    # was posted that very day is new.
    if posting.posted_at is not None and clock.local_day(posting.posted_at) == today:
        return today
    return None


def _fields(posting: NormalPosting) -> dict[str, object]:
    return {
        "url": posting.url,
        "title": posting.title,
        "company": posting.company,
        "location": posting.location,
        "country": posting.country,
        "remote": posting.remote,
        "employment_type": posting.employment_type,
        "description": posting.description,
        "posted_at": posting.posted_at,
        "deadline_at": posting.deadline_at,
        "content_hash": posting.content_hash,
    }


def _insert_postings(session: Session, values: list[dict[str, object]]) -> list[int]:
    ids: list[int] = []
    for chunk in _chunks(values, 500):
        result = session.execute(
            insert(Posting).returning(Posting.id, sort_by_parameter_order=True), chunk
        )
        ids.extend(result.scalars().all())
    return ids


def _replace_tags(
    session: Session,
    rows: list[tuple[int, NormalPosting]],
    tagger: Tagger,
    *,
    fresh_rows: bool = False,
) -> None:
    if not rows:
        return
    if not fresh_rows:
        for chunk in _chunks([pid for pid, _ in rows]):
            session.execute(delete(PostingTag).where(PostingTag.posting_id.in_(chunk)))
    tag_rows = [
        {"posting_id": pid, "tag": tag}
        for pid, posting in rows
        for tag in sorted(tagger.tags_for(posting.title, posting.description))
    ]
    for tag_chunk in _chunks(tag_rows, 1000):
        session.execute(insert(PostingTag), tag_chunk)


def _store_validators(session: Session, outcome: RunOutcome, now: datetime) -> None:
    for url, (etag, last_modified) in outcome.validators.items():
        row = session.get(HttpCache, url)
        if row is None:
            session.add(HttpCache(url=url, etag=etag, last_modified=last_modified, updated_at=now))
        else:
            row.etag, row.last_modified, row.updated_at = etag, last_modified, now


def _chunks(items: Sequence[T], size: int = 900) -> Iterable[list[T]]:
    for start in range(0, len(items), size):
        yield list(items[start : start + size])
