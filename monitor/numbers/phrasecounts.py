"""The jobs active in a period and their candidate phrases, for ``trending`` and ``skills``.

A job is in a period when one of its postings is active on some day of it, by the rules of
:mod:`monitor.numbers.listing` (every sighting span; a stale source's open postings stop at its
last healthy day), among the postings the query filters keep. Postings of query-filtered
sources (boards asked for a keyword) are left out, as they are from every denominator: they
would make their keyword look common. A job carries a phrase when one of its postings active in
the period does (``posting_phrases``, stored with the postings).

One query reads every window at once (a flag per window), and the phrases of a window are held
as arrays: each job's distinct phrase ids, with the job they belong to (``JobPhrases``), so a
count over all phrases is one ``numpy.bincount``.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
from sqlalchemy import ColumnElement, case, func, or_, select, type_coerce, union_all
from sqlalchemy.orm import Session
from sqlalchemy.types import NullType

from monitor.clock import Clock
from monitor.numbers.filters import posting_conditions
from monitor.numbers.listing import FilterLike, as_query
from monitor.runs import (
    DEFAULT_STALE_DAYS,
    active_between,
    lifetime_between,
    span_active_between,
    stale_cuts,
)
from monitor.storage.models import Posting, PostingPhrases, PostingSpan, Source
from monitor.storage.phrases import ID_TYPE

Ids = np.ndarray[Any, np.dtype[np.uint32]]


@dataclass(frozen=True)
class JobPhrases:
    """The jobs of one window, numbered 0 .. jobs - 1: entry ``k`` of ``ids`` is a phrase that
    job ``job_of[k]`` has (each once per job); ``posting_ids[i]`` is a posting active in the
    window, of job ``posting_job[i]``."""

    job_ids: Any  # the stored job of each job number (negative: a posting without a job)
    companies: list[str]  # the company of each job, folded (distinct companies are counted)
    posting_ids: Any
    posting_job: Any
    ids: Ids
    job_of: Any

    @property
    def jobs(self) -> int:
        return len(self.job_ids)

    def counts(self, size: int, mask: Any = None) -> Any:
        """Per phrase id (``0 .. size - 1``): how many of the jobs (those of ``mask``) have it."""
        ids = self.ids if mask is None else self.ids[mask[self.job_of]]
        return np.bincount(ids, minlength=size)[:size]

    def jobs_with_postings(self, postings: Collection[int]) -> Any:
        """A mask over the jobs: those with one of ``postings`` in the window."""
        mask = np.zeros(self.jobs, dtype=np.bool_)
        hit = np.isin(self.posting_ids, np.fromiter(postings, dtype=np.int64))
        mask[self.posting_job[hit]] = True
        return mask

    def owners(self, wanted: Sequence[int]) -> dict[int, list[int]]:
        """For each of the ``wanted`` phrase ids, the numbers of the jobs that have it."""
        hit = np.isin(self.ids, np.asarray(wanted, dtype=ID_TYPE))
        out: dict[int, list[int]] = {int(p): [] for p in wanted}
        for phrase, job in zip(self.ids[hit].tolist(), self.job_of[hit].tolist(), strict=True):
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
    # NOT IN a short list (usually empty): an IN would make SQLite read postings through the
    # source index, in random order, instead of one pass over the table.
    filtered = list(session.scalars(select(Source.id).where(Source.query_filtered.is_(True))))
    if filtered:
        conditions.append(Posting.source_id.not_in(filtered))
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
    ).where(
        *conditions,
        # A cheap superset first (plain comparisons), so the flags are worked out only there.
        *lifetime_between(clock, min(s for s, _ in bounded), max(e for _, e in bounded)),
        or_(*current_flags),
    )
    earlier = (
        select(
            PostingSpan.posting_id, PostingSpan.job_id, Posting.company, *_flag_columns(span_flags)
        )
        .join(Posting, Posting.id == PostingSpan.posting_id)
        .where(*conditions, or_(*span_flags))
    )
    units = union_all(current, earlier).subquery("units")
    # The stored bytes as the driver gives them (no per-row result processing).
    raw_ids = type_coerce(PostingPhrases.ids, NullType())
    statement = select(units, raw_ids).outerjoin(
        PostingPhrases, PostingPhrases.posting_id == units.c.posting_id
    )
    rows = session.execute(statement).all()
    return [_arrays([row for row in rows if row[3 + w]]) for w in range(len(windows))]


def _read(values: Sequence[bytes | None], which: Any, posting_job: Any) -> tuple[Ids, Any]:
    """The phrase ids of the postings ``which`` (indices into ``values``), and their jobs."""
    blobs = [values[i] or b"" for i in which.tolist()]
    lengths = np.fromiter(map(len, blobs), dtype=np.int64, count=len(blobs)) // ID_TYPE.itemsize
    ids = np.frombuffer(b"".join(blobs), dtype=ID_TYPE)
    return ids, np.repeat(posting_job[which], lengths)


def _flag_columns(flags: Sequence[ColumnElement[bool]]) -> list[Any]:
    return [case((flag, 1), else_=0).label(f"in_{i}") for i, flag in enumerate(flags)]


def _arrays(rows: Sequence[Any]) -> JobPhrases:
    """One window's rows (posting, job, company, flags..., phrase ids) as arrays: all ids read
    in one buffer, a job's postings' ids made distinct only where a job has several."""
    if not rows:
        empty = np.zeros(0, dtype=np.int64)
        return JobPhrases(empty, [], empty, empty, np.zeros(0, dtype=ID_TYPE), empty)
    columns = list(zip(*rows, strict=True))
    if len(set(columns[0])) < len(rows):  # a posting's earlier spans share its phrases
        once = {row[0]: row for row in reversed(rows)}
        columns = list(zip(*once.values(), strict=True))
    pids, jobs, names, values = columns[0], columns[1], columns[2], columns[-1]
    number: dict[int, int] = {}
    posting_job = np.fromiter(
        (number.setdefault(job, len(number)) for job in jobs), dtype=np.int64, count=len(jobs)
    )
    job_ids = np.fromiter(number, dtype=np.int64, count=len(number))
    # Jobs of one posting (most) are read as they are; only jobs of several postings (one ad
    # on two boards) have their postings' ids made distinct.
    several = np.bincount(posting_job, minlength=len(job_ids))[posting_job] > 1
    alone = np.flatnonzero(~several)
    ids, job_of = _read(values, alone, posting_job)
    if several.any():
        shared_ids, shared_jobs = _read(values, np.flatnonzero(several), posting_job)
        keys = np.sort((shared_jobs.astype(np.uint64) << np.uint64(32)) | shared_ids)
        keys = keys[np.concatenate(([True], keys[1:] != keys[:-1]))]
        ids = np.concatenate([ids, (keys & np.uint64(0xFFFFFFFF)).astype(ID_TYPE)])
        job_of = np.concatenate([job_of, (keys >> np.uint64(32)).astype(np.int64)])
    companies = [""] * len(job_ids)
    for name, job in zip(names, posting_job.tolist(), strict=True):
        if not companies[job]:
            companies[job] = (name or "").strip().casefold()
    posting_ids = np.fromiter(pids, dtype=np.int64, count=len(pids))
    return JobPhrases(
        job_ids=job_ids,
        companies=companies,
        posting_ids=posting_ids,
        posting_job=posting_job,
        ids=ids,
        job_of=job_of,
    )
