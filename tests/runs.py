"""Build a history run by run without HTTP: postings straight into the store, clock frozen."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from monitor.clock import Clock
from monitor.normalise import normalise
from monitor.numbers.refresh import refresh_counts
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


# --- a mixed history: every split the report makes has something in it ----------------------

# Day 42 of ``run`` is Sunday 2026-04-12, the end of 2026-W15; "now" is the Tuesday after.
MIXED_NOW = "2026-04-14T10:00:00+09:00"
MIXED_WEEK = "2026-W15"
MIXED_DAYS = 42
# Sources with a healthy run in each of the last five weeks (W11..W15): "late" starts on day
# 33, "stale" fails from day 21 on (and is stale, its open postings cut, from day 35).
MIXED_PRESENT = ("kr-board", "search", "world")


def _mixed_world(opened: int) -> RawPosting:
    """Abroad, remote, unknown and remote-in-Korea postings; entry, experienced and neither."""
    seniority = ("Senior ", "Junior ", "")[opened % 3]
    topic = "LLM Engineer" if opened // 4 % 2 else "Diffusion Research Scientist"
    place: dict[str, Any] = [
        {"country": "US", "location": "NYC"},
        {"remote": True, "location": "Remote"},
        {},
        {"country": "KR", "remote": True, "location": "Remote (Korea)"},
    ][opened % 4]
    return raw(f"us{opened}", f"{seniority}{topic} {opened}", **place)


def _mixed_korea(opened: int) -> RawPosting:
    title = f"LLM 엔지니어 {opened}" if opened % 2 else f"의료 로봇 연구원 {opened}"
    stated: dict[str, Any] = [{"level": "entry"}, {"years_min": 5}, {}][opened % 3]
    return raw(f"kr{opened}", title, country="KR", location="서울", **stated)


def mixed_clock() -> Clock:
    """The clock of the mixed history's report: ``MIXED_NOW`` in Seoul."""
    return Clock(SEOUL, datetime.fromisoformat(MIXED_NOW))


def build_mixed_history(db: Database) -> None:
    """Six weeks of five sources: Korea, abroad (remote and unknown places), a query-filtered
    board, a board added late, a board gone stale; entry, experienced and unknown levels, one
    job on two boards whose levels disagree, and a posting that closed and came back."""
    both = raw("both", "Robotics Engineer", country="KR", location="서울")
    for day in range(1, MIXED_DAYS + 1):
        kr = [_mixed_korea(o) for o in range(max(1, day - 20), day + 1)]
        world = [_mixed_world(o) for o in range(max(1, day - 13), day + 1)]
        if not 11 <= day <= 15:  # gone for five days, then back: two sighting spans
            kr.append(raw("repost", "LLM 리서처", country="KR", location="서울"))
        if 20 <= day <= 30:  # medical on one board; back on another within 60 days, not
            kr.append(raw("moved", "Research Engineer", "의료 영상 판독", location="서울"))
        if day >= 37:
            world.append(
                raw("moved-back", "Research Engineer", "Backend services", location="서울")
            )
        if day >= 30:  # the same job on both boards: entry on one, experienced on the other
            kr.append(dataclasses.replace(both, level="entry"))
            world.append(dataclasses.replace(both, years_min=7))
        run(db, day, kr, source="kr-board")
        run(db, day, world, source="world")
        search = [
            raw(f"s{o}", f"Diffusion Engineer {o}", country="US") for o in range(day - 9, day + 1)
        ]
        run(db, day, search, source="search", query_filtered=True)
        if day >= 33:
            late = [
                raw(f"late{o}", f"LLM Engineer late {o}", country="DE") for o in range(33, day + 1)
            ]
            run(db, day, late, source="late")
        if day <= 20:
            run(
                db,
                day,
                [raw(f"st{o}", f"LLM Engineer st{o}", country="KR") for o in range(1, day + 1)],
                source="stale",
            )
        elif day % 3 == 0:
            run(db, day, [], source="stale", status="failed")
