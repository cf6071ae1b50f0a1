"""The jobs behind a number: one row per distinct job, streamed from the database.

``jobs()`` answers "which jobs are those?" for ``jobtrend postings`` (one term, one period) and
``jobtrend export`` (every job, optionally a range). It counts by the rules of
:mod:`monitor.numbers.daily`, so a listed job is one that the numbers counted:

* A posting is active over each of its sighting spans: the current one (``active_from`` to
  ``last_seen_at`` once closed, to today while open) and earlier ones kept in ``posting_span``
  (the gap before a repost is not active). A stale source's open postings stop at its last
  healthy day. A job is in a range when one of its spans overlaps one day of it.
* A job carries a term when one of its postings active in the range does: by ``posting_tag``
  when the term names a tag, else by the tagger's matcher on title and description.
* The query filters (source, country, level, company) choose which postings exist at all, as in
  ``query``: a job seen on two boards shows only the filtered board's posting.

A row describes the whole job as far as the filters let it be seen: every posting of it (all
its links and sources, even those active outside the range), the union of their tags, the first
and last sighting, and title, company and description of the posting seen most recently.

Memory stays flat whatever the history's size. One query returns narrow "unit" rows (job,
posting, span times; no text) ordered by job, so a job's units arrive together and a job is
complete when the job changes; the database does the sorting, and the rows are streamed
(``yield_per``: a server-side cursor on PostgreSQL, SQLite steps its cursor). Complete jobs are
gathered up to ``BATCH_SIZE`` units, then their postings' text and tags are fetched with one
query each and the rows yielded. Nothing is held beyond one batch, apart from an ad-hoc term's
set of matching posting ids (which the text search returns as a list).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Generator, Iterator, Mapping, Sequence
from dataclasses import dataclass, fields
from datetime import date, datetime
from typing import Any, Protocol

from sqlalchemy import (
    ColumnElement,
    Select,
    and_,
    func,
    or_,
    select,
)
from sqlalchemy.orm import Session

from monitor.clock import Clock
from monitor.level import job_level
from monitor.numbers.filters import posting_conditions
from monitor.numbers.hits import hit_conditions
from monitor.numbers.hits import units as span_units
from monitor.numbers.trends import TrendQuery
from monitor.runs import (
    DEFAULT_STALE_DAYS,
)
from monitor.storage.idlist import id_in
from monitor.storage.models import Posting, PostingSpan, PostingTag, Source
from monitor.taxonomy import TagDef

# Units per batch: how many are gathered before their text and tags are fetched. Tests set it
# to 2 to prove the output does not depend on it.
BATCH_SIZE = 1000
# Postings fetched per details query (below SQLite's limit on bound parameters).
ID_CHUNK = 10_000


@dataclass(frozen=True)
class JobRow:
    """One de-duplicated job. Instants are aware UTC; ``new_on`` is a day in the zone."""

    job_id: int  # negative: a posting not yet placed in a job (minus its posting id)
    title: str
    company: str
    location: str | None
    country: str | None
    remote: bool | None
    level: str | None  # entry if any of its postings is, else experienced if any is
    years_min: int | None  # the years asked by the posting that gives the level
    years_max: int | None
    first_seen: datetime
    last_seen: datetime
    closed_at: datetime | None  # None while any of its postings is open
    posted_at: datetime | None
    new_on: date | None
    sources: tuple[str, ...]  # sorted source names
    urls: tuple[str, ...]  # one per posting, in posting order
    tags: tuple[str, ...]  # sorted
    description: str

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready values: instants and days in ISO 8601, lists for the list fields."""
        out: dict[str, Any] = {}
        for name in FIELDS:
            value = getattr(self, name)
            if isinstance(value, datetime | date):
                value = value.isoformat()
            elif isinstance(value, tuple):
                value = list(value)
            out[name] = value
        return out


FIELDS: tuple[str, ...] = tuple(f.name for f in fields(JobRow))


class FilterLike(Protocol):
    """The query filters, as ``TrendQuery`` and ``Filters`` carry them."""

    @property
    def sources(self) -> Sequence[str]: ...
    @property
    def countries(self) -> Sequence[str]: ...
    @property
    def level(self) -> str | None: ...
    @property
    def companies(self) -> Sequence[str]: ...


@dataclass(frozen=True)
class Filters:
    """The query filters of DESIGN.md ("Query filters"), none by default."""

    sources: Sequence[str] = ()
    countries: Sequence[str] = ()
    level: str | None = None
    companies: Sequence[str] = ()


@dataclass
class _Unit:
    """One sighting span of one posting, as the stream returns it."""

    job: int
    posting: int
    start: datetime
    last: datetime
    closed: datetime | None  # None: the posting's current span, still open
    new_on: date | None
    hit: bool  # in the range and carrying the term (SQL's part of it)


