"""Write one run's outcome in one short transaction.

Upserts keep ``first_seen_at``, move ``last_seen_at``, re-tag changed text and close what a
healthy run no longer returns. A failed run only records itself: stored postings stay as they
were. A 304 listing (``unchanged``) sees every open posting again and closes nothing. A run
that returns far fewer postings than usual is ``suspect``: what it returned is stored, nothing
closes (a broken scraper is not a hiring freeze), until the new level is accepted. Which job
a posting belongs to (the same job on two boards, a repost) is ``monitor.storage.jobs``'s rule.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from monitor.clock import Clock
from monitor.normalise import Posting as NormalPosting
from monitor.normalise import content_hash
from monitor.phrases import posting_phrases
from monitor.runs import RunStatus, had_complete_run, is_suspect, steady_suspects
from monitor.search.matcher import text_words
from monitor.storage.idlist import chunks
from monitor.storage.jobs import JobFinder, job_key, reopen
from monitor.storage.models import (
    HttpCache,
    Posting,
    PostingTag,
    PostingWords,
    ScrapeRun,
    Source,
)
from monitor.storage.phrases import store_phrases
from monitor.tagging import Tagger, boilerplate_of

log = logging.getLogger(__name__)


@dataclass
class RunOutcome:
    """What fetching one source gave, before anything is written."""

    status: RunStatus  # ok | partial | failed | unchanged
    started_at: datetime
    ended_at: datetime
    postings: Sequence[NormalPosting] = ()
    requests: int = 0
    bytes: int = 0
    skipped: list[str] = field(default_factory=list)
    error_kind: str | None = None
    error: str | None = None
    validators: dict[str, tuple[str | None, str | None]] = field(default_factory=dict)


@dataclass(frozen=True)
class SourceTraits:
    """What the store must know of a source kind (from its class)."""

    suspect_exempt: bool = False
    seen_at_posted: bool = False
    # False for back-fills: postings a back-fill does not return are not thereby gone.
    close_missing: bool = True


DEFAULT_TRAITS = SourceTraits()


@dataclass
class StoreResult:
    run: ScrapeRun
    first_changed_day: date | None  # the earliest day whose counts this run changed


@dataclass
class StoredPosting:
    """A stored posting's fields that one run may change."""

    id: int
    content_hash: str
    closed_at: datetime | None
    last_seen_at: datetime
    closes_at: datetime | None
    active_from: datetime
    new_on: date | None
    job_id: int | None
    # (level, years_min, years_max): a board may start stating them with the text unchanged.
    experience: tuple[str | None, int | None, int | None] = (None, None, None)


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


