"""What bad input gets: a source that fails fails its own run, is recorded, and changes nothing.

Each scenario scrapes a healthy day 1 (alpha: Greenhouse with 2 postings, beta: Lever with 1),
then breaks alpha on day 2 in one way while beta adds a posting, and checks the exit code, the
summary, the recorded run, the untouched postings, ``status --json`` and that beta still
succeeded in the same run. Runs on SQLite and PostgreSQL.
"""

from __future__ import annotations

import json
import re
import socket
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from helpers import run_cli, write_config
from sqlalchemy import select

from monitor.demo.server import BoardServer
from monitor.demo.shapes.greenhouse import greenhouse_job, set_greenhouse
from monitor.demo.shapes.lever import lever_posting, set_lever
from monitor.storage.db import Database
from monitor.storage.models import Posting, PostingTag, ScrapeRun, Source

DAY1 = "2026-03-02T09:00"
DAY2 = "2026-03-03T09:00"
DAY1_UTC = datetime(2026, 3, 2, 0, 0, tzinfo=UTC)
DAY2_UTC_ISO = "2026-03-03T00:00:00Z"
EARLIER_MS = 1_771_977_600_000  # 2026-02-25T00:00Z

G1 = greenhouse_job(
    1,
    "LLM Engineer",
    content_html="<p>Fine-tune large language models.</p>",
    first_published="2026-03-02T08:00:00+09:00",
    company="Alpha",
)
G2 = greenhouse_job(
    2,
    "Medical Imaging Engineer",
    content_html="<p>CT and MRI.</p>",
    first_published="2026-02-20T10:00:00+09:00",
    company="Alpha",
)
L1 = lever_posting(
    "l1", "Designer", description_html="<div>Design.</div>", created_at_ms=EARLIER_MS, site="beta"
)
L2 = lever_posting(
    "l2",
    "VLM Research Scientist",
    description_html="<div>Vision-language models.</div>",
    created_at_ms=EARLIER_MS,
    site="beta",
)

ALPHA_LISTING = "/v1/boards/alpha/jobs"
WIDE = {"COLUMNS": "1000"}  # the summary table on one line per source


def free_port() -> int:
    """A port on 127.0.0.1 that nothing listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


def sources_toml(alpha_base: str, beta_base: str) -> str:
    return f"""
[[sources]]
name = "alpha"
kind = "greenhouse"
board = "alpha"
base_url = "{alpha_base}"

