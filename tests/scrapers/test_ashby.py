"""The Ashby source: parsing recorded-shape fixtures, fetching through HTTP, a CLI scrape."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from helpers import REALDATA, ClientFactory, Recorded, StoredRows, run_cli, utc, write_config

from monitor.demo.server import BoardServer
from monitor.demo.shapes.ashby import ashby_job, install, set_ashby
from monitor.errors import FetchError, NotModified, ParseError
from monitor.normalise import normalise
from monitor.storage.models import Posting
from scrapers.ashby import AshbyOptions, AshbySource

URL = "https://api.ashbyhq.com/posting-api/job-board/dalbit-ai?includeCompensation=true"


def source(board: str = "dalbit-ai", **kwargs: str) -> AshbySource:
    return AshbySource("dalbit", AshbyOptions(board=board), **kwargs)


# -- parse -------------------------------------------------------------------------------


def test_parse_board(fixture: Recorded) -> None:
    postings, next_url = source().parse(fixture("board.json"), URL)

    assert next_url is None
    # The unlisted fourth job (isListed: false) is left out.
    assert [p.external_id for p in postings] == [
        "5b0e7c1a-2f4d-4e8b-9c61-7a3d2e1f0a01",
        "9e41c2d7-0b3a-4f65-8d1e-6c2b7a9f3e02",
        "3c7f5a90-8e2d-41b6-a4c3-0d9e8f7a6b03",
    ]
    assert [p.title for p in postings] == [
        "멀티모달 LLM 연구원",
        "자율주행 인지 엔지니어 (Perception)",
        "Staff Software Engineer, Inference",
    ]
    assert {p.company for p in postings} == {"dalbit-ai"}
    assert [p.location for p in postings] == ["Seoul", "Pangyo", "Remote - Asia"]
    assert [p.posted_at for p in postings] == [
        utc("2026-03-02T00:15:00"),
        utc("2026-02-27T09:30:05.120"),
        utc("2026-01-19T23:05:44.002"),
    ]
    # OnSite; Hybrid but with a "Remote (Korea)" location; Remote.
    assert [p.remote for p in postings] == [False, True, True]
    # Only ISO codes are taken from the address; names are left to the location parser.
    assert [p.country for p in postings] == [None, "KR", None]
    assert [p.employment_type for p in postings] == ["Full-time", "Contract", "Full-time"]
    assert postings[0].url == (
        "https://jobs.ashbyhq.com/dalbit-ai/5b0e7c1a-2f4d-4e8b-9c61-7a3d2e1f0a01"
    )
    assert postings[0].extra == {
        "department": "Research",
        "team": "Foundation Models",
        "compensation": "₩80M – ₩120M • Offers Equity",
    }
    assert postings[1].extra["all_locations"] == ["Pangyo", "Remote (Korea)"]


def test_description_html_is_kept_and_plain_text_is_the_fallback(fixture: Recorded) -> None:
    postings, _ = source().parse(fixture("board.json"), URL)

    assert [p.description_format for p in postings] == ["html", "html", "text"]
    # Ashby's HTML is not escaped: entities inside it are decoded once, by normalise.
    assert normalise(postings[0], company=None, fallback_company="x").description == (
        "달빛AI 소개\n"
        "달빛AI는 이미지와 텍스트를 함께 이해하는 비전-언어 모델을 만듭니다.\n"
        "주요 업무\n\n"
        "대규모 언어 모델 사전학습 & 정렬\n\n"
        "평가 지표 설계 (정확도 > 90%)"
    )
    assert postings[2].description == (
        "Serve vision-language models at low latency.\n\nYou will own GPU scheduling."
    )


def test_parse_empty_board(fixture: Recorded) -> None:
    assert source().parse(fixture("empty.json"), URL) == ([], None)


def test_truncated_json_is_a_parse_error(fixture: Recorded) -> None:
    with pytest.raises(ParseError, match="not valid JSON"):
        source().parse(fixture("truncated.json"), URL)


def test_error_body_is_a_parse_error_with_its_message(fixture: Recorded) -> None:
    with pytest.raises(ParseError, match="Job board not found"):
        source().parse(fixture("error.json"), URL)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"apiVersion": "1"}, "jobs"),
        ({"jobs": [{"title": "VLM Engineer"}]}, "id"),
        ({"jobs": [{"id": "a1"}]}, "title"),
    ],
)
def test_missing_field_is_a_parse_error_naming_it(body: dict[str, Any], field: str) -> None:
    with pytest.raises(ParseError, match=f"field '{field}'"):
        source().parse(json.dumps(body).encode(), URL)


@pytest.mark.parametrize(
    "body", [b"[]", b'{"jobs": {}}', b'{"jobs": [1]}', b'{"jobs": [{"id": 7, "title": "x"}]}']
)
def test_wrong_shapes_are_parse_errors(body: bytes) -> None:
    with pytest.raises(ParseError):
        source().parse(body, URL)


def test_minimal_job_and_configured_company() -> None:
    body = json.dumps({"jobs": [{"id": "a1", "title": "Robot Learning Researcher"}]}).encode()
    (posting,), _ = source(company="Dalbit AI").parse(body, URL)
    assert posting.url == "https://jobs.ashbyhq.com/dalbit-ai/a1"
    assert posting.company == "Dalbit AI"
    assert (posting.location, posting.posted_at, posting.remote) == (None, None, None)
    assert (posting.description, posting.description_format) == ("", "text")


def test_unreadable_date_is_left_out() -> None:
    job = {"id": "a1", "title": "Researcher", "publishedAt": "last week"}
    (posting,), _ = source().parse(json.dumps({"jobs": [job]}).encode(), URL)
    assert posting.posted_at is None


def test_base_url_replaces_the_host() -> None:
    mirror = source(base_url="http://127.0.0.1:9/prefix/")
    assert mirror.listing_url() == (
        "http://127.0.0.1:9/prefix/posting-api/job-board/dalbit-ai?includeCompensation=true"
    )


# -- against the local board server --------------------------------------------------------


def test_fetch_board_and_conditional_get(board_server: BoardServer, client: ClientFactory) -> None:
    install(board_server)
    set_ashby(
        board_server,
        "dalbit-ai",
        [
            ashby_job("j1", "VLM Research Scientist", board="dalbit-ai", salary=(1, 2, "USD")),
            ashby_job("j2", "Hidden", is_listed=False),
            ashby_job("j3", "Remote ML Engineer", workplace_type="Remote", location="Remote"),
        ],
    )
    ashby = source(base_url=board_server.url)

    with client() as http:
        postings = list(ashby.fetch(http))
        validators = dict(http.new_validators)
    assert [p.external_id for p in postings] == ["j1", "j3"]
    assert postings[0].extra["compensation"] == "USD 1 – 2"
    assert [p.remote for p in postings] == [False, True]
    assert board_server.requests == [
        "/robots.txt",
        "/posting-api/job-board/dalbit-ai?includeCompensation=true",
    ]

    with client(validators=validators) as http, pytest.raises(NotModified):
        list(ashby.fetch(http))


def test_unknown_board_fails_the_fetch(board_server: BoardServer, client: ClientFactory) -> None:
    install(board_server)
    with client() as http, pytest.raises(FetchError) as caught:
        list(source("nobody", base_url=board_server.url).fetch(http))
    assert caught.value.status == 404


def test_empty_board_is_an_empty_listing(board_server: BoardServer, client: ClientFactory) -> None:
    install(board_server)
    set_ashby(board_server, "quiet", [])
    with client() as http:
        assert list(source("quiet", base_url=board_server.url).fetch(http)) == []


# -- the whole pipeline through the CLI ----------------------------------------------------


# (external_id, title, company, country, remote, posted_at, sorted tags), per stored posting.
COLUMNS = (
    Posting.external_id,
    Posting.title,
    Posting.company,
    Posting.country,
    Posting.remote,
    Posting.posted_at,
)


def test_scrape_through_the_cli(
    board_server: BoardServer, database_url: str, tmp_path: Path, stored: StoredRows
) -> None:
    install(board_server)
    set_ashby(
        board_server,
        "dalbit-ai",
        [
            ashby_job(
                "a-1",
                "자율주행 인지 엔지니어",
                description_html="<p>라이다 기반 인지 모델을 개발합니다.</p>",
                published_at="2026-03-01T23:30:00.000+00:00",
            ),
            ashby_job(
                "a-2",
                "Medical Imaging Researcher",
                description_html="<p>Build multimodal LLMs for radiology.</p>",
                location="Remote (US)",
                country="United States",
                workplace_type="Remote",
            ),
        ],
    )
    config = write_config(
        tmp_path / "config.toml",
        board_server.url,
        database_url,
        sources=f"""
