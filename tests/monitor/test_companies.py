"""``query TERM --group-by company``: each company's jobs in the span against the span of the
same length right before it (DESIGN.md, "Rising terms"), on both backends."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest
from helpers import run_cli
from runs import DAY1, raw, run

from monitor.posting import RawPosting
from monitor.storage.db import Database

# Monday of ISO week 14: weeks 12 and 13 are complete, and so are 10 and 11 before them.
NOW = (DAY1 + timedelta(days=28, hours=3)).isoformat()
SPAN = ("--since", "2026-W12", "--until", "2026-W13")


def job(external_id: str, company: str, title: str = "") -> RawPosting:
    return replace(raw(external_id, title or f"LLM Engineer {external_id}"), company=company)


@pytest.fixture
def market(database_url: str, tmp_path: Path) -> Path:
    """Weekly runs from Monday 2026-03-02 (week 10) to week 13. Acme grows (1 LLM job before
    week 12, 3 since), Beta shrinks (3, then 1), Gamma starts (0, then 2); Epsilon had one
    and stopped; Delta hires, but not for LLM work."""
    db = Database(database_url)
    both = [job("a1", "Acme"), job("b1", "Beta"), job("d1", "Delta", "Accountant d1")]
    early = [job("b2", "Beta"), job("b3", "Beta"), job("e1", "Epsilon")]
    late = [job("a2", "Acme"), job("a3", "Acme"), job("g1", "Gamma"), job("g2", "Gamma")]
    run(db, 1, both + early)
    run(db, 8, both + early)
    run(db, 15, both + late)
    run(db, 22, both + late)
    db.dispose()
    config = tmp_path / "config.toml"
    config.write_text(
        f'timezone = "Asia/Seoul"\n[database]\nurl = "{database_url}"\n', encoding="utf-8"
    )
    return config


def _changes(rows: list[dict[str, object]]) -> list[tuple[object, ...]]:
    """One (company, jobs, previous_active, change) per company, in the rows' order."""
    seen = {row["group"]: row for row in rows}
    return [(g, r["jobs"], r["previous_active"], r["change"]) for g, r in seen.items()]


def test_each_company_against_the_span_before(market: Path) -> None:
    result = run_cli(market, "query", "llm", "--group-by", "company", *SPAN, "--json", now=NOW)
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    # Ranked by jobs in the span; Delta has no LLM job and Epsilon none any more.
    assert _changes(rows) == [("Acme", 3, 1, 2), ("Gamma", 2, 0, 2), ("Beta", 1, 3, -2)]
    assert [row["period"] for row in rows if row["group"] == "Acme"] == ["2026-W12", "2026-W13"]
    # Every row of a company carries the same comparison; the period figures are the usual.
    acme = [row for row in rows if row["group"] == "Acme"]
    assert {row["change"] for row in acme} == {2}
    assert [row["active"] for row in acme] == [3.0, 3.0]


def test_top_keeps_the_companies_with_the_most_jobs(market: Path) -> None:
    rows = json.loads(
        run_cli(
            market, "query", "llm", "--group-by", "company", "--top", "2", *SPAN, "--json", now=NOW
        ).stdout
    )
    assert _changes(rows) == [("Acme", 3, 1, 2), ("Gamma", 2, 0, 2)]


def test_an_ad_hoc_term_is_compared_the_same_way(market: Path) -> None:
    rows = json.loads(
        run_cli(
            market, "query", "engineer", "--group-by", "company", *SPAN, "--json", now=NOW
        ).stdout
    )
    assert _changes(rows) == [("Acme", 3, 1, 2), ("Gamma", 2, 0, 2), ("Beta", 1, 3, -2)]


def test_a_span_before_the_first_run_is_not_compared(market: Path) -> None:
    since = ("--since", "2026-W11", "--until", "2026-W13")  # the 3 weeks before start in W08
    rows = json.loads(
        run_cli(market, "query", "llm", "--group-by", "company", *since, "--json", now=NOW).stdout
    )
    # Over weeks 11-13 Beta still had b2 and b3 (seen on day 8), and Epsilon e1; ties by name.
    assert _changes(rows) == [
        ("Acme", 3, None, None),
        ("Beta", 3, None, None),
        ("Gamma", 2, None, None),
        ("Epsilon", 1, None, None),
    ]


