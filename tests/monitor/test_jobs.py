"""Jobs, not postings: duplicates across boards count once, reposts are not new and their gap
is not active, stale sources stop counting, and the stored counts equal a rebuild."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest
from runs import DAY1, SEOUL, raw, run
from sqlalchemy import select

from monitor.clock import Clock
from monitor.numbers.refresh import rebuild_counts
from monitor.posting import RawPosting
from monitor.storage.db import Database
from monitor.storage.models import ALL_SOURCES, ALL_TAGS, DailyCount, Posting, PostingSpan, Source

FILLERS = [raw(f"f{i}") for i in range(8)]  # keeps runs from looking suspect


def day(n: int) -> date:
    return date(2026, 3, 1) + timedelta(days=n)


def series(
    db: Database, metric: str, first: int, last: int, source: str | None = None
) -> list[int]:
    """Stored daily figures of all jobs for days first..last (missing rows are 0)."""
    with db.session() as session:
        source_id = ALL_SOURCES
        if source is not None:
            source_id = session.scalars(select(Source.id).where(Source.name == source)).one()
        rows = {
            row.day: getattr(row, metric)
            for row in session.scalars(
                select(DailyCount).where(
                    DailyCount.tag == ALL_TAGS, DailyCount.source_id == source_id
                )
            )
        }
    return [rows.get(day(n), 0) for n in range(first, last + 1)]


def with_fillers(*postings: RawPosting) -> list[RawPosting]:
    return [*FILLERS, *postings]


def test_the_same_job_on_two_boards_counts_once(db: Database) -> None:
    run(db, 1, with_fillers(raw("x1", "LLM Engineer")), source="a")
    run(db, 1, [raw("x2", "LLM Engineer"), raw("b1")], source="b")
    run(db, 2, with_fillers(raw("x1", "LLM Engineer"), raw("y1", "Data Scientist")), source="a")
    run(db, 2, [raw("x2", "LLM Engineer"), raw("b1"), raw("y2", "Data Scientist")], source="b")
    # all: 8 fillers + LLM Engineer + b1 (+ Data Scientist on day 2), each job once
    assert series(db, "active", 1, 2) == [10, 11]
    assert series(db, "new", 1, 2) == [0, 1]  # first runs add nothing; the duplicate is not new
    assert series(db, "active", 1, 2, source="a") == [9, 10]
    assert series(db, "active", 1, 2, source="b") == [2, 3]
    with db.session() as session:
        jobs = dict(session.execute(select(Posting.external_id, Posting.job_id)).all())
    assert jobs["x1"] == jobs["x2"] and jobs["y1"] == jobs["y2"] and jobs["x1"] != jobs["y1"]


def test_a_repost_within_sixty_days_is_not_new_and_its_gap_not_active(db: Database) -> None:
    run(db, 1, with_fillers(raw("p1", "Designer")))
    run(db, 2, with_fillers())  # p1 gone: closed, last seen day 1
    run(db, 3, with_fillers())
    run(db, 5, with_fillers(raw("p2", "Designer")))  # the same job posted again
    assert series(db, "active", 1, 5) == [9, 8, 8, 8, 9]
    assert series(db, "new", 1, 5) == [0, 0, 0, 0, 0]


def test_a_repost_after_sixty_days_is_a_new_job(db: Database) -> None:
    run(db, 1, with_fillers(raw("q1", "Designer")))
    run(db, 2, with_fillers())
    run(db, 70, with_fillers(raw("q2", "Designer")))
    assert series(db, "new", 70, 70) == [1]
    with db.session() as session:
        jobs = dict(session.execute(select(Posting.external_id, Posting.job_id)).all())
    assert jobs["q1"] != jobs["q2"]


def test_a_posting_that_comes_back_keeps_its_gap_inactive(db: Database) -> None:
    run(db, 1, with_fillers(raw("r", "Designer")))
    run(db, 2, with_fillers())
    run(db, 4, with_fillers(raw("r", "Designer")))
    assert series(db, "active", 1, 4) == [9, 8, 8, 9]
    assert series(db, "new", 1, 4) == [0, 0, 0, 0]
    with db.session() as session:
        spans = session.scalars(select(PostingSpan)).all()
        posting = session.scalars(select(Posting).where(Posting.external_id == "r")).one()
    assert len(spans) == 1 and spans[0].end_at == DAY1
    assert posting.closed_at is None and posting.active_from == DAY1 + timedelta(days=3)
    assert posting.first_seen_at == DAY1


def test_back_after_sixty_days_is_new_again(db: Database) -> None:
    run(db, 1, with_fillers(raw("r", "Designer")))
    run(db, 2, with_fillers())
    run(db, 80, with_fillers(raw("r", "Designer")))
    assert series(db, "new", 80, 80) == [1]
    assert series(db, "active", 79, 80) == [8, 9]


def test_a_stale_source_stops_counting_after_its_last_healthy_day(db: Database) -> None:
    run(db, 1, [raw("s1"), raw("s2"), raw("s3")], source="dying")
    run(db, 1, with_fillers(), source="alive")
    for n in range(2, 21):
        run(db, n, [], status="failed", source="dying")
        run(db, n, with_fillers(), source="alive")
    # On day 20 "dying" has had no healthy run for 19 days (> 14): stale since day 16, its
    # open postings count on day 1 only.
    assert series(db, "active", 1, 3) == [11, 8, 8]
    assert series(db, "active", 19, 20) == [8, 8]
    assert series(db, "active", 1, 2, source="dying") == [3, 0]


def test_a_failing_source_still_counts_before_it_goes_stale(db: Database) -> None:
    run(db, 1, [raw("s1"), raw("s2")], source="flaky")
    run(db, 1, with_fillers(), source="alive")
    for n in range(2, 6):
        run(db, n, [], status="failed", source="flaky")
        run(db, n, with_fillers(), source="alive")
    assert series(db, "active", 1, 5) == [10, 10, 10, 10, 10]


def test_query_filtered_sources_stay_out_of_the_denominator(db: Database) -> None:
    run(db, 1, with_fillers(), source="general")
    run(
        db,
        1,
        [raw("k1", "LLM Engineer"), raw("k2", "LLM Researcher")],
        source="search",
        query_filtered=True,
    )
    assert series(db, "active", 1, 1) == [8]
    assert series(db, "active", 1, 1, source="search") == [2]


def test_stored_counts_equal_a_rebuild(db: Database) -> None:
    run(
        db,
        1,
        with_fillers(raw("x1", "LLM Engineer", "Build LLM apps"), raw("d1", "Designer")),
        source="a",
    )
    run(db, 1, [raw("x2", "LLM Engineer", "Build LLM apps"), raw("b1")], source="b")
    run(db, 2, with_fillers(raw("x1", "LLM Engineer", "Build LLM apps")), source="a")
    run(db, 3, [], source="a")  # suspect: nothing after something, closes nothing
    run(db, 4, with_fillers(raw("d2", "Designer")), source="a")  # a repost of d1
    run(db, 5, [raw("x2", "LLM Engineer", "Build LLM apps")], source="b")  # b1 closes
    for n in range(6, 24):
        run(db, n, [], status="failed", source="b")  # b goes stale
        run(db, n, with_fillers(raw("d2", "Designer")), source="a")

    def snapshot() -> list[tuple[object, ...]]:
        with db.session() as session:
            return sorted(
                (r.day, r.tag, r.source_id, r.active, r.new, r.closed)
                for r in session.scalars(select(DailyCount))
            )

    stored = snapshot()
    clock = Clock(SEOUL, DAY1 + timedelta(days=22))
    with db.session() as session:
        rebuild_counts(session, clock)
    assert snapshot() == stored
    assert {row[0] for row in stored} == {day(n) for n in range(1, 24)}
    llm = {row[0]: row[3] for row in stored if row[1] == "llm" and row[2] == ALL_SOURCES}
    assert llm[day(1)] == 1 and llm[day(5)] == 1


def test_the_sqlite_fast_path_equals_the_full_one_with_reposts_and_duplicates(
    db: Database,
) -> None:
    """``fast_trend`` reads what ``compute_daily`` stored; on a history with reposts, a job on
    two boards, a posting that came back, a failed run and a stale source, its rows are
    ``trend``'s, figure for figure."""
    if not db.url.startswith("sqlite"):
        return  # the fast path is SQLite's only
    from monitor.numbers.fastquery import fast_trend
    from monitor.numbers.trends import TrendQuery, trend
    from monitor.tagging import resolve_term
    from monitor.taxonomy import builtin_tags

    llm = "LLM Engineer"
    run(db, 1, with_fillers(raw("x1", llm), raw("p1", "Medical imaging lead")), source="a")
    run(db, 1, [raw("x2", llm), raw("b1", "VLM researcher")], source="b")
    run(db, 2, with_fillers(raw("x1", llm)), source="a")  # p1 gone
    run(db, 3, [raw("b1", "VLM researcher")], status="failed", source="b")
    run(db, 5, with_fillers(raw("x1", llm), raw("p2", "Medical imaging lead")), source="a")
    run(db, 9, with_fillers(raw("x1", llm), raw("p2", "Medical imaging lead")), source="a")
    run(db, 26, with_fillers(raw("x1", llm)), source="a")  # b is stale by now
    tags = builtin_tags()
    terms = ["llm", "medical", "multimodal_llm"]
    clock = Clock(SEOUL, DAY1 + timedelta(days=25, hours=3))
    for by in ("day", "week"):
        query = TrendQuery(terms=terms, start=day(1), end=day(26), by=by)  # type: ignore[arg-type]
        with db.session() as session:
            full = trend(session, clock, tags, query)
        resolved = {term: resolve_term(term, tags) for term in terms}
        fast = fast_trend(db.url, clock, resolved, terms, day(1), day(26), by)  # type: ignore[arg-type]
        assert fast is not None
        assert fast == full
        assert any(row.active for row in full if row.term == "medical")


