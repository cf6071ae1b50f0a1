"""The fault catalogue: what a hostile board, a careless user and a second process did to
jobtrend, and what it must do instead.

Each case is one reproduction from the hardening issue. Add new ones here, grouped by who does
the harm: the user (one sentence, exit 2), the terminal (nothing raw reaches it), the board
(served by the local board server's fault injection or a handler of its own), a second process.
No case is timed: a slow case is bounded by a small deadline or a count of operations.
"""

from __future__ import annotations

import csv
import io
import json
import logging
import os
import re
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from helpers import local_policy, run_cli, stored_postings, write_config
from runs import DAY1, run
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from monitor.demo.server import BoardServer, Reply
from monitor.demo.shapes.greenhouse import greenhouse_job, set_greenhouse
from monitor.demo.shapes.lever import lever_posting, set_lever
from monitor.posting import RawPosting
from monitor.storage.db import Database
from monitor.storage.models import Posting, ScrapeRun, Source


def one_sentence(output: str) -> str:
    """The output is exactly one line "Error: <sentence>" (no traceback)."""
    assert "Traceback" not in output, output
    lines = [line for line in output.splitlines() if line.strip()]
    assert len(lines) == 1, output
    assert lines[0].startswith("Error: "), output
    return lines[0].removeprefix("Error: ")


def posting(external_id: str, title: str, company: str, **kw: object) -> RawPosting:
    return RawPosting(
        external_id=external_id,
        title=title,
        url=f"https://jobs.example.com/{external_id}",
        company=company,
        **kw,  # type: ignore[arg-type]
    )


@pytest.fixture
def history(tmp_path: Path) -> Path:
    """A config over a SQLite database with two days of two companies' jobs."""
    url = f"sqlite:///{tmp_path / 'jobtrend.db'}"
    db = Database(url)
    jobs = [
        posting(str(n), f"LLM Engineer {n}", ["Acme", "=HYPERLINK(1)"][n % 2]) for n in range(12)
    ]
    run(db, 1, jobs)
    run(db, 2, jobs)
    db.dispose()
    config = tmp_path / "config.toml"
    config.write_text(f'timezone = "Asia/Seoul"\n[database]\nurl = "{url}"\n', encoding="utf-8")
    return config


# The hardening fixes turn these green; each mark goes with its fix.
BEFORE_FIX = pytest.mark.xfail(strict=True, reason="fails before the hardening fix")

NOW = (DAY1 + timedelta(days=1, hours=3)).isoformat()
DAY1_LOCAL = "2026-03-02T09:00"


# --- the user: one sentence, exit 2 ----------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "key"),
    [
        ("max_body_mb = inf", "max_body_mb"),
        ("max_body_mb = nan", "max_body_mb"),
        ("max_body_mb = 1e-9", "max_body_mb"),
        ("timeout_s = nan", "timeout_s"),
        ("timeout_s = 1e9", "timeout_s"),
        ("stale_after_days = 99999999999", "stale_after_days"),
        ("min_interval_s = inf", "min_interval_s"),
    ],
)
def test_numbers_out_of_range_are_config_errors(tmp_path: Path, line: str, key: str) -> None:
    config = tmp_path / "c.toml"
    config.write_text(f"[http]\n{line}\n", encoding="utf-8")
    result = run_cli(config, "sources", "list")
    assert result.exit_code == 2
    message = one_sentence(result.output)
    assert key in message and str(config) in message


@pytest.mark.parametrize(
    "args",
    [
        ("query", "llm", "--since", "9999-12"),
        ("query", "llm", "--until", "0001-01"),
        ("query", "llm", "--group-by", "company", "--top", "99999999999999999999"),
        ("postings", "llm", "--period", "9999-W52"),
    ],
)
def test_dates_and_counts_out_of_range_are_usage_errors(history: Path, args: tuple[str]) -> None:
    result = run_cli(history, *args, now=NOW)
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    # click's own usage errors come after its usage line; the sentence is the last line.
    assert result.output.splitlines()[-1].startswith("Error: "), result.output


