"""The stored counts of each region and level group (``daily_part_count``) are the counts
``compute_daily`` gives with that filter; a database whose parts were never counted (as right
after migration 0013) counts them from the postings until its next refresh fills every day."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest
from runs import MIXED_DAYS, mixed_clock
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from monitor.numbers.daily import compute_daily
from monitor.numbers.filters import (
    LEVELS,
    PARTS,
    REGIONS,
    level_codes,
    level_of_job,
    part_condition,
    stored_part,
)
from monitor.numbers.refresh import rebuild_counts, refresh_counts
from monitor.numbers.trends import TrendQuery, _stored_counts, trend, trend_parts
from monitor.storage.db import Database
from monitor.storage.models import ALL_SOURCES, DailyCount, DailyPartCount, Posting
from monitor.taxonomy import builtin_tags

FIRST = date(2026, 3, 2)
LAST = FIRST + timedelta(days=MIXED_DAYS - 1)
TAGS = sorted(builtin_tags())


_clock = mixed_clock


def _series(counts: object) -> dict[tuple[str, str], list[int]]:
    out = {}
    for metric in ("active", "new"):
        for key, values in getattr(counts, metric).items():
            if key[1] == ALL_SOURCES and any(values):
                out[(metric, key[0])] = list(values)
    return out


def _count_rows(session: Session) -> list[tuple[object, ...]]:
    return sorted(
        (r.day, r.tag, r.source_id, r.active, r.new, r.closed)
        for r in session.scalars(select(DailyCount))
    )


def _part_rows(session: Session) -> list[tuple[object, ...]]:
    return sorted(
        (r.day, r.part, r.tag, r.active, r.new, r.closed)
        for r in session.scalars(select(DailyPartCount))
    )


def test_each_part_holds_what_the_filter_counts(mixed: Database) -> None:
    with mixed.session() as session:
        clock = _clock()
        rebuild_counts(session, clock)
        closes = 0
        for part in PARTS:
            stored = _stored_counts(session, clock, FIRST, LAST, TAGS, part=part)
            counted = compute_daily(
                session, clock, FIRST, LAST, where=[part_condition(part)], per_source=False
            )
            assert _series(stored) == _series(counted), part
            closed = {
                (tag, day): n
                for day, tag, n in session.execute(
                    select(DailyPartCount.day, DailyPartCount.tag, DailyPartCount.closed).where(
                        DailyPartCount.part == part,
                        DailyPartCount.day <= LAST,
                        DailyPartCount.closed > 0,
                    )
                )
            }
            assert closed == {
                (key[0], FIRST + timedelta(days=offset)): n
                for key, series in counted.closed.items()
                for offset, n in enumerate(series)
                if n
            }, part
            closes += len(closed)
        assert closes > 0
        # Something on each side of each split, and every day of each part filled.
        days = session.execute(
            select(DailyPartCount.part, func.count())
            .where(DailyPartCount.tag == "*")
            .group_by(DailyPartCount.part)
        ).all()
        filled = (clock.today() - FIRST).days + 1  # a rebuild counts up to today
        assert dict(days) == {part: filled for part in PARTS}
        for part in PARTS:
            stored = _stored_counts(session, clock, LAST, LAST, ["llm"], part=part)
            assert stored.active[("*", ALL_SOURCES)][0] > 0, part


def test_refreshed_counts_are_the_rebuilt_ones(mixed: Database) -> None:
    with mixed.session() as session:
        # The runs refreshed up to the last run's day; a rebuild counts up to today.
        before = _count_rows(session), _part_rows(session)
        filled = max(row[0] for row in before[0])
        rebuild_counts(session, _clock())
        after = [r for r in _count_rows(session) if r[0] <= filled]
        assert (after, [r for r in _part_rows(session) if r[0] <= filled]) == before


def test_parts_never_counted_are_counted_then_filled(mixed: Database) -> None:
    clock = _clock()
    query = TrendQuery(terms=["llm", "medical"], start=FIRST, end=LAST, by="week", level="entry")
    with mixed.session() as session:
        rebuild_counts(session, clock)
        expected = trend(session, clock, builtin_tags(), query)
        before = _part_rows(session)
        session.execute(delete(DailyPartCount))
        assert trend(session, clock, builtin_tags(), query) == expected
        refresh_counts(session, clock, None)
        assert _part_rows(session) == before


def test_only_a_region_or_a_level_alone_is_a_stored_part() -> None:
    def query(**kw: object) -> TrendQuery:
        return TrendQuery(terms=["llm"], start=FIRST, end=LAST, **kw)  # type: ignore[arg-type]

    assert [stored_part(query(region=r)) for r in REGIONS] == list(PARTS[:3])
    assert [stored_part(query(level=lv)) for lv in LEVELS] == list(PARTS[3:])
    assert stored_part(query()) is None
    assert stored_part(query(level="entry", region="kr")) is None
    assert stored_part(query(level="entry", countries=["KR"])) is None
    assert stored_part(query(region="kr", sources=["acme"])) is None
    assert stored_part(query(level="entry", group_by="company")) is None


def test_levels_are_the_same_looked_up_by_job_or_in_one_pass(
    mixed: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    import monitor.numbers.filters as filters

    with mixed.session() as session:
        rows = session.execute(select(Posting.level, Posting.job_id).order_by(Posting.id)).all()
        levels, jobs = [r[0] for r in rows], [r[1] for r in rows]
        expected = [
            LEVELS.index(level) if level else -1
            for level in (
                session.execute(select(level_of_job()).order_by(Posting.id)).scalars().all()
            )
        ]
        monkeypatch.setattr(filters, "FEW_JOBS", 0)
        one_pass = level_codes(session, levels, jobs).tolist()
        monkeypatch.setattr(filters, "FEW_JOBS", 10**9)
        by_job = level_codes(session, levels, jobs).tolist()
    assert one_pass == by_job == expected
    # The job on two boards: its experienced posting is not experienced (the other is entry).
    assert -1 in expected and expected.count(LEVELS.index("experienced")) > 0


def test_the_parts_trends_are_the_filtered_trends(mixed: Database) -> None:
    clock = _clock()
    terms = ["llm", "medical", "diffusion", "로봇"]
    query = TrendQuery(terms=terms, start=FIRST, end=LAST, by="week")
    with mixed.session() as session:
        whole, found = trend_parts(session, clock, builtin_tags(), query, PARTS)
        assert whole == trend(session, clock, builtin_tags(), query)
        for part in PARTS:
            kind, _, value = part.partition(":")
            filtered = replace(query, **{"region" if kind == "region" else "level": value})
            assert found[part] == trend(session, clock, builtin_tags(), filtered), part
        assert all(found[part] for part in PARTS)
        with pytest.raises(ValueError, match="without filters"):
            trend_parts(session, clock, builtin_tags(), replace(query, level="entry"), PARTS)
