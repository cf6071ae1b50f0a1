"""The simulated market and ``jobtrend demo``: the pipeline against the market, checked by the
market's own count (on SQLite, and on PostgreSQL where it is configured)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from monitor.config import load
from monitor.demo.runner import run_demo
from monitor.demo.truth import Rules
from monitor.storage.db import Database
from monitor.storage.models import ScrapeRun, Source
from tests.helpers import run_cli

# A fixed Monday, so that every run builds the same market.
TODAY = date(2026, 3, 30)
JSON = "application/json; charset=utf-8"


def test_demo_command_writes_the_report_and_agrees(tmp_path: Path) -> None:
    out = tmp_path / "demo"
    result = run_cli(None, "demo", "--weeks", "3", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    assert "figures agree with the market" in result.output
    # Benefit and EEO lines saying medical no longer count: medical agrees like the rest.
    agree = next(line for line in result.output.splitlines() if "figures agree" in line)
    assert "medical" in agree and "known difference" not in result.output
    for name in ("index.html", "report.txt", "report.eml"):
        assert (out / "report" / name).is_file()
    assert list((out / "report").glob("*.png"))
    assert (out / "jobtrend.db").is_file()
    assert len(load(out / "config.toml").sources) == 10
    # A second run replaces the database instead of adding to it.
    again = run_cli(None, "demo", "--weeks", "1", "--out", str(out))
    assert again.exit_code == 0, again.output
    assert "figures agree with the market" in again.output


@pytest.mark.parametrize("weeks", ["0", "53"])
def test_demo_weeks_out_of_range(weeks: str) -> None:
    result = run_cli(None, "demo", "--weeks", weeks)
    assert result.exit_code == 2
    assert "--weeks must be between 1 and 52." in result.output


def test_the_market_agrees_on_each_backend(tmp_path: Path, database_url: str) -> None:
    result = run_demo(
        tmp_path,
        weeks=4,
        echo=lambda _: None,
        today=TODAY,
        database_url=database_url,
        report=False,
    )
    assert result.differences == []
    assert set(result.known) <= {"medical"}
    assert result.runs.get("failed", 0) > 0 and result.runs.get("suspect", 0) == 2


@pytest.mark.parametrize(
    ("rule", "what"),
    [
        (Rules(first_run=False), "new"),
        (Rules(jobs_not_postings=False), "active"),
        (Rules(stale=False), "active"),
        (Rules(suspect=False), "active"),
    ],
)
def test_a_rule_switched_off_is_reported(tmp_path: Path, rule: Rules, what: str) -> None:
    result = run_demo(tmp_path, weeks=4, echo=lambda _: None, today=TODAY, rules=rule, report=False)
    assert result.differences, "the check did not notice a missing rule"
    assert any(d.what == what for d in result.differences)


FAULTS = [
    ("429", {"retry_after": "1"}, "failed"),
    ("500", {}, "failed"),
    ("slow", {"delay_s": 0.3}, "ok"),
    ("truncated", {}, "failed"),
    ("huge", {"size_mb": 3}, "failed"),
    ("redirect_loop", {}, "failed"),
    ("status", {"status": 200, "body": '{"postings": []}', "content_type": JSON}, "failed"),
]


@pytest.mark.parametrize(("kind", "params", "status"), FAULTS, ids=[f[0] for f in FAULTS])
def test_a_fault_fails_only_its_run_and_the_figures_still_agree(
    tmp_path: Path, database_url: str, kind: str, params: dict[str, Any], status: str
) -> None:
    # One board breaks on day 3 of a week (changed markup: the listing lost its "jobs"); the
    # market knows it, so the check still holds, and only that run failed, with its reason.
    result = run_demo(
        tmp_path,
        weeks=1,
        echo=lambda _: None,
        today=TODAY,
        database_url=database_url,
        report=False,
        inject={("acme-ai", 3): (kind, params)},
    )
    assert result.differences == []
    db = Database(database_url)
    try:
        with db.session() as session:
            runs = session.execute(
                select(Source.name, ScrapeRun.status, ScrapeRun.error)
                .join(Source, Source.id == ScrapeRun.source_id)
                .order_by(ScrapeRun.started_at, Source.name)
            ).all()
    finally:
        db.dispose()
    acme = [(s, e) for name, s, e in runs if name == "acme-ai"]
    assert acme[3][0] == status, acme[3]
    if status == "failed":
        assert acme[3][1]  # the reason is recorded
    assert all(s in ("ok", "unchanged") for s, _ in acme[4:])  # the next day repairs
    # (roadmind and wwr-remote break on their own: the market's health story)
    others = [s for name, s, _ in runs if name not in ("acme-ai", "roadmind", "wwr-remote")]
    assert "failed" not in others
