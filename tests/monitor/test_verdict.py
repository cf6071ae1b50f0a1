"""The trend verdict: rising, falling or flat by a weighted least-squares slope of weekly share
with its 95% interval, and nothing at all on too little data."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import pytest
from helpers import run_cli
from runs import raw, run

from monitor.numbers.shares import Row
from monitor.numbers.verdict import complete_weeks, share_slope, t975, with_verdicts
from monitor.storage.db import Database


def weeks(shares: list[float], total: float = 200.0, term: str = "llm") -> list[Row]:
    """Complete ISO weeks from 2026-W01 with these shares of ``total`` jobs."""
    return [
        Row(
            period=f"2026-W{n + 1:02d}",
            term=term,
            tag=term,
            active=share * total,
            new=0,
            share=share,
            share_low=None,
            share_high=None,
            jobs_total=total,
            too_few=share * total < 5,
            partial=False,
        )
        for n, share in enumerate(shares)
    ]


RISING = [0.100, 0.108, 0.113, 0.121, 0.127, 0.136, 0.140, 0.149, 0.155, 0.162]
FLAT = [0.120, 0.121, 0.119, 0.120, 0.122, 0.119, 0.120, 0.121, 0.120, 0.119]
# Drifts up by 0.5 points a week, but wobbles by 8 points: no clear change.
NOISY = [0.10, 0.19, 0.09, 0.21, 0.10, 0.20, 0.12, 0.22, 0.11, 0.21]


@pytest.mark.parametrize(
    ("shares", "verdict"),
    [
        (RISING, "rising"),
        (list(reversed(RISING)), "falling"),
        (FLAT, "flat"),
        (NOISY, "flat"),
    ],
)
def test_verdicts(shares: list[float], verdict: str) -> None:
    slope = share_slope(weeks(shares))
    assert slope is not None
    assert slope.verdict == verdict
    assert slope.weeks == 10


def test_the_rising_slope_and_its_interval() -> None:
    slope = share_slope(weeks(RISING))
    assert slope is not None
    assert slope.slope == pytest.approx(0.5665 / 82.5, abs=1e-9)  # 0.69 points a week (OLS by hand)
    assert 0 < slope.low < slope.slope < slope.high


def test_seven_weeks_or_too_few_jobs_say_nothing() -> None:
    assert share_slope(weeks(RISING[:7])) is None
    assert share_slope(weeks(RISING, total=30.0)) is None  # a mean active of 3.9 jobs


def test_weights_follow_jobs_total() -> None:
    # One odd week of 10 jobs among weeks of 1,000 barely moves the slope.
    rows = weeks(FLAT, total=1000.0)
    odd = Row(**{**rows[9].as_dict(), "share": 0.9, "active": 9.0, "jobs_total": 10.0})
    slope = share_slope([*rows[:9], odd])
    assert slope is not None and abs(slope.slope) < 0.002


def test_t_quantiles() -> None:
    assert t975(10) == 2.228
    assert t975(35) == pytest.approx(2.0301, abs=0.002)
    assert t975(200) == pytest.approx(1.9719, abs=0.002)


def test_only_complete_weeks_inside_the_span_count() -> None:
    rows = weeks(RISING)
    last = Row(**{**rows[-1].as_dict(), "partial": True})
    kept = complete_weeks([*rows[:-1], last], date(2026, 1, 1), date(2026, 12, 31))
    # 2026-W01 starts on 2025-12-29, before the span: clipped, so left out; W10 is partial.
    assert [row.period for row in kept] == [f"2026-W{n:02d}" for n in range(2, 10)]


def test_every_row_of_a_term_carries_its_verdict() -> None:
    rows = weeks(RISING) + weeks(FLAT, term="medical")
    out = with_verdicts(rows, rows, date(2025, 12, 29), date(2026, 3, 8))
    assert {row.trend for row in out if row.term == "llm"} == {"rising"}
    assert {row.trend for row in out if row.term == "medical"} == {"flat"}


def test_query_json_carries_the_verdict(tmp_path: Path) -> None:
    """Ten weeks in which LLM jobs grow from 4 to 13 of 40: every llm row says rising, by week
    and by month (the verdict is always over complete weeks)."""
    url = f"sqlite:///{tmp_path / 'jobtrend.db'}"
    db = Database(url)
    for week in range(10):
        jobs = [raw(f"w{week}-llm{n}", f"LLM Engineer {week}-{n}") for n in range(4 + week)]
        jobs += [raw(f"w{week}-other{n}", f"Accountant {week}-{n}") for n in range(36 - week)]
        for day in range(7):
            run(db, 1 + 7 * week + day, jobs)
    db.dispose()
    config = tmp_path / "config.toml"
    config.write_text(f'timezone = "Asia/Seoul"\n[database]\nurl = "{url}"\n', encoding="utf-8")
    now = (date(2026, 3, 2) + timedelta(weeks=10, days=1)).isoformat() + "T12:00"
    for by in ("week", "month", "day"):
        result = run_cli(
            config, "query", "llm", "--since", "2026-03-02", "--by", by, "--json", now=now
        )
        assert result.exit_code == 0, result.output
        rows = json.loads(result.stdout)
        assert rows and {row["trend"] for row in rows} == {"rising"}, (by, rows)
    table = run_cli(config, "query", "llm", "--since", "2026-03-02", now=now)
    assert "rising" in table.output
