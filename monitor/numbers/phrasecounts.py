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

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
from sqlalchemy import ColumnElement, case, func, null, or_, select, type_coerce, union_all
from sqlalchemy.orm import Session
from sqlalchemy.types import NullType

from monitor.clock import Clock
from monitor.numbers.arrays import distinct, first_of_each, numbered
from monitor.numbers.filters import posting_conditions
from monitor.numbers.listing import FilterLike, as_query
from monitor.runs import (
    DEFAULT_STALE_DAYS,
    active_between,
    lifetime_between,
    span_active_between,
    stale_cuts,
)
from monitor.storage.db import driver_rows
from monitor.storage.models import Posting, PostingPhrases, PostingSpan, Source
from monitor.storage.phrases import ID_TYPE

Ids = np.ndarray[Any, np.dtype[np.uint32]]
JOB_TYPE = np.dtype(np.int32)  # a job's number in a window (not its stored id)


@dataclass(frozen=True)
class JobPhrases:
    """The jobs of one window, numbered 0 .. jobs - 1: entry ``k`` of ``ids`` is a phrase that
    job ``job_of[k]`` has (each once per job); ``posting_ids[i]`` is a posting active in the
    window, of job ``posting_job[i]`` and company ``names[i]`` (as stored)."""

    job_ids: Any  # the stored job of each job number (negative: a posting without a job)
    names: Sequence[str | None]
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

    def companies_of(self, jobs: Iterable[int]) -> dict[int, str]:
        """The company of each of ``jobs``: the first of its postings (in the window's order)
        with a name, folded; "" when none has one."""
        wanted = np.fromiter(set(jobs), dtype=JOB_TYPE)
        out = {int(j): "" for j in wanted.tolist()}
        hit = np.flatnonzero(np.isin(self.posting_job, wanted))
        for i, job in zip(hit.tolist(), self.posting_job[hit].tolist(), strict=True):
            if not out[job]:
                out[job] = (self.names[i] or "").strip().casefold()
        return out


def windows_phrases(
    session: Session,
    clock: Clock,
    windows: Sequence[tuple[date, date]],
    filters: FilterLike,
    stale_after_days: int = DEFAULT_STALE_DAYS,
    *,
    companies: bool = True,
) -> list[JobPhrases]:
    """The jobs active in each window (first day, last day) and their phrases; without
    ``companies`` the postings' company names are not read (``names`` are all None)."""
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
    company: Any = Posting.company if companies else null()
    current = select(
        Posting.id.label("posting_id"),
        job.label("job"),
        company.label("company"),
        *_flag_columns(current_flags),
    ).where(
        *conditions,
        # A cheap superset first (plain comparisons), so the flags are worked out only there.
        *lifetime_between(clock, min(s for s, _ in bounded), max(e for _, e in bounded)),
        or_(*current_flags),
    )
    earlier = (
        select(PostingSpan.posting_id, PostingSpan.job_id, company, *_flag_columns(span_flags))
        .join(Posting, Posting.id == PostingSpan.posting_id)
        .where(*conditions, or_(*span_flags))
    )
    units = union_all(current, earlier).subquery("units")
    # The stored bytes as the driver gives them (no per-row result processing).
    raw_ids = type_coerce(PostingPhrases.ids, NullType())
    statement = select(units, raw_ids).outerjoin(
        PostingPhrases, PostingPhrases.posting_id == units.c.posting_id
    )
    rows = _Rows(driver_rows(session, statement), len(windows))
    return [rows.window(w) for w in range(len(windows))]


def _flag_columns(flags: Sequence[ColumnElement[bool]]) -> list[Any]:
    return [case((flag, 1), else_=0).label(f"in_{i}") for i, flag in enumerate(flags)]


