"""The Workable source: the widget list, detail requests within a budget, a CLI scrape."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from helpers import REALDATA, ClientFactory, Recorded, StoredRows, run_cli, utc, write_config
from sqlalchemy import select

from monitor.demo.server import BoardServer
from monitor.demo.shapes.workable import install, set_workable, workable_job
from monitor.errors import ConfigError, FetchError, NotModified, ParseError
from monitor.normalise import normalise
from monitor.storage.db import Database
from monitor.storage.models import Posting, ScrapeRun
from scrapers.base import build_options
from scrapers.workable import WorkableOptions, WorkableSource

URL = "https://apply.workable.com/api/v1/widget/accounts/sori-robotics"
DETAIL_URL = "https://apply.workable.com/api/v2/accounts/sori-robotics/jobs/7A1C2E9F04"


def source(
    account: str = "sori-robotics", *, details: bool = False, budget: int = 50, **kwargs: str
) -> WorkableSource:
    options = WorkableOptions(account=account, fetch_details=details, max_details_per_run=budget)
    return WorkableSource("sori", options, **kwargs)


# -- parse -------------------------------------------------------------------------------


def test_parse_widget_list(fixture: Recorded) -> None:
    postings, next_url = source().parse(fixture("widget.json"), URL)

    assert next_url is None
    assert [p.external_id for p in postings] == ["7A1C2E9F04", "B33D0E5A71", "0C9E44D812"]
    assert [p.title for p in postings] == [
        "로봇 인지 소프트웨어 엔지니어",
        "Speech LLM Research Engineer (Remote)",
        "Field Service Technician",
    ]
    assert {p.company for p in postings} == {"Sori Robotics"}
    assert postings[0].url == "https://apply.workable.com/j/7A1C2E9F04"
    assert [p.location for p in postings] == [
        "Seongnam, Gyeonggi-do, South Korea",
        "Tokyo, Tokyo, Japan",
        None,
    ]
    # A hidden location does not count; the code comes from locations[].countryCode.
    assert [p.country for p in postings] == ["KR", "JP", None]
    # published_on is a bare date, read as midnight UTC; empty falls back to created_at.
    assert [p.posted_at for p in postings] == [
        utc("2026-03-01T00:00"),
        utc("2026-02-14T00:00"),
        utc("2025-12-01T00:00"),
    ]
    assert [p.remote for p in postings] == [False, True, False]
    assert [p.employment_type for p in postings] == ["Full-time", None, "Contract"]
    # The list has no texts: title only, and that is the whole text (not a missing detail).
    assert [(p.description, p.detail_missing) for p in postings] == [("", False)] * 3
    assert postings[0].extra == {
        "department": "Robotics",
        "experience": "Mid-Senior level",
        "function": "Engineering",
        "industry": "Robotics",
        "all_locations": [
            "Seongnam, Gyeonggi-do, South Korea",
            "Daejeon, Daejeon, South Korea",
        ],
    }


def test_parse_detail(fixture: Recorded) -> None:
    html_text, text_format = source().parse_detail(fixture("detail.json"), DETAIL_URL)

    assert text_format == "html"
    assert html_text == (
        "<p>병원 안내 로봇의 <strong>자율주행</strong> 인지 모듈을 개발합니다.</p>"
        "<p>R&amp;D 팀과 함께 멀티모달 센서 데이터를 다룹니다.</p>"
        "<h3>Requirements</h3><ul><li>SLAM 또는 3D 비전 경험</li><li>C++ &amp; Python</li></ul>"
        "<h3>Benefits</h3><ul><li>유연 근무제</li></ul>"
    )
    # `sources parse` on a saved detail response gives the one job.
    (posting,), _ = source().parse(fixture("detail.json"), DETAIL_URL)
    assert (posting.external_id, posting.title, posting.country, posting.remote) == (
        "7A1C2E9F04",
        "로봇 인지 소프트웨어 엔지니어",
        "KR",
        False,
    )
    assert posting.url == "https://apply.workable.com/sori-robotics/j/7A1C2E9F04/"
    assert posting.posted_at == utc("2026-03-01T02:41:09.517")
    assert normalise(posting, company=None, fallback_company="x").description == (
        "병원 안내 로봇의 자율주행 인지 모듈을 개발합니다.\n"
        "R&D 팀과 함께 멀티모달 센서 데이터를 다룹니다.\n"
        "Requirements\n\n"
        "SLAM 또는 3D 비전 경험\n"
        "C++ & Python\n"
        "Benefits\n\n"
        "유연 근무제"
    )


def test_parse_empty_list(fixture: Recorded) -> None:
    assert source().parse(fixture("empty.json"), URL) == ([], None)


def test_truncated_json_is_a_parse_error(fixture: Recorded) -> None:
    with pytest.raises(ParseError, match="not valid JSON"):
        source().parse(fixture("truncated.json"), URL)


def test_error_body_is_a_parse_error_with_its_message(fixture: Recorded) -> None:
    with pytest.raises(ParseError, match="Not found"):
        source().parse(fixture("error.json"), URL)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "Sori"}, "jobs"),
        ({"jobs": [{"title": "VLM Engineer"}]}, "shortcode"),
        ({"jobs": [{"shortcode": "AB12"}]}, "title"),
    ],
)
def test_missing_field_is_a_parse_error_naming_it(body: dict[str, Any], field: str) -> None:
    with pytest.raises(ParseError, match=f"field '{field}'"):
        source().parse(json.dumps(body).encode(), URL)


@pytest.mark.parametrize(
    "body", [b"[]", b'{"jobs": {}}', b'{"jobs": [1]}', b'{"jobs": [{"shortcode": 5}]}']
)
def test_wrong_shapes_are_parse_errors(body: bytes) -> None:
    with pytest.raises(ParseError):
        source().parse(body, URL)


def test_detail_without_shortcode_is_a_parse_error() -> None:
    with pytest.raises(ParseError, match="field 'shortcode'"):
        source().parse_detail(b'{"title": "x", "description": "<p>y</p>"}', DETAIL_URL)


def test_budget_must_not_be_negative() -> None:
    with pytest.raises(ConfigError) as caught:
        build_options(WorkableSource, {"account": "x", "max_details_per_run": -1})
    assert caught.value.key == "max_details_per_run"


# -- against the local board server --------------------------------------------------------

JOBS = [
    workable_job("AAA111", "Robot Learning Engineer", description_html="<p>VLA models.</p>"),
    workable_job("BBB222", "VLM Researcher", requirements_html="<ul><li>PyTorch</li></ul>"),
    workable_job("CCC333", "Technical Writer", description_html="<p>Docs.</p>"),
]


def test_without_details_only_the_list_is_asked(
    board_server: BoardServer, client: ClientFactory
) -> None:
    install(board_server)
    set_workable(board_server, "sori", JOBS, name="Sori Robotics")
    workable = source("sori", base_url=board_server.url)

    with client() as http:
        postings = list(workable.fetch(http))
        validators = dict(http.new_validators)
    assert [(p.external_id, p.description, p.detail_missing) for p in postings] == [
        ("AAA111", "", False),
        ("BBB222", "", False),
        ("CCC333", "", False),
    ]
    assert board_server.requests == ["/robots.txt", "/api/v1/widget/accounts/sori"]
    assert workable.skipped == []

    with client(validators=validators) as http, pytest.raises(NotModified):
        list(workable.fetch(http))


def test_details_within_the_budget_and_not_for_known_jobs(
    board_server: BoardServer, client: ClientFactory
) -> None:
    install(board_server)
    set_workable(board_server, "sori", JOBS)
    workable = source("sori", details=True, budget=1, base_url=board_server.url)
    workable.known_ids = frozenset({"AAA111"})

    with client() as http:
        postings = list(workable.fetch(http))

    assert [(p.external_id, p.description, p.detail_missing) for p in postings] == [
        ("AAA111", "", True),  # stored with its text already: not asked
        ("BBB222", "<h3>Requirements</h3><ul><li>PyTorch</li></ul>", False),
        ("CCC333", "", True),  # over the budget of 1
    ]
    assert [p.description_format for p in postings] == ["text", "html", "text"]
    assert board_server.requests == [
        "/robots.txt",
        "/api/v1/widget/accounts/sori",
        "/api/v2/accounts/sori/jobs/BBB222",
    ]
    assert workable.skipped == ["detail of job CCC333: over the detail budget of this run (1)"]


def test_a_failed_detail_is_skipped_and_the_rest_fetched(
    board_server: BoardServer, client: ClientFactory
) -> None:
    install(board_server)
    set_workable(board_server, "sori", JOBS)
    board_server.fault("/api/v2/accounts/sori/jobs/AAA111", "500")
    workable = source("sori", details=True, base_url=board_server.url)

    with client() as http:
        postings = list(workable.fetch(http))

    assert [p.detail_missing for p in postings] == [True, False, False]
    assert postings[2].description == "<p>Docs.</p>"
    assert len(workable.skipped) == 1
    assert workable.skipped[0].startswith("detail of job AAA111: ")
    assert "500 Internal Server Error" in workable.skipped[0]


def test_throttled_details_stop_further_detail_requests(
    board_server: BoardServer, client: ClientFactory
) -> None:
    install(board_server)
    set_workable(board_server, "sori", JOBS)
    board_server.fault("/api/v2/accounts/sori/jobs/", "429", retry_after="0")
    workable = source("sori", details=True, base_url=board_server.url)

    with client() as http:
        postings = list(workable.fetch(http))

    assert [p.detail_missing for p in postings] == [True, True, True]
    assert board_server.requests[-1] == "/api/v2/accounts/sori/jobs/AAA111"
    assert len(workable.skipped) == 3
    assert workable.skipped[1:] == [
        f"detail of job {code}: not asked after the site refused or throttled a detail request"
        for code in ("BBB222", "CCC333")
    ]


def test_unknown_account_fails_the_fetch(board_server: BoardServer, client: ClientFactory) -> None:
    install(board_server)
    with client() as http, pytest.raises(FetchError) as caught:
        list(source("nobody", base_url=board_server.url).fetch(http))
    assert caught.value.status == 404


# -- the whole pipeline through the CLI ----------------------------------------------------


# (external_id, title, company, country, description, sorted tags), per stored posting.
COLUMNS = (
    Posting.external_id,
    Posting.title,
    Posting.company,
    Posting.country,
    Posting.description,
)


def test_scrape_through_the_cli(
    board_server: BoardServer, database_url: str, tmp_path: Path, stored: StoredRows
) -> None:
    install(board_server)
    set_workable(
        board_server,
        "sori",
        [
            workable_job(
                "K1", "로봇 엔지니어", description_html="<p>병원 안내 로봇의 자율주행 기능</p>"
            ),
            workable_job("K2", "멀티모달 LLM 엔지니어", country="Japan", country_code="JP"),
        ],
        name="Sori Robotics",
    )
    config = write_config(
        tmp_path / "config.toml",
        board_server.url,
        database_url,
        sources=f"""
