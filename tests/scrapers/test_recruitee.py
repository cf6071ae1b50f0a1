"""The Recruitee source: parsing recorded-shape fixtures, fetching through HTTP, a CLI scrape."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from helpers import REALDATA, ClientFactory, Recorded, StoredRows, run_cli, utc, write_config

from monitor.config import load
from monitor.demo.server import BoardServer
from monitor.demo.shapes.recruitee import install, recruitee_offer, set_recruitee
from monitor.errors import ConfigError, FetchError, NotModified, ParseError
from monitor.normalise import normalise
from monitor.storage.models import Posting
from scrapers.base import build_options
from scrapers.recruitee import RecruiteeOptions, RecruiteeSource

URL = "https://hanul.recruitee.com/api/offers/"


def source(subdomain: str = "hanul", **kwargs: str) -> RecruiteeSource:
    return RecruiteeSource("hanul", RecruiteeOptions(subdomain=subdomain), **kwargs)


# -- parse -------------------------------------------------------------------------------


def test_parse_offers(fixture: Recorded) -> None:
    postings, next_url = source().parse(fixture("offers.json"), URL)

    assert next_url is None
    assert [p.external_id for p in postings] == ["1840021", "1840057", "1840090"]
    assert [p.title for p in postings] == [
        "자율주행 플래닝 엔지니어",
        "Machine Learning Engineer, Vision-Language",
        "Technical Writer",
    ]
    assert {p.company for p in postings} == {"Hanul Mobility"}
    assert [p.url for p in postings] == [
        "https://careers.hanul-mobility.com/o/autonomous-planning-engineer",
        "https://careers.hanul-mobility.com/o/ml-engineer-vision-language",
        "https://careers.hanul-mobility.com/o/technical-writer",
    ]
    assert [p.location for p in postings] == [
        "Seoul, South Korea",
        "Amsterdam, North Holland, Netherlands",
        None,
    ]
    assert [p.country for p in postings] == ["KR", "NL", None]
    # "2026-03-01 16:45:12 UTC"; the second has no published_at, so created_at.
    assert [p.posted_at for p in postings] == [
        utc("2026-03-01T16:45:12"),
        utc("2026-02-20T09:00:00"),
        utc("2026-01-06T00:00:01"),
    ]
    assert [p.deadline_at for p in postings] == [utc("2026-04-30T14:59:59"), None, None]
    assert [p.remote for p in postings] == [False, False, True]  # on site, hybrid, remote
    assert [p.employment_type for p in postings] == [
        "Full-time, permanent",
        "Full-time, fixed term",
        "Freelance",
    ]
    # Salary numbers arrive as strings.
    assert postings[0].extra == {
        "department": "Autonomy",
        "salary": {"min": 60000000.0, "max": 90000000.0, "period": "year", "currency": "KRW"},
        "all_locations": ["Seoul, South Korea", "Daejeon, South Korea"],
    }
    assert postings[2].extra == {}  # a salary of nulls says nothing


def test_description_joins_description_and_requirements(fixture: Recorded) -> None:
    postings, _ = source().parse(fixture("offers.json"), URL)

    assert [p.description_format for p in postings] == ["html", "html", "text"]
    assert normalise(postings[0], company=None, fallback_company="x").description == (
        "한울모빌리티는 도심 자율주행 셔틀을 운영합니다.\n"
        "경로 계획 & 제어 알고리즘을 개발합니다.\n\n"
        "C++17 경험\n"
        "ROS 2 경험 우대"
    )
    assert postings[2].description == ""


def test_parse_empty_list(fixture: Recorded) -> None:
    assert source().parse(fixture("empty.json"), URL) == ([], None)


def test_truncated_json_is_a_parse_error(fixture: Recorded) -> None:
    with pytest.raises(ParseError, match="not valid JSON"):
        source().parse(fixture("truncated.json"), URL)


def test_error_page_is_a_parse_error(fixture: Recorded) -> None:
    with pytest.raises(ParseError, match="not valid JSON"):
        source().parse(fixture("error.html"), URL)
    with pytest.raises(ParseError, match="Not found"):
        source().parse(b'{"error": "Not found"}', URL)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"jobs": []}, "offers"),
        ({"offers": [{"title": "VLM Engineer"}]}, "id"),
        ({"offers": [{"id": 5}]}, "title"),
    ],
)
def test_missing_field_is_a_parse_error_naming_it(body: dict[str, Any], field: str) -> None:
    with pytest.raises(ParseError, match=f"field '{field}'"):
        source().parse(json.dumps(body).encode(), URL)


@pytest.mark.parametrize(
    "body", [b"[]", b'{"offers": {}}', b'{"offers": [1]}', b'{"offers": [{"id": true}]}']
)
def test_wrong_shapes_are_parse_errors(body: bytes) -> None:
    with pytest.raises(ParseError):
        source().parse(body, URL)


def test_minimal_offer_and_odd_dates() -> None:
    body = json.dumps(
        {
            "offers": [
                {"id": 1, "title": "A", "slug": "a", "created_at": "2026-03-02T09:00:00+09:00"},
                {"id": 2, "title": "B", "published_at": "yesterday"},
            ]
        }
    ).encode()
    first, second = source(company="Hanul").parse(body, URL)[0]
    assert first.url == "https://hanul.recruitee.com/o/a"
    assert first.company == "Hanul"
    assert first.posted_at == utc("2026-03-02T00:00:00")
    assert (first.location, first.remote, first.employment_type) == (None, None, None)
    assert second.posted_at is None


def test_base_url_defaults_to_the_subdomain_host() -> None:
    assert source().listing_url() == "https://hanul.recruitee.com/api/offers/"
    mirror = source(base_url="http://127.0.0.1:9/hanul/")
    assert mirror.listing_url() == "http://127.0.0.1:9/hanul/api/offers/"


@pytest.mark.parametrize("bad", ["hanul.recruitee.com", "a/b", "-x", "ha nul"])
def test_subdomain_must_be_a_host_label(bad: str) -> None:
    with pytest.raises(ConfigError) as caught:
        build_options(RecruiteeSource, {"subdomain": bad})
    assert caught.value.key == "subdomain"


def test_config_accepts_a_base_url(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text(
        '[[sources]]\nname = "h"\nkind = "recruitee"\nsubdomain = "hanul"\n'
        'base_url = "http://127.0.0.1:9/hanul"\n',
        encoding="utf-8",
    )
    built = load(path).source("h").build()
    assert built.listing_url() == "http://127.0.0.1:9/hanul/api/offers/"


# -- against the local board server --------------------------------------------------------


def test_fetch_offers_and_conditional_get(board_server: BoardServer, client: ClientFactory) -> None:
    install(board_server)
    set_recruitee(
        board_server,
        "hanul",
        [
            recruitee_offer(1, "VLM Researcher", salary=("5000", "7000"), workplace="hybrid"),
            recruitee_offer(2, "Remote Data Engineer", workplace="remote", published_at=None),
        ],
    )
    recruitee = source(base_url=f"{board_server.url}/hanul")

    with client() as http:
        postings = list(recruitee.fetch(http))
        validators = dict(http.new_validators)
    assert [p.external_id for p in postings] == ["1", "2"]
    assert [p.remote for p in postings] == [False, True]
    assert postings[1].posted_at == utc("2026-02-27T08:00:00")
    assert board_server.requests == ["/robots.txt", "/hanul/api/offers/"]

    with client(validators=validators) as http, pytest.raises(NotModified):
        list(recruitee.fetch(http))


def test_unknown_subdomain_fails_the_fetch(
    board_server: BoardServer, client: ClientFactory
) -> None:
    install(board_server)
    with client() as http, pytest.raises(FetchError) as caught:
        list(source("nobody", base_url=f"{board_server.url}/nobody").fetch(http))
    assert caught.value.status == 404


def test_empty_subdomain_fails_the_fetch_with_a_clear_message(client: ClientFactory) -> None:
    with client() as http, pytest.raises(FetchError, match="empty 'subdomain'"):
        list(source("").fetch(http))


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
    set_recruitee(
        board_server,
        "hanul",
        [
            recruitee_offer(
                11,
                "자율주행 시뮬레이션 엔지니어",
                description_html="<p>자율주행 시뮬레이터를 개발합니다.</p>",
                company="Hanul Mobility",
            ),
            recruitee_offer(
                12,
                "의료 영상 AI 연구원",
                requirements_html="<ul><li>의료 영상 분할 경험</li></ul>",
                company="Hanul Mobility",
                published_at="2026-03-02 01:00:00 UTC",
            ),
        ],
    )
    config = write_config(
        tmp_path / "config.toml",
        board_server.url,
        database_url,
        sources=f"""
