"""Daily counts: distinct jobs active, new and closed per day, tag and source.

One function computes them from postings for a range of days (``compute_daily``); the
``daily_count`` table is that result stored (``store_days``; :mod:`monitor.numbers.refresh`
decides which days, after every run and on a rebuild).
``daily_part_count`` holds the same for each region and level group (``filters.PARTS``), counted
from the same read (``compute_parts``). Queries with other filters call ``compute_daily``.

A posting is active on day D within each of its sighting spans: ``active_from ≤ D ≤ last_seen``
once closed, ``active_from ≤ D ≤ today`` while open, and earlier spans from ``posting_span``
(so the gap before a repost is not active). A job is active on a day when any of its postings
is, and counts once. A stale source's open postings stop counting after its last healthy day.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
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
from monitor.numbers.counting import (
    LocalDays,
    Spans,
    count_spans,
    history_spans,
    posting_spans,
    tag_postings,
)
from monitor.numbers.filters import LEVELS, REGIONS, codes_of, level_codes, region_of
from monitor.numbers.shares import Counts, Key
from monitor.runs import DEFAULT_STALE_DAYS, active_between, span_active_between, stale_cuts
from monitor.storage.db import driver_rows
from monitor.storage.idlist import id_in
from monitor.storage.models import (
    DailyCount,
    DailyPartCount,
    Posting,
    PostingSpan,
    PostingTag,
    Source,
)
from monitor.storage.schema import ALL_SOURCES, ALL_TAGS

log = logging.getLogger(__name__)


def raw_value(column: Any) -> Any:
    """A stored instant or day as the driver returns it: SQLite's ISO text or PostgreSQL's
    naive UTC datetime or date. ``_LocalDays`` converts each distinct value once, instead of
    the column type converting every row."""
    return type_coerce(column, String())


def span_columns() -> tuple[Any, ...]:
    """The columns of a posting's current sighting span, as ``posting_spans`` reads them: id,
    job, source, then active_from, last_seen_at, closed_at and new_on as stored."""
    return (
        Posting.id,
        Posting.job_id,
        Posting.source_id,
        raw_value(Posting.active_from),
        raw_value(Posting.last_seen_at),
        raw_value(Posting.closed_at),
        raw_value(Posting.new_on),
    )


def _spans(
    session: Session,
    clock: Clock,
    start: date,
    end: date,
    conditions: list[ColumnElement[bool]],
    cuts: dict[int, date],
    *,
    labelled: bool = False,
) -> tuple[Spans, dict[str, Any]]:
    """The spans counting in ``start``..``end`` of the postings meeting ``conditions``; with
    ``labelled``, also a mask over them per stored part (``PARTS``: the span's posting is in
    that region or level group, as ``part_condition`` decides)."""
    local = LocalDays(clock, start)
    labels = (region_of(), Posting.level) if labelled else ()
    # Core execution: rows as tuples, without the ORM's per-row bookkeeping.
    connection = session.connection()
    rows = driver_rows(
        session,
        select(*span_columns(), *labels).where(
            *conditions, active_between(clock, start, end, events=True)
        ),
    )
    out = posting_spans(rows, local, clock.today(), cuts)
    regions = [row[7] for row in rows] if labelled else []
    levels = [row[8] for row in rows] if labelled else []
    jobs = [row[1] for row in rows] if labelled else []
    # Earlier spans of reposted postings: few, so read them first, then their postings.
    history = connection.execute(
        select(
            PostingSpan.posting_id,
            PostingSpan.job_id,
            raw_value(PostingSpan.start_at),
            raw_value(PostingSpan.end_at),
            raw_value(PostingSpan.closed_at),
            raw_value(PostingSpan.new_on),
        ).where(span_active_between(clock, start, end, events=True))
    ).all()
    if history:
        dialect = connection.dialect.name
        owners = {
            row[0]: row[1:]
            for row in connection.execute(
                select(Posting.id, Posting.source_id, *labels, Posting.job_id).where(
                    *conditions, id_in(Posting.id, {row[0] for row in history}, dialect)
                )
            )
        }
        earlier = history_spans(history, {p: o[0] for p, o in owners.items()}, local)
        out = Spans.joined([out, earlier])
        if labelled:
            for posting in earlier.posting.tolist():
                _source, region, level, job = owners[posting]
                regions.append(region)
                levels.append(level)
                jobs.append(job)
    if not labelled:
        return out, {}
    region_codes = codes_of(regions, REGIONS)
    level_of = level_codes(session, levels, jobs)
    masks = {f"region:{r}": region_codes == i for i, r in enumerate(REGIONS)}
    masks.update({f"level:{lv}": level_of == i for i, lv in enumerate(LEVELS)})
    return out, masks


def _posting_tags(
    session: Session,
    spans: Spans,
    conditions: Sequence[ColumnElement[bool]],
    tags: Iterable[str] | None,
) -> dict[int, set[str]]:
    """The tags (of ``tags``, default all) of the postings of ``spans``."""
    posting_tags: dict[int, set[str]] = defaultdict(set)
    if not len(spans):
        return posting_tags
    tag_query = select(PostingTag.posting_id, PostingTag.tag).join(
        Posting, Posting.id == PostingTag.posting_id
    )
    if conditions:
        tag_query = tag_query.where(and_(*conditions))
    if tags is not None:
        tag_query = tag_query.where(PostingTag.tag.in_(list(tags)))
    wanted_postings = set(spans.posting.tolist())
    for posting_id, tag in session.execute(tag_query):
        if posting_id in wanted_postings:
            posting_tags[posting_id].add(tag)
    return posting_tags


def _filtered_sources(session: Session) -> set[int]:
    return set(session.scalars(select(Source.id).where(Source.query_filtered.is_(True))))


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
    filtered = _filtered_sources(session)
    conditions: list[ColumnElement[bool]] = list(where)
    if source_ids is not None:
        conditions.append(Posting.source_id.in_(list(source_ids)))
    cuts = stale_cuts(session, clock, stale_after_days)
    if matches is not None:
        conditions.append(matches)
    spans, _ = _spans(session, clock, start, end, conditions, cuts)
    posting_tags = _posting_tags(session, spans, conditions, tags) if matches is None else {}
    return count_spans(
        spans,
        start,
        end,
        posting_tags=posting_tags,
        per_source=per_source,
        left_out_of_all=filtered if matches is None else (),
    )


def compute_parts(
    session: Session,
    clock: Clock,
    start: date,
    end: date,
    *,
    matches: ColumnElement[bool] | None = None,
    stale_after_days: int = DEFAULT_STALE_DAYS,
) -> tuple[Counts, dict[str, Counts]]:
    """From one read of the postings: ``compute_daily``'s counts per tag and source, and per
    part (``PARTS``) the all-sources counts ``compute_daily(where=[part_condition(part)])``
    gives; of an ad-hoc term's matching postings with ``matches``, as ``compute_daily`` counts
    them. What ``daily_count`` and ``daily_part_count`` hold is this without ``matches``."""
    filtered = _filtered_sources(session)
    cuts = stale_cuts(session, clock, stale_after_days)
    where = [] if matches is None else [matches]
    spans, masks = _spans(session, clock, start, end, where, cuts, labelled=True)
    posting_tags = _posting_tags(session, spans, [], None) if matches is None else {}
    left_out = filtered if matches is None else set()
    ordered, order = spans.sorted()
    tagged = tag_postings(posting_tags)
    counts = count_spans(
        ordered, start, end, tagged=tagged, per_source=matches is None, left_out_of_all=left_out
    )
    parts = {
        part: count_spans(
            ordered.take(mask[order]),
            start,
            end,
            tagged=tagged,
            per_source=False,
            left_out_of_all=left_out,
        )
        for part, mask in masks.items()
    }
    return counts, parts


def _store(session: Session, counts: Counts, parts: Mapping[str, Counts]) -> None:
    """Replace the stored rows of ``counts``'s days: its keys in ``daily_count``, and each
    part's all-sources keys in ``daily_part_count``. Every day keeps its all-jobs row (in each
    part too), so a day without one has not been counted."""
    session.execute(
        delete(DailyCount).where(DailyCount.day >= counts.start, DailyCount.day <= counts.end)
    )
    session.execute(
        delete(DailyPartCount).where(
            DailyPartCount.day >= counts.start, DailyPartCount.day <= counts.end
        )
    )
    rows = [
        {"tag": tag, "source_id": source, **values}
        for (tag, source), values in _rows_of(counts, counts.keys())
    ]
    for index in range(0, len(rows), 2000):
        session.execute(insert(DailyCount), rows[index : index + 2000])
    part_rows = [
        {"part": part, "tag": tag, **values}
        for part, found in parts.items()
        for (tag, _source), values in _rows_of(found, found.keys())
    ]
    for index in range(0, len(part_rows), 2000):
        session.execute(insert(DailyPartCount), part_rows[index : index + 2000])


def _rows_of(counts: Counts, keys: Collection[Key]) -> Iterator[tuple[Key, dict[str, Any]]]:
    """Per day and key, the day's values where any is non-zero, and the all-jobs row always."""
    keys = set(keys) | {(ALL_TAGS, ALL_SOURCES)}
    for offset in range(counts.days):
        day = counts.start + timedelta(days=offset)
        for key in keys:
            a = counts.active.get(key)
            n = counts.new.get(key)
            c = counts.closed.get(key)
            values = (a[offset] if a else 0, n[offset] if n else 0, c[offset] if c else 0)
            if any(values) or key == (ALL_TAGS, ALL_SOURCES):
                yield key, {"day": day, "active": values[0], "new": values[1], "closed": values[2]}


def first_day(session: Session, clock: Clock) -> date | None:
    earliest = session.scalar(select(func.min(Posting.first_seen_at)))
    return clock.local_day(earliest) if earliest is not None else None


def filled_through(session: Session) -> date | None:
    """The last day both tables are filled to (None: not filled, as after migration 0013)."""
    filled = [session.scalar(select(func.max(t.day))) for t in (DailyCount, DailyPartCount)]
    return None if None in filled else min(d for d in filled if d is not None)


def store_days(
    session: Session,
    clock: Clock,
    start: date,
    end: date,
    stale_after_days: int = DEFAULT_STALE_DAYS,
) -> None:
    """Count ``start``..``end`` and store it in both tables, replacing those days' rows."""
    _store(session, *compute_parts(session, clock, start, end, stale_after_days=stale_after_days))


def clear(session: Session) -> None:
    session.execute(delete(DailyCount))
    session.execute(delete(DailyPartCount))


def stored_rows(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(DailyCount)) or 0)