def jobs(
    session: Session,
    clock: Clock,
    *,
    term: str | None = None,
    taxonomy: Mapping[str, TagDef] | None = None,
    start: date | None = None,
    end: date | None = None,
    filters: FilterLike | None = None,
    stale_after_days: int = DEFAULT_STALE_DAYS,
    of_jobs: Collection[int] | None = None,
) -> Generator[JobRow, None, None]:
    """The distinct jobs active on some day of ``start``..``end`` that carry ``term``.

    Without ``start`` and ``end``: every job ever seen. With one of them the range is open on
    that side (``end`` defaults to today, and days after today are never active). ``term``
    resolves to a tag of ``taxonomy`` like ``query`` does, else is searched in the text.
    ``of_jobs`` keeps only those jobs (keyed as rows are: ``jobs_of`` finds the jobs of some
    postings; the report's new jobs are those of the week's new postings), read by job
    instead of from every posting.
    Rows come newest first (``first_seen`` descending, then job id descending). Close the
    generator (or exhaust it) before the session ends: it holds an open cursor.
    """
    conditions = posting_conditions(session, as_query(filters)) if filters is not None else []
    windowed = start is not None or end is not None
    if windowed:
        today = clock.today()
        end = today if end is None else min(end, today)
        if start is not None and start > end:
            return

    found = hit_conditions(
        session, clock, conditions, term, taxonomy or {}, start, end, stale_after_days
    )
    if found is None:
        return
    current_hit, span_hit, matched = found.current, found.span, found.matched

    scope: tuple[list[ColumnElement[bool]], list[ColumnElement[bool]]] = ([], [])
    if of_jobs is not None:
        if not of_jobs:
            return
        scope = _job_scope(of_jobs, session.get_bind().dialect.name)

    statement = _stream_query(conditions, current_hit, span_hit, scope)
    names: dict[int, str] = dict(session.execute(select(Source.id, Source.name)).all())
    result = session.execute(statement, execution_options={"yield_per": BATCH_SIZE})
    try:
        batch: list[list[_Unit]] = []
        batch_units = 0
        current: list[_Unit] = []
        for row in result:
            unit = _Unit(
                row.job, row.posting_id, row.start, row.last, row.closed, row.new_on, bool(row.hit)
            )
            if current and unit.job != current[0].job:
                if _wanted(current, matched):
                    batch.append(current)
                    batch_units += len(current)
                current = []
                if batch_units >= BATCH_SIZE:
                    yield from _rows(session, batch, names)
                    batch, batch_units = [], 0
            current.append(unit)
        if current and _wanted(current, matched):
            batch.append(current)
        if batch:
            yield from _rows(session, batch, names)
    finally:
        # A consumer that stops early (--limit) must not leave a server-side cursor open.
        result.close()


def new_in(session: Session, clock: Clock, start: date, end: date) -> set[int]:
    """The postings with a sighting span new on a day of ``start``..``end`` (the current one or
    an earlier one): a job new in the range has one of them."""
    # A span is new on the day it starts, so it was last seen on that day or later: that bound
    # (the head of ``ix_posting_life``) makes the read a range of the index instead of a pass
    # over every posting. (A posting whose own deadline had passed when first seen is closed
    # a second before it; it is active on no day, so no listing has it.)
    seen_since = clock.day_start(start)
    current = select(Posting.id).where(
        Posting.new_on >= start, Posting.new_on <= end, Posting.last_seen_at >= seen_since
    )
    earlier = select(PostingSpan.posting_id).where(
        PostingSpan.new_on >= start, PostingSpan.new_on <= end, PostingSpan.end_at >= seen_since
    )
    return set(session.scalars(current)) | set(session.scalars(earlier))


def as_query(filters: FilterLike) -> TrendQuery:
    if isinstance(filters, TrendQuery):
        return filters
    # posting_conditions reads only the filters; the dates are placeholders.
    return TrendQuery(
        terms=(),
        start=date.min,
        end=date.min,
        sources=list(filters.sources),
        countries=list(filters.countries),
        level=filters.level,
        companies=list(filters.companies),
    )


def jobs_of(session: Session, postings: Collection[int]) -> set[int]:
    """The jobs (as the stream keys them) that ``postings`` are part of or were in an earlier
    span."""
    if not postings:
        return set()
    dialect = session.get_bind().dialect.name
    now = select(func.coalesce(Posting.job_id, -Posting.id)).where(
        id_in(Posting.id, postings, dialect)
    )
    before = select(PostingSpan.job_id).where(id_in(PostingSpan.posting_id, postings, dialect))
    return set(session.scalars(now)) | set(session.scalars(before))


