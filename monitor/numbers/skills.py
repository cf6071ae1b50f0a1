"""What a term's jobs ask for (``jobtrend skills TERM``): the phrases over-represented among
them against all jobs of the period.

The statistic is the log-odds ratio with an informative Dirichlet prior (Monroe, Colaresi and
Quinn 2008, "Fightin' Words", eq. 16-22), on job counts: for phrase w, y_t(w) of the term's jobs
and y_r(w) of the other jobs have it; n_t and n_r are those counts summed over phrases. The
prior is the phrase's frequency over all jobs, scaled to the size of the term's own counts
(a_w = n_t * y_all(w) / n_all: what y_t would be if the term's jobs were like all others, so
a_0 = n_t), which keeps a phrase from ranking on a job or two without drowning a small term:

    delta(w) = log((y_t + a_w) / (n_t + a_0 - y_t - a_w))
             - log((y_r + a_w) / (n_r + a_0 - y_r - a_w))
    z(w) = delta(w) / sqrt(1 / (y_t + a_w) + 1 / (y_r + a_w))

Rows rank by ``z`` (rows only where z > 0 and the phrase is in at least ``min_jobs`` of the
term's jobs); the term's own words are left out (the matcher finds the term in them).
``share_in_term`` is of the term's jobs, ``share_all`` of all the period's jobs.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from monitor.clock import Clock
from monitor.errors import UsageError
from monitor.numbers.filters import posting_conditions
from monitor.numbers.listing import FilterLike, as_query
from monitor.numbers.phrasecounts import windows_phrases
from monitor.runs import DEFAULT_STALE_DAYS, lifetime_between
from monitor.search.index import matching_postings
from monitor.search.matcher import term_in
from monitor.storage.models import PostingTag
from monitor.storage.phrases import phrase_texts
from monitor.tagging import Tagger, fold_alias, resolve_term
from monitor.taxonomy import TagDef

MIN_JOBS = 2
FIELDS = ("phrase", "jobs_both", "share_in_term", "share_all", "log_odds", "z")


@dataclass(frozen=True)
class SkillRow:
    phrase: str
    jobs_both: int
    share_in_term: float
    share_all: float
    log_odds: float
    z: float


@dataclass(frozen=True)
class Skills:
    term: str
    tag: str | None
    start: date
    end: date
    jobs: int  # all the period's jobs
    term_jobs: int
    rows: list[SkillRow]


def skills(
    session: Session,
    clock: Clock,
    taxonomy: Mapping[str, TagDef],
    term: str,
    start: date,
    end: date,
    filters: FilterLike,
    *,
    top: int = 20,
    min_jobs: int = MIN_JOBS,
    stale_after_days: int = DEFAULT_STALE_DAYS,
) -> Skills:
    needle = term.strip()
    if not needle:
        raise UsageError("The term is empty; give a tag or a word whose jobs to read.")
    tag = resolve_term(needle, taxonomy)
    (period,) = windows_phrases(
        session, clock, [(start, end)], filters, stale_after_days, companies=False
    )
    result = Skills(needle, tag, start, end, period.jobs, 0, [])
    if not period.jobs:
        return result
    carrying = _term_postings(session, clock, needle, tag, start, end, filters)
    mask = period.jobs_with_postings(carrying)
    term_jobs = int(mask.sum())
    result = Skills(needle, tag, start, end, period.jobs, term_jobs, [])
    if not term_jobs:
        return result
    size = int(period.ids.max(initial=0)) + 1
    y_all = period.counts(size).astype(np.float64)
    y_t = period.counts(size, mask).astype(np.float64)
    y_r = y_all - y_t
    n_all, n_t, n_r = y_all.sum(), y_t.sum(), y_r.sum()
    if n_all == 0:
        return result
    a = n_t * y_all / n_all
    a_0 = n_t
    with np.errstate(divide="ignore", invalid="ignore"):
        delta = np.log((y_t + a) / (n_t + a_0 - y_t - a)) - np.log(
            (y_r + a) / (n_r + a_0 - y_r - a)
        )
        z = delta / np.sqrt(1 / (y_t + a) + 1 / (y_r + a))
    candidates = np.flatnonzero((y_t >= min_jobs) & (z > 0) & np.isfinite(z))
    order = candidates[np.lexsort((candidates, -z[candidates]))]
    own = _own_words(needle, tag, taxonomy)
    rows: list[SkillRow] = []
    # Texts are read a few more than wanted at a time: some are the term's own words.
    step = max(top * 2, 50)
    for chunk_start in range(0, len(order), step):
        chunk = order[chunk_start : chunk_start + step].tolist()
        texts = phrase_texts(session, chunk)
        for phrase in chunk:
            if own(texts[phrase]):
                continue
            rows.append(
                SkillRow(
                    phrase=texts[phrase],
                    jobs_both=int(y_t[phrase]),
                    share_in_term=float(y_t[phrase]) / term_jobs,
                    share_all=float(y_all[phrase]) / period.jobs,
                    log_odds=float(delta[phrase]),
                    z=float(z[phrase]),
                )
            )
            if len(rows) >= top:
                break
        if len(rows) >= top:
            break
    return Skills(needle, tag, start, end, period.jobs, term_jobs, rows)


def _term_postings(
    session: Session,
    clock: Clock,
    term: str,
    tag: str | None,
    start: date,
    end: date,
    filters: FilterLike,
) -> list[int]:
    """The postings carrying the term: its tag's (read from the tag's index), else what the
    text search finds among those alive in the range (``jobs_with_postings`` keeps the
    period's)."""
    if tag is not None:
        return list(session.scalars(select(PostingTag.posting_id).where(PostingTag.tag == tag)))
    conditions = posting_conditions(session, as_query(filters)) + lifetime_between(
        clock, start, end
    )
    return matching_postings(session, term, conditions)


def _own_words(term: str, tag: str | None, taxonomy: Mapping[str, TagDef]) -> Callable[[str], bool]:
    """Whether a phrase is the term itself, holds it, or is words of one of its tag's
    aliases: the skills of "LLM" are not "llm", those of "멀티모달 LLM" not "multimodal"."""
    if tag is None:
        return lambda phrase: term_in(term, phrase, "")
    tagger = Tagger(taxonomy)
    aliases = [f" {fold_alias(alias)} " for alias in taxonomy[tag].any]

    def own(phrase: str) -> bool:
        inside = f" {phrase} "
        return tag in tagger.tags_for(phrase, "") or any(inside in alias for alias in aliases)

    return own
