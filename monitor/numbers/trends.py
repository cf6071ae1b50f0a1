"""The numbers: active, new and share per term and period, with Wilson intervals.

active(term, period) is the mean over the period's counted days of the distinct jobs active
that day with the term; days before the first run of the selected sources are left out, and a
period still running counts only its days up to today (``partial``). new is the sum of daily
new; jobs_total is active(all jobs); share = active / jobs_total with a Wilson 95% interval;
``too_few`` when active < 5.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from monitor.clock import Clock
from monitor.numbers.daily import compute_daily, compute_parts
from monitor.numbers.filters import part_condition, posting_conditions, source_ids, stored_part
from monitor.numbers.hits import jobs_per_company
from monitor.numbers.periods import By
from monitor.numbers.shares import Counts, Row, period_rows
from monitor.runs import DEFAULT_STALE_DAYS, RunStatus, lifetime_between
from monitor.search.index import term_condition
from monitor.storage.models import (
    ALL_SOURCES,
    ALL_TAGS,
    DailyCount,
    DailyPartCount,
    Posting,
    ScrapeRun,
    Source,
)
from monitor.tagging import resolve_term
from monitor.taxonomy import TagDef


@dataclass(frozen=True)
class TrendQuery:
    terms: Sequence[str]
    start: date
    end: date
    by: By = "week"
    sources: Sequence[str] = ()
    countries: Sequence[str] = ()
    level: str | None = None
    companies: Sequence[str] = ()
    group_by: str | None = None  # country | company | source
    top: int = 10
    stale_after_days: int = DEFAULT_STALE_DAYS
    region: str | None = None  # kr | elsewhere | unknown (REGIONS)


def first_run_day(session: Session, clock: Clock, ids: Sequence[int] | None) -> date | None:
    query = select(func.min(ScrapeRun.started_at)).where(ScrapeRun.status != RunStatus.FAILED)
    if ids is not None:
        query = query.where(ScrapeRun.source_id.in_(list(ids)))
    first = session.scalar(query)
    return clock.local_day(first) if first is not None else None


def _stored_counts(
    session: Session,
    clock: Clock,
    start: date,
    end: date,
    tags: Sequence[str],
    stale_after_days: int = DEFAULT_STALE_DAYS,
    part: str | None = None,
) -> Counts:
    """Counts from ``daily_count`` (of a ``part``: from ``daily_part_count``); days it does not
    hold yet (no run since) are computed."""
    span = (end - start).days + 1
    counts = Counts(start, end, {}, {}, {})
    table: Any = DailyCount if part is None else DailyPartCount
    query = select(table.day, table.tag, table.active, table.new).where(
        DailyCount.source_id == ALL_SOURCES if part is None else DailyPartCount.part == part,
        table.tag.in_([*tags, ALL_TAGS]),
        table.day >= start,
        table.day <= end,
    )
    for day, tag, active, new in session.execute(query):
        counts.put((tag, ALL_SOURCES), (day - start).days, active, new)
    filled = session.scalar(select(func.max(table.day)))
    tail_start = start if filled is None else max(start, filled + timedelta(days=1))
    if tail_start <= end:
        tail = compute_daily(
            session,
            clock,
            tail_start,
            end,
            where=[] if part is None else [part_condition(part)],
            tags=tags,
            per_source=False,
            stale_after_days=stale_after_days,
        )
        offset = (tail_start - start).days
        for metric in ("active", "new"):
            target = getattr(counts, metric)
            for key, series in getattr(tail, metric).items():
                target.setdefault(key, [0] * span)[offset:] = series
    return counts


def trend(
    session: Session, clock: Clock, taxonomy: dict[str, TagDef], query: TrendQuery
) -> list[Row]:
    """One row per term and period (and group), as DESIGN.md's "Meaning of the numbers" says."""
    today = clock.today()
    conditions = posting_conditions(session, query)
    ids = source_ids(session, query.sources) if query.sources else None
    first = first_run_day(session, clock, ids)
    if first is None:
        return []
    start = max(query.start, first)
    end = min(query.end, today)
    if start > end:
        return []
    resolved = {term: resolve_term(term, taxonomy) for term in query.terms}
    if not query.group_by:
        part = stored_part(query)
        return _rows(session, clock, query, resolved, start, end, conditions, None, part)
    if query.group_by == "company":
        return _company_rows(session, clock, taxonomy, query, resolved, start, end, first)
    rows: list[Row] = []
    for label, condition in top_groups(session, clock, query, conditions, start, end):
        rows += _rows(session, clock, query, resolved, start, end, [*conditions, condition], label)
    return rows