def _job_scope(
    keys: Collection[int], dialect: str
) -> tuple[list[ColumnElement[bool]], list[ColumnElement[bool]]]:
    """Conditions keeping the units of the jobs ``keys``: on current spans (by ``job_id``, so
    its index applies, or by the posting for one without a job) and on earlier spans."""
    placed = [k for k in keys if k > 0]
    alone = [-k for k in keys if k < 0]
    current: ColumnElement[bool] = id_in(Posting.job_id, placed, dialect)
    if alone:
        current = or_(current, and_(Posting.job_id.is_(None), id_in(Posting.id, alone, dialect)))
    return [current], [id_in(PostingSpan.job_id, keys, dialect)]


def _stream_query(
    conditions: Sequence[ColumnElement[bool]],
    current_hit: Sequence[ColumnElement[bool]],
    span_hit: Sequence[ColumnElement[bool]],
    scope: tuple[Sequence[ColumnElement[bool]], Sequence[ColumnElement[bool]]],
) -> Select[Any]:
    """All units of the selected jobs, a job's units together, jobs newest first."""
    every = span_units(conditions, current_hit, span_hit, scope, only_hits=False).subquery("units")
    first = func.min(every.c.start).over(partition_by=every.c.job).label("job_first")
    query = select(every, first)
    if current_hit:
        hits = span_units(conditions, current_hit, span_hit, scope, only_hits=True).subquery("hits")
        query = query.where(every.c.job.in_(select(hits.c.job)))
    # The window's minimum is constant within a job, so ordering by it keeps each job's units
    # contiguous while putting the newest jobs first.
    return query.order_by(first.desc(), every.c.job.desc(), every.c.posting_id, every.c.start)


def _wanted(units: list[_Unit], matched: set[int] | None) -> bool:
    """Whether a job carries the term in the range: SQL's ``hit``, and for an ad-hoc term one
    of the postings the matcher accepted."""
    if matched is None:
        return True
    return any(u.hit and u.posting in matched for u in units)


def _rows(session: Session, batch: list[list[_Unit]], names: dict[int, str]) -> Iterator[JobRow]:
    """Rows for a batch of complete jobs: their postings' text and tags in one query each."""
    ids = sorted({u.posting for units in batch for u in units})
    postings: dict[int, Any] = {}
    tags: dict[int, set[str]] = defaultdict(set)
    for index in range(0, len(ids), ID_CHUNK):
        chunk = ids[index : index + ID_CHUNK]
        for row in session.execute(
            select(
                Posting.id,
                Posting.source_id,
                Posting.url,
                Posting.title,
                Posting.company,
                Posting.location,
                Posting.country,
                Posting.remote,
                Posting.level,
                Posting.years_min,
                Posting.years_max,
                Posting.posted_at,
                Posting.description,
            ).where(Posting.id.in_(chunk))
        ):
            postings[row.id] = row
        for posting_id, tag in session.execute(
            select(PostingTag.posting_id, PostingTag.tag).where(PostingTag.posting_id.in_(chunk))
        ):
            tags[posting_id].add(tag)
    for units in batch:
        yield _job_row(units, postings, tags, names)


def _job_row(
    units: list[_Unit], postings: dict[int, Any], tags: dict[int, set[str]], names: dict[int, str]
) -> JobRow:
    # Each posting's last sighting within this job picks the most recently seen posting.
    last_by_posting: dict[int, datetime] = {}
    for u in units:
        if u.posting not in last_by_posting or u.last > last_by_posting[u.posting]:
            last_by_posting[u.posting] = u.last
    order = sorted(last_by_posting)
    latest = postings[max(order, key=lambda p: (last_by_posting[p], p))]
    members = [postings[p] for p in order]
    open_now = any(u.closed is None for u in units)
    posted = [m.posted_at for m in members if m.posted_at is not None]
    level = job_level(m.level for m in members)
    # The years of the most recently seen posting that gives the job its level.
    giving = [p for p in order if postings[p].level == level] or [latest.id]
    years = postings[max(giving, key=lambda p: (last_by_posting[p], p))]
    new_days = [u.new_on for u in units if u.new_on is not None]
    return JobRow(
        job_id=units[0].job,
        title=latest.title,
        company=latest.company,
        location=latest.location,
        country=latest.country,
        remote=latest.remote,
        level=level,
        years_min=years.years_min,
        years_max=years.years_max,
        first_seen=min(u.start for u in units),
        last_seen=max(u.last for u in units),
        closed_at=None if open_now else max(u.closed for u in units if u.closed is not None),
        posted_at=min(posted) if posted else None,
        new_on=min(new_days) if new_days else None,
        sources=tuple(sorted({names.get(m.source_id, str(m.source_id)) for m in members})),
        urls=tuple(m.url for m in members),
        tags=tuple(sorted(set().union(*(tags.get(p, set()) for p in order)))),
        description=latest.description,
    )
