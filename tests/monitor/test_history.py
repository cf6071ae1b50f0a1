"""Three days of history built by hand against the local board server, figure by figure.

Day 1 (Mon 2026-03-02): alpha (Greenhouse, first run) has g1 LLM posted that day, g2 medical
posted earlier, g3 other posted that day; beta (Lever, first run) has l1 multimodal LLM and l2
other, both posted earlier. First-run rule: only g1 and g3 are new.
Day 2: alpha drops g2 (closes, last seen day 1) and adds g4 LLM; beta answers 500 (failed run:
its postings stay active).
Day 3: alpha unchanged; beta drops l2 (closes with last seen day 1, so it no longer counts on
day 2 either) and adds l3 medical (Korean).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import cli_json, run_cli, write_config
from sqlalchemy import select

from monitor.demo.server import BoardServer
from monitor.demo.shapes.greenhouse import greenhouse_job, set_greenhouse
from monitor.demo.shapes.lever import lever_posting, set_lever
from monitor.storage.db import Database
from monitor.storage.models import DailyCount, Posting, ScrapeRun

DAY1 = "2026-03-02T09:00"
DAY2 = "2026-03-03T09:00"
DAY3 = "2026-03-04T09:00"
EARLIER_MS = 1_771_977_600_000  # 2026-02-25T00:00Z


def g(id: int, title: str, body: str, published: str) -> dict[str, object]:
    return greenhouse_job(
        id, title, content_html=f"<p>{body}</p>", first_published=published, company="Alpha"
    )


G1 = g(1, "LLM Engineer", "Fine-tune large language models.", "2026-03-02T08:00:00+09:00")
G2 = g(2, "Medical Imaging Engineer", "CT and MRI.", "2026-02-20T10:00:00+09:00")
G3 = g(
    3,
    "Backend Engineer",
    "Go services. Benefits: medical, dental and vision.",
    "2026-03-02T07:00:00+09:00",
)
G4 = g(4, "Applied Scientist", "Ship LLM-based features.", "2026-03-03T08:00:00+09:00")
L1 = lever_posting(
    "l1",
    "VLM Research Scientist",
    description_html="<div>Vision-language models.</div>",
    created_at_ms=EARLIER_MS,
    site="beta",
)
L2 = lever_posting(
    "l2", "Designer", description_html="<div>Design.</div>", created_at_ms=EARLIER_MS, site="beta"
)
L3 = lever_posting(
    "l3",
    "의료영상 AI 연구원",
    description_html="<div>의료 영상 판독 AI.</div>",
    created_at_ms=EARLIER_MS,
    site="beta",
)


def _scrape(config: Path, now: str, *, expect_exit: int = 0) -> None:
    result = run_cli(config, "scrape", now=now)
    assert result.exit_code == expect_exit, result.output


@pytest.fixture
def history(board_server: BoardServer, database_url: str, tmp_path: Path) -> Path:
    config = write_config(tmp_path / "config.toml", board_server.url, database_url)
    set_greenhouse(board_server, "alpha", [G1, G2, G3])
    set_lever(board_server, "beta", [L1, L2])
    _scrape(config, DAY1)

    set_greenhouse(board_server, "alpha", [G1, G3, G4])
    board_server.fault("/v0/postings/beta", "500")
    _scrape(config, DAY2, expect_exit=1)
    board_server.clear_faults()

    set_lever(board_server, "beta", [L1, L3])
    _scrape(config, DAY3)
    return config


def _figures(rows: list[dict[str, object]]) -> dict[tuple[object, object], tuple[object, ...]]:
    return {
        (row["period"], row["term"]): (row["active"], row["new"], row["jobs_total"]) for row in rows
    }


def test_daily_figures_after_three_days(history: Path) -> None:
    rows = cli_json(
        history,
        "query",
        "llm",
        "medical",
        "멀티모달 LLM",
        "--by",
        "day",
        "--since",
        "2026-03-02",
        "--until",
        "2026-03-04",
        now="2026-03-04T12:00",
    )
    assert _figures(rows) == {
        ("2026-03-02", "llm"): (2, 1, 5),  # g1, l1 (implied by multimodal); g1 new
        ("2026-03-02", "medical"): (1, 0, 5),  # g2 (g3's benefits line is not medical)
        ("2026-03-02", "멀티모달 LLM"): (1, 0, 5),  # l1, not new on beta's first run
        ("2026-03-03", "llm"): (3, 1, 4),  # g1, g4, l1; l2 closed with last seen day 1
        ("2026-03-03", "medical"): (0, 0, 4),
        ("2026-03-03", "멀티모달 LLM"): (1, 0, 4),
        ("2026-03-04", "llm"): (3, 0, 5),  # g1, g4, l1
        ("2026-03-04", "medical"): (1, 1, 5),  # l3, new
        ("2026-03-04", "멀티모달 LLM"): (1, 0, 5),
    }
    by_key = {(row["period"], row["term"]): row for row in rows}
    assert by_key[("2026-03-02", "멀티모달 LLM")]["tag"] == "multimodal_llm"
    assert by_key[("2026-03-03", "llm")]["share"] == pytest.approx(0.75)
    assert all(row["too_few"] for row in rows)
    assert not any(row["partial"] for row in rows)


def test_weekly_figures_count_only_days_so_far(history: Path) -> None:
    rows = cli_json(
        history,
        "query",
        "llm",
        "medical",
        "--since",
        "2026-W10",
        "--until",
        "2026-W10",
        now="2026-03-04T12:00",
    )
    assert len(rows) == 2
    llm, medical = rows
    assert llm["period"] == "2026-W10" and llm["partial"] is True
    assert llm["active"] == pytest.approx(8 / 3, abs=1e-4)
    assert llm["new"] == 2
    assert llm["jobs_total"] == pytest.approx(14 / 3, abs=1e-4)
    assert llm["share"] == pytest.approx(8 / 14, abs=1e-6)
    assert 0 < llm["share_low"] < llm["share"] < llm["share_high"] < 1
    assert medical["active"] == pytest.approx(2 / 3, abs=1e-4)
    assert medical["new"] == 1
    assert medical["too_few"] is True


def test_day_two_view_before_beta_recovers(
    board_server: BoardServer, database_url: str, tmp_path: Path
) -> None:
    config = write_config(tmp_path / "config.toml", board_server.url, database_url)
    set_greenhouse(board_server, "alpha", [G1, G2, G3])
    set_lever(board_server, "beta", [L1, L2])
    _scrape(config, DAY1)
    set_greenhouse(board_server, "alpha", [G1, G3, G4])
    board_server.fault("/v0/postings/beta", "500")
    _scrape(config, DAY2, expect_exit=1)
    rows = cli_json(
        config, "query", "llm", "--by", "day", "--since", "2026-03-02", now="2026-03-03T18:00"
    )
    # A failed source does not make its postings vanish: l1 and l2 still count on day 2.
    assert _figures(rows) == {
        ("2026-03-02", "llm"): (2, 1, 5),
        ("2026-03-03", "llm"): (3, 1, 5),
    }


def test_stored_postings_and_runs(history: Path, database_url: str) -> None:
    db = Database(database_url)
    try:
        with db.session() as session:
            postings = {p.external_id: p for p in session.scalars(select(Posting))}
            runs = [
                (r.status, r.returned, r.new, r.closed)
                for r in session.scalars(select(ScrapeRun).order_by(ScrapeRun.id))
            ]
    finally:
        db.dispose()
    assert sorted(postings) == ["1", "2", "3", "4", "l1", "l2", "l3"]
    assert postings["2"].closed_at is not None
    assert postings["2"].last_seen_at.isoformat() == "2026-03-02T00:00:00+00:00"
    assert postings["l2"].closed_at is not None
    assert postings["1"].first_seen_at.isoformat() == "2026-03-02T00:00:00+00:00"
    assert postings["1"].last_seen_at.isoformat() == "2026-03-04T00:00:00+00:00"
    assert postings["1"].new_on is not None and postings["1"].new_on.isoformat() == "2026-03-02"
    assert postings["2"].new_on is None
    # alpha day 1, beta day 1, then day 2 and day 3 in whichever order the threads finished.
    assert sorted(runs[:2]) == [("ok", 2, 0, 0), ("ok", 3, 2, 0)]
    assert sorted(runs[2:4]) == [("failed", 0, 0, 0), ("ok", 3, 1, 1)]
    # alpha answered 304 Not Modified to its stored ETag on day 3.
    assert sorted(runs[4:]) == [("ok", 2, 1, 1), ("unchanged", 3, 0, 0)]


def test_rebuild_counts_gives_identical_rows(history: Path, database_url: str) -> None:
    def snapshot() -> list[tuple[object, ...]]:
        db = Database(database_url)
        try:
            with db.session() as session:
                return sorted(
                    (r.day, r.tag, r.source_id, r.active, r.new, r.closed)
                    for r in session.scalars(select(DailyCount))
                )
        finally:
            db.dispose()

    before = snapshot()
    result = run_cli(history, "db", "rebuild-counts", now="2026-03-04T09:00")
    assert result.exit_code == 0, result.output
    assert snapshot() == before
    assert {row[0].isoformat() for row in before} == {"2026-03-02", "2026-03-03", "2026-03-04"}


def test_the_fast_path_gives_the_same_rows_as_the_full_one(
    history: Path, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    args = ("query", "llm", "medical", "멀티모달 LLM", "--by", "day", "--since", "2026-03-02")
    later = "2026-03-04T12:00"
    full_calls: list[object] = []
    import monitor.numbers.trends

    real_trend = monitor.numbers.trends.trend

    def counting_trend(*a: object, **k: object) -> object:
        full_calls.append(a)
        return real_trend(*a, **k)  # type: ignore[arg-type]

    monkeypatch.setattr(monitor.numbers.trends, "trend", counting_trend)
    fast = cli_json(history, *args, now=later)
    if database_url.startswith("sqlite"):
        assert full_calls == []  # answered from daily_count by sqlite3 alone
    monkeypatch.setattr("monitor.numbers.fastquery.fast_trend", lambda *a, **k: None)
    full = cli_json(history, *args, now=later)
    assert fast == full
    # A day not aggregated yet (no run on day 4): the full path answers it.
    full_calls.clear()
    monkeypatch.undo()
    monkeypatch.setattr(monitor.numbers.trends, "trend", counting_trend)
    rows = cli_json(history, *args, "--until", "2026-03-05", now="2026-03-05T12:00")
    assert len(full_calls) == 1
    assert [r["active"] for r in rows if r["term"] == "llm"] == [2, 3, 3, 3]


def test_schema_revision_is_alembics_head() -> None:
    from monitor.storage.db import head_revision
    from monitor.storage.schema import SCHEMA_REVISION

    assert head_revision() == SCHEMA_REVISION
