"""The jobs active in a period and their candidate phrases, for ``trending`` and ``skills``.

A job is in a period when one of its postings is active on some day of it, by the rules of
:mod:`monitor.numbers.listing` (every sighting span; a stale source's open postings stop at its
last healthy day), among the postings the query filters keep. Postings of query-filtered
sources (boards asked for a keyword) are left out, as they are from every denominator: they
would make their keyword look common. A job carries a phrase when one of its postings active in
the period does (``posting_phrases``, stored with the postings).

One query reads every window at once (a flag per window), and the phrases of a window are held
as arrays: per job, its distinct phrase ids (``JobPhrases``), so a count over all phrases is one
``numpy.bincount``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
from sqlalchemy import ColumnElement, case, func, or_, select, union_all
from sqlalchemy.orm import Session

from monitor.clock import Clock
from monitor.numbers.filters import posting_conditions
from monitor.numbers.listing import FilterLike, as_query
from monitor.runs import DEFAULT_STALE_DAYS, active_between, span_active_between, stale_cuts
from monitor.storage.models import Posting, PostingPhrases, PostingSpan, Source
from monitor.storage.phrases import ID_TYPE, unpack

Ids = np.ndarray[Any, np.dtype[np.uint32]]


@dataclass(frozen=True)
class JobPhrases:
    """The jobs of one window: job ``i``'s phrase ids are ``ids[offsets[i]:offsets[i + 1]]``."""

    job_ids: list[int]
    companies: list[str]  # the company of each job, folded (distinct companies are counted)
    postings: list[tuple[int, ...]]  # each job's postings active in the window
    offsets: np.ndarray[Any, np.dtype[np.int64]]
    ids: Ids

    @property
    def jobs(self) -> int:
        return len(self.job_ids)

    def counts(self, size: int, mask: np.ndarray[Any, np.dtype[np.bool_]] | None = None) -> Any:
        """Per phrase id (``0 .. size - 1``): how many of the jobs (those of ``mask``) have it."""
        ids = self.ids if mask is None else self.ids[np.repeat(mask, np.diff(self.offsets))]
        return np.bincount(ids, minlength=size)[:size]

    def owners(self, wanted: Sequence[int]) -> dict[int, list[int]]:
        """For each of the ``wanted`` phrase ids, the indices of the jobs that have it."""
        jobs = np.repeat(np.arange(self.jobs), np.diff(self.offsets))
        hit = np.isin(self.ids, np.asarray(wanted, dtype=ID_TYPE))
        out: dict[int, list[int]] = {int(p): [] for p in wanted}
        for phrase, job in zip(self.ids[hit].tolist(), jobs[hit].tolist(), strict=True):
            out[phrase].append(job)
        return out

    def company_counts(self, wanted: Sequence[int]) -> dict[int, int]:
        """For each of the ``wanted`` phrase ids, the distinct companies of its jobs."""
        return {
            phrase: len({self.companies[j] for j in jobs})
            for phrase, jobs in self.owners(wanted).items()
        }


def windows_phrases(
    session: Session,
    clock: Clock,
    windows: Sequence[tuple[date, date]],
    filters: FilterLike,
    stale_after_days: int = DEFAULT_STALE_DAYS,
) -> list[JobPhrases]:
    """The jobs active in each window (first day, last day) and their phrases."""
    conditions = posting_conditions(session, as_query(filters))
    whole = select(Source.id).where(Source.query_filtered.is_(False))
    conditions.append(Posting.source_id.in_(whole))
    cuts = stale_cuts(session, clock, stale_after_days)
    today = clock.today()
    bounded = [(start, min(end, today)) for start, end in windows]
    current_flags = [active_between(clock, s, e, cuts=cuts) for s, e in bounded]
    span_flags = [span_active_between(clock, s, e) for s, e in bounded]
    job = func.coalesce(Posting.job_id, -Posting.id)
    current = select(
        Posting.id.label("posting_id"),
        job.label("job"),
        Posting.company.label("company"),
        *_flag_columns(current_flags),
    ).where(*conditions, or_(*current_flags))
    earlier = (
        select(
            PostingSpan.posting_id, PostingSpan.job_id, Posting.company, *_flag_columns(span_flags)
        )
        .join(Posting, Posting.id == PostingSpan.posting_id)
        .where(*conditions, or_(*span_flags))
    )
    units = union_all(current, earlier).subquery("units")
    statement = select(units, PostingPhrases.ids).outerjoin(
        PostingPhrases, PostingPhrases.posting_id == units.c.posting_id
    )
    gathered: list[dict[int, _Job]] = [{} for _ in windows]
    for row in session.execute(statement):
        posting_id, job_id, company = row[0], row[1], row[2]
        for w, held in enumerate(gathered):
            if row[3 + w]:
                entry = held.get(job_id)
                if entry is None:
                    entry = held[job_id] = _Job((company or "").strip().casefold())
                entry.add(posting_id, row[-1])
    return [_arrays(held) for held in gathered]


def _flag_columns(flags: Sequence[ColumnElement[bool]]) -> list[Any]:
    return [case((flag, 1), else_=0).label(f"in_{i}") for i, flag in enumerate(flags)]


class _Job:
    __slots__ = ("company", "postings", "values")

    def __init__(self, company: str) -> None:
        self.company = company
        self.postings: dict[int, None] = {}
        self.values: list[bytes | None] = []

    def add(self, posting_id: int, value: bytes | None) -> None:
        if posting_id not in self.postings:  # a posting's spans share its phrases
            self.postings[posting_id] = None
            self.values.append(value)

    def ids(self) -> Ids:
        if len(self.values) == 1:
            return unpack(self.values[0])
        return np.unique(np.concatenate([unpack(v) for v in self.values])).astype(ID_TYPE)


def _arrays(held: dict[int, _Job]) -> JobPhrases:
    order = sorted(held)
    parts = [held[j].ids() for j in order]
    lengths = np.fromiter((len(p) for p in parts), dtype=np.int64, count=len(parts))
    offsets = np.zeros(len(parts) + 1, dtype=np.int64)
    np.cumsum(lengths, out=offsets[1:])
    ids = np.concatenate(parts).astype(ID_TYPE) if parts else np.zeros(0, dtype=ID_TYPE)
    return JobPhrases(
        job_ids=order,
        companies=[held[j].company for j in order],
        postings=[tuple(held[j].postings) for j in order],
        offsets=offsets,
        ids=ids,
    )
