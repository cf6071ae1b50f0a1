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
from collections.abc import Collection, Iterator, Mapping, Sequence
from datetime import date
from typing import Any

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from monitor.clock import Clock
from monitor.numbers.counting import LocalDays, Span, count_spans, history_spans, posting_spans
from monitor.numbers.daily import raw_value, span_columns
from monitor.numbers.filters import level_of_job, region_of, source_ids
from monitor.numbers.shares import Counts, Row, period_rows
from monitor.numbers.trends import TrendQuery, first_run_day
from monitor.runs import active_between, lifetime_between, span_active_between, stale_cuts
from monitor.search.index import matched_ids
from monitor.storage.db import in_batches
from monitor.storage.idlist import id_in
from monitor.storage.models import Posting, PostingSpan, PostingTag, Source
from monitor.tagging import resolve_term
from monitor.taxonomy import TagDef

# What a posting's spans are kept or left out by: (source id, region, level group).
Label = tuple[int, str | None, str | None]
# Spans of postings of one label: earlier spans (posting_span) apart from current ones.
Group = tuple[Label, bool]


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
        # (source, region, first day, last day once closed) of every posting read.
        self._lives: list[tuple[int, str | None, int | None, int | None]] = []
        current, earlier, labels = self._read(session)
        self._groups: dict[Group, list[Span]] = defaultdict(list)
        for span in current:
            self._groups[(labels[span.posting], False)].append(span)
        for span in earlier:
            self._groups[(labels[span.posting], True)].append(span)
        tags = sorted({tag for tag in self.resolved.values() if tag is not None})
        wanted = {span.posting for span in current} | {span.posting for span in earlier}
        self._tags: dict[int, set[str]] = defaultdict(set)
        if tags and wanted:
            for posting_id, name in session.execute(
                select(PostingTag.posting_id, PostingTag.tag).where(PostingTag.tag.in_(tags))
            ):
                if posting_id in wanted:
                    self._tags[posting_id].add(name)
        # Per ad-hoc term, its matching postings' spans, grouped alike.
        self._term_groups: dict[str, dict[Group, list[Span]]] = {}
        for term, tag in self.resolved.items():
            if tag is None and term not in self._term_groups:
                matched = set(matched_ids(session, term))
                self._term_groups[term] = {
                    key: [s for s in group if s.posting in matched]
                    for key, group in self._groups.items()
                }
        # Groups narrowed to a shorter range, per (term or None, first day, last day).
        self._ranged: dict[tuple[str | None, int, int], dict[Group, list[Span]]] = {}

    def _read(self, session: Session) -> tuple[list[Span], list[Span], dict[int, Label]]:
        clock, local = self.clock, self._local
        connection = session.connection()
        rows = connection.execute(
            select(
                *span_columns(),
                region_of(),
                level_of_job(),
                raw_value(Posting.first_seen_at),
            ).where(
                or_(
                    active_between(clock, self.start, self.end, events=True),
                    and_(*lifetime_between(clock, self.start, self.end)),
                )
            )
        )
        labels: dict[int, Label] = {}
        lives = self._lives

        def current() -> Iterator[tuple[Any, ...]]:
            for row in in_batches(rows):
                posting, source, region = row[0], row[2], row[7]
                labels[posting] = (source, region, row[8])
                lives.append(
                    (source, region, local[row[9]], None if row[5] is None else local[row[4]])
                )
                yield row[:7]

        cuts = stale_cuts(session, clock, self.stale_after_days)
        last = local.offset(self.end)
        # Postings whose current span starts after the range only count in ``sources``.
        spans = [s for s in posting_spans(current(), local, clock.today(), cuts) if s.first <= last]
        earlier: list[Span] = []
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
                select(Posting.id, Posting.source_id, region_of(), level_of_job()).where(
                    id_in(Posting.id, {row[0] for row in history}, dialect)
                )
            ).all()
            labels.update((posting, (source, r, lv)) for posting, source, r, lv in owners)
            sources = {posting: source for posting, source, _r, _lv in owners}
            earlier = history_spans(history, sources, local)
        return spans, earlier, labels

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
        keep = self._keep(ids, query.region, query.level)

        def spans(term: str | None) -> list[Span]:
            groups = self._in_range(term, start, end)
            return [s for key in keep for s in groups.get(key, ())]

        def counts(kept: list[Span], tagged: bool) -> Counts:
            return count_spans(
                kept,
                start,
                end,
                posting_tags=self._tags if tagged else {},
                per_source=False,
                left_out_of_all=self._filtered if tagged else (),
                origin=self.start,
            )

        resolved = {term: self.resolved[term] for term in query.terms}
        adhoc = {
            term: counts(spans(term), tagged=False) for term, tag in resolved.items() if tag is None
        }
        return period_rows(
            counts(spans(None), tagged=True),
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

    def _keep(
        self, ids: Collection[int] | None, region: str | None, level: str | None
    ) -> list[Group]:
        return [
            key
            for key in self._groups
            if (ids is None or key[0][0] in ids)
            and (region is None or key[0][1] == region)
            and (level is None or key[0][2] == level)
        ]

    def _in_range(self, term: str | None, start: date, end: date) -> Mapping[Group, list[Span]]:
        """The spans (all, or ``term``'s) that ``compute_daily`` reads for ``start``..``end``:
        current ones by ``active_between(events=True)``, earlier ones by
        ``span_active_between(events=True)``. A job's tags are its postings' in the read, so a
        shorter range must not see the postings of a longer one."""
        groups = self._groups if term is None else self._term_groups[term]
        a, b = self._local.offset(start), self._local.offset(end)
        if (a, b) == (0, self._local.offset(self.end)):
            return groups  # the read itself
        key = (term, a, b)
        if key not in self._ranged:
            self._ranged[key] = {
                group: _read_for(spans, group[1], a, b) for group, spans in groups.items()
            }
        return self._ranged[key]

    def new_postings(self, start: date, end: date) -> set[int]:
        """Postings with a sighting span new on a day of ``start``..``end``."""
        a, b = self._local.offset(start), self._local.offset(end)
        return {
            s.posting
            for group in self._groups.values()
            for s in group
            if s.new_on is not None and a <= s.new_on <= b
        }

    def sources(self, region: str, start: date, end: date) -> set[int]:
        """Sources with a posting in ``region`` whose life touches ``start``..``end``
        (``lifetime_between``)."""
        a, b = self._local.offset(start), self._local.offset(end)
        return {
            source
            for source, r, first, last in self._lives
            if r == region and first is not None and first <= b and (last is None or last >= a)
        }


def _read_for(spans: list[Span], earlier: bool, a: int, b: int) -> list[Span]:
    """The spans a read of days a..b takes (offsets from the sweep's first day)."""
    if earlier:
        return [s for s in spans if s.first <= b and s.closed is not None and s.closed >= a]
    return [
        s
        for s in spans
        if s.first <= b
        and (
            s.closed is None
            or s.last >= a
            or s.closed >= a
            or (s.new_on is not None and s.new_on >= a)
        )
    ]