[[sources]]
name = "hanul"
kind = "recruitee"
subdomain = "hanul"
base_url = "{board_server.url}/hanul"
""",
    )

    result = run_cli(config, "scrape", now="2026-03-02T12:00")

    assert result.exit_code == 0, result.output
    assert stored("hanul", *COLUMNS) == [
        ("11", "자율주행 시뮬레이션 엔지니어", "Hanul Mobility", "KR", False,
         utc("2026-03-02T00:30"), ["autonomous_driving"]),
        ("12", "의료 영상 AI 연구원", "Hanul Mobility", "KR", False, utc("2026-03-02T01:00"),
         ["medical"]),
    ]  # fmt: skip


# -- recorded real responses ---------------------------------------------------------------


@pytest.mark.skipif(not (REALDATA / "recruitee").is_dir(), reason=f"no {REALDATA}/recruitee")
def test_recorded_real_response_parses_through_the_cli() -> None:
    files = sorted((REALDATA / "recruitee").glob("*.json"))
    assert [f.name for f in files] == ["ergon_recruitee_channable.json"]
    result = run_cli(None, "sources", "parse", "--kind", "recruitee", str(files[0]), "--json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert [
        (r["external_id"], r["title"], r["company"], r["posted_at"], r["country"], r["remote"])
        for r in rows
    ] == [
        ("2631774", "Account Executive France", "Channable", "2026-06-08T13:03:54Z", "NL", False),
        ("2622523", "AI Engineer", "Channable", "2026-06-02T10:10:41Z", "NL", False),
    ]
    assert [r["url"] for r in rows] == [
        "https://jobs.channable.com/o/account-executive-france-2028",
        "https://jobs.channable.com/o/ai-engineer",
    ]
    assert [r["employment_type"] for r in rows] == [
        "Full-time, fixed term",
        "Full-time, permanent",
    ]
    assert rows[1]["description"].startswith("Your job:\nIn this position, you will join our AI")


@pytest.mark.skipif(not (REALDATA / "recruitee").is_dir(), reason=f"no {REALDATA}/recruitee")
def test_recorded_salary_strings_become_numbers() -> None:
    path = REALDATA / "recruitee" / "ergon_recruitee_channable.json"
    postings, _ = source("channable").parse(path.read_bytes(), URL)
    assert postings[0].extra["salary"] == {
        "min": 5253.0,
        "max": 6152.0,
        "period": "month",
        "currency": "EUR",
    }