def _word_term_history(db: Database) -> None:
    """Reposts (a posting that closed and came back: a posting_span), a job on two boards, a
    plural, a query-filtered source, a failed run and a stale source, all with "diffusion"."""
    d, v = "Diffusion researcher", "Video diffusions"
    run(db, 1, with_fillers(raw("r1", d), raw("x1", "LLM Engineer")), source="a")
    run(db, 1, [raw("b2", "Diffusion engineer"), raw("b1", "Designer")], source="b")
    run(db, 1, [raw("q1", "Diffusion lead")], source="search", query_filtered=True)
    run(db, 2, with_fillers(raw("x1", "LLM Engineer")), source="a")  # r1 gone
    run(db, 3, [raw("b2", "Diffusion engineer")], status="failed", source="b")
    run(db, 5, with_fillers(raw("x1", "LLM Engineer"), raw("p1", v)), source="a")
    run(db, 5, [raw("p2", v), raw("c1", "Designer")], source="c")  # p1's job on board c
    run(db, 9, with_fillers(raw("r1", d), raw("p1", v)), source="a")  # r1 back
    run(db, 12, with_fillers(raw("r1", d)), source="a")  # p1 gone
    run(db, 14, [raw("c1", "Designer")], source="c")  # p2 gone
    run(db, 26, with_fillers(raw("r1", d)), source="a")  # b is stale by now