[[sources]]
name = "beta"
kind = "lever"
site = "beta"
base_url = "{beta_base}"
"""


def is_one_sentence(text: str) -> bool:
    """One line ending in a full stop, with no second sentence starting inside it."""
    return (
        "\n" not in text
        and text.endswith(".")
        and "Traceback" not in text
        and re.search(r"[.!?]\s+[A-Z]", text) is None
    )


@dataclass
class Scenario:
    config: Path
    server: BoardServer
    database_url: str


@dataclass(frozen=True)
class Fault:
    """How to break alpha on day 2, and what the failed run must say."""

    kind: str  # the recorded error_kind
    expect: Callable[[Scenario], list[str]]  # fragments the error must contain
    inject: Callable[[Scenario], None]


def _unreachable(s: Scenario) -> None:
    dead = f"http://127.0.0.1:{free_port()}"
    write_config(s.config, s.server.url, s.database_url, sources=sources_toml(dead, s.server.url))


def _unreachable_expect(s: Scenario) -> list[str]:
    text = s.config.read_text(encoding="utf-8")
    match = re.search(r'base_url = "(http://127\.0\.0\.1:\d+)"', text)
    assert match is not None
    return [f"{match[1]}/v1/boards/alpha/jobs", "connect"]


def _storm(s: Scenario) -> None:
    # Three attempts (max_retries = 2), each answered 429 with Retry-After: 0.
    text = s.config.read_text(encoding="utf-8").replace("max_retries = 0", "max_retries = 2")
    s.config.write_text(text, encoding="utf-8")
    s.server.fault(ALPHA_LISTING, "429", retry_after="0")


FAULTS = {
    # A refused connection (to robots.txt, the first request) is a fetch failure, not a block.
    "unreachable": Fault("fetch", _unreachable_expect, _unreachable),
    "429-storm": Fault(
        "fetch",
        lambda s: [
            f"{s.server.url}/v1/boards/alpha/jobs?content=true kept answering "
            "429 Too Many Requests after 3 attempts."
        ],
        _storm,
    ),
    "robots-disallow": Fault(
        "blocked",
        lambda s: [
            f"{s.server.url}/v1/boards/alpha/jobs?content=true is disallowed by "
            f"{s.server.url}/robots.txt for the user agent 'jobtrend-tests'."
        ],
        lambda s: s.server.set_robots("User-agent: *\nDisallow: /v1/"),
    ),
    "malformed-json": Fault(
        "parse",
        lambda s: [
            f"The response from {s.server.url}/v1/boards/alpha/jobs?content=true "
            "is not valid JSON ("
        ],
        lambda s: s.server.fault(ALPHA_LISTING, "truncated"),
    ),
    "error-404": Fault(
        "fetch",
        lambda s: [
            f"{s.server.url}/v1/boards/alpha/jobs?content=true answered 404 Not Found; "
            "check the board or site name in the source's options."
        ],
        lambda s: s.server.fault(ALPHA_LISTING, "status", status=404),
    ),
}


@pytest.fixture
def scenario(board_server: BoardServer, database_url: str, tmp_path: Path) -> Scenario:
    """Day 1 scraped healthily: alpha has G1 and G2, beta has L1."""
    config = write_config(tmp_path / "config.toml", board_server.url, database_url)
    set_greenhouse(board_server, "alpha", [G1, G2])
    set_lever(board_server, "beta", [L1])
    result = run_cli(config, "scrape", now=DAY1)
    assert result.exit_code == 0, result.output
    # Day 2: beta adds a posting, so its run is a plain "ok" with something new.
    set_lever(board_server, "beta", [L1, L2])
    return Scenario(config, board_server, database_url)


def _alpha_postings(database_url: str) -> list[tuple[Any, ...]]:
    db = Database(database_url)
    try:
        with db.session() as session:
            rows = session.execute(
                select(
                    Posting.external_id,
                    Posting.title,
                    Posting.description,
                    Posting.first_seen_at,
                    Posting.last_seen_at,
                    Posting.closed_at,
                    Posting.new_on,
                    Posting.content_hash,
                )
                .join(Source, Source.id == Posting.source_id)
                .where(Source.name == "alpha")
                .order_by(Posting.external_id)
            ).all()
            tags = session.execute(
                select(Posting.external_id, PostingTag.tag)
                .join(Posting, Posting.id == PostingTag.posting_id)
                .join(Source, Source.id == Posting.source_id)
                .where(Source.name == "alpha")
                .order_by(Posting.external_id, PostingTag.tag)
            ).all()
    finally:
        db.dispose()
    return [tuple(row) for row in rows] + [tuple(row) for row in tags]


def _runs(database_url: str) -> dict[str, list[tuple[Any, ...]]]:
    db = Database(database_url)
    try:
        with db.session() as session:
            rows = session.execute(
                select(
                    Source.name,
                    ScrapeRun.status,
                    ScrapeRun.returned,
                    ScrapeRun.new,
                    ScrapeRun.closed,
                    ScrapeRun.error_kind,
                    ScrapeRun.error,
                )
                .join(Source, Source.id == ScrapeRun.source_id)
                .order_by(ScrapeRun.started_at, ScrapeRun.id)
            ).all()
    finally:
        db.dispose()
    out: dict[str, list[tuple[Any, ...]]] = {}
    for name, *rest in rows:
        out.setdefault(name, []).append(tuple(rest))
    return out


@pytest.mark.parametrize("fault_name", list(FAULTS))
def test_a_failing_source_fails_alone_and_changes_nothing(
    scenario: Scenario, fault_name: str
) -> None:
    fault = FAULTS[fault_name]
    before = _alpha_postings(scenario.database_url)
    assert [row[0] for row in before[:2]] == ["1", "2"]

    fault.inject(scenario)
    result = run_cli(scenario.config, "scrape", now=DAY2, **WIDE)

    # Exit 1, no traceback, the failed source named in the summary with its error.
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    runs = _runs(scenario.database_url)
    assert [run[0] for run in runs["alpha"]] == ["ok", "failed"]
    _status, returned, new, closed, error_kind, error = runs["alpha"][1]
    assert (returned, new, closed) == (0, 0, 0)
    assert error_kind == fault.kind
    assert error is not None and is_one_sentence(error), error
    for fragment in fault.expect(scenario):
        assert fragment in error, (fragment, error)
    lines = result.output.splitlines()
    assert "alpha: failed" in lines
    assert "beta: ok" in lines
    summary = [line for line in lines if "alpha" in line and "greenhouse" in line]
    assert len(summary) == 1, result.output
    assert "failed" in summary[0] and error in summary[0], result.output

    # The other source succeeded in the same run.
    assert runs["beta"] == [("ok", 1, 0, 0, None, None), ("ok", 2, 1, 0, None, None)]

    # Stored postings exactly as after day 1: not closed, last seen on day 1.
    after = _alpha_postings(scenario.database_url)
    assert after == before
    for row in after[:2]:
        assert row[4] == DAY1_UTC  # last_seen_at
        assert row[5] is None  # closed_at

    # status --json tells the story.
    status_result = run_cli(scenario.config, "status", "--json", now="2026-03-03T10:00")
    assert status_result.exit_code == 0, status_result.output
    payload = json.loads(status_result.stdout)
    by_name = {row["name"]: row for row in payload["sources"]}
    alpha = by_name["alpha"]
    assert alpha["health"] == "failing"
    assert alpha["consecutive_failures"] == 1
    assert alpha["failing_since"] == DAY2_UTC_ISO
    assert alpha["last_run"] == {
        "started_at": DAY2_UTC_ISO,
        "ended_at": DAY2_UTC_ISO,
        "status": "failed",
        "returned": 0,
        "new": 0,
        "closed": 0,
        "error": error,
    }
    assert alpha["median_returned"] == 2.0  # failed runs do not count
    beta = by_name["beta"]
    assert beta["health"] == "ok"
    assert beta["consecutive_failures"] == 0
    assert beta["failing_since"] is None
    assert beta["last_run"]["status"] == "ok"
    assert beta["last_run"]["error"] is None


def test_a_429_storm_is_retried_before_failing(scenario: Scenario) -> None:
    FAULTS["429-storm"].inject(scenario)
    scenario.server.requests.clear()
    result = run_cli(scenario.config, "scrape", "--source", "alpha", now=DAY2)
    assert result.exit_code == 1, result.output
    listing = [r for r in scenario.server.requests if r.startswith(ALPHA_LISTING)]
    assert len(listing) == 3  # the first attempt and max_retries = 2


def test_failures_count_up_and_recovery_resets(scenario: Scenario) -> None:
    scenario.server.fault(ALPHA_LISTING, "status", status=404)
    assert run_cli(scenario.config, "scrape", "--source", "alpha", now=DAY2).exit_code == 1
    result = run_cli(scenario.config, "scrape", "--source", "alpha", now="2026-03-04T09:00")
    assert result.exit_code == 1
    payload = json.loads(
        run_cli(scenario.config, "status", "--json", now="2026-03-04T10:00").stdout
    )
    alpha = {row["name"]: row for row in payload["sources"]}["alpha"]
    assert (alpha["health"], alpha["consecutive_failures"], alpha["failing_since"]) == (
        "failing",
        2,
        DAY2_UTC_ISO,
    )
    # Two failed days later the board is back, unchanged (304 to the day-1 ETag): nothing
    # closed, both postings seen again.
    scenario.server.clear_faults()
    result = run_cli(scenario.config, "scrape", "--source", "alpha", now="2026-03-05T09:00")
    assert result.exit_code == 0, result.output
    payload = json.loads(
        run_cli(scenario.config, "status", "--json", now="2026-03-05T10:00").stdout
    )
    alpha = {row["name"]: row for row in payload["sources"]}["alpha"]
    assert (alpha["health"], alpha["consecutive_failures"], alpha["failing_since"]) == (
        "ok",
        0,
        None,
    )
    assert alpha["last_run"]["status"] == "unchanged"
    assert (alpha["last_run"]["returned"], alpha["last_run"]["closed"]) == (2, 0)
    postings = _alpha_postings(scenario.database_url)[:2]
    assert [(row[0], row[4], row[5]) for row in postings] == [
        ("1", datetime(2026, 3, 5, 0, 0, tzinfo=UTC), None),
        ("2", datetime(2026, 3, 5, 0, 0, tzinfo=UTC), None),
    ]


def test_scrape_json_prints_only_json_when_a_source_fails(scenario: Scenario) -> None:
    scenario.server.fault(ALPHA_LISTING, "status", status=404)
    result = run_cli(scenario.config, "scrape", "--json", now=DAY2)
    assert result.exit_code == 1
    rows = {row["name"]: row for row in json.loads(result.stdout)}
    assert rows["alpha"]["status"] == "failed"
    assert rows["alpha"]["error"].endswith(
        "answered 404 Not Found; check the board or site name in the source's options."
    )
    assert (rows["beta"]["status"], rows["beta"]["returned"], rows["beta"]["new"]) == ("ok", 2, 1)


# --- a wrong config or command line: exit 2, one sentence, nothing scraped -------------------


def _assert_one_error_line(output: str, *fragments: str) -> str:
    assert "Traceback" not in output
    lines = [line for line in output.splitlines() if line.strip()]
    assert len(lines) == 1, output
    line = lines[0]
    assert line.startswith("Error: "), output
    assert is_one_sentence(line.removeprefix("Error: ")), line
    for fragment in fragments:
        assert fragment in line, (fragment, line)
    return line


def test_wrong_config_exits_2_with_one_sentence(
    board_server: BoardServer, database_url: str, tmp_path: Path
) -> None:
    config = write_config(
        tmp_path / "config.toml",
        board_server.url,
        database_url,
        sources='\n[[sources]]\nname = "alpha"\nkind = "greenhous"\nboard = "alpha"\n',
    )
    result = run_cli(config, "scrape", now=DAY1)
    assert result.exit_code == 2
    _assert_one_error_line(
        result.output,
        str(config),
        "[[sources]] #1 ('alpha')",
        "key 'kind'",
        "unknown source kind 'greenhous'",
    )
    assert board_server.requests == []


def test_unknown_source_name_exits_2(scenario: Scenario) -> None:
    result = run_cli(scenario.config, "scrape", "--source", "gamma", now=DAY2)
    assert result.exit_code == 2
    _assert_one_error_line(
        result.output, "There is no source named 'gamma' (configured: alpha, beta)."
    )


def test_no_sources_configured_exits_2(tmp_path: Path, database_url: str) -> None:
    config = write_config(tmp_path / "config.toml", "http://127.0.0.1:9", database_url, sources="")
    result = run_cli(config, "scrape", now=DAY1)
    assert result.exit_code == 2
    _assert_one_error_line(result.output, f"No sources are configured in {config}")


def test_zero_concurrency_is_a_config_error(
    board_server: BoardServer, database_url: str, tmp_path: Path
) -> None:
    config = write_config(tmp_path / "config.toml", board_server.url, database_url)
    text = config.read_text(encoding="utf-8").replace(
        "min_interval_s = 0", "min_interval_s = 0\nper_host_concurrency = 0"
    )
    config.write_text(text, encoding="utf-8")
    result = run_cli(config, "scrape", now=DAY1)
    assert result.exit_code == 2
    _assert_one_error_line(
        result.output,
        str(config),
        "[http] key 'per_host_concurrency'",
        "must be a number from 1 to 16",
    )
    assert board_server.requests == []


def test_a_source_named_twice_runs_once(scenario: Scenario) -> None:
    result = run_cli(scenario.config, "scrape", "--source", "beta", "--source", "beta", now=DAY2)
    assert result.exit_code == 0, result.output
    assert result.output.splitlines().count("beta: ok") == 1
    assert [run[0] for run in _runs(scenario.database_url)["beta"]] == ["ok", "ok"]