def known_ids(session: Session, source_id: int) -> frozenset[str]:
    """External ids stored with a description (detail budgets skip these)."""
    rows = session.scalars(
        select(Posting.external_id).where(Posting.source_id == source_id, Posting.description != "")
    )
    return frozenset(rows)


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
    traits: SourceTraits = DEFAULT_TRAITS,
) -> StoreResult:
    """Record ``outcome`` for ``source`` and apply it to the stored postings."""
    now = outcome.ended_at
    if outcome.status == RunStatus.FAILED:
        run = _run_row(source, outcome, RunStatus.FAILED)
        session.add(run)
        session.flush()
        return StoreResult(run, None)
    if outcome.status == RunStatus.UNCHANGED:
        return _write_unchanged(session, source, outcome, clock)

    status = outcome.status
    if not traits.suspect_exempt and is_suspect(session, source, len(outcome.postings), now):
        if steady_suspects(session, source, len(outcome.postings)):
            log.warning(
                "%s: accepting its new level of %d postings", source.name, len(outcome.postings)
            )
            source.accepted_at = outcome.started_at
        else:
            status = RunStatus.SUSPECT
    run = _run_row(source, outcome, status)
    first_run = not had_complete_run(session, source.id)
    today = clock.local_day(now)
    first_changed = today

    existing = {
        row.external_id: StoredPosting(
            row.id,
            row.content_hash,
            row.closed_at,
            row.last_seen_at,
            row.closes_at,
            row.active_from,
            row.new_on,
            row.job_id,
            (row.level, row.years_min, row.years_max),
        )
        for row in session.execute(
            select(
                Posting.id,
                Posting.external_id,
                Posting.content_hash,
                Posting.closed_at,
                Posting.last_seen_at,
                Posting.closes_at,
                Posting.active_from,
                Posting.new_on,
                Posting.job_id,
                Posting.level,
                Posting.years_min,
                Posting.years_max,
            ).where(Posting.source_id == source.id)
        )
    }
    unique: dict[str, NormalPosting] = {}
    for posting in outcome.postings:
        unique.setdefault(posting.external_id, posting)  # a listing may repeat an item

    _keep_stored_descriptions(session, existing, unique)
    boilerplate = _boilerplate(unique.values())
    seen: list[int] = []
    reopened: list[tuple[StoredPosting, NormalPosting]] = []
    changed: list[tuple[int, NormalPosting]] = []
    fresh: list[NormalPosting] = []
    for posting in unique.values():
        row = existing.get(posting.external_id)
        if row is None:
            fresh.append(posting)
            continue
        if row.closed_at is not None and _self_closed(posting, now):
            continue  # closed on its own schedule (a past month's comment in a back-fill)
        seen.append(row.id)
        # Days since its previous sighting may change (a stale source back, a repost's gap).
        first_changed = min(first_changed, clock.local_day(row.last_seen_at))
        if row.closed_at is not None:
            reopened.append((row, posting))
        experience = (posting.level, posting.years_min, posting.years_max)
        if row.content_hash != posting.content_hash or row.experience != experience:
            changed.append((row.id, posting))

    # Reopen first: placing a returning posting must see its own previous last sighting.
    new_count = reopen(session, source, reopened, now, clock, traits)
    for chunk in chunks(seen):
        session.execute(update(Posting).where(Posting.id.in_(chunk)).values(last_seen_at=now))
    for posting_id, posting in changed:
        session.execute(
            update(Posting)
            .where(Posting.id == posting_id)
            .values(**_fields_with_key(source, posting, traits))
        )
    _replace_tags(session, changed, tagger, boilerplate)
    _replace_words(session, changed)
    _replace_phrases(session, changed, boilerplate)

    fresh_new, earliest = _insert_fresh(
        session, source, fresh, now, first_run, clock, traits, tagger, boilerplate
    )
    new_count += fresh_new
    if earliest is not None:
        first_changed = min(first_changed, earliest)

    closed = 0
    if status != RunStatus.SUSPECT and traits.close_missing:
        returned = set(seen)
        # Postings past their own closing time close at it (below), not at this run.
        gone = [
            r
            for r in existing.values()
            if r.closed_at is None
            and r.id not in returned
            and (r.closes_at is None or r.closes_at > now)
        ]
        for chunk in chunks([r.id for r in gone]):
            session.execute(update(Posting).where(Posting.id.in_(chunk)).values(closed_at=now))
        if gone:
            # Open postings counted as active up to today; closed, they stop at their last
            # sighting.
            first_changed = min(first_changed, clock.local_day(min(r.last_seen_at for r in gone)))
        closed = len(gone)
    expired_from = _close_expired(session, source, now, clock)
    if expired_from is not None:
        first_changed = min(first_changed, expired_from)

    run.new = new_count
    run.closed = closed
    session.add(run)
    session.flush()
    if status == RunStatus.OK:
        # Only a whole, trusted listing may be vouched for by a later 304: validators from a
        # suspect or partial run would make every next run "unchanged".
        _store_validators(session, outcome, now)
    return StoreResult(run, first_changed)


def _write_unchanged(
    session: Session, source: Source, outcome: RunOutcome, clock: Clock
) -> StoreResult:
    now = outcome.ended_at
    run = _run_row(source, outcome, RunStatus.UNCHANGED)
    # A 304 says the listing is the one the stored validators came from: the last ok or
    # unchanged run's. What later (suspect, partial) runs added is not vouched for.
    vouched = session.scalar(
        select(func.max(ScrapeRun.ended_at)).where(
            ScrapeRun.source_id == source.id,
            ScrapeRun.status.in_([RunStatus.OK, RunStatus.UNCHANGED]),
        )
    )
    held = [Posting.source_id == source.id, Posting.closed_at.is_(None)]
    if vouched is not None:
        held.append(Posting.first_seen_at <= vouched)
    open_ids = list(session.scalars(select(Posting.id).where(*held)))
    for chunk in chunks(open_ids):
        session.execute(update(Posting).where(Posting.id.in_(chunk)).values(last_seen_at=now))
    run.returned = len(open_ids)
    session.add(run)
    session.flush()
    _store_validators(session, outcome, now)
    return StoreResult(run, clock.local_day(now))


