"""What reaches a terminal: readable in 80 columns, and nothing raw from a board or a config.

``status`` shows times in the configured zone, compactly, one line per source; ``postings``
prints each link whole (a terminal hyperlink where the terminal takes them). Text that is
printed without being stored (a source name from the config, a parsed file) loses its control
characters at the console, the one place everything printed passes.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from helpers import run_cli
from runs import run
from sqlalchemy import update

from monitor.posting import RawPosting
from monitor.storage.db import Database
from monitor.storage.models import ScrapeRun

CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
NOW = "2026-03-04T12:00"  # Seoul; day 3 of tests/runs.py is 2026-03-04 09:00 there
LONG_URL = "https://careers.example.com/jobs/" + "a" * 90


def _history(tmp_path: Path, *, name: str = "acme", extra: str = "") -> Path:
    url = f"sqlite:///{tmp_path / 'jobtrend.db'}"
    db = Database(url)
    jobs = [
        RawPosting(
            external_id=str(n), title=f"LLM Engineer {n}", url=f"{LONG_URL}{n}", company="Acme"
        )
        for n in range(3)
    ]
    run(db, 1, jobs, source=name)
    run(db, 2, jobs, source=name)
    run(db, 3, [], status="failed", source=name)
    with db.session() as session:
        session.execute(
            update(ScrapeRun)
            .where(ScrapeRun.status == "failed")
            .values(error="HTTP 503 from the board: " + "the service is unavailable " * 8)
        )
    db.dispose()
    config = tmp_path / "config.toml"
    config.write_text(
        f'timezone = "Asia/Seoul"\n[database]\nurl = "{url}"\n{extra}', encoding="utf-8"
    )
    return config


def test_status_fits_80_columns_with_local_compact_times(tmp_path: Path) -> None:
    result = run_cli(_history(tmp_path), "status", now=NOW, COLUMNS="80")
    assert result.exit_code == 0, result.output
    # The database's path is printed whole, to be copied; everything else fits.
    lines = [line for line in result.output.splitlines() if not line.startswith("database:")]
    assert max(len(line) for line in lines) <= 80, result.output
    # One line per source: the long error is cut with an ellipsis, not wrapped.
    rows = [line for line in lines if "acme" in line]
    assert len(rows) == 1, result.output
    assert "…" in rows[0], result.output
    # The last run at 09:00 in Seoul on 2026-03-04, not 00:00 UTC in ISO form.
    assert "03-04 09:00" in rows[0], result.output
    assert "T00:00" not in result.output


def test_status_json_keeps_full_utc_times(tmp_path: Path) -> None:
    result = run_cli(_history(tmp_path), "status", "--json", now=NOW)
    payload = json.loads(result.stdout)
    (acme,) = [row for row in payload["sources"] if row["name"] == "acme"]
    assert acme["last_run"]["started_at"] == "2026-03-04T00:00:00Z"
    assert acme["last_run"]["error"].endswith("unavailable ")


def test_postings_prints_each_link_whole_outside_a_terminal(tmp_path: Path) -> None:
    result = run_cli(_history(tmp_path), "postings", "llm", "--period", "2026-03-03", COLUMNS="80")
    assert result.exit_code == 0, result.output
    for n in range(3):
        assert any(f"{LONG_URL}{n}" in line for line in result.output.splitlines()), result.output


def test_postings_links_are_hyperlinks_in_a_terminal(tmp_path: Path) -> None:
    result = run_cli(
        _history(tmp_path),
        "postings",
        "llm",
        "--period",
        "2026-03-03",
        COLUMNS="80",
        FORCE_COLOR="1",
        FORCE_HYPERLINK="1",
    )
    assert result.exit_code == 0, result.output
    # OSC 8: ESC ] 8 ; params ; URL ESC \ — the URL whole inside the escape, text beside it.
    targets = re.findall(r"\x1b\]8;[^;]*;([^\x1b]*)\x1b\\", result.output)
    assert {f"{LONG_URL}{n}" for n in range(3)} <= set(targets), result.output
    assert (
        max(
            len(CONTROL.sub("", re.sub(r"\x1b\][^\x1b]*\x1b\\|\x1b\[[0-9;]*m", "", line)))
            for line in result.output.splitlines()
        )
        <= 80
    )


def test_a_terminal_not_known_for_hyperlinks_gets_the_links_whole(tmp_path: Path) -> None:
    config = _history(tmp_path)
    args = ("postings", "llm", "--period", "2026-03-03")
    result = run_cli(config, *args, COLUMNS="80", FORCE_COLOR="1", FORCE_HYPERLINK="0")
    assert "\x1b]8;" not in result.output
    for n in range(3):
        assert f"[{n + 1}]" in result.output
        assert any(line.endswith(f"{LONG_URL}{2 - n}") for line in result.output.splitlines())


@pytest.mark.parametrize("as_json", [False, True])
def test_a_source_name_from_the_config_is_printed_without_control_characters(
    tmp_path: Path, as_json: bool
) -> None:
    name = "acme\x1b]0;pwned\x07\x9b2J"
    toml_name = name.encode("unicode_escape").decode().replace("\\x", "\\u00")
    sources = f'[[sources]]\nname = "{toml_name}"\nkind = "greenhouse"\nboard = "acme"\n'
    config = _history(tmp_path, name=name, extra=sources)
    result = run_cli(config, "status", *(["--json"] if as_json else []), now=NOW)
    assert result.exit_code == 0, result.output
    assert not CONTROL.search(result.output.replace("\n", "")), repr(result.output)
    if as_json:
        names = [row["name"] for row in json.loads(result.stdout)["sources"]]
        assert name in names  # escaped in JSON, the same string when read back


def test_korean_cells_are_cut_to_their_columns_width_in_cells(tmp_path: Path) -> None:
    """A Hangul syllable takes two columns of a terminal: a Korean title or error is cut to
    its column's width in cells, so each row stays on one line of 80."""
    from rich.cells import cell_len

    url = f"sqlite:///{tmp_path / 'jobtrend.db'}"
    db = Database(url)
    title = "멀티모달 LLM 엔지니어 (비전-언어 모델) 신입 및 경력 채용 — 서울 판교 본사 근무 {n}"
    jobs = [
        RawPosting(external_id=str(n), title=title.format(n=n), url=f"https://k.example/{n}")
        for n in range(3)
    ]
    run(db, 1, jobs, source="wanted-kr")
    run(db, 2, [], status="failed", source="wanted-kr")
    with db.session() as session:
        session.execute(
            update(ScrapeRun)
            .where(ScrapeRun.status == "failed")
            .values(error="HTTP 503: " + "서비스를 일시적으로 사용할 수 없습니다 " * 6)
        )
    db.dispose()
    config = tmp_path / "config.toml"
    config.write_text(f'timezone = "Asia/Seoul"\n[database]\nurl = "{url}"\n', encoding="utf-8")

    status = run_cli(config, "status", now=NOW, COLUMNS="80")
    lines = [line for line in status.output.splitlines() if not line.startswith("database:")]
    assert max(cell_len(line) for line in lines) <= 80, status.output
    (row,) = [line for line in lines if "wanted-kr" in line]
    assert re.search(r"HTTP 503:\S*…", row), status.output

    listed = run_cli(config, "postings", "llm", "--period", "2026-03-02", COLUMNS="80")
    assert listed.exit_code == 0, listed.output
    rows = [line for line in listed.output.splitlines() if "멀티모달" in line]
    assert len(rows) == 3, listed.output
    assert max(cell_len(line) for line in rows) <= 80, listed.output
    # Cut once, by jobtrend, to the column: not cut by characters and cropped again by rich.
    assert all(row.count("…") == 1 and re.search(r"\S…", row) for row in rows), listed.output
