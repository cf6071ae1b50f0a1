"""Daily counts: distinct jobs active, new and closed per day, tag and source.

One function computes them from postings for a range of days (``compute_daily``); the
``daily_count`` table is that result stored, refreshed after every run for the days the run
could change and filled for every day up to today, and ``rebuild_counts`` recomputes it all.
Queries with filters call ``compute_daily`` directly.

A posting is active on day D within each of its sighting spans: ``active_from ≤ D ≤ last_seen``
once closed, ``active_from ≤ D ≤ today`` while open, and earlier spans from ``posting_span``
(so the gap before a repost is not active). A job is active on a day when any of its postings
is, and counts once. A stale source's open postings stop counting after its last healthy day.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence
from datetime import date, timedelta
from typing import Any

from sqlalchemy import (
    ColumnElement,
    String,
    and_,
    delete,
    func,
    insert,
    select,
    type_coerce,
)
from sqlalchemy.orm import Session

from monitor.clock import Clock
from monitor.numbers.counting import _LocalDays, _merge, _Span
from monitor.numbers.shares import Counts, Key
from monitor.runs import DEFAULT_STALE_DAYS, active_between, span_active_between, stale_cuts
from monitor.storage.db import in_batches
from monitor.storage.idlist import id_in
from monitor.storage.models import (
    DailyCount,
    Posting,
    PostingSpan,
    PostingTag,
    Source,
)
from monitor.storage.schema import ALL_SOURCES, ALL_TAGS

log = logging.getLogger(__name__)


def _raw(column: Any) -> Any:
    """A stored instant or day as the driver returns it: SQLite's ISO text or PostgreSQL's
    naive UTC datetime or date. ``_LocalDays`` converts each distinct value once, instead of
    the column type converting every row."""
    return type_coerce(column, String())


def _spans(
    session: Session,
    clock: Clock,
    start: date,
    end: date,
    conditions: list[ColumnElement[bool]],
    cuts: dict[int, date],
) -> list[_Span]:
    local = _LocalDays(clock, start)
    today = local.offset(clock.today())
    cut_at = {source: local.offset(day) for source, day in cuts.items()}
    out: list[_Span] = []

    # Core execution: rows as tuples, without the ORM's per-row bookkeeping.
    connection = session.connection()
    rows = connection.execute(
        select(
            Posting.id,
            Posting.job_id,
            Posting.source_id,
            _raw(Posting.active_from),
            _raw(Posting.last_seen_at),
            _raw(Posting.closed_at),
            _raw(Posting.new_on),
        ).where(*conditions, active_between(clock, start, end, events=True))
    )
    days = local  # a dict: one lookup per value in this loop, which runs once per posting
    for posting, job, source, active_from, last_seen, closed_at, new_on in in_batches(rows):
        if closed_at is None:
            last, closed = cut_at.get(source, today), None
        else:
            last, closed = days[last_seen], days[closed_at]
        out.append(
            _Span(job or posting, source, posting, days[active_from], last, closed, days[new_on])
        )
    # Earlier spans of reposted postings: few, so read them first, then their postings.
    history = connection.execute(
        select(
            PostingSpan.posting_id,
            PostingSpan.job_id,
            _raw(PostingSpan.start_at),
            _raw(PostingSpan.end_at),
            _raw(PostingSpan.closed_at),
            _raw(PostingSpan.new_on),
        ).where(span_active_between(clock, start, end, events=True))
    ).all()
    if not history:
        return out
    dialect = connection.dialect.name
    owners: dict[int, int] = dict(
        connection.execute(
            select(Posting.id, Posting.source_id).where(
                *conditions, id_in(Posting.id, {row[0] for row in history}, dialect)
            )
        ).all()
    )
    for posting, job, start_at, end_at, closed_at, new_on in history:
        source = owners.get(posting)
        if source is not None:
            first, last, closed = local[start_at], local[end_at], local[closed_at]
            out.append(_Span(job, source, posting, first, last, closed, local[new_on]))
    return out


def compute_daily(
    session: Session,
    clock: Clock,
    start: date,
    end: date,
    *,
    source_ids: Collection[int] | None = None,
    where: Sequence[ColumnElement[bool]] = (),
    matches: ColumnElement[bool] | None = None,
    tags: Iterable[str] | None = None,
    per_source: bool = True,
    stale_after_days: int = DEFAULT_STALE_DAYS,
) -> Counts:
    """Count distinct jobs per day over ``start``..``end`` (inclusive) from the postings.

    ``source_ids`` restricts to those sources, ``where`` to postings meeting those SQL
    conditions, ``matches`` to an ad-hoc term's matching postings (counted under the tag
    ``ALL_TAGS``; see ``monitor.search.index.term_condition``), ``tags`` to those tags.
    ``ALL_SOURCES`` rows count each job once across sources; the ``ALL_TAGS`` one leaves
    query-filtered sources out (they never enter share denominators), except for an ad-hoc
    term's own count.
    """
    span = (end - start).days + 1
    filtered = set(session.scalars(select(Source.id).where(Source.query_filtered.is_(True))))
    conditions: list[ColumnElement[bool]] = list(where)
    if source_ids is not None:
        conditions.append(Posting.source_id.in_(list(source_ids)))
    cuts = stale_cuts(session, clock, stale_after_days)
    if matches is not None:
        conditions.append(matches)
    spans = _spans(session, clock, start, end, conditions, cuts)

    posting_tags: dict[int, set[str]] = defaultdict(set)
    if matches is None and spans:
        tag_query = select(PostingTag.posting_id, PostingTag.tag).join(
            Posting, Posting.id == PostingTag.posting_id
        )
        if conditions:
            tag_query = tag_query.where(and_(*conditions))
        if tags is not None:
            tag_query = tag_query.where(PostingTag.tag.in_(list(tags)))
        wanted_postings = {s.posting for s in spans}
        for posting_id, tag in session.execute(tag_query):
            if posting_id in wanted_postings:
                posting_tags[posting_id].add(tag)

    # Group spans: per (job, source) for the per-source rows, per job for the all-source ones.
    groups: dict[tuple[int, int], list[_Span]] = defaultdict(list)
    for s in spans:
        if per_source:
            groups[(s.job, s.source)].append(s)
        groups[(s.job, ALL_SOURCES)].append(s)

    diff: dict[Key, list[int]] = defaultdict(lambda: [0] * (span + 1))
    new: dict[Key, list[int]] = defaultdict(lambda: [0] * span)
    closed: dict[Key, list[int]] = defaultdict(lambda: [0] * span)

    last_day = span - 1

    def add(key: Key, members: list[_Span]) -> None:
        if len(members) == 1:  # most jobs: one posting seen once
            s = members[0]
            a, b = max(s.first, 0), min(s.last, last_day)
            if a <= b:
                series = diff[key]
                series[a] += 1
                series[b + 1] -= 1
            if s.new_on is not None and 0 <= s.new_on <= last_day:
                new[key][s.new_on] += 1
            if s.closed is not None and 0 <= s.closed <= last_day:
                closed[key][s.closed] += 1
            return
        for lo, hi in _merge([(s.first, s.last) for s in members]):
            a, b = max(lo, 0), min(hi, last_day)
            if a <= b:
                diff[key][a] += 1
                diff[key][b + 1] -= 1
        new_days = [s.new_on for s in members if s.new_on is not None and 0 <= s.new_on <= last_day]
        if new_days:
            new[key][min(new_days)] += 1
        closes = [s.closed for s in members]
        if None not in closes:
            last_close = max(c for c in closes if c is not None)
            if 0 <= last_close <= last_day:
                closed[key][last_close] += 1

    for (_job, source), members in groups.items():
        if posting_tags:
            job_tags = set().union(*(posting_tags.get(s.posting, ()) for s in members))
            for tag in job_tags:
                add((tag, source), members)
        counted = members
        if source == ALL_SOURCES and matches is None:
            counted = [s for s in members if s.source not in filtered]
        if counted:
            add((ALL_TAGS, source), counted)

    active: dict[Key, list[int]] = {}
    for key, series in diff.items():
        running, out = 0, []
        for delta in series[:span]:
            running += delta
            out.append(running)
        active[key] = out
    return Counts(start, end, active, dict(new), dict(closed))


def _store(session: Session, counts: Counts) -> None:
    session.execute(
        delete(DailyCount).where(DailyCount.day >= counts.start, DailyCount.day <= counts.end)
    )
    keys = counts.keys() | {(ALL_TAGS, ALL_SOURCES)}
    rows = []
    for offset in range(counts.days):
        day = counts.start + timedelta(days=offset)
        for key in keys:
            a = counts.active.get(key)
            n = counts.new.get(key)
            c = counts.closed.get(key)
            values = (a[offset] if a else 0, n[offset] if n else 0, c[offset] if c else 0)
            if any(values) or key == (ALL_TAGS, ALL_SOURCES):
                rows.append(
                    {
                        "day": day,
                        "tag": key[0],
                        "source_id": key[1],
                        "active": values[0],
                        "new": values[1],
                        "closed": values[2],
                    }
                )
    for index in range(0, len(rows), 2000):
        session.execute(insert(DailyCount), rows[index : index + 2000])


def first_day(session: Session, clock: Clock) -> date | None:
    earliest = session.scalar(select(func.min(Posting.first_seen_at)))
    return clock.local_day(earliest) if earliest is not None else None


def refresh_counts(
    session: Session,
    clock: Clock,
    changed_from: date | None,
    stale_after_days: int = DEFAULT_STALE_DAYS,
) -> None:
    """Recompute ``daily_count`` from ``changed_from`` (and any unfilled day) up to today."""
    today = clock.today()
    last_filled = session.scalar(select(func.max(DailyCount.day)))
    start = changed_from
    if last_filled is None:
        start = first_day(session, clock)
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
        return
    _store(session, compute_daily(session, clock, start, today, stale_after_days=stale_after_days))


def rebuild_counts(
    session: Session, clock: Clock, stale_after_days: int = DEFAULT_STALE_DAYS
) -> int:
    """Recompute the whole ``daily_count`` table from postings; returns the rows written."""
    session.execute(delete(DailyCount))
    start = first_day(session, clock)
    if start is None:
        return 0
    counts = compute_daily(session, clock, start, clock.today(), stale_after_days=stale_after_days)
    _store(session, counts)
    return int(session.scalar(select(func.count()).select_from(DailyCount)) or 0)