[[sources]]
name = "sori"
kind = "workable"
account = "sori"
fetch_details = true
max_details_per_run = 10
base_url = "{board_server.url}"
""",
    )

    result = run_cli(config, "scrape", now="2026-03-02T12:00")

    assert result.exit_code == 0, result.output
    assert stored("sori", *COLUMNS) == [
        ("K1", "로봇 엔지니어", "Sori Robotics", "KR", "병원 안내 로봇의 자율주행 기능",
         ["autonomous_driving", "medical"]),
        ("K2", "멀티모달 LLM 엔지니어", "Sori Robotics", "JP", "", ["llm", "multimodal_llm"]),
    ]  # fmt: skip


def test_budget_leaves_a_partial_run_the_next_run_completes(
    board_server: BoardServer, database_url: str, tmp_path: Path, stored: StoredRows
) -> None:
    install(board_server)
    set_workable(board_server, "sori", JOBS[:2], name="Sori Robotics")
    config = write_config(
        tmp_path / "config.toml",
        board_server.url,
        database_url,
        sources=f"""
[[sources]]
name = "sori"
kind = "workable"
account = "sori"
fetch_details = true
max_details_per_run = 1
base_url = "{board_server.url}"
""",
    )
    details = "/api/v2/accounts/sori/jobs/"

    assert run_cli(config, "scrape", now="2026-03-02T12:00").exit_code == 0
    assert [r for r in board_server.requests if r.startswith(details)] == [f"{details}AAA111"]
    assert [row[4] for row in stored("sori", *COLUMNS)] == ["VLA models.", ""]

    board_server.requests.clear()
    assert run_cli(config, "scrape", now="2026-03-03T12:00").exit_code == 0
    # The stored text is not asked again; the job left over yesterday is.
    assert [r for r in board_server.requests if r.startswith(details)] == [f"{details}BBB222"]
    assert [row[4] for row in stored("sori", *COLUMNS)] == [
        "VLA models.",
        "Requirements\n\nPyTorch",
    ]

    db = Database(database_url)
    try:
        with db.session() as session:
            runs = session.execute(
                select(ScrapeRun.status, ScrapeRun.skipped, ScrapeRun.skipped_detail).order_by(
                    ScrapeRun.started_at
                )
            ).all()
    finally:
        db.dispose()
    assert [tuple(run) for run in runs] == [
        ("partial", 1, "detail of job BBB222: over the detail budget of this run (1)"),
        ("ok", 0, None),
    ]


# -- recorded real responses ---------------------------------------------------------------


@pytest.mark.skipif(not (REALDATA / "workable").is_dir(), reason=f"no {REALDATA}/workable")
def test_recorded_real_response_parses_through_the_cli() -> None:
    files = sorted((REALDATA / "workable").glob("*.json"))
    assert [f.name for f in files] == ["ergon_workable_widget_zego.json"]
    result = run_cli(None, "sources", "parse", "--kind", "workable", str(files[0]), "--json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert [
        (r["external_id"], r["title"], r["company"], r["posted_at"], r["country"], r["location"])
        for r in rows
    ] == [
        ("0897A038EC", "Claims Fraud Triage Handler", "Zego", "2026-06-02T00:00:00Z", "GB",
         "Halifax, England, United Kingdom"),
        ("450EC5C378", "Claims Handler - Third Party", "Zego", "2025-09-04T00:00:00Z", "GB",
         "Halifax, England, United Kingdom"),
        ("655F2A00AE", "Customer Claims Fraud Handler", "Zego", "2026-06-02T00:00:00Z", "GB",
         "Halifax, England, United Kingdom"),
    ]  # fmt: skip
    assert [r["employment_type"] for r in rows] == [None, "Full-time", None]
    assert [r["url"] for r in rows] == [
        "https://apply.workable.com/j/0897A038EC",
        "https://apply.workable.com/j/450EC5C378",
        "https://apply.workable.com/j/655F2A00AE",
    ]
    assert all(r["remote"] is False and r["description"] == "" for r in rows)