def _keep_stored_descriptions(
    session: Session, existing: dict[str, StoredPosting], unique: dict[str, NormalPosting]
) -> None:
    """Give postings whose detail was not fetched this run their stored description back, so
    listing fields (title, location, ...) still update and nothing is wiped."""
    missing = {
        existing[key].id: key
        for key, posting in unique.items()
        if posting.detail_missing and key in existing
    }
    for chunk in chunks(list(missing)):
        for posting_id, description in session.execute(
            select(Posting.id, Posting.description).where(Posting.id.in_(chunk))
        ):
            key = missing[posting_id]
            posting = unique[key]
            unique[key] = replace(
                posting,
                description=description,
                content_hash=content_hash(
                    posting.title, posting.company, posting.location, description, posting.url
                ),
            )


def _self_closed(posting: NormalPosting, now: datetime) -> bool:
    return posting.closes_at is not None and posting.closes_at <= now


def _insert_fresh(
    session: Session,
    source: Source,
    fresh: list[NormalPosting],
    now: datetime,
    first_run: bool,
    clock: Clock,
    traits: SourceTraits,
    tagger: Tagger,
    boilerplate: Boilerplate,
) -> tuple[int, date | None]:
    """Insert postings never seen before; returns (how many are new, earliest first-seen day)."""
    if not fresh:
        return 0, None
    today = clock.local_day(now)
    keys = [job_key(source, posting, traits) for posting in fresh]
    finder = JobFinder(session, keys)
    order = sorted(
        range(len(fresh)),
        key=lambda i: (fresh[i].posted_at or now) if traits.seen_at_posted else now,
    )
    values: list[dict[str, object]] = [{} for _ in fresh]
    earliest: date | None = None
    for index in order:
        posting, key = fresh[index], keys[index]
        first_seen = now
        if traits.seen_at_posted and posting.posted_at is not None and posting.posted_at < now:
            first_seen = posting.posted_at
        job = finder.find(key, first_seen)
        if job is not None:
            new_on: date | None = None  # the same job on another board, or a repost
        else:
            job = finder.create(key, first_seen, posting.closes_at)
            if traits.seen_at_posted:
                # First seen and new at its own time, back-fills included.
                new_on = clock.local_day(first_seen)
            else:
                new_on = _new_on(posting, today, first_run, clock)
        day = clock.local_day(first_seen)
        earliest = day if earliest is None else min(earliest, day)
        values[index] = {
            **_fields(posting),
            "source_id": source.id,
            "external_id": posting.external_id,
            "first_seen_at": first_seen,
            "active_from": first_seen,
            "last_seen_at": now,
            "new_on": new_on,
            "dedup_key": key,
            "job_id": job,
        }
    real = finder.flush(now)
    for row in values:
        job_id = row["job_id"]
        assert isinstance(job_id, int)
        row["job_id"] = real.get(job_id, job_id)
    ids = _insert_postings(session, values)
    stored = list(zip(ids, fresh, strict=True))
    _replace_tags(session, stored, tagger, boilerplate, fresh_rows=True)
    _replace_words(session, stored, fresh_rows=True)
    _replace_phrases(session, stored, boilerplate, fresh_rows=True)
    return sum(1 for row in values if row["new_on"] == today), earliest


def _close_expired(session: Session, source: Source, now: datetime, clock: Clock) -> date | None:
    """Close open postings whose own closing time has passed; last seen just before it."""
    expired = session.execute(
        select(Posting.id, Posting.closes_at, Posting.last_seen_at).where(
            Posting.source_id == source.id,
            Posting.closed_at.is_(None),
            Posting.closes_at.is_not(None),
            Posting.closes_at <= now,
        )
    ).all()
    earliest: date | None = None
    for row in expired:
        last_seen = row.closes_at - timedelta(seconds=1)
        session.execute(
            update(Posting)
            .where(Posting.id == row.id)
            .values(closed_at=row.closes_at, last_seen_at=last_seen)
        )
        day = clock.local_day(min(last_seen, row.last_seen_at))
        earliest = day if earliest is None else min(earliest, day)
    return earliest


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
        "closes_at": posting.closes_at,
        "level": posting.level,
        "years_min": posting.years_min,
        "years_max": posting.years_max,
        "content_hash": posting.content_hash,
    }


def _fields_with_key(
    source: Source, posting: NormalPosting, traits: SourceTraits
) -> dict[str, object]:
    return {**_fields(posting), "dedup_key": job_key(source, posting, traits)}


