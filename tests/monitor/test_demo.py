"""The simulated market and ``jobtrend demo``: the pipeline against the market, checked by the
market's own count (on SQLite, and on PostgreSQL where it is configured)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from monitor.config import load
from monitor.demo.runner import run_demo
from monitor.demo.truth import Rules
from tests.helpers import run_cli

# A fixed Monday, so that every run builds the same market.
TODAY = date(2026, 3, 30)


def test_demo_command_writes_the_report_and_agrees(tmp_path: Path) -> None:
    out = tmp_path / "demo"
    result = run_cli(None, "demo", "--weeks", "3", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    assert "figures agree with the market" in result.output
    assert "known difference: medical" in result.output  # named, never hidden
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
