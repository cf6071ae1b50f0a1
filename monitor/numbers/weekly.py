"""Each ISO week's candidate phrases, summed up once (``weekly_phrases``, migration 0014).

``trending`` and the report's rising section compare a week's phrases with the 8 weeks before
it. A week's summary (``PhraseSummary``) is what they need of its jobs, as
:mod:`monitor.numbers.phrasecounts` finds them: the jobs' stored ids, and per phrase the jobs
with it, the distinct companies of those jobs and a hash of their set (phrases of exactly the
same jobs are one finding); per tag, the same counts among the jobs carrying it (a job carries
a tag when one of its postings active in the week does).

``summaries`` works them out from the postings for any windows and query filters; without
filters, the refresh after each scrape stores every week's (Monday to Sunday, up to today for
the current week), so a report reads nine rows instead of nine weeks of postings. A stored week
is used only once it is over and was counted to its Sunday (``stored_weeks``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import numpy as np
from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import Session

from monitor.clock import Clock
from monitor.numbers.arrays import distinct
from monitor.numbers.listing import FilterLike, Filters
from monitor.numbers.phrasecounts import JobPhrases, windows_phrases
from monitor.runs import DEFAULT_STALE_DAYS
from monitor.storage.idlist import id_in
from monitor.storage.models import PostingTag, WeeklyPhrases
from monitor.storage.phrases import ID_TYPE
from monitor.storage.schema import ALL_TAGS

WEEK = timedelta(days=7)
WEEKS_A_READ = 8  # weeks summed up from one read of the postings (bounds a rebuild's memory)
JOB_IDS = np.dtype("<i8")
COUNTS = np.dtype("<u4")
HASHES = np.dtype("<u8")


@dataclass(frozen=True)
class TagPhrases:
    jobs: int  # the window's jobs carrying the tag
    phrases: Any  # phrase ids, ascending
    counts: Any  # per phrase, those jobs with it


@dataclass(frozen=True)
class PhraseSummary:
    start: date
    end: date  # the last day counted
    job_ids: Any  # the jobs' stored ids, ascending (negative: a posting without a job)
    phrases: Any  # phrase ids, ascending
    counts: Any  # per phrase: the jobs with it
    companies: Any  # per phrase: the distinct companies of those jobs
    hashes: Any  # per phrase: a hash of the set of those jobs
    tags: Mapping[str, TagPhrases]

    @property
    def jobs(self) -> int:
        return len(self.job_ids)

    def dense(self, values: Any, size: int) -> Any:
        """``values`` (one per phrase of ``phrases``) as an array indexed by phrase id."""
        out = np.zeros(size, dtype=np.asarray(values).dtype)
        out[self.phrases] = values
        return out


def monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def summaries(
    session: Session,
    clock: Clock,
    windows: Sequence[tuple[date, date]],
    filters: FilterLike,
    stale_after_days: int = DEFAULT_STALE_DAYS,
) -> list[PhraseSummary]:
    """The summary of each window (first day, last day), from one read of the postings."""
    found = windows_phrases(session, clock, windows, filters, stale_after_days)
    posting_tags = _posting_tags(session, {int(p) for w in found for p in w.posting_ids})
    today = clock.today()
    return [
        summarise(window, posting_tags, start, min(end, today))
        for window, (start, end) in zip(found, windows, strict=True)
    ]


def summarise(
    window: JobPhrases, posting_tags: Mapping[int, set[str]], start: date, end: date
) -> PhraseSummary:
    """One window's summary, from its jobs' phrases and the tags of its postings."""
    job_ids = np.asarray(window.job_ids, dtype=np.int64)
    ids, job_of = window.ids, window.job_of  # each (phrase, job) once
    size = int(ids.max(initial=0)) + 1
    per_phrase = np.bincount(ids, minlength=size)
    phrases = np.flatnonzero(per_phrase)
    counts = per_phrase[phrases]
    # Each job's company as a number, then the distinct (phrase, company) pairs per phrase.
    names = window.companies_of(range(window.jobs))
    numbers: dict[str, int] = {}
    company = np.fromiter(
        (numbers.setdefault(names[j], len(numbers)) for j in range(window.jobs)),
        dtype=np.uint64,
        count=window.jobs,
    )
    pairs = distinct((ids.astype(np.uint64) << np.uint64(32)) | company[job_of])
    companies = np.bincount((pairs >> np.uint64(32)).astype(np.int64), minlength=size)[phrases]
    hashes = np.zeros(size, dtype=np.uint64)
    np.add.at(hashes, ids, _mix(job_ids)[job_of])  # modulo 2**64
    return PhraseSummary(
        start=start,
        end=end,
        job_ids=job_ids,
        phrases=phrases.astype(ID_TYPE),
        counts=counts.astype(COUNTS),
        companies=companies.astype(COUNTS),
        hashes=hashes[phrases].astype(HASHES),
        tags=_tag_phrases(window, posting_tags),
    )


def _tag_phrases(window: JobPhrases, posting_tags: Mapping[int, set[str]]) -> dict[str, TagPhrases]:
    """Per tag of the window's postings: its jobs and their phrases' counts."""
    jobs_of: dict[str, set[int]] = defaultdict(set)
    for posting, job in zip(window.posting_ids.tolist(), window.posting_job.tolist(), strict=True):
        for tag in posting_tags.get(posting, ()):
            jobs_of[tag].add(job)
    if not jobs_of:
        return {}
    size = int(window.ids.max(initial=0)) + 1
    out = {}
    for tag in sorted(jobs_of):
        mask = np.zeros(window.jobs, dtype=np.bool_)
        mask[np.fromiter(jobs_of[tag], dtype=np.int64)] = True
        per_phrase = window.counts(size, mask)
        phrases = np.flatnonzero(per_phrase)
        out[tag] = TagPhrases(
            jobs=int(mask.sum()),
            phrases=phrases.astype(ID_TYPE),
            counts=per_phrase[phrases].astype(COUNTS),
        )
    return out


def _mix(values: Any) -> Any:
    """splitmix64's finaliser: a well-spread 64-bit hash of each value, so the sum of a set's
    hashes (modulo 2**64) tells sets apart."""
    z = values.astype(np.uint64) + np.uint64(0x9E3779B97F4A7C15)
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return z ^ (z >> np.uint64(31))


def _posting_tags(session: Session, postings: set[int]) -> dict[int, set[str]]:
    out: dict[int, set[str]] = defaultdict(set)
    if not postings:
        return out
    dialect = session.get_bind().dialect.name
    statement = select(PostingTag.posting_id, PostingTag.tag).where(
        id_in(PostingTag.posting_id, postings, dialect)
    )
    for posting, tag in session.execute(statement):
        out[posting].add(tag)
    return out


# --- stored ----------------------------------------------------------------------------------


def filled_through(session: Session) -> date | None:
    """The last day the stored weeks were counted to (None: nothing stored yet)."""
    return session.scalar(select(func.max(WeeklyPhrases.through)))


def store_weeks(
    session: Session,
    clock: Clock,
    start: date,
    stale_after_days: int = DEFAULT_STALE_DAYS,
) -> int:
    """Sum up and store every week from ``start``'s up to today's; returns the weeks stored."""
    today = clock.today()
    weeks = []
    week = monday(start)
    while week <= today:
        weeks.append(week)
        week += WEEK
    for at in range(0, len(weeks), WEEKS_A_READ):
        part = weeks[at : at + WEEKS_A_READ]
        windows = [(w, w + timedelta(days=6)) for w in part]
        found = summaries(session, clock, windows, Filters(), stale_after_days)
        session.execute(delete(WeeklyPhrases).where(WeeklyPhrases.week.in_(part)))
        session.execute(insert(WeeklyPhrases), [row for s in found for row in _rows(s)])
    return len(weeks)


def _rows(summary: PhraseSummary) -> list[dict[str, Any]]:
    common = {"week": summary.start, "through": summary.end}
    rows = [
        {
            **common,
            "tag": ALL_TAGS,
            "jobs": summary.jobs,
            "job_ids": summary.job_ids.astype(JOB_IDS).tobytes(),
            "phrase_ids": summary.phrases.astype(ID_TYPE).tobytes(),
            "counts": summary.counts.astype(COUNTS).tobytes(),
            "companies": summary.companies.astype(COUNTS).tobytes(),
            "hashes": summary.hashes.astype(HASHES).tobytes(),
        }
    ]
    for tag, found in summary.tags.items():
        rows.append(
            {
                **common,
                "tag": tag,
                "jobs": found.jobs,
                "job_ids": None,
                "phrase_ids": found.phrases.astype(ID_TYPE).tobytes(),
                "counts": found.counts.astype(COUNTS).tobytes(),
                "companies": None,
                "hashes": None,
            }
        )
    return rows


def stored_weeks(session: Session, weeks: Sequence[date]) -> dict[date, PhraseSummary]:
    """The stored summaries of those of ``weeks`` (Mondays) counted to their Sunday; a week
    before the first one stored is empty (the refresh stores every week from the first
    posting's)."""
    first = session.scalar(select(func.min(WeeklyPhrases.week)))
    if first is None:
        return {}
    empty = {w: _empty(w) for w in weeks if w < first}
    complete: dict[date, dict[str, Any]] = {}
    tags: dict[date, dict[str, TagPhrases]] = defaultdict(dict)
    statement = select(WeeklyPhrases).where(WeeklyPhrases.week.in_(list(weeks)))
    for row in session.scalars(statement):
        if row.through != row.week + timedelta(days=6):
            continue
        phrases = np.frombuffer(row.phrase_ids, dtype=ID_TYPE)
        counts = np.frombuffer(row.counts, dtype=COUNTS)
        if row.tag == ALL_TAGS:
            complete[row.week] = {
                "start": row.week,
                "end": row.through,
                "job_ids": np.frombuffer(row.job_ids or b"", dtype=JOB_IDS),
                "phrases": phrases,
                "counts": counts,
                "companies": np.frombuffer(row.companies or b"", dtype=COUNTS),
                "hashes": np.frombuffer(row.hashes or b"", dtype=HASHES),
            }
        else:
            tags[row.week][row.tag] = TagPhrases(row.jobs, phrases, counts)
    found = {week: PhraseSummary(**found, tags=tags[week]) for week, found in complete.items()}
    return empty | found


def _empty(week: date) -> PhraseSummary:
    none = np.zeros(0, dtype=COUNTS)
    return PhraseSummary(
        start=week,
        end=week + timedelta(days=6),
        job_ids=np.zeros(0, dtype=JOB_IDS),
        phrases=np.zeros(0, dtype=ID_TYPE),
        counts=none,
        companies=none,
        hashes=np.zeros(0, dtype=HASHES),
        tags={},
    )
