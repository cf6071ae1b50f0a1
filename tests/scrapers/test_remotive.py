"""The Remotive source: parsing, UTC dates without a zone, fetching, a CLI scrape."""

from __future__ import annotations

import json
from datetime import UTC
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from helpers import (
    REALDATA,
    ClientFactory,
    Recorded,
    run_cli,
    stored_postings,
    utc,
    write_config,
)

from monitor.demo.server import BoardServer
from monitor.demo.shapes.remotive import install, remotive_job, set_remotive
from monitor.errors import FetchError, NotModified, ParseError
from monitor.normalise import normalise
from monitor.schedule import validate_cron
from scrapers.remotive import RemotiveSource

URL = "https://remotive.com/api/remote-jobs"


def source(**kwargs: str) -> RemotiveSource:
    return RemotiveSource("remotive", **kwargs)


# -- parse -------------------------------------------------------------------------------


def test_parse_listing(fixture: Recorded) -> None:
    postings, next_url = source().parse(fixture("remote-jobs.json"), URL)

    assert next_url is None
    assert [p.external_id for p in postings] == ["3100417", "3100388", "3100290"]
    assert [p.title for p in postings] == [
        "멀티모달 LLM 리서치 엔지니어",
        "Clinical Data Coordinator",
        "Online Evaluator (Korean)",
    ]
    assert [p.company for p in postings] == ["Saebyeok AI", "Harbor Clinical, LLC", "Lumen Data"]
    assert [p.location for p in postings] == ["South Korea", "USA", "Worldwide"]
    # publication_date has no zone: Remotive means UTC.
    assert [p.posted_at for p in postings] == [
        utc("2026-03-01T23:30:00"),
        utc("2026-02-27T14:05:09"),
        utc("2026-02-26T00:00:00"),
    ]
    assert all(p.posted_at is not None and p.posted_at.tzinfo is UTC for p in postings)
    assert [p.employment_type for p in postings] == ["Full-time", "Contract", "Part-time"]
    assert all(p.remote is True and p.description_format == "html" for p in postings)
    assert postings[0].url == (
        "https://remotive.com/remote-jobs/software-development/"
        "multimodal-llm-research-engineer-3100417"
    )
    assert postings[0].extra == {
        "category": "Software Development",
        "salary": "₩90M - ₩130M",
        "tags": ["AI/ML", "pytorch", "LLM"],
    }


def test_descriptions_become_exact_plain_text(fixture: Recorded) -> None:
    postings, _ = source().parse(fixture("remote-jobs.json"), URL)
    texts = [normalise(p, company=None, fallback_company="remotive").description for p in postings]
    assert texts == [
        "새벽AI는 이미지와 텍스트를 함께 이해하는 모델을 만듭니다.\n\n"
        "비전-언어 모델(VLM) 사전학습\n\n자율주행 데이터셋 구축 협업",
        "Support our radiology trials: R&D data cleaning & QA.\n\nHours: 9–5 ET",
        "Language: Korean",
    ]


def test_parse_empty_listing(fixture: Recorded) -> None:
    assert source().parse(fixture("empty.json"), URL) == ([], None)


def test_truncated_json_is_a_parse_error(fixture: Recorded) -> None:
    with pytest.raises(ParseError, match="not valid JSON"):
        source().parse(fixture("truncated.json"), URL)


def test_error_answers_are_parse_errors() -> None:
    with pytest.raises(ParseError, match="Too many requests"):
        source().parse(b'{"error": "Too many requests"}', URL)
    with pytest.raises(ParseError, match="expected a JSON object"):
        source().parse(b"[]", URL)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"job-count": 0}, "jobs"),
        ({"jobs": [{"title": "Engineer"}]}, "id"),
        ({"jobs": [{"id": 7, "url": "https://remotive.com/x"}]}, "title"),
    ],
)
def test_missing_field_is_a_parse_error_naming_it(body: dict[str, Any], field: str) -> None:
    with pytest.raises(ParseError, match=f"field '{field}'"):
        source().parse(json.dumps(body).encode(), URL)


@pytest.mark.parametrize(
    "body", [b'{"jobs": {"id": 1}}', b'{"jobs": [{"id": 1, "title": " "}]}', b'{"jobs": [2]}']
)
def test_wrong_shapes_are_parse_errors(body: bytes) -> None:
    with pytest.raises(ParseError):
        source().parse(body, URL)


def test_minimal_job_and_odd_date() -> None:
    job = {"id": 9, "title": "Robot Learning Engineer", "publication_date": "yesterday"}
    (posting,), _ = source(company="Configured").parse(json.dumps({"jobs": [job]}).encode(), URL)
    assert posting.url == "https://remotive.com/remote-jobs/9"
    assert posting.company == "Configured"
    assert (posting.posted_at, posting.employment_type, posting.location) == (None, None, None)


def test_terms_set_the_schedule_and_attribution() -> None:
    # At most a few requests a day: twice.
    schedule = RemotiveSource.default_schedule
    validate_cron(schedule, ZoneInfo("Asia/Seoul"))
    hours = schedule.split()[1].split(",")
    assert len(hours) == 2 and all(h.isdigit() for h in hours)
    assert RemotiveSource.attribution == "Remotive"


# -- fetch -------------------------------------------------------------------------------