def test_a_database_directory_that_cannot_be_made_is_one_sentence(tmp_path: Path) -> None:
    config = tmp_path / "c.toml"
    config.write_text('[database]\nurl = "sqlite:////proc/jobtrend-x/j.db"\n', encoding="utf-8")
    result = run_cli(config, "status")
    assert result.exit_code == 2
    assert "/proc/jobtrend-x" in one_sentence(result.output)


def test_init_where_no_directory_can_be_made_is_one_sentence() -> None:
    result = run_cli(None, "init", "/proc/jobtrend-x/config.toml")
    assert result.exit_code == 2
    assert "/proc/jobtrend-x" in one_sentence(result.output)


def test_a_read_only_database_directory_exits_2(tmp_path: Path) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        probe = locked / "probe"
        try:
            probe.write_text("x")
        except PermissionError:
            pass
        else:  # root ignores permissions: nothing to test
            probe.unlink()
            pytest.skip("running as root: a read-only directory is still writable")
        config = tmp_path / "c.toml"
        config.write_text(f'[database]\nurl = "sqlite:///{locked}/sub/j.db"\n', encoding="utf-8")
        result = run_cli(config, "status")
        assert result.exit_code == 2
        one_sentence(result.output)
    finally:
        locked.chmod(0o700)


def test_undecodable_bytes_in_a_term(history: Path) -> None:
    # What Python makes of a non-UTF-8 argument on a UTF-8 system (surrogateescape).
    result = run_cli(history, "query", "caf\udce9", now=NOW)
    assert result.exit_code == 2, result.output
    assert "UTF-8" in one_sentence(result.output)


def test_a_file_that_is_not_utf8(tmp_path: Path) -> None:
    text = tmp_path / "latin.txt"
    text.write_bytes("café LLM engineer".encode("latin-1"))
    result = run_cli(None, "tags", "explain", "--file", str(text))
    assert result.exit_code == 2
    message = one_sentence(result.output)
    assert str(text) in message and "UTF-8" in message


def test_query_grouped_by_company_as_csv(history: Path) -> None:
    result = run_cli(history, "query", "llm", "--group-by", "company", "--csv", now=NOW)
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.output)))
    assert list(rows[0])[-4:] == ["group", "jobs", "previous_active", "change"]
    groups = {row["group"] for row in rows}
    # A scraped company name is a cell a spreadsheet must not run.
    assert groups == {"Acme", "'=HYPERLINK(1)"}


@pytest.mark.parametrize("term", ["[/x]", "[bold]llm[/bold]", "[link=file:///etc/passwd]x"])
def test_markup_in_a_term_is_printed_as_typed(history: Path, term: str) -> None:
    result = run_cli(history, "postings", term, now=NOW)
    assert result.exit_code == 0, result.output
    assert term in result.output


def test_markup_in_a_new_source_name(history: Path) -> None:
    result = run_cli(history, "sources", "rename", "acme", "[/x]", now=NOW)
    assert result.exit_code == 0, result.output
    assert "[/x]" in result.output
    listed = run_cli(history, "status", "--json", now=NOW)
    assert [s["name"] for s in json.loads(listed.stdout)["sources"]] == ["[/x]"]


# --- the board: one bad posting, hostile text, huge fields ---------------------------------


ALPHA = "/raw/v1/boards/alpha/jobs"  # beside the server's own Greenhouse route


def _greenhouse_body(jobs: list[dict[str, object]]) -> bytes:
    """A Greenhouse listing as JSON text; escapes (\\ud800, \\u0000) stay as the board sent."""
    return json.dumps({"jobs": jobs, "meta": {"total": len(jobs)}}).encode()