def test_other_groupings_and_no_grouping_carry_no_comparison(market: Path) -> None:
    for extra in ((), ("--group-by", "country")):
        rows = json.loads(run_cli(market, "query", "llm", *extra, *SPAN, "--json", now=NOW).stdout)
        assert rows and not any("change" in row or "previous_active" in row for row in rows)


def test_csv_has_the_columns(market: Path) -> None:
    result = run_cli(market, "query", "llm", "--group-by", "company", *SPAN, "--csv", now=NOW)
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert list(rows[0])[-4:] == ["group", "jobs", "previous_active", "change"]
    assert [(r["group"], r["jobs"], r["previous_active"], r["change"]) for r in rows[::2]] == [
        ("Acme", "3", "1", "2"),
        ("Gamma", "2", "0", "2"),
        ("Beta", "1", "3", "-2"),
    ]


def test_the_table_shows_who_started(market: Path) -> None:
    result = run_cli(market, "query", "llm", "--group-by", "company", *SPAN, now=NOW)
    assert result.exit_code == 0, result.output
    summary = result.output[result.output.index("llm: jobs by company") :]
    assert [line.rstrip() for line in summary.splitlines()] == [
        "llm: jobs by company",
        "",
        " company  jobs  before  change",
        " " + "─" * 29,
        " Acme        3       1      +2",
        " Gamma       2       0     new",
        " Beta        1       3      -2",
        "",
        "jobs: distinct jobs with the term on some day of 2026-03-16..2026-03-29; before:",
        "the same over 2026-03-02..2026-03-15; new: none before.",
    ]


def test_the_table_says_when_nothing_is_compared(market: Path) -> None:
    since = ("--since", "2026-W11", "--until", "2026-W13")
    result = run_cli(market, "query", "llm", "--group-by", "company", *since, now=NOW)
    summary = result.output[result.output.index("llm: jobs by company") :]
    lines = [line.rstrip() for line in summary.splitlines()]
    assert lines[4:8] == [
        " Acme        3       –       –",
        " Beta        3       –       –",
        " Gamma       2       –       –",
        " Epsilon     1       –       –",
    ]
    assert "–: the span before starts before the first run" in summary


def test_two_terms_rank_by_jobs_with_either(market: Path) -> None:
    result = run_cli(
        market, "query", "llm", "accountant", "--group-by", "company", *SPAN, "--json", now=NOW
    )
    rows = json.loads(result.stdout)
    per_term = {
        term: [
            (r["group"], r["jobs"], r["previous_active"], r["change"])
            for r in rows
            if r["term"] == term and r["period"] == "2026-W12"
        ]
        for term in ("llm", "accountant")
    }
    # Acme 3, Gamma 2, then Beta and Delta with 1 each (by name).
    assert per_term == {
        "llm": [("Acme", 3, 1, 2), ("Gamma", 2, 0, 2), ("Beta", 1, 3, -2), ("Delta", 0, 0, 0)],
        "accountant": [
            ("Acme", 0, 0, 0),
            ("Gamma", 0, 0, 0),
            ("Beta", 0, 0, 0),
            ("Delta", 1, 1, 0),
        ],
    }
    assert len(rows) == 16  # 4 companies x 2 terms x 2 weeks


def test_a_long_company_name_is_cut_to_the_width(database_url: str, tmp_path: Path) -> None:
    from rich.cells import cell_len

    long_name = (
        "가나다라마바사 인공지능 연구소 주식회사 글로벌 멀티모달 사업부 (Holdings International)"
    )
    db = Database(database_url)
    run(db, 1, [job("x1", long_name), job("x2", "Acme")])
    db.dispose()
    config = tmp_path / "config.toml"
    config.write_text(
        f'timezone = "Asia/Seoul"\n[database]\nurl = "{database_url}"\n', encoding="utf-8"
    )
    result = run_cli(
        config, "query", "llm", "--group-by", "company", "--since", "2026-W10", now=NOW
    )
    assert result.exit_code == 0, result.output
    summary = result.output[result.output.index("llm: jobs by company") :].splitlines()
    assert all(cell_len(line) <= 80 for line in summary)
    (cut,) = [line for line in summary if line.startswith(" 가나다라마바사")]
    assert cut.rstrip().endswith("멀티모달…     1       –       –")
