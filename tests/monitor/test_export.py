"""``jobtrend export`` and ``jobtrend postings``: the jobs behind the numbers.

The history (built without HTTP, days as in tests/runs.py; 2026-W10 is days 1-7):

day 1  alpha (first run): a1 LLM Engineer (posted that day), a2 Korean medical (entry level),
       a3 a formula-injection title and description, a4 Product Designer (Berlin)
       beta (first run): b1 the same LLM Engineer as a1 (one job, two boards), b2 autonomous
       driving (US)
day 3  alpha drops a4 (closed, last seen day 1); beta unchanged
day 8  alpha adds a5, a senior multimodal-LLM job (new, 2026-W11); beta unchanged

Commands run on day 9 (2026-03-10, Seoul) unless a test says otherwise.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from helpers import run_cli, write_config
from runs import DAY1, SEOUL, postings, raw, run

from monitor.cli import export as export_cli
from monitor.clock import Clock
from monitor.numbers import listing
from monitor.numbers.listing import FIELDS, Filters, jobs
from monitor.posting import RawPosting
from monitor.storage.db import Database
from monitor.taxonomy import builtin_tags

NOW = "2026-03-10T09:00"
WIDE = {"COLUMNS": "250"}  # rich wraps at 80 columns when not on a terminal
BOM = "\ufeff"


def post(
    external_id: str,
    title: str,
    description: str,
    *,
    company: str = "Acme",
    location: str | None = None,
    posted_at: datetime | None = None,
) -> RawPosting:
    return RawPosting(
        external_id=external_id,
        title=title,
        url=f"https://jobs.example.com/{external_id}",
        company=company,
        location=location,
        description=description,
        posted_at=posted_at,
    )


LLM_TEXT = "Train large language models for search."
A1 = post(
    "a1",
    "LLM Engineer",
    LLM_TEXT,
    location="Seoul, South Korea",
    posted_at=datetime(2026, 3, 2, 8, 0, tzinfo=SEOUL),
)
B1 = post("b1", "LLM Engineer", LLM_TEXT, location="Seoul, South Korea")
A2 = post(
    "a2",
    "의료 영상 AI 연구원 (신입)",
    "의료 영상 판독 딥러닝 모델 개발.",
    company="메디컬랩",
    location="서울 강남구",
)
A3 = post(
    "a3",
    '=HYPERLINK("https://evil.example","click")',
    "@SUM(1+1) and more",
    company="-Evil [b]Corp[/b]",
    location="Remote",
)
A4 = post("a4", "Product Designer", "Figma and user research.", location="Berlin, Germany")
B2 = post(
    "b2",
    "Autonomous Driving Engineer",
    "Self-driving perception for robotaxis.",
    company="Drive Co",
    location="San Francisco, USA",
)
A5 = post(
    "a5",
    "Senior VLM Researcher",
    "Multimodal LLM research on vision-language models.",
    location="Seoul",
)

D1 = "2026-03-02T00:00:00+00:00"  # the runs: 09:00 in Seoul
D3 = "2026-03-04T00:00:00+00:00"
D8 = "2026-03-09T00:00:00+00:00"

# Every job, as `export --format jsonl` prints it (job ids are checked in the fixture).
EXPECTED: dict[str, dict[str, Any]] = {
    "a5": {
        "job_id": 6,
        "title": "Senior VLM Researcher",
        "company": "Acme",
        "location": "Seoul",
        "country": "KR",
        "remote": None,
        "level": "experienced",
        "years_min": None,
        "years_max": None,
        "first_seen": D8,
        "last_seen": D8,
        "closed_at": None,
        "posted_at": None,
        "new_on": "2026-03-09",
        "sources": ["alpha"],
        "urls": ["https://jobs.example.com/a5"],
        "tags": ["llm", "multimodal_llm"],
        "description": "Multimodal LLM research on vision-language models.",
    },
    "b2": {
        "job_id": 5,
        "title": "Autonomous Driving Engineer",
        "company": "Drive Co",
        "location": "San Francisco, USA",
        "country": "US",
        "remote": None,
        "level": None,
        "years_min": None,
        "years_max": None,
        "first_seen": D1,
        "last_seen": D8,
        "closed_at": None,
        "posted_at": None,
        "new_on": None,  # a first run's posting without a posting date is not new
        "sources": ["beta"],
        "urls": ["https://jobs.example.com/b2"],
        "tags": ["autonomous_driving"],
        "description": "Self-driving perception for robotaxis.",
    },
    "a4": {
        "job_id": 4,
        "title": "Product Designer",
        "company": "Acme",
        "location": "Berlin, Germany",
        "country": "DE",
        "remote": None,
        "level": None,
        "years_min": None,
        "years_max": None,
        "first_seen": D1,
        "last_seen": D1,
        "closed_at": D3,
        "posted_at": None,
        "new_on": None,
        "sources": ["alpha"],
        "urls": ["https://jobs.example.com/a4"],
        "tags": [],
        "description": "Figma and user research.",
    },
    "a3": {
        "job_id": 3,
        "title": '=HYPERLINK("https://evil.example","click")',
        "company": "-Evil [b]Corp[/b]",
        "location": "Remote",
        "country": None,
        "remote": True,
        "level": None,
        "years_min": None,
        "years_max": None,
        "first_seen": D1,
        "last_seen": D8,
        "closed_at": None,
        "posted_at": None,
        "new_on": None,
        "sources": ["alpha"],
        "urls": ["https://jobs.example.com/a3"],
        "tags": [],
        "description": "@SUM(1+1) and more",
    },
    "a2": {
        "job_id": 2,
        "title": "의료 영상 AI 연구원 (신입)",
        "company": "메디컬랩",
        "location": "서울 강남구",
        "country": "KR",
        "remote": None,
        "level": "entry",
        "years_min": 0,
        "years_max": 0,
        "first_seen": D1,
        "last_seen": D8,
        "closed_at": None,
        "posted_at": None,
        "new_on": None,
        "sources": ["alpha"],
        "urls": ["https://jobs.example.com/a2"],
        "tags": ["medical"],
        "description": "의료 영상 판독 딥러닝 모델 개발.",
    },
    "a1": {
        "job_id": 1,
        "title": "LLM Engineer",
        "company": "Acme",
        "location": "Seoul, South Korea",
        "country": "KR",
        "remote": None,
        "level": None,
        "years_min": None,
        "years_max": None,
        "first_seen": D1,
        "last_seen": D8,
        "closed_at": None,
        "posted_at": "2026-03-01T23:00:00+00:00",
        "new_on": "2026-03-02",
        "sources": ["alpha", "beta"],
        "urls": ["https://jobs.example.com/a1", "https://jobs.example.com/b1"],
        "tags": ["llm"],
        "description": LLM_TEXT,
    },
}
ALL = list(EXPECTED)  # newest first: a5, then day 1's jobs by job id, highest first


@pytest.fixture
def history(db: Database, tmp_path: Path) -> Path:
    """The history above; returns a config pointing at its database."""
    run(db, 1, [A1, A2, A3, A4], source="alpha")
    run(db, 1, [B1, B2], source="beta")
    run(db, 3, [A1, A2, A3], source="alpha")
    run(db, 3, [B1, B2], source="beta")
    run(db, 8, [A1, A2, A3, A5], source="alpha")
    run(db, 8, [B1, B2], source="beta")
    stored = postings(db)
    expected_jobs = {key: row["job_id"] for key, row in EXPECTED.items()}
    assert {key: stored[key].job_id for key in EXPECTED} == expected_jobs
    assert stored["b1"].job_id == stored["a1"].job_id
    return write_config(tmp_path / "config.toml", "http://127.0.0.1:9", db.url, sources="")


def cli_ok(config: Path, *args: str, now: str = NOW) -> str:
    result = run_cli(config, *args, now=now, **WIDE)
    assert result.exit_code == 0, result.output
    return result.stdout


def jsonl(config: Path, *args: str) -> list[dict[str, Any]]:
    text = cli_ok(config, "export", "--format", "jsonl", *args)
    return [json.loads(line) for line in text.splitlines()]


def ids(rows: list[dict[str, Any]]) -> list[int]:
    return [row["job_id"] for row in rows]


def job_ids(*keys: str) -> list[int]:
    return [EXPECTED[key]["job_id"] for key in keys]


def csv_row(expected: dict[str, Any]) -> list[str]:
    out = []
    for name in FIELDS:
        value = expected[name]
        if value is None:
            out.append("")
        elif value is True:
            out.append("true")
        elif isinstance(value, list):
            out.append((" " if name == "urls" else "; ").join(value))
        else:
            out.append(str(value))
    return out


# --- export ----------------------------------------------------------------------------------


def test_export_csv_is_excel_ready_utf8_with_every_job_once(history: Path) -> None:
    text = cli_ok(history, "export")
    assert text.startswith(BOM)
    lines = text[1:].split("\n")
    assert lines[0] == (
        "job_id,title,company,location,country,remote,level,years_min,years_max,first_seen,"
        "last_seen,closed_at,posted_at,new_on,sources,urls,tags,description"
    )
    assert lines[-1] == ""
    assert lines[-2] == (
        '1,LLM Engineer,Acme,"Seoul, South Korea",KR,,,,,2026-03-02T00:00:00+00:00,'
        "2026-03-09T00:00:00+00:00,,2026-03-01T23:00:00+00:00,2026-03-02,alpha; beta,"
        "https://jobs.example.com/a1 https://jobs.example.com/b1,llm,"
        "Train large language models for search."
    )
    assert lines[ALL.index("a3") + 1] == (
        '3,"\'=HYPERLINK(""https://evil.example"",""click"")",\'-Evil [b]Corp[/b],Remote,,true,,,,'
        "2026-03-02T00:00:00+00:00,2026-03-09T00:00:00+00:00,,,,alpha,"
        "https://jobs.example.com/a3,,'@SUM(1+1) and more"
    )
    rows = list(csv.reader(io.StringIO(text[1:])))
    assert rows[0] == list(FIELDS)
    expected = [csv_row(EXPECTED[key]) for key in ALL]
    # Scraped text that a spreadsheet would evaluate is made text with a leading apostrophe.
    expected[ALL.index("a3")][1] = "'" + EXPECTED["a3"]["title"]
    expected[ALL.index("a3")][2] = "'-Evil [b]Corp[/b]"
    expected[ALL.index("a3")][FIELDS.index("description")] = "'@SUM(1+1) and more"
    assert rows[1:] == expected
    assert len(rows) == 1 + len(EXPECTED)  # the duplicate across boards is one row


def test_export_csv_bytes_are_utf8_with_a_bom(history: Path) -> None:
    result = run_cli(history, "export", now=NOW)
    assert result.exit_code == 0
    assert result.stdout_bytes.startswith(b"\xef\xbb\xbfjob_id,")
    assert "의료 영상 AI 연구원 (신입)".encode() in result.stdout_bytes


def test_export_jsonl_rows(history: Path) -> None:
    text = cli_ok(history, "export", "--format", "jsonl")
    assert not text.startswith(BOM)  # JSON Lines readers do not expect one
    assert "의료" in text  # Korean kept readable, not \\u escapes
    assert [json.loads(line) for line in text.splitlines()] == [EXPECTED[k] for k in ALL]


def test_export_to_a_file_picks_the_format_from_the_suffix(history: Path, tmp_path: Path) -> None:
    out = tmp_path / "jobs.jsonl"
    result = run_cli(history, "export", "-o", str(out), now=NOW)
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert "wrote 6 jobs" in result.stderr
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert ids(rows) == job_ids(*ALL)
    assert not (tmp_path / "jobs.jsonl.part").exists()

    table = tmp_path / "jobs.csv"
    assert run_cli(history, "export", "-o", str(table), now=NOW).exit_code == 0
    assert table.read_bytes().startswith(b"\xef\xbb\xbf")
    assert table.read_text(encoding="utf-8-sig") == cli_ok(history, "export")[1:]


def test_export_to_an_unwritable_path_is_a_usage_error(history: Path, tmp_path: Path) -> None:
    result = run_cli(history, "export", "-o", str(tmp_path / "missing" / "x.csv"), now=NOW)
    assert result.exit_code == 2
    assert "Cannot write" in result.output


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("--source", "beta"), ["b2", "a1"]),
        (("--country", "KR"), ["a5", "a2", "a1"]),
        (("--country", "remote"), ["a3"]),
        (("--country", "de", "--country", "US"), ["b2", "a4"]),
        (("--level", "entry"), ["a2"]),
        (("--company", "drive co"), ["b2"]),
        (("--since", "2026-W11"), ["a5", "b2", "a3", "a2", "a1"]),
        (("--until", "2026-03-02"), ["b2", "a4", "a3", "a2", "a1"]),
        (("--since", "2026-03-03", "--until", "2026-03-03"), ["b2", "a3", "a2", "a1"]),
        (("--country", "JP"), []),
    ],
)
def test_export_filters(history: Path, args: tuple[str, ...], expected: list[str]) -> None:
    assert ids(jsonl(history, *args)) == job_ids(*expected)


def test_a_source_filter_shows_only_that_boards_posting(history: Path) -> None:
    (_, job) = jsonl(history, "--source", "beta")
    assert job["sources"] == ["beta"]
    assert job["urls"] == ["https://jobs.example.com/b1"]
    assert job["posted_at"] is None and job["new_on"] is None  # a1 carried those


def test_export_with_no_jobs_prints_the_header_only(history: Path) -> None:
    text = cli_ok(history, "export", "--country", "JP")
    assert text == BOM + ",".join(FIELDS) + "\n"


def test_export_bad_options_exit_2(history: Path) -> None:
    result = run_cli(history, "export", "--since", "2026-W12", "--until", "2026-W10", now=NOW)
    assert result.exit_code == 2
    assert "after --until" in result.output
    result = run_cli(history, "export", "--since", "last week", now=NOW)
    assert result.exit_code == 2
    assert "--since" in result.output
    result = run_cli(history, "export", "--source", "nope", now=NOW)
    assert result.exit_code == 2
    assert "nope" in result.stderr
    assert result.stdout == ""  # not even a header


def test_exported_jsonl_round_trips_through_tags_explain(history: Path, tmp_path: Path) -> None:
    out = tmp_path / "export.jsonl"
    assert run_cli(history, "export", "--format", "jsonl", "-o", str(out), now=NOW).exit_code == 0
    explained = cli_ok(history, "tags", "explain", "--file", str(out), "--json")
    found = [sorted(json.loads(line)["tags"]) for line in explained.splitlines()]
    assert found == [EXPECTED[key]["tags"] for key in ALL]


def test_export_streams_in_batches_with_the_same_result(
    history: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    whole = cli_ok(history, "export")
    whole_jsonl = cli_ok(history, "export", "--format", "jsonl", "--since", "2026-W10")
    for size in (1, 2, 3):
        monkeypatch.setattr(listing, "BATCH_SIZE", size)
        assert cli_ok(history, "export") == whole
        assert cli_ok(history, "export", "--format", "jsonl", "--since", "2026-W10") == whole_jsonl


# --- formula neutralisation --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+82 10", "'+82 10"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("LLM = large language model", "LLM = large language model"),
        ("", ""),
        ("의료", "의료"),
    ],
)
def test_neutralise(cell: str, expected: str) -> None:
    assert export_cli.neutralise(cell) == expected


# --- postings --------------------------------------------------------------------------------


def test_postings_llm_in_a_week_as_json(history: Path) -> None:
    rows = json.loads(cli_ok(history, "postings", "llm", "--period", "2026-W10", "--json"))
    assert rows == [EXPECTED["a1"]]
    rows = json.loads(cli_ok(history, "postings", "LLM", "--period", "2026-W11", "--json"))
    assert rows == [EXPECTED["a5"], EXPECTED["a1"]]


def test_postings_default_period_is_the_current_week(history: Path) -> None:
    rows = json.loads(cli_ok(history, "postings", "llm", "--json"))
    assert ids(rows) == job_ids("a5", "a1")  # 2026-W11
    # Frozen in W10 (before a5 was seen): a5 is not active yet, whatever the database holds.
    rows = json.loads(cli_ok(history, "postings", "llm", "--json", now="2026-03-04T12:00"))
    assert ids(rows) == job_ids("a1")


@pytest.mark.parametrize(
    ("term", "period", "expected"),
    [
        ("multimodal_llm", "2026-03", ["a5"]),
        ("멀티모달 LLM", "2026-03", ["a5"]),  # a Korean alias of the tag
        ("의료", "2026-W10", ["a2"]),
        ("Figma", "2026-W10", ["a4"]),  # ad-hoc, and closed since
        ("Figma", "2026-W11", []),  # closed on day 3, last seen day 1
        ("Figma", "2026-03-02", ["a4"]),
        ("Figma", "2026-03-03", []),
        ("research", "2026-03", ["a5", "a4"]),  # not "Researcher": word boundaries
        ("판독", "2026-03", ["a2"]),  # a Korean two-syllable ad-hoc term
        ("search", "2026-03", ["a1"]),  # both boards' postings match: one job
        ("robotics", "2026-03", []),
    ],
)
def test_postings_terms(history: Path, term: str, period: str, expected: list[str]) -> None:
    rows = json.loads(cli_ok(history, "postings", term, "--period", period, "--json"))
    assert ids(rows) == job_ids(*expected)


def test_postings_filters_and_limit(history: Path) -> None:
    def run_ids(*args: str) -> list[int]:
        return ids(json.loads(cli_ok(history, "postings", *args, "--period", "2026-03", "--json")))

    assert run_ids("llm", "--level", "experienced") == job_ids("a5")
    assert run_ids("llm", "--source", "beta") == job_ids("a1")
    assert run_ids("llm", "--country", "US") == []
    assert run_ids("llm", "--company", "ACME", "--limit", "1") == job_ids("a5")


def test_postings_an_adhoc_term_row(history: Path) -> None:
    rows = json.loads(cli_ok(history, "postings", "Figma", "--period", "2026-W10", "--json"))
    assert rows == [EXPECTED["a4"]]


def test_postings_csv(history: Path) -> None:
    text = cli_ok(history, "postings", "llm", "--period", "2026-W11", "--csv")
    assert not text.startswith(BOM)
    rows = list(csv.reader(io.StringIO(text)))
    assert rows == [list(FIELDS), csv_row(EXPECTED["a5"]), csv_row(EXPECTED["a1"])]


def test_postings_table_shows_links_and_scraped_text_as_typed(history: Path) -> None:
    out = cli_ok(history, "postings", "llm", "--period", "2026-W11")
    assert "llm: 2 jobs active in 2026-W11" in out
    # Days are compact (this year's without the year), links whole below the table.
    for text in ("LLM Engineer", "Senior VLM Researcher", "alpha, beta", "03-02", "open"):
        assert text in out
    assert "https://jobs.example.com/a1" in out and "https://jobs.example.com/b1" in out
    # Rich markup in scraped text is printed, not interpreted.
    out = cli_ok(history, "postings", "HYPERLINK", "--period", "2026-W11")
    assert "-Evil [b]Corp[/b]" in out
    out = cli_ok(history, "postings", "Figma", "--period", "2026-W10")
    assert "03-02" in out and "open" not in out  # closed: its last day is shown


def test_postings_with_no_jobs(history: Path) -> None:
    assert json.loads(cli_ok(history, "postings", "robotics", "--json")) == []
    result = run_cli(history, "postings", "robotics", "--period", "2026-W01", now=NOW)
    assert result.exit_code == 0
    assert result.stdout == ""
    assert "No jobs with 'robotics' were active in 2026-W01" in result.stderr
    assert cli_ok(history, "postings", "robotics", "--csv") == ",".join(FIELDS) + "\n"


@pytest.mark.parametrize("period", ["2026-13", "2026-W54", "last week", "2026-02-30"])
def test_postings_bad_period_exits_2(history: Path, period: str) -> None:
    result = run_cli(history, "postings", "llm", "--period", period, now=NOW)
    assert result.exit_code == 2
    assert "--period" in result.output
    assert "Traceback" not in result.output


def test_postings_empty_term_and_both_formats_exit_2(history: Path) -> None:
    result = run_cli(history, "postings", "  ", now=NOW)
    assert result.exit_code == 2
    assert "term is empty" in result.output
    result = run_cli(history, "postings", "llm", "--json", "--csv", now=NOW)
    assert result.exit_code == 2


# --- listing.jobs directly: spans, stale sources, the ad-hoc path in Python ----------------------


def clock_on(day: int) -> Clock:
    return Clock(SEOUL, DAY1 + timedelta(days=day - 1))


def titles(db: Database, day: int, **kw: Any) -> list[str]:
    with db.session() as session:
        return [row.title for row in jobs(session, clock_on(day), taxonomy=builtin_tags(), **kw)]


def d(day: int) -> date:
    return date(2026, 3, 1) + timedelta(days=day)


def test_the_gap_before_a_posting_came_back_is_not_active(db: Database) -> None:
    fillers = [raw(f"f{i}") for i in range(4)]
    run(db, 1, [*fillers, raw("r", "Designer")])
    run(db, 2, fillers)
    run(db, 4, [*fillers, raw("r", "Designer")])
    for day, expected in ((1, ["Designer"]), (2, []), (3, []), (4, ["Designer"])):
        assert titles(db, 5, term="Designer", start=d(day), end=d(day)) == expected, day
    with db.session() as session:
        (row,) = jobs(session, clock_on(5), term="Designer", taxonomy=builtin_tags())
    assert row.first_seen == DAY1  # from the earlier span
    assert row.last_seen == DAY1 + timedelta(days=3)
    assert row.closed_at is None and row.urls == ("https://jobs.example.com/r",)


def test_a_stale_sources_open_postings_stop_at_its_last_healthy_day(db: Database) -> None:
    run(db, 1, [raw("s1", "Stale Engineer")], source="dying")
    run(db, 1, [raw("o1", "Other Engineer")], source="alive")
    run(db, 20, [raw("o1", "Other Engineer")], source="alive")
    # On day 20 "dying" has had no healthy run for 19 days: its postings count on day 1 only.
    assert titles(db, 20, start=d(1), end=d(1)) == ["Other Engineer", "Stale Engineer"]
    assert titles(db, 20, start=d(2), end=d(20)) == ["Other Engineer"]
    assert titles(db, 20, start=d(2), end=d(20), stale_after_days=30) == [
        "Other Engineer",
        "Stale Engineer",
    ]


def test_adhoc_terms_give_the_same_jobs_in_batches_of_one(
    history: Path, db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    def found(term: str) -> list[Any]:
        with db.session() as session:
            return list(
                jobs(
                    session,
                    clock_on(9),
                    term=term,
                    taxonomy=builtin_tags(),
                    start=d(1),
                    end=d(9),
                    filters=Filters(countries=["KR", "DE"]),
                )
            )

    terms = ("research", "search", "판독", "Figma")
    expected = {term: found(term) for term in terms}
    assert [len(expected[term]) for term in terms] == [2, 1, 1, 1]
    # One job per batch: the same rows.
    monkeypatch.setattr(listing, "BATCH_SIZE", 1)
    assert {term: found(term) for term in terms} == expected


def test_a_consumer_that_stops_early_releases_the_query(history: Path, db: Database) -> None:
    with db.session() as session:
        rows = jobs(session, clock_on(9))
        first = next(rows)
        rows.close()
        assert first.job_id == EXPECTED["a5"]["job_id"]
        # The session is still usable afterwards.
        assert len(list(jobs(session, clock_on(9), start=d(1), end=d(1)))) == 5


def test_rows_serialise_instants_in_utc(history: Path, db: Database) -> None:
    with db.session() as session:
        row = next(jobs(session, clock_on(9)))
    assert row.first_seen.tzinfo is UTC
    assert row.as_dict()["first_seen"] == D8