def _insert_postings(session: Session, values: list[dict[str, object]]) -> list[int]:
    """Insert postings of one source; their ids, in the order of ``values``.

    Each chunk is one multi-row INSERT. Statement by statement, SQLite's text index (an FTS5
    table fed by a trigger) writes out what it holds, so a statement per row (what the ORM
    sends when rows miss different values) made inserting four times slower."""
    ids: list[int] = []
    for chunk in chunks(values, 500):
        returned = session.execute(
            insert(Posting).returning(Posting.external_id, Posting.id),
            chunk,
            # Every row with the same columns (None as NULL), or the ORM splits the chunk by
            # which values are missing.
            execution_options={"render_nulls": True},
        )
        by_external_id: dict[str, int] = {external_id: pid for external_id, pid in returned}
        ids.extend(by_external_id[str(row["external_id"])] for row in chunk)
    return ids


# Company -> its paragraphs repeated in most of its postings of one run (monitor/parts.py).
Boilerplate = dict[str, frozenset[str]]


def _boilerplate(postings: Iterable[NormalPosting]) -> Boilerplate:
    """Each company's boilerplate, read off its postings in this run."""
    by_company: dict[str, list[str]] = {}
    for posting in postings:
        by_company.setdefault(posting.company, []).append(posting.description)
    return {company: boilerplate_of(texts) for company, texts in by_company.items()}


def _replace_tags(
    session: Session,
    rows: Sequence[tuple[int, NormalPosting]],
    tagger: Tagger,
    boilerplate: Boilerplate,
    *,
    fresh_rows: bool = False,
) -> None:
    if not rows:
        return
    if not fresh_rows:
        for chunk in chunks([pid for pid, _ in rows]):
            session.execute(delete(PostingTag).where(PostingTag.posting_id.in_(chunk)))
    tag_rows = [
        {"posting_id": pid, "tag": tag}
        for pid, posting in rows
        for tag in sorted(
            tagger.tags_for(
                posting.title, posting.description, boilerplate.get(posting.company, frozenset())
            )
        )
    ]
    for tag_chunk in chunks(tag_rows, 1000):
        session.execute(insert(PostingTag), tag_chunk)


def _replace_words(
    session: Session, rows: Sequence[tuple[int, NormalPosting]], *, fresh_rows: bool = False
) -> None:
    """Store the postings' words (``posting_words``, the word index of ad-hoc terms)."""
    words = [(pid, text_words(posting.title, posting.description)) for pid, posting in rows]
    store_words(session, words, fresh_rows=fresh_rows)


def _replace_phrases(
    session: Session,
    rows: Sequence[tuple[int, NormalPosting]],
    boilerplate: Boilerplate,
    *,
    fresh_rows: bool = False,
) -> None:
    """Store the postings' candidate phrases (``posting_phrases``, what ``trending`` counts)."""
    phrases = [
        (
            pid,
            posting_phrases(
                p.title,
                p.description,
                p.company or "",
                p.location or "",
                boilerplate.get(p.company, frozenset()),
            ),
        )
        for pid, p in rows
    ]
    store_phrases(session, phrases, fresh_rows=fresh_rows)


def store_words(
    session: Session, words: Sequence[tuple[int, str]], *, fresh_rows: bool = False
) -> None:
    """Replace the stored words of postings, given as (posting id, ``text_words``) pairs;
    ``fresh_rows`` when none has words yet."""
    if not fresh_rows:
        for ids in chunks([pid for pid, _ in words]):
            session.execute(delete(PostingWords).where(PostingWords.posting_id.in_(ids)))
    # One multi-row INSERT per chunk: SQLite's FTS5 index writes out per statement.
    for pairs in chunks(words, 500):
        session.execute(
            insert(PostingWords).values([{"posting_id": p, "words": w} for p, w in pairs])
        )


def _store_validators(session: Session, outcome: RunOutcome, now: datetime) -> None:
    rows = [
        {"url": url, "etag": etag, "last_modified": modified, "updated_at": now}
        for url, (etag, modified) in outcome.validators.items()
    ]
    if not rows:
        return
    dialect = session.get_bind().dialect.name
    upsert: Any = (postgresql_insert if dialect == "postgresql" else sqlite_insert)(HttpCache)
    session.execute(
        upsert.on_conflict_do_update(
            index_elements=[HttpCache.url],
            set_={
                "etag": upsert.excluded.etag,
                "last_modified": upsert.excluded.last_modified,
                "updated_at": upsert.excluded.updated_at,
            },
        ),
        rows,
    )