def trend_parts(
    session: Session,
    clock: Clock,
    taxonomy: dict[str, TagDef],
    query: TrendQuery,
    parts: Sequence[str],
) -> tuple[list[Row], dict[str, list[Row]]]:
    """``trend`` of ``query`` (without filters), and the same with each of ``parts``
    (``PARTS``) as its one filter: the tags' from the stored counts, each ad-hoc term's counted
    in one read of its postings for the whole and every part."""
    if posting_conditions(session, query) or query.group_by:
        raise ValueError("trend_parts takes a query without filters")
    today = clock.today()
    first = first_run_day(session, clock, None)
    if first is None or max(query.start, first) > min(query.end, today):
        return [], {part: [] for part in parts}
    start, end = max(query.start, first), min(query.end, today)
    resolved = {term: resolve_term(term, taxonomy) for term in query.terms}
    tags = sorted({tag for tag in resolved.values() if tag is not None})
    adhoc = {
        term: compute_parts(
            session,
            clock,
            start,
            end,
            matches=term_condition(session, term),
            stale_after_days=query.stale_after_days,
        )
        for term, tag in resolved.items()
        if tag is None
    }

    def rows(part: str | None) -> list[Row]:
        return period_rows(
            _stored_counts(session, clock, start, end, tags, query.stale_after_days, part),
            {
                term: whole if part is None else found[part]
                for term, (whole, found) in adhoc.items()
            },
            resolved,
            query.terms,
            query.start,
            query.end,
            query.by,
            start,
            end,
            today,
        )

    return rows(None), {part: rows(part) for part in parts}


def span_before(start: date, end: date, counted_end: date) -> tuple[date, date]:
    """The span a ``--group-by company`` query compares with: ``start``..``counted_end`` (the
    query's span up to today) moved back by the query's length, ``start``..``end`` in days."""
    length = timedelta(days=(end - start).days + 1)
    return start - length, counted_end - length


def _company_rows(
    session: Session,
    clock: Clock,
    taxonomy: dict[str, TagDef],
    query: TrendQuery,
    resolved: dict[str, str | None],
    start: date,
    end: date,
    first: date,
) -> list[Row]:
    """``--group-by company``: the ``query.top`` companies with the most jobs carrying any of
    the terms on some day of ``start``..``end`` (ties by name), each term's rows carrying the
    company's ``jobs``, ``previous_active`` and ``change`` (``Row``). The span before is the
    counted one moved back by the query's length in days (``--since``..``--until`` as whole
    periods); it is not compared when it starts before the first run."""
    conditions = posting_conditions(session, query)
    before = span_before(query.start, query.end, end)
    compared = before[0] >= first

    def per_company(term: str, a: date, b: date) -> dict[str, set[int]]:
        return jobs_per_company(
            session, clock, conditions, term, taxonomy, a, b, query.stale_after_days
        )

    terms = list(dict.fromkeys(query.terms))
    now = {term: per_company(term, start, end) for term in terms}
    then = {term: per_company(term, *before) if compared else {} for term in terms}
    union: dict[str, set[int]] = {}
    for found in now.values():
        for company, found_jobs in found.items():
            union.setdefault(company, set()).update(found_jobs)
    top = sorted(union, key=lambda company: (-len(union[company]), company))[: query.top]
    rows: list[Row] = []
    for company in top:
        where = [*conditions, Posting.company == company]
        for row in _rows(session, clock, query, resolved, start, end, where, company):
            count = len(now[row.term].get(company, ()))
            previous = len(then[row.term].get(company, ())) if compared else None
            rows.append(
                replace(
                    row,
                    jobs=count,
                    previous_active=previous,
                    change=None if previous is None else count - previous,
                    compared=True,
                )
            )
    return rows


def top_groups(
    session: Session,
    clock: Clock,
    query: TrendQuery,
    conditions: list[ColumnElement[bool]],
    start: date,
    end: date,
) -> list[tuple[str, ColumnElement[bool]]]:
    """The ``query.top`` largest groups by postings active in the range, with their filter."""
    column: Any = {
        "country": Posting.country,
        "company": Posting.company,
        "source": Posting.source_id,
    }[query.group_by or ""]
    counted = (
        select(column, func.count())
        .where(*conditions, *lifetime_between(clock, start, end))
        .group_by(column)
        .order_by(func.count().desc(), column)
        .limit(query.top)
    )
    names = dict(session.execute(select(Source.id, Source.name)).all())
    groups: list[tuple[str, ColumnElement[bool]]] = []
    for value, _count in session.execute(counted):
        if value is None:
            groups.append(("unknown", column.is_(None)))
        elif query.group_by == "source":
            groups.append((names.get(value, str(value)), column == value))
        else:
            groups.append((str(value), column == value))
    return groups


def _rows(
    session: Session,
    clock: Clock,
    query: TrendQuery,
    resolved: dict[str, str | None],
    start: date,
    end: date,
    conditions: list[ColumnElement[bool]],
    group: str | None,
    part: str | None = None,
) -> list[Row]:
    """The rows of ``query``'s terms among the postings meeting ``conditions``; ``part``: the
    stored part those conditions are (``filters.stored_part``), read instead of counted."""
    today = clock.today()
    tags = sorted({tag for tag in resolved.values() if tag is not None})
    if not conditions or part is not None:
        counts = _stored_counts(session, clock, start, end, tags, query.stale_after_days, part)
    else:
        counts = compute_daily(
            session,
            clock,
            start,
            end,
            where=conditions,
            tags=tags,
            per_source=False,
            stale_after_days=query.stale_after_days,
        )
    adhoc: dict[str, Counts] = {}
    for term, tag in resolved.items():
        if tag is None and term not in adhoc:
            adhoc[term] = compute_daily(
                session,
                clock,
                start,
                end,
                where=conditions,
                matches=term_condition(session, term),
                per_source=False,
                stale_after_days=query.stale_after_days,
            )

    return period_rows(
        counts,
        adhoc,
        resolved,
        query.terms,
        query.start,
        query.end,
        query.by,
        start,
        end,
        today,
        group,
    )