[[sources]]
name = "dalbit"
kind = "ashby"
board = "dalbit-ai"
company = "Dalbit AI"
base_url = "{board_server.url}"
""",
    )

    result = run_cli(config, "scrape", now="2026-03-02T09:00")

    assert result.exit_code == 0, result.output
    assert stored("dalbit", *COLUMNS) == [
        ("a-1", "자율주행 인지 엔지니어", "Dalbit AI", "KR", False, utc("2026-03-01T23:30"),
         ["autonomous_driving"]),
        ("a-2", "Medical Imaging Researcher", "Dalbit AI", "US", True, utc("2026-03-02T00:15"),
         ["llm", "medical", "multimodal_llm"]),
    ]  # fmt: skip


# -- recorded real responses ---------------------------------------------------------------

REAL_EXPECTED = {
    "ergon_ashby_ramp.json": [
        ("34413f8d-26bf-4bbc-8ade-eb309a0e2245", "Security Engineer, Cloud",
         "2026-04-07T17:12:35.753000Z", "New York, NY (HQ)", True, "Full-time"),
        ("67fadb77-43d8-4449-954b-d4cf2c6d3b8b", "Software Engineer Internship, Android",
         "2025-08-07T20:49:38.961000Z", "New York, NY (HQ)", False, "Internship"),
        ("20331539-c49c-4bf7-a719-a7e1b6e55537", "Founding GTM",
         "2026-05-08T15:38:59.962000Z", "London", False, "Full-time"),
    ],
    "ericleerepo_ATS_Polling_openevidence.json": [
        ("4c577aae-1ad0-444b-9e15-2ad994333de4", "Member of Technical Staff",
         "2026-01-22T21:44:44.930000Z", "San Francisco", False, "Full-time"),
        ("db203104-7408-48ee-8e11-25340e11b739", "Software Engineer, Data Platform",
         "2026-02-23T04:19:16.820000Z", "San Francisco", False, "Full-time"),
    ],
}  # fmt: skip


@pytest.mark.skipif(not (REALDATA / "ashby").is_dir(), reason=f"no {REALDATA}/ashby")
def test_recorded_real_responses_parse_through_the_cli() -> None:
    files = sorted((REALDATA / "ashby").glob("*.json"))
    assert {f.name for f in files} == set(REAL_EXPECTED)
    for path in files:
        result = run_cli(None, "sources", "parse", "--kind", "ashby", str(path), "--json")
        assert result.exit_code == 0, result.output
        rows = json.loads(result.stdout)
        assert [
            (r["external_id"], r["title"], r["posted_at"], r["location"], r["remote"],
             r["employment_type"])
            for r in rows
        ] == REAL_EXPECTED[path.name], path.name  # fmt: skip
        assert all(r["url"].startswith("https://jobs.ashbyhq.com/") for r in rows)
        assert all(r["description"] for r in rows)


@pytest.mark.skipif(not (REALDATA / "ashby").is_dir(), reason=f"no {REALDATA}/ashby")
def test_recorded_openevidence_description_decodes_entities_once() -> None:
    path = REALDATA / "ashby" / "ericleerepo_ATS_Polling_openevidence.json"
    postings, _ = source("openevidence").parse(path.read_bytes(), URL)
    text = normalise(postings[0], company=None, fallback_company="x").description
    assert text.startswith("OpenEvidence is the most widely used medical AI platform in the world.")
    assert "grown to >65% of US clinicians" in text
    assert "Building 0->1 and scaling 1->1000" in text
