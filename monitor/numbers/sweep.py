"""The report's filtered numbers from one read of the postings.

``trend`` with a filter counts from the postings (``compute_daily``), so each filter reads
every posting of its range again; the report asks for seven (three regions, three levels, the
sources present in the change's five weeks) of the same terms. A ``Sweep`` reads the sighting
spans once, each posting with its source, region and level as ``monitor.numbers.filters``
decides them in SQL, and counts each filter from the spans of the postings it keeps, with the
same counting (``monitor.numbers.counting``) and arithmetic (``monitor.numbers.shares``): its
rows are ``trend``'s.

The read takes every posting whose current span may count in the range
(``active_between(events=True)``, as ``compute_daily`` reads) or whose life touches it
(``lifetime_between``, what ``sources`` answers from), and the earlier spans as
``compute_daily`` reads them. A filter over a part of the range keeps just the spans its own
read would take (a job's tags are those of its postings in the read, so a posting that closed
before the part must not lend the job its tags) and counts them from the part's first day
(``count_spans(origin=...)``). ``new_postings`` relies on the store's rule that a span is new
on the day it starts, so every posting new in the range is in the read.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Mapping, Sequence
from datetime import date
from typing import Any

import numpy as np
from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from monitor.clock import Clock
from monitor.numbers.counting import (
    NO_DAY,
    LocalDays,
    Spans,
    count_spans,
    day_column,
    history_spans,
    spans_of_columns,
)
from monitor.numbers.daily import raw_value, span_columns
from monitor.numbers.filters import LEVELS, REGIONS, level_codes, region_of, source_ids
from monitor.numbers.shares import Counts, Row, period_rows
from monitor.numbers.trends import TrendQuery, first_run_day
from monitor.runs import active_between, lifetime_between, span_active_between, stale_cuts
from monitor.search.index import matched_ids
from monitor.storage.db import driver_rows
from monitor.storage.idlist import id_in
from monitor.storage.models import Posting, PostingSpan, PostingTag, Source
from monitor.tagging import resolve_term
from monitor.taxonomy import TagDef

# A posting's region and level group as small numbers (-1: none).
_REGION = {region: code for code, region in enumerate(REGIONS)}
_LEVEL = {level: code for code, level in enumerate(LEVELS)}


class Sweep:
    """The spans of ``start``..``end`` for ``terms``, read once; ``trend`` counts a filter."""

    def __init__(
        self,
        session: Session,
        clock: Clock,
        taxonomy: Mapping[str, TagDef],
        terms: Sequence[str],
        start: date,
        end: date,
        stale_after_days: int,
    ) -> None:
        self.clock, self.start, self.end = clock, start, end
        self.stale_after_days = stale_after_days
        self.resolved = {term: resolve_term(term, dict(taxonomy)) for term in terms}
        self._local = LocalDays(clock, start)
        self._filtered = set(
            session.scalars(select(Source.id).where(Source.query_filtered.is_(True)))
        )
        # Every span read (current and earlier ones), by job and first day, with its
        # posting's region and level group, and whether it is an earlier one.
        spans, region, level, earlier = self._read(session)
        self._spans, order = spans.sorted()
        self._region, self._level, self._earlier = region[order], level[order], earlier[order]
        tags = sorted({tag for tag in self.resolved.values() if tag is not None})
        found: dict[str, list[int]] = defaultdict(list)
        if tags and len(spans):
            for posting_id, name in session.execute(
                select(PostingTag.posting_id, PostingTag.tag).where(PostingTag.tag.in_(tags))
            ):
                found[name].append(posting_id)
        wanted = self._spans.posting
        self._tagged = {
            tag: postings[np.isin(postings, wanted)]
            for tag, postings in ((t, np.asarray(p, dtype=np.int64)) for t, p in found.items())
        }
        # Per ad-hoc term, which spans are its matching postings'.
        self._term_masks: dict[str, Any] = {}
        for term, tag in self.resolved.items():
            if tag is None and term not in self._term_masks:
                matched = np.fromiter(matched_ids(session, term), dtype=np.int64)
                self._term_masks[term] = np.isin(wanted, matched)

    def _read(self, session: Session) -> tuple[Spans, Any, Any, Any]:
        clock, local = self.clock, self._local
        rows = driver_rows(
            session,
            select(
                *span_columns(),
                region_of(),
                Posting.level,
                raw_value(Posting.first_seen_at),
            ).where(
                or_(
                    active_between(clock, self.start, self.end, events=True),
                    and_(*lifetime_between(clock, self.start, self.end)),
                )
            ),
        )
        columns = list(zip(*rows, strict=True)) or [()] * 10
        cuts = stale_cuts(session, clock, self.stale_after_days)
        current = spans_of_columns(columns, local, clock.today(), cuts)
        region = _codes(columns[7], _REGION)
        # (source, region, first day, last day once closed) of every posting read.
        self._lives = (
            current.source,
            region,
            day_column(columns[9], local),
            np.where(current.closed == NO_DAY, NO_DAY, current.last),
        )
        # Postings whose current span starts after the range only count in ``sources``.
        keep = current.first <= local.offset(self.end)
        # Each posting's level and job, worked out together at the end.
        levels, jobs = list(columns[8]), list(columns[1])
        parts = [(current.take(keep), region[keep], False)]
        connection = session.connection()
        history = connection.execute(
            select(
                PostingSpan.posting_id,
                PostingSpan.job_id,
                raw_value(PostingSpan.start_at),
                raw_value(PostingSpan.end_at),
                raw_value(PostingSpan.closed_at),
                raw_value(PostingSpan.new_on),
            ).where(span_active_between(clock, self.start, self.end, events=True))
        ).all()
        if history:
            dialect = connection.dialect.name
            owners = connection.execute(
                select(
                    Posting.id, Posting.source_id, region_of(), Posting.level, Posting.job_id
                ).where(id_in(Posting.id, {row[0] for row in history}, dialect))
            ).all()
            labels = {posting: (r, lv, job) for posting, _s, r, lv, job in owners}
            earlier = history_spans(history, {row[0]: row[1] for row in owners}, local)
            posting = earlier.posting.tolist()
            parts.append((earlier, _codes([labels[p][0] for p in posting], _REGION), True))
            levels += [labels[p][1] for p in posting]
            jobs += [labels[p][2] for p in posting]
        level = level_codes(session, levels, jobs)
        return (
            Spans.joined([p[0] for p in parts]),
            np.concatenate([p[1] for p in parts]),
            np.concatenate([level[: len(keep)][keep], level[len(keep) :]]),
            np.concatenate([np.full(len(p[0]), p[2], dtype=np.bool_) for p in parts]),
        )

    def trend(self, session: Session, query: TrendQuery) -> list[Row]:
        """``trend(query)`` for a query of these terms within the range, filtered by sources,
        region and level at most."""
        if query.countries or query.companies or query.group_by:
            raise ValueError("a sweep filters by sources, region and level only")
        if not set(query.terms) <= set(self.resolved):
            raise ValueError("a sweep counts the terms it was read for")
        if query.stale_after_days != self.stale_after_days:
            raise ValueError("a sweep counts with the stale rule it was read with")
        ids = source_ids(session, query.sources) if query.sources else None
        first = first_run_day(session, self.clock, ids)
        if first is None:
            return []
        today = self.clock.today()
        start, end = max(query.start, first), min(query.end, today)
        if start > end:
            return []
        if start < self.start or end > self.end:
            raise ValueError("a sweep counts within the range it was read for")
        keep = self._keep(ids, query.region, query.level) & self._in_range(start, end)

        def counts(mask: Any, tagged: bool) -> Counts:
            return count_spans(
                self._spans.take(mask),
                start,
                end,
                tagged=self._tagged if tagged else {},
                per_source=False,
                left_out_of_all=self._filtered if tagged else (),
                origin=self.start,
            )

        resolved = {term: self.resolved[term] for term in query.terms}
        adhoc = {
            term: counts(keep & self._term_masks[term], tagged=False)
            for term, tag in resolved.items()
            if tag is None
        }
        return period_rows(
            counts(keep, tagged=True),
            adhoc,
            resolved,
            query.terms,
            query.start,
            query.end,
            query.by,
            start,
            end,
            today,
        )

    def _keep(self, ids: Collection[int] | None, region: str | None, level: str | None) -> Any:
        """A mask over the spans: those of postings the filters keep."""
        keep = np.ones(len(self._spans), dtype=np.bool_)
        if ids is not None:
            keep &= np.isin(self._spans.source, np.fromiter(ids, dtype=np.int64))
        if region is not None:
            keep &= self._region == _REGION.get(region, -2)
        if level is not None:
            keep &= self._level == _LEVEL.get(level, -2)
        return keep

    def _in_range(self, start: date, end: date) -> Any:
        """A mask over the spans: those that ``compute_daily`` reads for ``start``..``end``
        (current ones by ``active_between(events=True)``, earlier ones by
        ``span_active_between(events=True)``). A job's tags are its postings' in the read, so
        a shorter range must not see the postings of a longer one."""
        a, b = self._local.offset(start), self._local.offset(end)
        s = self._spans
        begun = s.first <= b
        earlier = self._earlier & (s.closed != NO_DAY) & (s.closed >= a)
        current = ~self._earlier & (
            (s.closed == NO_DAY)
            | (s.last >= a)
            | (s.closed >= a)
            | ((s.new_on != NO_DAY) & (s.new_on >= a))
        )
        return begun & (earlier | current)

    def new_postings(self, start: date, end: date) -> set[int]:
        """Postings with a sighting span new on a day of ``start``..``end``."""
        a, b = self._local.offset(start), self._local.offset(end)
        new_on = self._spans.new_on
        return set(self._spans.posting[(new_on >= a) & (new_on <= b)].tolist())

    def sources(self, region: str, start: date, end: date) -> set[int]:
        """Sources with a posting in ``region`` whose life touches ``start``..``end``
        (``lifetime_between``)."""
        a, b = self._local.offset(start), self._local.offset(end)
        source, regions, first, last = self._lives
        hit = (regions == _REGION.get(region, -2)) & (first <= b) & (last >= a)
        return set(source[hit].tolist())


def _codes(values: Sequence[str | None], codes: Mapping[str, int]) -> Any:
    """Each value's code (-1 for None or an unknown value), compared a code at a time."""
    read = np.asarray(values, dtype=object)
    out = np.full(len(read), -1, dtype=np.int64)
    for value, code in codes.items():
        out[read == value] = code
    return out
