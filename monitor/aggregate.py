"""Daily counts: distinct jobs active, new and closed per day, tag and source.

One function computes them from postings for a range of days (``compute_daily``); the
``daily_count`` table is that result stored, refreshed after every run for the days the run
could change and filled for every day up to today, and ``rebuild_counts`` recomputes it all.
Queries filtered to some sources call ``compute_daily`` directly.

A posting is active on day D when ``first_seen ≤ D ≤ last_seen`` once closed, and
``first_seen ≤ D ≤ today`` while open (days in the configured zone).
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import ColumnElement, and_, delete, func, insert, or_, select
from sqlalchemy.orm import Session

from monitor.clock import Clock
from monitor.models import ALL_SOURCES, ALL_TAGS, DailyCount, Posting, PostingTag, Source

log = logging.getLogger(__name__)

Key = tuple[str, int]  # (tag, source_id)


@dataclass
class Counts:
    """Per key, per day arrays over ``start``..``end``."""

    start: date
    end: date
    active: dict[Key, list[int]]
    new: dict[Key, list[int]]
    closed: dict[Key, list[int]]

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def keys(self) -> set[Key]:
        return set(self.active) | set(self.new) | set(self.closed)

    def value(self, metric: str, key: Key, day: date) -> int:
        series = getattr(self, metric).get(key)
        return series[(day - self.start).days] if series else 0


def compute_daily(
    session: Session,
    clock: Clock,
    start: date,
    end: date,
    *,
    source_ids: Collection[int] | None = None,
    where: Sequence[ColumnElement[bool]] = (),
    posting_ids: Collection[int] | None = None,
    tags: Iterable[str] | None = None,
    per_source: bool = True,
) -> Counts:
    """Count jobs per day over ``start``..``end`` (inclusive) from the postings table.

    ``source_ids`` restricts to those sources, ``where`` to postings meeting those SQL
    conditions, ``posting_ids`` to those postings (an ad-hoc term's matches, counted under the
    tag ``ALL_TAGS``), ``tags`` to those tags.
    """
    today = clock.today()
    span = (end - start).days + 1
    filtered = {
        row.id for row in session.execute(select(Source.id).where(Source.query_filtered.is_(True)))
    }
    range_start = clock.day_start(start)
    range_end = clock.day_end(end)
    conditions = [
        Posting.first_seen_at < range_end,
        or_(
            Posting.closed_at.is_(None),
            Posting.last_seen_at >= range_start,
            Posting.closed_at >= range_start,
        ),
    ]
    if source_ids is not None:
        conditions.append(Posting.source_id.in_(list(source_ids)))
    conditions.extend(where)
    rows = session.execute(
        select(
            Posting.id,
            Posting.source_id,
            Posting.first_seen_at,
            Posting.last_seen_at,
            Posting.closed_at,
            Posting.new_on,
        ).where(and_(*conditions))
    ).all()
    if posting_ids is not None:
        wanted = set(posting_ids)
        rows = [row for row in rows if row.id in wanted]

    posting_tags: dict[int, list[str]] = defaultdict(list)
    if posting_ids is None:
        tag_query = select(PostingTag.posting_id, PostingTag.tag).join(
            Posting, Posting.id == PostingTag.posting_id
        )
        tag_query = tag_query.where(and_(*conditions))
        if tags is not None:
            tag_query = tag_query.where(PostingTag.tag.in_(list(tags)))
        for posting_id, tag in session.execute(tag_query):
            posting_tags[posting_id].append(tag)

    diff: dict[Key, list[int]] = defaultdict(lambda: [0] * (span + 1))
    new: dict[Key, list[int]] = defaultdict(lambda: [0] * span)
    closed: dict[Key, list[int]] = defaultdict(lambda: [0] * span)
    for row in rows:
        keys: list[Key] = []
        row_tags = posting_tags.get(row.id, ())
        sources = (row.source_id, ALL_SOURCES) if per_source else (ALL_SOURCES,)
        for source_id in sources:
            if not (posting_ids is None and source_id == ALL_SOURCES and row.source_id in filtered):
                keys.append((ALL_TAGS, source_id))
            keys.extend((tag, source_id) for tag in row_tags)
        first = clock.local_day(row.first_seen_at)
        last = clock.local_day(row.last_seen_at) if row.closed_at is not None else today
        lo = max(first, start)
        hi = min(last, end)
        if lo <= hi:
            a, b = (lo - start).days, (hi - start).days + 1
            for key in keys:
                series = diff[key]
                series[a] += 1
                series[b] -= 1
        if row.new_on is not None and start <= row.new_on <= end:
            index = (row.new_on - start).days
            for key in keys:
                new[key][index] += 1
        if row.closed_at is not None:
            closed_day = clock.local_day(row.closed_at)
            if start <= closed_day <= end:
                index = (closed_day - start).days
                for key in keys:
                    closed[key][index] += 1

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


def refresh_counts(session: Session, clock: Clock, changed_from: date | None) -> None:
    """Recompute ``daily_count`` from ``changed_from`` (and any unfilled day) up to today."""
    today = clock.today()
    last_filled = session.scalar(select(func.max(DailyCount.day)))
    start = changed_from
    if last_filled is not None and last_filled < today:
        next_day = last_filled + timedelta(days=1)
        start = next_day if start is None else min(start, next_day)
    if last_filled is None:
        start = first_day(session, clock)
    if start is None or start > today:
        return
    _store(session, compute_daily(session, clock, start, today))


def rebuild_counts(session: Session, clock: Clock) -> int:
    """Recompute the whole ``daily_count`` table from postings; returns the rows written."""
    session.execute(delete(DailyCount))
    start = first_day(session, clock)
    if start is None:
        return 0
    _store(session, compute_daily(session, clock, start, clock.today()))
    return int(session.scalar(select(func.count()).select_from(DailyCount)) or 0)