@pytest.fixture
def board(board_server: BoardServer, database_url: str, tmp_path: Path) -> Callable[..., Path]:
    """Serve alpha (Greenhouse) as the given raw body and beta (Lever) healthy; returns the
    config's path."""

    def serve(body: bytes, beta: list[dict[str, object]] | None = None) -> Path:
        board_server.add_route(ALPHA, lambda request, match: Reply(200, body))
        set_lever(board_server, "beta", beta or [lever_posting("l1", "Designer", site="beta")])
        url = board_server.url
        sources = f"""
[[sources]]
name = "alpha"
kind = "greenhouse"
board = "alpha"
base_url = "{url}/raw"

[[sources]]
name = "beta"
kind = "lever"
site = "beta"
base_url = "{url}"
"""
        return write_config(tmp_path / "config.toml", url, database_url, sources=sources)

    return serve


def _job(id: int, title: str, **changes: object) -> dict[str, object]:
    job = greenhouse_job(id, title, first_published="2026-03-02T08:00:00+09:00", company="Alpha")
    job.update(changes)
    return job


def _runs(database_url: str) -> dict[str, ScrapeRun]:
    db = Database(database_url)
    try:
        with db.session() as session:
            rows = session.execute(select(Source.name, ScrapeRun).join(ScrapeRun)).all()
            return {name: run for name, run in rows}
    finally:
        db.dispose()


def test_a_lone_surrogate_in_one_title_is_repaired_and_the_rest_stored(
    board: Callable[..., Path], database_url: str
) -> None:
    body = _greenhouse_body([_job(1, "LLM Engineer"), _job(2, "Bad \ud800 title")])
    result = run_cli(board(body), "scrape", now=DAY1_LOCAL)
    assert result.exit_code == 0, result.output
    postings, _ = stored_postings(database_url)
    assert set(postings) == {"1", "2", "l1"}
    assert postings["2"].title == "Bad \ufffd title"


def test_json_nested_too_deep_is_a_parse_error(
    board: Callable[..., Path], database_url: str
) -> None:
    result = run_cli(board(b"[" * 100_000 + b"]" * 100_000), "scrape", now=DAY1_LOCAL)
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    runs = _runs(database_url)
    assert runs["alpha"].status == "failed" and runs["alpha"].error_kind == "parse"
    assert "nested" in (runs["alpha"].error or "")
    assert runs["beta"].status == "ok"


def test_nul_and_control_characters_never_reach_the_database(
    board: Callable[..., Path], database_url: str
) -> None:
    nasty = _job(
        1,
        "LLM \x9b31m Engineer\x1b]8;;evil\x07",
        absolute_url="https://jobs.example.com/1\x00\x1b[2J",
        location={"name": "Seoul\x00, Korea"},
    )
    beta = [lever_posting("l1", "Designer", site="beta", country="\x1b[31mKR")]
    result = run_cli(board(_greenhouse_body([nasty]), beta), "scrape", now=DAY1_LOCAL)
    assert result.exit_code == 0, result.output
    postings, _ = stored_postings(database_url)
    assert set(postings) == {"1", "l1"}
    for p in postings.values():
        for value in (p.title, p.url, p.company, p.location, p.country, p.description):
            assert value is None or not re.search(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]", value), value
    assert postings["l1"].country in (None, "KR")


def test_huge_fields_are_cut_with_a_mark(board: Callable[..., Path], database_url: str) -> None:
    huge = _job(1, "LLM " * 1000, company_name="C" * 5_000_000)
    config = board(_greenhouse_body([huge]))
    text = config.read_text(encoding="utf-8").replace(
        "timeout_s = 5", "timeout_s = 5\nmax_body_mb = 50"
    )
    config.write_text(text, encoding="utf-8")
    result = run_cli(config, "scrape", now=DAY1_LOCAL)
    assert result.exit_code == 0, result.output
    postings, _ = stored_postings(database_url)
    assert len(postings["1"].company) <= 200 and postings["1"].company.endswith("…")
    assert len(postings["1"].title) <= 500 and postings["1"].title.endswith("…")


