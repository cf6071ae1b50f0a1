"""Rising terms (``jobtrend trending``): the phrases whose share of jobs rose most.

For a period (default: the last complete week) and the 8 weeks before it, each candidate phrase
(:mod:`monitor.phrases`) has ``share`` = the period's jobs with it / the period's jobs, and
``share_before`` the same over the 8 weeks before (jobs as :mod:`monitor.numbers.phrasecounts`
counts them). The ranking statistic is the lower bound of the 95% interval of the share ratio
(``ratio_low``; Katz's log interval, with 0.5 added to each count so a phrase absent before has
a finite bound), so a phrase seen in few jobs ranks only as far as its evidence goes. A phrase
ranks only when that bound is at least ``MIN_RATIO_LOW`` (its share rose by a quarter or more,
beyond noise: on 60,000 jobs a move from 36.8% to 37.4% clears 1 but is no trend; and a job
active in both spans is in both samples, so the interval is narrower than it should be), it
stands in at least
``min_jobs`` jobs of the period and in the jobs of at least ``min_companies`` companies (one
company reposting is not a trend).

Phrases found in exactly the same jobs (the words of one line) are one row: the shortest, with
the others in ``alike``.

``is_tag``: the phrase names a tag (its key, label or an alias, as ``query`` resolves terms).
``tag``: the tag carried by at least half of the phrase's jobs in the period, else None.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from monitor.clock import Clock
from monitor.numbers.listing import FilterLike
from monitor.numbers.phrasecounts import JobPhrases, windows_phrases
from monitor.numbers.shares import Z95
from monitor.runs import DEFAULT_STALE_DAYS
from monitor.storage.idlist import id_in
from monitor.storage.models import PostingTag
from monitor.storage.phrases import phrase_texts
from monitor.tagging import resolve_term
from monitor.taxonomy import TagDef

BEFORE_WEEKS = 8
MIN_JOBS = 5
MIN_RATIO_LOW = 1.25
MIN_COMPANIES = 3
FIELDS = (
    "phrase",
    "is_tag",
    "tag",
    "jobs",
    "companies",
    "share",
    "share_before",
    "ratio",
    "ratio_low",
    "alike",
)


@dataclass(frozen=True)
class RisingRow:
    phrase: str
    is_tag: bool
    tag: str | None
    jobs: int
    companies: int
    share: float
    share_before: float
    ratio: float | None  # None: the phrase was in no job before
    ratio_low: float
    alike: list[str] = field(default_factory=list)  # phrases of exactly the same jobs


@dataclass(frozen=True)
class Rising:
    start: date
    end: date
    before_start: date
    before_end: date
    jobs: int  # the period's jobs
    jobs_before: int
    rows: list[RisingRow]


def ratio_interval(a: int, n1: int, b: int, n0: int, z: float = Z95) -> tuple[float, float]:
    """The share ratio (a/n1) / (b/n0) and the lower bound of its interval (Katz's log method,
    0.5 added to every count)."""
    a5, n15, b5, n05 = a + 0.5, n1 + 0.5, b + 0.5, n0 + 0.5
    log_ratio = math.log(a5 / n15) - math.log(b5 / n05)
    se = math.sqrt(max(1 / a5 - 1 / n15 + 1 / b5 - 1 / n05, 0.0))
    return math.exp(log_ratio), math.exp(log_ratio - z * se)


def rising(
    session: Session,
    clock: Clock,
    taxonomy: Mapping[str, TagDef],
    start: date,
    end: date,
    filters: FilterLike,
    *,
    top: int = 20,
    min_jobs: int = MIN_JOBS,
    min_companies: int = MIN_COMPANIES,
    stale_after_days: int = DEFAULT_STALE_DAYS,
) -> Rising:
    before_end = start - timedelta(days=1)
    before_start = start - timedelta(weeks=BEFORE_WEEKS)
    now, before = windows_phrases(
        session, clock, [(start, end), (before_start, before_end)], filters, stale_after_days
    )
    result = Rising(start, end, before_start, before_end, now.jobs, before.jobs, [])
    if not now.jobs or not before.jobs:
        return result
    size = int(max(now.ids.max(initial=0), before.ids.max(initial=0))) + 1
    a, b = now.counts(size), before.counts(size)
    scored: list[tuple[float, int, int]] = []
    for phrase in np.flatnonzero(a >= min_jobs).tolist():
        _, low = ratio_interval(int(a[phrase]), now.jobs, int(b[phrase]), before.jobs)
        if low >= MIN_RATIO_LOW:
            scored.append((low, int(a[phrase]), phrase))
    owners = now.owners([p for _, _, p in scored])
    names = now.companies_of(j for jobs in owners.values() for j in jobs)
    companies = {p: len({names[j] for j in jobs}) for p, jobs in owners.items()}
    kept = [s for s in scored if companies[s[2]] >= min_companies]
    texts = phrase_texts(session, [p for _, _, p in kept])
    kept.sort(key=lambda s: (-s[0], -s[1], texts[s[2]]))
    # Phrases of exactly the same jobs (the words of one line: "model context protocol",
    # "mcp") are one finding: one row, the shortest phrase, the others as its ``alike``.
    groups: dict[tuple[frozenset[int], int], list[int]] = {}
    for _, _, phrase in kept:
        groups.setdefault((frozenset(owners[phrase]), int(b[phrase])), []).append(phrase)
    alike: dict[int, list[str]] = {}
    for members in groups.values():
        first = min(members, key=lambda p: (len(texts[p]), texts[p]))
        alike[first] = sorted(texts[p] for p in members if p != first)
    kept = [s for s in kept if s[2] in alike][:top]
    tags = _covering_tags(session, now, [p for _, _, p in kept])
    rows = []
    for low, jobs, phrase in kept:
        share = jobs / now.jobs
        share_before = int(b[phrase]) / before.jobs
        rows.append(
            RisingRow(
                phrase=texts[phrase],
                is_tag=resolve_term(texts[phrase], taxonomy) is not None,
                tag=tags.get(phrase),
                jobs=jobs,
                companies=companies[phrase],
                share=share,
                share_before=share_before,
                ratio=share / share_before if share_before else None,
                ratio_low=low,
                alike=alike[phrase],
            )
        )
    return Rising(start, end, before_start, before_end, now.jobs, before.jobs, rows)


def _covering_tags(session: Session, now: JobPhrases, phrases: Sequence[int]) -> dict[int, str]:
    """Per phrase, the tag at least half of its jobs carry (the most common such tag)."""
    owners = now.owners(phrases)
    wanted = np.fromiter({j for jobs in owners.values() for j in jobs}, dtype=np.int64)
    hit = np.isin(now.posting_job, wanted)
    postings = dict(zip(now.posting_ids[hit].tolist(), now.posting_job[hit].tolist(), strict=True))
    if not postings:
        return {}
    dialect = session.get_bind().dialect.name
    job_tags: dict[int, set[str]] = {}
    statement = select(PostingTag.posting_id, PostingTag.tag).where(
        id_in(PostingTag.posting_id, postings, dialect)
    )
    for posting_id, tag in session.execute(statement):
        job_tags.setdefault(postings[posting_id], set()).add(tag)
    out: dict[int, str] = {}
    for phrase, jobs in owners.items():
        counts = Counter(tag for j in jobs for tag in job_tags.get(j, ()))
        if counts:
            tag, count = min(counts.items(), key=lambda item: (-item[1], item[0]))
            if 2 * count >= len(jobs):
                out[phrase] = tag
    return out
