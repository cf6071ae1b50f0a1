"""Build a history run by run without HTTP: postings straight into the store, clock frozen."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from monitor.clock import Clock
from monitor.normalise import normalise
from monitor.numbers.daily import refresh_counts
from monitor.posting import RawPosting
from monitor.storage.db import Database
from monitor.storage.ingest import RunOutcome, SourceTraits, ensure_source, write_run
from monitor.storage.models import Posting, ScrapeRun
from monitor.tagging import Tagger
from monitor.taxonomy import builtin_tags

SEOUL = ZoneInfo("Asia/Seoul")
DAY1 = datetime(2026, 3, 2, 0, 0, tzinfo=UTC)  # 09:00 in Seoul
TAGGER = Tagger(builtin_tags())
PLAIN = SourceTraits()


def raw(external_id: str, title: str = "", description: str = "", **kw: object) -> RawPosting:
    return RawPosting(
        external_id=external_id,
        title=title or f"Engineer {external_id}",  # distinct jobs unless a test says otherwise
        url=f"https://jobs.example.com/{external_id}",
        company="Acme",
        description=description,
        **kw,  # type: ignore[arg-type]
    )


def run(db: Database, day: int, postings: list[RawPosting], **options: Any) -> ScrapeRun:
    """Day ``day`` (1 = Monday 2026-03-02, 09:00 in Seoul): one run of ``source``, committed
    (the options are ``run_in``'s)."""
    with db.session() as session:
        return run_in(session, day, postings, **options)


def run_in(
    session: Session,
    day: int,
    postings: list[RawPosting],
    *,
    status: str = "ok",
    traits: SourceTraits = PLAIN,
    source: str = "acme",
    query_filtered: bool = False,
) -> ScrapeRun:
    """One run of ``source`` on day ``day``, written in the caller's session (not committed)."""
    when = DAY1 + timedelta(days=day - 1)
    clock = Clock(SEOUL, when)
    outcome = RunOutcome(
        status=status,
        started_at=when,
        ended_at=when,
        postings=[normalise(p, company=None, fallback_company="acme") for p in postings],
        error="boom" if status == "failed" else None,
        error_kind="fetch" if status == "failed" else None,
    )
    row = ensure_source(session, source, "greenhouse", query_filtered, when)
    result = write_run(session, row, outcome, tagger=TAGGER, clock=clock, traits=traits)
    refresh_counts(session, clock, result.first_changed_day)
    return result.run


def postings(db: Database) -> dict[str, Posting]:
    with db.session() as session:
        return {p.external_id: p for p in session.scalars(select(Posting))}