def test_fetch_from_board_server_and_conditional_get(
    board_server: BoardServer, client: ClientFactory
) -> None:
    install(board_server)
    set_remotive(
        board_server,
        "remotive",
        [
            remotive_job(
                41,
                "VLM Engineer",
                company="Saebyeok AI",
                publication_date="2026-03-02T01:00:00",
                description_html="<p>비전-언어 모델</p>",
                location="South Korea",
            ),
            remotive_job(42, "Support Lead", job_type="freelance", category="Customer Service"),
        ],
    )
    remotive = source(base_url=f"{board_server.url}/remotive")

    with client() as http:
        postings = list(remotive.fetch(http))
        validators = dict(http.new_validators)

    assert [(p.external_id, p.title, p.employment_type) for p in postings] == [
        ("41", "VLM Engineer", "Full-time"),
        ("42", "Support Lead", "Freelance"),
    ]
    assert postings[0].posted_at == utc("2026-03-02T01:00:00")
    assert board_server.requests == ["/robots.txt", "/remotive/api/remote-jobs"]

    with client(validators=validators) as http, pytest.raises(NotModified):
        list(remotive.fetch(http))


def test_unknown_board_and_empty_listing(board_server: BoardServer, client: ClientFactory) -> None:
    install(board_server)
    with client() as http, pytest.raises(FetchError) as caught:
        list(source(base_url=f"{board_server.url}/nobody").fetch(http))
    assert caught.value.status == 404

    set_remotive(board_server, "remotive", [])
    with client() as http:
        assert list(source(base_url=f"{board_server.url}/remotive").fetch(http)) == []


# -- a whole scrape through the CLI ----------------------------------------------------------


def test_scrape_through_the_cli(
    board_server: BoardServer, database_url: str, tmp_path: Path
) -> None:
    install(board_server)
    set_remotive(
        board_server,
        "remotive",
        [
            remotive_job(
                51,
                "멀티모달 AI 연구원",
                company="Saebyeok AI",
                location="South Korea",
                description_html="<p>자율주행 장면을 이해하는 비전-언어 모델을 연구합니다.</p>",
            ),
            remotive_job(52, "Account Executive", description_html="<p>Sell software.</p>"),
        ],
    )
    config = write_config(
        tmp_path / "config.toml",
        board_server.url,
        database_url,
        sources=f"""
[[sources]]
name = "remotive"
kind = "remotive"
base_url = "{board_server.url}/remotive"
""",
    )

    result = run_cli(config, "scrape", now="2026-03-02T12:00")
    assert result.exit_code == 0, result.output

    postings, tags = stored_postings(database_url)
    assert sorted(postings) == ["51", "52"]
    korean = postings["51"]
    assert (korean.title, korean.company, korean.country) == (
        "멀티모달 AI 연구원",
        "Saebyeok AI",
        "KR",
    )
    assert korean.posted_at == utc("2026-03-02T09:00:00")
    assert tags[korean.id] == {"multimodal_llm", "llm", "autonomous_driving"}
    assert postings["52"].id not in tags


# -- recorded real responses ---------------------------------------------------------------

REAL_EXPECTED = {
    "ergon_remotive_sample.json": [
        ("2090881", "Business Transformation Lead", "Expion Health", "2026-06-12T21:30:58Z"),
        ("2090989", "Assistant Account Payable", "The Obesity Society", "2026-06-12T11:34:10Z"),
        ("2090983", "Head of Engineering", "Lemon.io", "2026-06-12T09:35:12Z"),
    ],
    "ikevinxie_remotive.json": [
        (
            "2091048",
            "Product Sales Specialist - Pet Health",
            "Tribe Wellness",
            "2026-07-09T08:01:56Z",
        ),
        ("2086540", "Inside Sales Contractor", "Credit Wellness, LLC", "2026-07-08T21:48:18Z"),
        (
            "2090949",
            "High-Ticket Financial Sales Specialist & Team Lead Track",
            "FSE LLC",
            "2026-07-08T19:44:58Z",
        ),
        ("2091047", "Online Data Analyst Canada", "TELUS Digital", "2026-07-08T13:02:27Z"),
    ],
}


@pytest.mark.skipif(not (REALDATA / "remotive").is_dir(), reason=f"no {REALDATA}/remotive")
def test_recorded_real_responses_parse_through_the_cli() -> None:
    files = sorted((REALDATA / "remotive").glob("*.json"))
    assert {f.name for f in files} == set(REAL_EXPECTED)
    for path in files:
        result = run_cli(None, "sources", "parse", "--kind", "remotive", str(path), "--json")
        assert result.exit_code == 0, result.output
        rows = json.loads(result.stdout)
        assert [
            (r["external_id"], r["title"], r["company"], r["posted_at"]) for r in rows
        ] == REAL_EXPECTED[path.name], path.name
        assert all(r["remote"] is True for r in rows)
        assert all(r["url"].startswith("https://remotive.com/remote-jobs/") for r in rows)
    ergon = json.loads(
        run_cli(None, "sources", "parse", "--kind", "remotive", str(files[0]), "--json").stdout
    )
    assert ergon[0]["location"] == "USA"
    assert ergon[0]["employment_type"] == "Full-time"
    # The sample's description is cut off by its recorder after "Expion Health".
    assert ergon[0]["description"] == (
        "Title: Business Transformation Lead\n\nLocation: Fully Remote\n\n"
        "Reports To: President, Service & Growth\n\nExpion Health"
    )
