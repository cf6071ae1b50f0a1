"""The stored weekly phrases (``weekly_phrases``) are what ``summaries`` counts from the
postings, refreshed run by run as rebuilt, and what ``rising`` reads in their place."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date, timedelta
from typing import Any

import numpy as np
import pytest
from runs import MIXED_DAYS, mixed_clock
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

import monitor.numbers.rising as rising_module
from monitor.numbers.listing import Filters
from monitor.numbers.refresh import rebuild_counts, refresh_counts
from monitor.numbers.rising import rising
from monitor.numbers.weekly import (
    PhraseSummary,
    filled_through,
    monday,
    stored_weeks,
    summaries,
)
from monitor.storage.db import Database
from monitor.storage.models import WeeklyPhrases
from monitor.taxonomy import builtin_tags

FIRST = date(2026, 3, 2)  # a Monday: the mixed history's day 1
LAST = FIRST + timedelta(days=MIXED_DAYS - 1)


def _plain(summary: PhraseSummary) -> dict[str, Any]:
    out: dict[str, Any] = {
        name: np.asarray(getattr(summary, name)).tolist()
        for name in ("job_ids", "phrases", "counts", "companies", "hashes")
    }
    out["span"] = (summary.start, summary.end)
    out["tags"] = {
        tag: (found.jobs, found.phrases.tolist(), found.counts.tolist())
        for tag, found in summary.tags.items()
    }
    return out


def _weekly_rows(session: Session) -> list[tuple[Any, ...]]:
    return sorted(
        (r.week, r.tag, r.through, r.jobs, r.job_ids, r.phrase_ids, r.counts, r.companies, r.hashes)
        for r in session.scalars(select(WeeklyPhrases))
    )


def _complete_weeks(today: date) -> list[date]:
    weeks, week = [], FIRST
    while week + timedelta(days=6) < today:
        weeks.append(week)
        week += timedelta(days=7)
    return weeks


def test_each_stored_week_is_what_its_postings_count(mixed: Database) -> None:
    clock = mixed_clock()
    with mixed.session() as session:
        rebuild_counts(session, clock)
        weeks = _complete_weeks(clock.today())
        stored = stored_weeks(session, weeks)
        assert sorted(stored) == weeks
        counted = summaries(session, clock, [(w, w + timedelta(days=6)) for w in weeks], Filters())
        for week, found in zip(weeks, counted, strict=True):
            assert _plain(stored[week]) == _plain(found), week
    # The history exercises what is stored: tags, and jobs that stay up into the next week.
    last = stored[weeks[-1]]
    assert {"llm", "medical"} <= set(last.tags)
    assert len(set(stored[weeks[-2]].job_ids) & set(last.job_ids)) > 0


def test_a_summary_counts_jobs_companies_and_tags_per_phrase() -> None:
    """Job 10 (two postings, Acme's) has phrases 5 and 7; job 11 (Acme, folded) has 5 and 7;
    job 12 (Beta) has 5 only. Only posting 2 is an LLM posting."""
    from monitor.numbers.phrasecounts import _Rows
    from monitor.numbers.weekly import summarise
    from monitor.storage.phrases import pack

    rows = [
        (1, 10, "Acme", 1, pack([5])),
        (2, 10, None, 1, pack([7])),
        (3, 11, "ACME ", 1, pack([5, 7])),
        (4, 12, "Beta", 1, pack([5])),
    ]
    window = _Rows(rows, 1).window(0)
    found = summarise(window, {2: {"llm"}}, FIRST, FIRST + timedelta(days=6))
    assert found.job_ids.tolist() == [10, 11, 12]
    assert (found.phrases.tolist(), found.counts.tolist()) == ([5, 7], [3, 2])
    assert found.companies.tolist() == [2, 1]
    assert found.hashes[0] != found.hashes[1]  # {10, 11, 12} and {10, 11}
    assert _plain(found)["tags"] == {"llm": (1, [5, 7], [1, 1])}
    again = summarise(_Rows(rows[:3], 1).window(0), {}, FIRST, FIRST)
    assert again.hashes[0] == again.hashes[1] == found.hashes[1]  # both {10, 11}


def test_refreshed_weeks_are_the_rebuilt_ones(mixed: Database) -> None:
    """Run by run (a source going stale on day 35 recounts the weeks since its last healthy
    day) the stored weeks come to what a rebuild stores."""
    with mixed.session() as session:
        refreshed = _weekly_rows(session)
        filled = filled_through(session)
        assert filled == LAST
        rebuild_counts(session, mixed_clock())
        rebuilt = [r for r in _weekly_rows(session) if r[2] <= LAST]
    assert rebuilt == refreshed
    assert {r[0] for r in refreshed} == {monday(LAST) - timedelta(weeks=k) for k in range(6)}


def test_weeks_never_stored_are_counted_then_filled(mixed: Database) -> None:
    clock = mixed_clock()
    with mixed.session() as session:
        rebuild_counts(session, clock)
        expected = _weekly_rows(session)
        session.execute(delete(WeeklyPhrases))  # as right after migration 0014
        assert filled_through(session) is None
        refresh_counts(session, clock, None)
        assert _weekly_rows(session) == expected


@pytest.mark.parametrize("weeks", [4, 5])
def test_rising_reads_stored_weeks_as_it_counts_them(
    mixed: Database, weeks: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Weeks 5 and 6 of the history: the 8 weeks before reach back before its first."""
    clock = mixed_clock()
    week = FIRST + timedelta(weeks=weeks)
    tags = builtin_tags()
    span = (week, week + timedelta(days=6))
    loose = {"min_jobs": 1, "min_companies": 1}
    with mixed.session() as session:
        rebuild_counts(session, clock)
        counted = rising(session, clock, tags, *span, Filters(sources=["kr-board", "world"]))
        with monkeypatch.context() as patched:  # the stored path reads no postings
            patched.setattr(rising_module, "summaries", _no_counting)
            stored = rising(session, clock, tags, *span, Filters(), **loose)
        session.execute(delete(WeeklyPhrases))
        recounted = rising(session, clock, tags, *span, Filters(), **loose)
    assert asdict(stored) == asdict(recounted)
    assert (stored.jobs, stored.jobs_before) == {4: (53, 78), 5: (60, 96)}[weeks]
    assert [r.phrase for r in stored.rows] == ([] if weeks == 4 else ["late"])
    assert 0 < counted.jobs < stored.jobs


def _no_counting(*args: object, **kwargs: object) -> None:
    raise AssertionError("the stored weeks were not read")