def test_the_sqlite_fast_path_counts_a_word_term_as_the_full_one(db: Database) -> None:
    """An ad-hoc term the word index answers: the sqlite3 path (word index, then the shared
    rows-to-spans and counting of ``monitor.numbers.counting``) gives ``trend``'s rows, figure
    for figure, alone and beside a tag, by day and week, over the whole history and a part."""
    if not db.url.startswith("sqlite"):
        pytest.skip("the sqlite3 path reads SQLite files only")
    from monitor.numbers.daily import compute_daily
    from monitor.numbers.fastquery import fast_term_counts, fast_trend
    from monitor.numbers.trends import TrendQuery, trend
    from monitor.search.index import term_condition
    from monitor.tagging import resolve_term
    from monitor.taxonomy import builtin_tags

    _word_term_history(db)
    with db.session() as session:
        assert session.scalars(select(PostingSpan)).all(), "the history has a posting_span"
    tags = builtin_tags()
    clock = Clock(SEOUL, DAY1 + timedelta(days=25, hours=3))
    for terms in (["diffusion"], ["llm", "diffusion", "Diffusion"]):
        resolved = {term: resolve_term(term, tags) for term in terms}
        assert resolved["diffusion"] is None
        for first, last in ((day(1), day(26)), (day(4), day(10)), (day(13), day(20))):
            for by in ("day", "week"):
                query = TrendQuery(terms=terms, start=first, end=last, by=by)  # type: ignore[arg-type]
                with db.session() as session:
                    full = trend(session, clock, tags, query)
                fast = fast_trend(db.url, clock, resolved, terms, first, last, by)  # type: ignore[arg-type]
                assert fast is not None
                assert fast == full, (terms, first, last, by)
    for first, last in ((day(1), day(26)), (day(10), day(20)), (day(2), day(8))):
        with db.session() as session:
            full_counts = compute_daily(
                session,
                clock,
                first,
                last,
                matches=term_condition(session, "diffusion"),
                per_source=False,
            )
        assert fast_term_counts(db.url, clock, "diffusion", first, last) == full_counts
        assert any(full_counts.closed.get((ALL_TAGS, ALL_SOURCES), ()))
    whole = TrendQuery(terms=["diffusion"], start=day(1), end=day(26), by="day")
    with db.session() as session:
        active = [row.active for row in trend(session, clock, tags, whole)]
    # Day 1: r1, b2 and q1 (a query-filtered source counts for a term). Days 2-4: none (r1's
    # gap is not active; b and "search" are stale, cut after day 1). p1/p2 (the plural, one job
    # on boards a and c) from day 5 to its last sighting on day 9; r1 back from day 9.
    assert active == [3, 0, 0, 0, 1, 1, 1, 1, 2] + [1] * 17


