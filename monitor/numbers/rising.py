"""Rising terms (``jobtrend trending``): the phrases whose share of jobs rose most.

For a period (default: the last complete week) and each of the 8 weeks before it, a candidate
phrase (:mod:`monitor.phrases`) is in some of that span's jobs (jobs as
:mod:`monitor.numbers.phrasecounts` counts them; summed up by :mod:`monitor.numbers.weekly`,
stored for whole weeks). ``share`` is the period's jobs with it / the period's jobs;
``share_before`` is its weekly share pooled over the 8 weeks (the weeks' jobs with it / the
weeks' jobs), so a week is compared with weeks: over 8 weeks taken as one span, a phrase of
short-lived postings would gather more distinct jobs than one of postings that stay up, and
look higher before than any week showed it.

The ranking statistic is the lower bound of the 95% interval of the share ratio (``ratio_low``;
Katz's log interval, with 0.5 added to each count so a phrase absent before has a finite
bound), so a phrase seen in few jobs ranks only as far as its evidence goes. The sample before
is the 8 weeks' distinct jobs (``jobs_before``), not the sum of their weeks: a job up for all
eight is one job's evidence, not eight. A phrase ranks only when that bound is at least
``MIN_RATIO_LOW`` (its share rose by a quarter or more, beyond noise: on 60,000 jobs a move
from 36.8% to 37.4% clears 1 but is no trend; and a job active in both spans is in both
samples, so the interval is narrower than it should be), it stands in at least ``min_jobs``
jobs of the period and in the jobs of at least ``min_companies`` companies (one company
reposting is not a trend).

Phrases found in exactly the same jobs (the words of one line) are one row: the shortest, with
the others in ``alike``.

``is_tag``: the phrase names a tag (its key, label or an alias, as ``query`` resolves terms).
``tag``: the tag carried by at least half of the phrase's jobs in the period, else None.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np
from sqlalchemy.orm import Session

from monitor.clock import Clock
from monitor.numbers.arrays import distinct
from monitor.numbers.filters import unfiltered
from monitor.numbers.listing import FilterLike, as_query
from monitor.numbers.shares import Z95
from monitor.numbers.weekly import PhraseSummary, stored_weeks, summaries
from monitor.runs import DEFAULT_STALE_DAYS
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


def ratio_interval(a: float, n1: float, b: float, n0: float, z: float = Z95) -> tuple[float, float]:
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
    now, weeks = _summaries(session, clock, start, end, filters, stale_after_days)
    n1 = now.jobs
    n0 = sum(w.jobs for w in weeks)
    # The 8 weeks' distinct jobs: the sample the shares before are drawn from.
    distinct_before = len(distinct(np.concatenate([w.job_ids for w in weeks])))
    result = Rising(start, end, before_start, before_end, n1, distinct_before, [])
    if not n1 or not n0:
        return result
    size = 1 + max(int(s.phrases.max(initial=0)) for s in (now, *weeks))
    a = now.dense(now.counts, size)
    b = sum((w.dense(w.counts, size).astype(np.int64) for w in weeks), np.zeros(size, np.int64))
    companies = now.dense(now.companies, size)
    scale = distinct_before / n0
    scored: list[tuple[float, int, int]] = []
    for phrase in np.flatnonzero((a >= min_jobs) & (companies >= min_companies)).tolist():
        _, low = ratio_interval(int(a[phrase]), n1, int(b[phrase]) * scale, distinct_before)
        if low >= MIN_RATIO_LOW:
            scored.append((low, int(a[phrase]), phrase))
    texts = phrase_texts(session, [p for _, _, p in scored])
    scored.sort(key=lambda s: (-s[0], -s[1], texts[s[2]]))
    # Phrases of exactly the same jobs (the words of one line: "model context protocol",
    # "mcp") are one finding: one row, the shortest phrase, the others as its ``alike``.
    hashes = now.dense(now.hashes, size)
    groups: dict[tuple[int, int, int], list[int]] = {}
    for _, jobs, phrase in scored:
        groups.setdefault((int(hashes[phrase]), jobs, int(b[phrase])), []).append(phrase)
    alike: dict[int, list[str]] = {}
    for members in groups.values():
        first = min(members, key=lambda p: (len(texts[p]), texts[p]))
        alike[first] = sorted(texts[p] for p in members if p != first)
    kept = [s for s in scored if s[2] in alike][:top]
    rows = []
    for low, jobs, phrase in kept:
        share = jobs / n1
        share_before = int(b[phrase]) / n0
        rows.append(
            RisingRow(
                phrase=texts[phrase],
                is_tag=resolve_term(texts[phrase], taxonomy) is not None,
                tag=_covering_tag(now, phrase, jobs),
                jobs=jobs,
                companies=int(companies[phrase]),
                share=share,
                share_before=share_before,
                ratio=share / share_before if share_before else None,
                ratio_low=low,
                alike=alike[phrase],
            )
        )
    return Rising(start, end, before_start, before_end, n1, distinct_before, rows)


def _summaries(
    session: Session,
    clock: Clock,
    start: date,
    end: date,
    filters: FilterLike,
    stale_after_days: int,
) -> tuple[PhraseSummary, list[PhraseSummary]]:
    """The period's summary and each of the 8 weeks' before it: stored, for a whole ISO week
    over without query filters once the refresh has stored the nine, else counted."""
    weeks = [start - timedelta(weeks=k) for k in range(BEFORE_WEEKS, 0, -1)]
    one_week = start.weekday() == 0 and end == start + timedelta(days=6)
    if one_week and end < clock.today() and unfiltered(as_query(filters)):
        stored = stored_weeks(session, [start, *weeks])
        if len(stored) == len(weeks) + 1:
            return stored[start], [stored[w] for w in weeks]
    windows = [(start, end)] + [(w, w + timedelta(days=6)) for w in weeks]
    now, *before = summaries(session, clock, windows, filters, stale_after_days)
    return now, before


def _covering_tag(now: PhraseSummary, phrase: int, jobs: int) -> str | None:
    """The tag at least half of the phrase's jobs carry (the most common such tag)."""
    best: tuple[int, str] | None = None
    for tag, found in now.tags.items():
        at = int(np.searchsorted(found.phrases, phrase))
        if at < len(found.phrases) and found.phrases[at] == phrase:
            count = int(found.counts[at])
            if best is None or (-count, tag) < (-best[0], best[1]):
                best = (count, tag)
    return best[1] if best is not None and 2 * best[0] >= jobs else None
