"""`--level`: a job is entry if any of its postings is, else experienced if any is (issue 14)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from runs import DAY1, SEOUL, run

from monitor.clock import Clock
from monitor.numbers.listing import Filters, jobs
from monitor.posting import RawPosting
from monitor.storage.db import Database


def post(external_id: str, **experience: object) -> RawPosting:
    return RawPosting(
        external_id=external_id,
        title="AI 엔지니어",
        url=f"https://jobs.example.com/{external_id}",
        company="한빛",
        location="서울 강남구",
        description="멀티모달 LLM",
        **experience,  # type: ignore[arg-type]
    )


@pytest.fixture
def both(db: Database) -> Database:
    # One job on two boards: 신입 welcome on one, 3 years asked on the other (seen later).
    run(db, 1, [post("a1", level="entry", years_min=0, years_max=3)], source="alpha")
    run(db, 1, [post("b1", years_min=3)], source="beta")
    run(db, 2, [post("b1", years_min=3)], source="beta")
    return db


def listed(db: Database, level: str | None) -> list[tuple[str | None, int | None, int | None]]:
    clock = Clock(SEOUL, DAY1 + timedelta(days=2))
    with db.session() as session:
        rows = jobs(session, clock, filters=Filters(level=level))
        return [(row.level, row.years_min, row.years_max) for row in rows]


def test_a_job_open_to_newcomers_on_one_board_is_entry(both: Database) -> None:
    assert listed(both, None) == [("entry", 0, 3)]
    assert listed(both, "entry") == [("entry", 0, 3)]
    assert listed(both, "experienced") == []


def test_unknown_is_neither(db: Database) -> None:
    run(db, 1, [post("a1")], source="alpha")
    assert listed(db, "entry") == listed(db, "experienced") == []
