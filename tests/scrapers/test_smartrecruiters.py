"""The SmartRecruiters source: paging, details within a budget, a CLI scrape, real samples."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from helpers import REALDATA, ClientFactory, Recorded, StoredRows, run_cli, utc, write_config

from monitor.demo.server import BoardServer
from monitor.demo.shapes.smartrecruiters import (
    install,
    set_smartrecruiters,
    smartrecruiters_posting,
)
from monitor.errors import ConfigError, NotModified, ParseError
from monitor.normalise import normalise
from monitor.storage.models import Posting
from scrapers.base import build_options
from scrapers.smartrecruiters import SmartRecruitersOptions, SmartRecruitersSource

API = "https://api.smartrecruiters.com/v1/companies/HanbitMotors/postings"
URL = f"{API}?limit=2&offset=0"


def source(
    company_id: str = "HanbitMotors",
    *,
    details: bool = False,
    budget: int = 50,
    page_size: int = 100,
    **kwargs: str,
) -> SmartRecruitersSource:
    options = SmartRecruitersOptions(
        company_id=company_id, fetch_details=details, max_details_per_run=budget
    )
    smart = SmartRecruitersSource("hanbit", options, **kwargs)
    smart.page_size = page_size
    return smart


# -- parse -------------------------------------------------------------------------------


def test_parse_first_page(fixture: Recorded) -> None:
    postings, next_url = source().parse(fixture("page1.json"), URL)

    assert [p.external_id for p in postings] == ["744000201938475", "744000199120033"]
    assert [p.title for p in postings] == [
        "자율주행 SW 검증 엔지니어",
        "Senior Perception Engineer (Remote, EU)",
    ]
    assert {p.company for p in postings} == {"Hanbit Motors"}
    assert [p.url for p in postings] == [
        "https://jobs.smartrecruiters.com/HanbitMotors/744000201938475",
        "https://jobs.smartrecruiters.com/HanbitMotors/744000199120033",
    ]
    assert [p.location for p in postings] == [
        "Hwaseong, Gyeonggi-do, South Korea",
        "Munich, BY, Germany",
    ]
    assert [p.country for p in postings] == ["KR", "DE"]  # sent lower-case
    assert [p.remote for p in postings] == [False, True]
    assert [p.posted_at for p in postings] == [
        utc("2026-03-01T23:40:12.514"),
        utc("2026-02-18T07:05:00"),
    ]
    assert [p.employment_type for p in postings] == ["Full-time", "Full-time"]
    assert [(p.description, p.detail_missing) for p in postings] == [("", False)] * 2
    assert postings[0].extra == {
        "department": "ADAS",
        "function": "Engineering",
        "experience_level": "Associate",
        "ref": f"{API}/744000201938475",
    }
    # 2 of 3 read: the next page starts at offset 2 with the same limit.
    assert next_url is not None
    parts = urlsplit(next_url)
    assert (parts.netloc, parts.path) == ("api.smartrecruiters.com", urlsplit(API).path)
    assert parse_qs(parts.query) == {"limit": ["2"], "offset": ["2"]}


def test_last_page_has_no_next(fixture: Recorded) -> None:
    postings, next_url = source().parse(fixture("page2.json"), f"{API}?limit=2&offset=2")
    assert next_url is None
    (posting,) = postings
    assert (posting.external_id, posting.location, posting.remote) == (
        "744000187650012",
        "Seoul, South Korea",
        False,  # hybrid
    )


def test_parse_detail(fixture: Recorded) -> None:
    html_text, text_format = source().parse_detail(fixture("detail.json"), f"{API}/1")

    assert text_format == "html"
    assert html_text == (
        "<h3>Company Description</h3><p>한빛모터스는 전기차와 <strong>ADAS</strong>를 만듭니다.</p>"
        "<h3>Job Description</h3><ul><li>자율주행 시나리오 기반 검증 자동화</li>"
        "<li>HIL &amp; SIL 시뮬레이션 운영</li></ul>"
        "<h3>Qualifications</h3><p>Python, ROS 경험</p>"
    )
    # `sources parse` on a saved detail gives the one posting with its text.
    (posting,), next_url = source().parse(fixture("detail.json"), f"{API}/1")
    assert next_url is None
    assert posting.external_id == "744000201938475"
    assert normalise(posting, company=None, fallback_company="x").description == (
        "Company Description\n"
        "한빛모터스는 전기차와 ADAS를 만듭니다.\n"
        "Job Description\n\n"
        "자율주행 시나리오 기반 검증 자동화\n"
        "HIL & SIL 시뮬레이션 운영\n"
        "Qualifications\n"
        "Python, ROS 경험"
    )


def test_parse_empty_list(fixture: Recorded) -> None:
    # An unknown company answers exactly this too: not an error we could tell apart.
    assert source().parse(fixture("empty.json"), URL) == ([], None)


def test_truncated_json_is_a_parse_error(fixture: Recorded) -> None:
    with pytest.raises(ParseError, match="not valid JSON"):
        source().parse(fixture("truncated.json"), URL)


def test_error_body_is_a_parse_error_with_its_message(fixture: Recorded) -> None:
    with pytest.raises(ParseError, match="Invalid value for parameter limit"):
        source().parse(fixture("error.json"), URL)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"offset": 0, "totalFound": 0}, "content"),
        ({"content": []}, "totalFound"),
        ({"totalFound": 1, "content": [{"name": "VLM Engineer"}]}, "id"),
        ({"totalFound": 1, "content": [{"id": "1"}]}, "name"),
    ],
)
def test_missing_field_is_a_parse_error_naming_it(body: dict[str, Any], field: str) -> None:
    with pytest.raises(ParseError, match=f"field '{field}'"):
        source().parse(json.dumps(body).encode(), URL)


@pytest.mark.parametrize(
    "body",
    [
        b"[]",
        b'{"totalFound": 1, "content": {}}',
        b'{"totalFound": "1", "content": []}',
        b'{"totalFound": 1, "content": [1]}',
    ],
)
def test_wrong_shapes_are_parse_errors(body: bytes) -> None:
    with pytest.raises(ParseError):
        source().parse(body, URL)


def test_detail_without_job_ad_is_a_parse_error() -> None:
    with pytest.raises(ParseError, match="field 'jobAd'"):
        source().parse_detail(b'{"id": "1", "name": "x"}', f"{API}/1")


def test_detail_refs_are_rebased_onto_base_url(fixture: Recorded) -> None:
    mirror = source(base_url="http://127.0.0.1:9/sr")
    postings, _ = mirror.parse(fixture("page1.json"), URL)
    assert mirror.detail_url(postings[0]) == (
        "http://127.0.0.1:9/sr/v1/companies/HanbitMotors/postings/744000201938475"
    )
    assert source().detail_url(postings[0]) == f"{API}/744000201938475"
    # A ref on another host is not followed: the detail URL is built from the id instead.
    elsewhere = dataclasses.replace(postings[0], extra={"ref": "https://evil.test/x"})
    assert source().detail_url(elsewhere) == f"{API}/744000201938475"


def test_budget_must_not_be_negative() -> None:
    with pytest.raises(ConfigError) as caught:
        build_options(SmartRecruitersSource, {"company_id": "x", "max_details_per_run": -5})
    assert caught.value.key == "max_details_per_run"


# -- against the local board server --------------------------------------------------------


def postings_for(company: str, count: int) -> list[dict[str, Any]]:
    return [
        smartrecruiters_posting(
            str(744000100000000 + i),
            f"VLM Engineer {i}",
            company=company,
            sections={"jobDescription": f"<p>Job {i}</p>"},
        )
        for i in range(count)
    ]


def test_fetch_pages_until_total_found(board_server: BoardServer, client: ClientFactory) -> None:
    install(board_server)
    set_smartrecruiters(board_server, "Hanbit", postings_for("Hanbit", 5))
    smart = source("Hanbit", page_size=2, base_url=board_server.url)

    with client() as http:
        postings = list(smart.fetch(http))
        validators = dict(http.new_validators)

    assert [p.external_id for p in postings] == [str(744000100000000 + i) for i in range(5)]
    assert board_server.requests == [
        "/robots.txt",
        "/v1/companies/Hanbit/postings?limit=2&offset=0",
        "/v1/companies/Hanbit/postings?limit=2&offset=2",
        "/v1/companies/Hanbit/postings?limit=2&offset=4",
    ]
    assert list(validators) == [f"{board_server.url}/v1/companies/Hanbit/postings?limit=2&offset=0"]

    with client(validators=validators) as http, pytest.raises(NotModified):
        list(smart.fetch(http))


def test_unknown_company_is_an_empty_listing(
    board_server: BoardServer, client: ClientFactory
) -> None:
    install(board_server)
    with client() as http:
        assert list(source("Nobody", base_url=board_server.url).fetch(http)) == []


def test_details_within_the_budget_and_not_for_known_postings(
    board_server: BoardServer, client: ClientFactory
) -> None:
    install(board_server)
    set_smartrecruiters(board_server, "Hanbit", postings_for("Hanbit", 4))
    smart = source("Hanbit", details=True, budget=2, page_size=3, base_url=board_server.url)
    smart.known_ids = frozenset({"744000100000001"})

    with client() as http:
        postings = list(smart.fetch(http))

    assert [(p.description, p.detail_missing) for p in postings] == [
        ("<h3>Job Description</h3><p>Job 0</p>", False),
        ("", True),  # known
        ("<h3>Job Description</h3><p>Job 2</p>", False),
        ("", True),  # over the budget of 2
    ]
    # The whole list first, then the details (ref re-based onto the local server).
    assert board_server.requests == [
        "/robots.txt",
        "/v1/companies/Hanbit/postings?limit=3&offset=0",
        "/v1/companies/Hanbit/postings?limit=3&offset=3",
        "/v1/companies/Hanbit/postings/744000100000000",
        "/v1/companies/Hanbit/postings/744000100000002",
    ]
    assert smart.skipped == [
        "detail of posting 744000100000003: over the detail budget of this run (2)"
    ]


def test_a_missing_detail_is_skipped_and_blocked_ones_stop(
    board_server: BoardServer, client: ClientFactory
) -> None:
    install(board_server)
    set_smartrecruiters(board_server, "Hanbit", postings_for("Hanbit", 5))
    detail = "/v1/companies/Hanbit/postings/"
    # The first detail is gone by the time it is asked (404): skipped, the next one asked.
    board_server.fault(f"{detail}744000100000000", "status", status=404)
    # The third is refused (403): no further detail is asked this run.
    board_server.fault(f"{detail}744000100000002", "status", status=403)
    smart = source("Hanbit", details=True, base_url=board_server.url)

    with client() as http:
        postings = list(smart.fetch(http))

    assert [p.detail_missing for p in postings] == [True, False, True, True, True]
    assert postings[1].description == "<h3>Job Description</h3><p>Job 1</p>"
    assert [r for r in board_server.requests if r.startswith(detail)] == [
        f"{detail}744000100000000",
        f"{detail}744000100000001",
        f"{detail}744000100000002",
    ]
    assert "404 Not Found" in smart.skipped[0]
    assert "403 Forbidden" in smart.skipped[1]
    assert smart.skipped[2:] == [
        f"detail of posting {744000100000000 + i}: not asked after the site refused "
        "or throttled a detail request"
        for i in (3, 4)
    ]


def test_server_ignoring_offset_is_a_parse_error(client: ClientFactory) -> None:
    import httpx

    page = {"offset": 0, "limit": 2, "totalFound": 9, "content": []}
    page["content"] = [item["listing"] for item in postings_for("Hanbit", 2)]

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/robots.txt":
            return httpx.Response(404)
        return httpx.Response(200, json=page)

    with client(transport=httpx.MockTransport(handler)) as http, pytest.raises(ParseError):
        list(source("Hanbit", page_size=2).fetch(http))


# -- the whole pipeline through the CLI ----------------------------------------------------


# (external_id, title, company, country, remote, description, sorted tags), per stored posting.
COLUMNS = (
    Posting.external_id,
    Posting.title,
    Posting.company,
    Posting.country,
    Posting.remote,
    Posting.description,
)


def test_scrape_through_the_cli(
    board_server: BoardServer, database_url: str, tmp_path: Path, stored: StoredRows
) -> None:
    install(board_server)
    set_smartrecruiters(
        board_server,
        "Hanbit",
        [
            smartrecruiters_posting(
                "744000000000001",
                "자율주행 제어 엔지니어",
                company="Hanbit",
                company_name="Hanbit Motors",
                sections={"jobDescription": "<p>차량 제어 알고리즘 개발</p>"},
            ),
            smartrecruiters_posting(
                "744000000000002",
                "Data Analyst",
                company="Hanbit",
                company_name="Hanbit Motors",
                city="Austin",
                region="TX",
                country="us",
                country_name="United States",
                hybrid=True,
                sections={"qualifications": "<p>SQL and large language models</p>"},
            ),
        ],
    )
    config = write_config(
        tmp_path / "config.toml",
        board_server.url,
        database_url,
        sources=f"""