def test_a_phrase_term_is_left_to_the_full_path(db: Database) -> None:
    if not db.url.startswith("sqlite"):
        pytest.skip("the sqlite3 path reads SQLite files only")
    from monitor.numbers.fastquery import fast_trend

    _word_term_history(db)
    clock = Clock(SEOUL, DAY1 + timedelta(days=25, hours=3))
    for term in ("video diffusion", "self-driving", "로봇"):
        assert fast_trend(db.url, clock, {term: None}, [term], day(1), day(26), "week") is None


def test_the_cli_answers_a_word_term_without_importing_sqlalchemy(
    db: Database, tmp_path: Path
) -> None:
    """The point of the sqlite3 path: importing SQLAlchemy alone costs 0.25-0.35 s. A phrase
    still takes the full path (so the check can fail)."""
    if not db.url.startswith("sqlite"):
        pytest.skip("the sqlite3 path reads SQLite files only")
    _word_term_history(db)
    config = tmp_path / "c.toml"
    config.write_text(f'timezone = "Asia/Seoul"\n\n[database]\nurl = "{db.url}"\n')
    code = (
        "import sys\n"
        "from monitor.cli import main\n"
        "try:\n"
        "    main(['--config', sys.argv[1], 'query', sys.argv[2], '--by', 'day', '--json'])\n"
        "except SystemExit as exit:\n"
        "    code = exit.code\n"
        "print()\n"
        "print(code, 'sqlalchemy' in sys.modules)\n"
    )
    env = {**os.environ, "JOBTREND_NOW": (DAY1 + timedelta(days=25, hours=3)).isoformat()}
    imported = {}
    for term in ("diffusion", "video diffusions"):
        out = subprocess.run(
            [sys.executable, "-c", code, str(config), term],
            capture_output=True,
            text=True,
            check=True,
            env=env,
        )
        *printed, last = out.stdout.strip().splitlines()
        assert json.loads("\n".join(printed)), out.stderr
        exit_code, loaded = last.split()
        assert exit_code in ("0", "None"), out.stderr
        imported[term] = loaded == "True"
    assert imported == {"diffusion": False, "video diffusions": True}