class _Rows:
    """The rows read (posting, job, company, a flag per window, phrase ids) as columns, every
    posting's ids in one buffer (``offsets[i]`` .. ``offsets[i + 1]`` are row i's)."""

    def __init__(self, rows: Sequence[tuple[Any, ...]], windows: int) -> None:
        n = len(rows)
        self.postings = np.fromiter((r[0] for r in rows), dtype=np.int64, count=n)
        self.jobs = np.fromiter((r[1] for r in rows), dtype=np.int64, count=n)
        self.names = [r[2] for r in rows]
        self.flags = [
            np.fromiter((bool(r[3 + w]) for r in rows), dtype=np.bool_, count=n)
            for w in range(windows)
        ]
        self.blobs = [r[-1] or b"" for r in rows]
        lengths = np.fromiter(map(len, self.blobs), dtype=np.int64, count=n) // ID_TYPE.itemsize
        self.offsets = np.concatenate(([0], np.cumsum(lengths)))
        self.ids = np.frombuffer(b"".join(self.blobs), dtype=ID_TYPE)

    def window(self, w: int) -> JobPhrases:
        """Window ``w``'s jobs and their distinct phrases. A posting's earlier spans share its
        phrases, so each posting is read once; jobs of one posting (most) are read as they
        are, and only a job of several postings with different phrases (one ad on two boards,
        edited on one) has its ids made distinct."""
        rows = np.flatnonzero(self.flags[w])
        rows = rows[np.sort(first_of_each(self.postings[rows])[1])]
        job_ids, posting_job = numbered(self.jobs[rows], JOB_TYPE)
        several = np.bincount(posting_job, minlength=len(job_ids))[posting_job] > 1
        keep = ~several
        keep[self._first_of_each_set(np.flatnonzero(several), rows, posting_job)] = True
        varied = np.bincount(posting_job[keep], minlength=len(job_ids))[posting_job] > 1
        alone = np.flatnonzero(keep & ~varied)
        ids, job_of = (
            self._gather(rows[alone]),
            np.repeat(posting_job[alone], self._lengths(rows[alone])),
        )
        mixed = np.flatnonzero(keep & varied)
        if len(mixed):
            shared = self._gather(rows[mixed]).astype(np.uint64)
            owner = np.repeat(posting_job[mixed], self._lengths(rows[mixed])).astype(np.uint64)
            keys = distinct((owner << np.uint64(32)) | shared)
            ids = np.concatenate([ids, (keys & np.uint64(0xFFFFFFFF)).astype(ID_TYPE)])
            job_of = np.concatenate([job_of, (keys >> np.uint64(32)).astype(JOB_TYPE)])
        return JobPhrases(
            job_ids=job_ids,
            names=[self.names[i] for i in rows.tolist()],
            posting_ids=self.postings[rows],
            posting_job=posting_job,
            ids=ids,
            job_of=job_of,
        )

    def _first_of_each_set(self, where: Any, rows: Any, posting_job: Any) -> Any:
        """Of the postings ``where`` (indices into ``rows``), one of each distinct set of
        phrases within each job: the first. Sets are grouped by job and hash, then compared
        with the group's first; one kept twice (a hash shared by different sets) costs only
        time, as a job's phrases are made distinct after."""
        if not len(where):
            return where
        blobs = self.blobs
        wanted = rows[where].tolist()
        hashes = np.fromiter(map(hash, (blobs[r] for r in wanted)), np.int64, count=len(wanted))
        jobs = posting_job[where]
        order = np.lexsort((np.arange(len(where)), hashes, jobs))
        starts = np.ones(len(order), dtype=np.bool_)
        starts[1:] = (jobs[order][1:] != jobs[order][:-1]) | (
            hashes[order][1:] != hashes[order][:-1]
        )
        first = np.maximum.accumulate(np.where(starts, np.arange(len(order)), 0))
        kept = starts.copy()
        for at in np.flatnonzero(~starts).tolist():  # same job and hash: most often the same set
            if blobs[wanted[order[at]]] != blobs[wanted[order[first[at]]]]:
                kept[at] = True
        return where[order[kept]]

    def _lengths(self, rows: Any) -> Any:
        return self.offsets[rows + 1] - self.offsets[rows]

    def _gather(self, rows: Any) -> Ids:
        """The ids of ``rows`` (ascending), one after another."""
        take = np.zeros(len(self.blobs), dtype=np.bool_)
        take[rows] = True
        return self.ids[np.repeat(take, self._lengths(np.arange(len(self.blobs))))]