[[sources]]
name = "hanbit"
kind = "smartrecruiters"
company_id = "Hanbit"
fetch_details = true
base_url = "{board_server.url}"
""",
    )

    result = run_cli(config, "scrape", now="2026-03-02T12:00")

    assert result.exit_code == 0, result.output
    assert stored("hanbit", *COLUMNS) == [
        ("744000000000001", "자율주행 제어 엔지니어", "Hanbit Motors", "KR", False,
         "Job Description\n차량 제어 알고리즘 개발", ["autonomous_driving"]),
        ("744000000000002", "Data Analyst", "Hanbit Motors", "US", False,
         "Qualifications\nSQL and large language models", ["llm"]),
    ]  # fmt: skip


# -- recorded real responses ---------------------------------------------------------------


@pytest.mark.skipif(
    not (REALDATA / "smartrecruiters").is_dir(), reason=f"no {REALDATA}/smartrecruiters"
)
def test_recorded_real_response_parses_through_the_cli() -> None:
    files = sorted((REALDATA / "smartrecruiters").glob("*.json"))
    assert [f.name for f in files] == ["ergon_smartrecruiters_visa.json"]
    result = run_cli(None, "sources", "parse", "--kind", "smartrecruiters", str(files[0]), "--json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert [
        (r["external_id"], r["title"], r["company"], r["posted_at"], r["country"], r["remote"])
        for r in rows
    ] == [
        ("744000129971988", "Director", "Visa", "2026-06-03T11:08:12.368000Z", "IN", False),
        ("744000122509268", "Sr. SW Engineer", "Visa", "2026-04-23T16:54:54.835000Z", "US", False),
    ]
    assert [r["location"] for r in rows] == ["Bengaluru, KA, India", "Austin, TX, United States"]
    assert [r["url"] for r in rows] == [
        "https://jobs.smartrecruiters.com/Visa/744000129971988",
        "https://jobs.smartrecruiters.com/Visa/744000122509268",
    ]
    # The capture is the first page of 10 (limit=2): the parser asks for offset 2 next.
    postings, next_url = source("Visa").parse(
        files[0].read_bytes(), "https://api.smartrecruiters.com/v1/companies/Visa/postings?limit=2"
    )
    assert len(postings) == 2
    assert next_url is not None
    assert parse_qs(urlsplit(next_url).query) == {"limit": ["2"], "offset": ["2"]}
    assert postings[1].extra["ref"] == (
        "https://api.smartrecruiters.com/v1/companies/Visa/postings/744000122509268"
    )