def test_a_posting_that_cannot_be_stored_is_skipped_not_the_source(
    board: Callable[..., Path], database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    import monitor.pipeline

    real = monitor.pipeline.normalise

    def picky(raw: RawPosting, **kw: object) -> object:
        if raw.external_id == "2":
            raise ValueError("a source returned a naive datetime")
        return real(raw, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(monitor.pipeline, "normalise", picky)
    body = _greenhouse_body([_job(1, "LLM Engineer"), _job(2, "Broken")])
    result = run_cli(board(body), "scrape", now=DAY1_LOCAL)
    assert result.exit_code == 0, result.output
    runs = _runs(database_url)
    assert runs["alpha"].status == "partial" and runs["alpha"].skipped == 1
    assert "2" in (runs["alpha"].skipped_detail or "")
    assert set(stored_postings(database_url)[0]) == {"1", "l1"}


def test_one_sources_failed_write_never_takes_the_others_down(
    board: Callable[..., Path], database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    import monitor.pipeline

    real = monitor.pipeline.write_run

    def failing(session: Session, source: Source, outcome: Any, **kw: object) -> object:
        if source.name == "alpha" and outcome.postings:  # the write fails, not the record
            session.execute(text("SELECT * FROM no_such_table"))
        return real(session, source, outcome, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(monitor.pipeline, "write_run", failing)
    result = run_cli(board(_greenhouse_body([_job(1, "LLM Engineer")])), "scrape", now=DAY1_LOCAL)
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    runs = _runs(database_url)
    assert runs["beta"].status == "ok"
    assert runs["alpha"].status == "failed" and runs["alpha"].error_kind == "store"
    assert set(stored_postings(database_url)[0]) == {"l1"}


# --- the board: time and memory it can take --------------------------------------------------


def _compressed_zeros(megabytes: int) -> bytes:
    """gzip of ``megabytes`` MB of zeros, made without holding them."""
    import zlib

    packer = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    block = bytes(1 << 20)
    return b"".join(packer.compress(block) for _ in range(megabytes)) + packer.flush()


def test_double_gzip_is_capped_at_every_layer() -> None:
    import gzip
    import tracemalloc

    import httpx

    from monitor.errors import FetchError
    from scrapers.http import HttpClient

    bomb = gzip.compress(_compressed_zeros(300))  # 300 MB once both layers are undone
    transport = httpx.MockTransport(
        lambda request: httpx.Response(
            200, stream=_Chunks(bomb), headers={"content-encoding": "gzip, gzip"}
        )
    )
    policy = local_policy(max_body_bytes=1 << 20, obey_robots=False)
    tracemalloc.start()
    try:
        with HttpClient(policy, transport=transport) as client, pytest.raises(FetchError) as info:
            client.get("http://127.0.0.1:9/jobs")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert "larger than the 1 MB limit" in str(info.value)
    assert peak < 32 << 20, f"decoding took {peak / 2**20:.0f} MB"


def test_a_gzip_body_within_the_limit_is_read_whole() -> None:
    import gzip

    import httpx

    from scrapers.http import HttpClient

    body = b'{"jobs": []}' * 1000
    for encoding, content in [
        ("gzip", gzip.compress(body)),
        ("gzip, gzip", gzip.compress(gzip.compress(body))),
    ]:
        transport = httpx.MockTransport(
            lambda request, c=content, e=encoding: httpx.Response(
                200, stream=_Chunks(c), headers={"content-encoding": e}
            )
        )
        with HttpClient(local_policy(obey_robots=False), transport=transport) as client:
            assert client.get("http://127.0.0.1:9/jobs").content == body


class _Chunks(httpx.SyncByteStream):
    """A body as a server streams it, in 4 kB chunks (httpx then decodes nothing up front)."""

    def __init__(self, body: bytes) -> None:
        self.body = body

    def __iter__(self) -> Iterator[bytes]:
        for start in range(0, len(self.body), 4096):
            yield self.body[start : start + 4096]


class _Drip(httpx.SyncByteStream):
    """A body sent one byte at a time, ``pause`` seconds apart."""

    def __init__(self, size: int, pause: float) -> None:
        self.size, self.pause = size, pause

    def __iter__(self) -> Iterator[bytes]:
        for _ in range(self.size):
            time.sleep(self.pause)
            yield b" "


def test_a_dripping_body_meets_the_request_deadline() -> None:
    from monitor.errors import FetchError
    from scrapers.http import HttpClient

    transport = httpx.MockTransport(lambda request: httpx.Response(200, stream=_Drip(200, 0.02)))
    policy = local_policy(obey_robots=False, timeout_s=3.0, request_deadline_s=0.2)
    with HttpClient(policy, transport=transport) as client, pytest.raises(FetchError) as info:
        client.get("http://127.0.0.1:9/jobs")
    assert "0.2 s" in str(info.value)


def test_a_run_meets_its_deadline_across_requests() -> None:
    from monitor.errors import FetchError
    from scrapers.http import HttpClient

    transport = httpx.MockTransport(lambda request: httpx.Response(200, stream=_Drip(5, 0.02)))
    policy = local_policy(obey_robots=False, run_deadline_s=0.3)
    with HttpClient(policy, transport=transport) as client:
        run = client.view()
        with pytest.raises(FetchError) as info:
            for page in range(100):
                run.get(f"http://127.0.0.1:9/jobs?page={page}")
    assert "0.3 s" in str(info.value) and run.requests < 100


# --- secrets ---------------------------------------------------------------------------------


def test_an_api_key_never_reaches_a_log_line(caplog: pytest.LogCaptureFixture) -> None:
    from scrapers.http import HttpClient

    transport = httpx.MockTransport(lambda request: httpx.Response(200, content=b"{}"))
    caplog.set_level(logging.DEBUG)
    with HttpClient(local_policy(obey_robots=False), transport=transport) as client:
        client.get("http://127.0.0.1:9/search", params={"access-key": "SECRET123"})
    assert caplog.records and "SECRET123" not in caplog.text


def test_a_boards_error_quoting_the_key_is_stored_masked(
    board_server: BoardServer, database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SARAMIN_ACCESS_KEY", "SECRET123")
    echo = json.dumps({"code": 3, "message": "key SECRET123 is not valid for /job-search"})
    board_server.add_route("/job-search", lambda request, match: Reply(200, echo.encode()))
    sources = f"""
[[sources]]
name = "saramin"
kind = "saramin"
base_url = "{board_server.url}"
"""
    config = write_config(tmp_path / "c.toml", board_server.url, database_url, sources=sources)
    result = run_cli(config, "scrape", now=DAY1_LOCAL)
    assert result.exit_code == 1
    assert "SECRET123" not in result.output
    status = run_cli(config, "status", "--json", now=DAY1_LOCAL)
    assert "SECRET123" not in status.stdout
    assert "SECRET123" not in (_runs(database_url)["saramin"].error or "")


# --- wrong numbers ---------------------------------------------------------------------------


def test_an_etag_from_a_suspect_run_never_hides_a_shrunken_board(
    board_server: BoardServer, database_url: str, tmp_path: Path
) -> None:
    """100 jobs, 100, then 45 for four days, answering 304 to the ETag it last sent."""
    jobs = [_job(n, f"Engineer {n}") for n in range(100)]
    config = write_config(
        tmp_path / "c.toml", board_server.url, database_url, sources=_alpha_only(board_server.url)
    )
    statuses = []
    for day in range(1, 7):
        set_greenhouse(board_server, "alpha", jobs if day <= 2 else jobs[:45])
        result = run_cli(config, "scrape", now=f"2026-03-{day + 1:02d}T09:00")
        assert result.exit_code == 0, result.output
        db = Database(database_url)
        with db.session() as session:
            statuses.append(
                session.scalars(select(ScrapeRun.status).order_by(ScrapeRun.id)).all()[-1]
            )
            open_now = session.scalar(
                select(func.count()).select_from(Posting).where(Posting.closed_at.is_(None))
            )
        db.dispose()
    # Day 3 is suspect; the new level is accepted on the third steady suspect run (day 5),
    # and the 55 gone jobs close then; a 304 never vouches for a suspect listing.
    assert statuses[:2] == ["ok", "unchanged"]  # the same listing again: a 304
    assert statuses[2:4] == ["suspect", "suspect"]
    assert "unchanged" not in statuses[2:5]
    assert open_now == 45
    health = json.loads(run_cli(config, "status", "--json", now="2026-03-07T10:00").stdout)
    assert health["sources"][0]["health"] == "ok"


def _alpha_only(url: str) -> str:
    return f"""
[[sources]]
name = "alpha"
kind = "greenhouse"
board = "alpha"
base_url = "{url}"
"""


# --- a second process ------------------------------------------------------------------------


def _jobtrend(config: Path, *args: str, now: str) -> subprocess.Popen[str]:
    env = {**os.environ, "JOBTREND_NOW": now}
    code = "import sys; from monitor.cli import main; sys.exit(main(sys.argv[1:]))"
    return subprocess.Popen(
        [sys.executable, "-c", code, "--config", str(config), *args],
        cwd=Path(__file__).resolve().parents[2],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


@pytest.mark.parametrize("attempt", range(3))
def test_two_scrapes_at_once_on_a_new_database_both_land(
    board_server: BoardServer, database_url: str, tmp_path: Path, attempt: int
) -> None:
    set_greenhouse(board_server, "alpha", [_job(n, f"Engineer {n}") for n in range(30)])
    config = write_config(
        tmp_path / "c.toml", board_server.url, database_url, sources=_alpha_only(board_server.url)
    )
    first = _jobtrend(config, "scrape", now=DAY1_LOCAL)
    second = _jobtrend(config, "scrape", now=DAY1_LOCAL)
    outputs = [p.communicate(timeout=120)[0] for p in (first, second)]
    assert [first.returncode, second.returncode] == [0, 0], outputs
    assert all("Traceback" not in out for out in outputs), outputs
    db = Database(database_url)
    with db.session() as session:
        statuses = session.scalars(select(ScrapeRun.status)).all()
        count = session.scalar(select(func.count()).select_from(Posting))
    db.dispose()
    assert len(statuses) == 2 and count == 30


# --- what takes time -------------------------------------------------------------------------


def test_tags_explain_is_linear_in_its_matches(tmp_path: Path) -> None:
    """1 MB of "LLM " (250,000 matches) did not finish in 120 s; bounded here by a deadline
    far above what a linear pass needs, and far below the quadratic time."""
    from monitor.tagging import Tagger, builtin_tags

    text = "LLM " * 250_000
    code = (
        "import sys\n"
        "from monitor.tagging import Tagger, builtin_tags\n"
        "hits = Tagger(builtin_tags()).explain(sys.stdin.read())\n"
        "print(len(hits['llm'].matches))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        input=text,
        capture_output=True,
        text=True,
        timeout=60,
        cwd=Path(__file__).resolve().parents[2],
    )
    assert done.stdout.strip() == "250000", done.stderr
    # The same answer as on a short text, where the rules are easy to check by eye.
    small = Tagger(builtin_tags()).explain("LLM large language model LLMs")
    assert [(m.alias, m.start, m.end) for m in small["llm"].matches] == [
        ("LLM", 0, 3),
        ("large language model", 4, 24),
        ("LLM", 25, 28),
    ]


def test_a_boards_error_text_reaches_the_terminal_without_escapes(
    board_server: BoardServer, database_url: str, tmp_path: Path
) -> None:
    board_server.add_route(
        "/raw/v1/boards/alpha/jobs", lambda request, match: Reply(200, b"\x1b[2J\x1b]0;pwned\x07{")
    )
    sources = _alpha_only(board_server.url + "/raw")
    config = write_config(tmp_path / "c.toml", board_server.url, database_url, sources=sources)
    result = run_cli(config, "scrape", now=DAY1_LOCAL)
    assert result.exit_code == 1
    status = run_cli(config, "status", now=DAY1_LOCAL)
    for output in (result.output, status.output, _runs(database_url)["alpha"].error or ""):
        assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]", output), output
