"""The store's rules, run by run: upserts, closing, first-run new, suspect runs, detail budgets
and postings that close on their own schedule (Hacker News)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from runs import DAY1, SEOUL, postings, raw, run
from sqlalchemy import event, select

from monitor.storage.db import Database
from monitor.storage.ingest import SourceTraits, ensure_source
from monitor.storage.models import Posting, PostingTag


def tags(db: Database, external_id: str) -> set[str]:
    with db.session() as session:
        return set(
            session.scalars(
                select(PostingTag.tag)
                .join(Posting, Posting.id == PostingTag.posting_id)
                .where(Posting.external_id == external_id)
            )
        )


def test_upsert_keeps_first_seen_moves_last_seen_and_closes(db: Database) -> None:
    first = run(db, 1, [raw("a"), raw("b")])
    assert (first.status, first.returned, first.new, first.closed) == ("ok", 2, 0, 0)
    second = run(db, 2, [raw("a"), raw("c")])
    assert (second.new, second.closed) == (1, 1)
    stored = postings(db)
    assert stored["a"].first_seen_at == DAY1
    assert stored["a"].last_seen_at == DAY1 + timedelta(days=1)
    assert stored["b"].closed_at == DAY1 + timedelta(days=1)
    assert stored["b"].last_seen_at == DAY1
    assert stored["c"].new_on is not None and stored["c"].new_on.isoformat() == "2026-03-03"


def test_first_run_counts_only_todays_postings_as_new(db: Database) -> None:
    today = datetime(2026, 3, 2, 8, 0, tzinfo=SEOUL)
    earlier = datetime(2026, 2, 1, 8, 0, tzinfo=SEOUL)
    result = run(db, 1, [raw("a", posted_at=today), raw("b", posted_at=earlier), raw("c")])
    assert result.new == 1
    stored = postings(db)
    assert stored["a"].new_on is not None
    assert stored["b"].new_on is None and stored["c"].new_on is None


def test_changed_text_updates_tags_but_is_not_new(db: Database) -> None:
    run(db, 1, [raw("a", "Backend Engineer")])
    assert tags(db, "a") == set()
    result = run(db, 2, [raw("a", "Backend Engineer", "Build LLM serving.")])
    assert result.new == 0
    assert tags(db, "a") == {"llm"}
    assert postings(db)["a"].description == "Build LLM serving."


def test_a_closed_posting_that_returns_reopens(db: Database) -> None:
    run(db, 1, [raw("a"), raw("b")])
    run(db, 2, [raw("a"), raw("b2")])
    run(db, 3, [raw("a"), raw("b"), raw("b2")])
    stored = postings(db)
    assert stored["b"].closed_at is None
    assert stored["b"].new_on is None  # seen before: not new again


def test_failed_run_changes_nothing(db: Database) -> None:
    run(db, 1, [raw("a")])
    before = postings(db)["a"]
    failed = run(db, 2, [], status="failed")
    assert failed.status == "failed" and failed.error == "boom"
    after = postings(db)["a"]
    assert (after.last_seen_at, after.closed_at) == (before.last_seen_at, None)


def test_unchanged_run_sees_everything_again_and_closes_nothing(db: Database) -> None:
    run(db, 1, [raw("a"), raw("b")])
    unchanged = run(db, 2, [], status="unchanged")
    assert (unchanged.status, unchanged.returned) == ("unchanged", 2)
    assert all(
        p.closed_at is None and p.last_seen_at == DAY1 + timedelta(days=1)
        for p in postings(db).values()
    )


def test_nothing_after_something_is_suspect_and_closes_nothing(db: Database) -> None:
    run(db, 1, [raw(str(i)) for i in range(10)])
    suspect = run(db, 2, [])
    assert suspect.status == "suspect" and suspect.closed == 0
    assert all(p.closed_at is None for p in postings(db).values())


def test_a_drop_below_half_the_median_is_suspect_a_real_halving_still_shows(db: Database) -> None:
    for day in (1, 2, 3):
        run(db, day, [raw(str(i)) for i in range(10)])
    halved = run(db, 4, [raw(str(i)) for i in range(5)])  # exactly half: not below half
    assert halved.status == "ok" and halved.closed == 5
    dropped = run(db, 5, [raw(str(i)) for i in range(2)])  # 2 < median(10,10,10,5)/2
    assert dropped.status == "suspect" and dropped.closed == 0


def test_three_steady_suspect_runs_accept_the_new_level(db: Database) -> None:
    for day in (1, 2, 3):
        run(db, day, [raw(str(i)) for i in range(20)])
    low = [raw(str(i)) for i in range(4)]
    assert run(db, 4, low).status == "suspect"
    assert run(db, 5, low).status == "suspect"
    accepted = run(db, 6, low)
    assert accepted.status == "ok" and accepted.closed == 16
    assert run(db, 7, low).status == "ok"


def test_accept_command_resets_the_expected_level(db: Database) -> None:
    for day in (1, 2):
        run(db, day, [raw(str(i)) for i in range(20)])
    assert run(db, 3, [raw("0")]).status == "suspect"
    with db.session() as session:
        source = ensure_source(session, "acme", "greenhouse", False, DAY1)
        source.accepted_at = DAY1 + timedelta(days=2, hours=1)
    resumed = run(db, 4, [raw("0")])
    assert resumed.status == "ok" and resumed.closed == 19


def test_detail_missing_keeps_the_stored_description(db: Database) -> None:
    run(db, 1, [raw("a", "연구원", "자율주행 인지 알고리즘 개발")])
    assert tags(db, "a") == {"autonomous_driving"}
    result = run(db, 2, [raw("a", "연구원", "", detail_missing=True)])
    assert result.new == 0
    assert postings(db)["a"].description == "자율주행 인지 알고리즘 개발"
    assert tags(db, "a") == {"autonomous_driving"}


def test_seen_at_posted_and_self_closing_postings(db: Database) -> None:
    hn = SourceTraits(suspect_exempt=True, seen_at_posted=True)
    old = raw(
        "c1",
        "Acme | LLM Engineer",
        posted_at=datetime(2026, 1, 5, 12, tzinfo=UTC),
        closes_at=datetime(2026, 2, 1, tzinfo=UTC),
    )
    current = raw(
        "c2",
        "Beta | Designer",
        posted_at=datetime(2026, 3, 1, 12, tzinfo=UTC),
        closes_at=datetime(2026, 4, 1, tzinfo=UTC),
    )
    first = run(db, 1, [old, current], traits=hn)
    assert first.new == 0  # new on their own days, not on the run's
    stored = postings(db)
    assert stored["c1"].first_seen_at == datetime(2026, 1, 5, 12, tzinfo=UTC)
    assert stored["c1"].new_on is not None and stored["c1"].new_on.isoformat() == "2026-01-05"
    assert stored["c1"].closed_at == datetime(2026, 2, 1, tzinfo=UTC)
    assert stored["c1"].last_seen_at == datetime(2026, 1, 31, 23, 59, 59, tzinfo=UTC)
    assert stored["c2"].closed_at is None
    # The thread is gone from later runs: nothing after something is not suspect for HN.
    again = run(db, 2, [current], traits=hn)
    assert again.status == "ok"
    assert postings(db)["c1"].last_seen_at == datetime(2026, 1, 31, 23, 59, 59, tzinfo=UTC)


@pytest.mark.parametrize("returned", [0, 3])
def test_suspect_exempt_sources_close_normally(db: Database, returned: int) -> None:
    traits = SourceTraits(suspect_exempt=True)
    run(db, 1, [raw(str(i)) for i in range(10)], traits=traits)
    result = run(db, 2, [raw(str(i)) for i in range(returned)], traits=traits)
    assert result.status == "ok" and result.closed == 10 - returned


def test_last_months_comments_close_at_month_end_when_the_thread_moves_on(db: Database) -> None:
    hn = SourceTraits(suspect_exempt=True, seen_at_posted=True)
    march = raw(
        "m1",
        "Acme | LLM Engineer",
        posted_at=datetime(2026, 3, 1, 12, tzinfo=UTC),
        closes_at=datetime(2026, 4, 1, tzinfo=UTC),
    )
    april = raw(
        "a1",
        "Beta | Engineer",
        posted_at=datetime(2026, 4, 1, 15, tzinfo=UTC),
        closes_at=datetime(2026, 5, 1, tzinfo=UTC),
    )
    run(db, 1, [march], traits=hn)  # 2026-03-02
    run(db, 32, [april], traits=hn)  # 2026-04-02: the April thread only
    stored = postings(db)["m1"]
    assert stored.closed_at == datetime(2026, 4, 1, tzinfo=UTC)
    assert stored.last_seen_at == datetime(2026, 3, 31, 23, 59, 59, tzinfo=UTC)


def test_listing_fields_update_when_the_detail_was_not_fetched(db: Database) -> None:
    run(db, 1, [raw("a", "연구원", "자율주행 인지 알고리즘 개발", location="서울")])
    result = run(db, 2, [raw("a", "선임 연구원", "", location="판교", detail_missing=True)])
    assert result.new == 0
    stored = postings(db)["a"]
    assert (stored.title, stored.location) == ("선임 연구원", "판교")
    assert stored.description == "자율주행 인지 알고리즘 개발"
    assert tags(db, "a") == {"autonomous_driving"}
    # Unchanged listing fields and a missing detail change nothing (same hash as stored).
    before = stored.content_hash
    run(db, 3, [raw("a", "선임 연구원", "", location="판교", detail_missing=True)])
    assert postings(db)["a"].content_hash == before


def test_new_postings_go_in_one_statement_whatever_values_they_miss(db: Database) -> None:
    """Rows missing different values are still one multi-row INSERT: statement by statement,
    SQLite's text index writes out what it holds, so a statement per row was four times
    slower."""
    mixed = [
        raw("a", location="Seoul", posted_at=DAY1 - timedelta(days=1)),
        raw("b", location=None, posted_at=DAY1 - timedelta(days=2)),
        raw("c", location="Berlin", posted_at=None, remote=True),
        raw("d", location=None, posted_at=None, employment_type="full-time"),
    ]
    inserts: list[str] = []

    def count(_conn: object, _cursor: object, statement: str, *_: object) -> None:
        if statement.startswith("INSERT INTO posting "):
            inserts.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        run(db, 1, mixed)
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    assert len(inserts) == 1
    stored = postings(db)
    assert sorted(stored) == ["a", "b", "c", "d"]
    assert (stored["b"].location, stored["c"].remote, stored["d"].posted_at) == (None, True, None)
    assert stored["a"].url.endswith("/a") and stored["d"].url.endswith("/d")  # ids not mixed up
