"""The Himalayas source: offset paging, seconds-or-milliseconds dates, the window, a scrape."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from helpers import REALDATA, ClientFactory, Recorded, run_cli, utc, write_config
from sqlalchemy import select

from monitor.demo.server import BoardServer
from monitor.demo.shapes.himalayas import himalayas_job, install, set_himalayas
from monitor.errors import FetchError, NotModified, ParseError
from monitor.normalise import normalise
from monitor.storage.db import Database
from monitor.storage.models import Posting, PostingTag
from scrapers.himalayas import PAGE_SIZE, WINDOW_PAGES, HimalayasSource

URL = "https://himalayas.app/jobs/api?limit=20&offset=0"


def source(
    page_size: int = PAGE_SIZE, window_pages: int = WINDOW_PAGES, **kwargs: str
) -> HimalayasSource:
    himalayas = HimalayasSource("himalayas", **kwargs)
    himalayas.page_size = page_size
    himalayas.window_pages = window_pages
    return himalayas


def jobs(count: int) -> list[dict[str, Any]]:
    return [
        himalayas_job(f"ML Engineer {i}", number=i, pub_date=1772409600 - 60 * i)
        for i in range(count)
    ]


# -- parse -------------------------------------------------------------------------------


def test_parse_listing(fixture: Recorded) -> None:
    postings, next_url = source().parse(fixture("jobs.json"), URL)

    assert next_url is None  # 3 of totalCount 3
    assert [p.external_id for p in postings] == [
        "https://himalayas.app/companies/dalbit-motors/jobs/"
        "autonomous-driving-simulation-engineer-5512001",
        "https://himalayas.app/companies/papyrus-ai/jobs/staff-vlm-engineer",
        "https://himalayas.app/companies/norden-health/jobs/clinical-informatics-analyst-5511870",
    ]
    assert [p.title for p in postings] == [
        "자율주행 시뮬레이션 엔지니어",
        "Staff VLM Engineer",
        "Clinical Informatics Analyst",
    ]
    assert [p.company for p in postings] == ["Dalbit Motors", "Papyrus AI", "Norden Health"]
    assert [p.location for p in postings] == ["South Korea", "Anywhere", "Germany, Netherlands"]
    # Seconds, milliseconds (decided by size), seconds.
    assert [p.posted_at for p in postings] == [
        utc("2026-03-02T00:00:00"),
        utc("2026-03-01T00:00:00.123"),
        utc("2026-02-28T00:00:00"),
    ]
    assert [p.employment_type for p in postings] == ["Full Time", "Full Time", "Contractor"]
    assert all(p.remote is True and p.description_format == "html" for p in postings)
    assert postings[0].extra == {
        "seniority": ["Mid-level"],
        "categories": ["Simulation-Engineering", "Autonomous-Vehicles"],
        "expires_at": "2026-05-01T00:00:00+00:00",
    }
    assert postings[2].extra["minSalary"] == 60
    assert postings[2].extra["salaryPeriod"] == "hourly"
    texts = [normalise(p, company=None, fallback_company="himalayas").description for p in postings]
    assert texts == [
        "소개\n달빛모터스는 자율주행 시뮬레이션 플랫폼을 만듭니다.",
        "At Papyrus AI you'll train VLMs.",
        "Support hospital EHR integrations.",
    ]


def test_next_page_advances_by_what_came_back() -> None:
    body = json.dumps({"offset": 40, "limit": 100, "totalCount": 95217, "jobs": jobs(20)}).encode()
    _, next_url = source().parse(body, "https://himalayas.app/jobs/api?limit=100&offset=40")
    assert next_url is not None
    parts = urlsplit(next_url)
    assert (parts.netloc, parts.path) == ("himalayas.app", "/jobs/api")
    assert parse_qs(parts.query) == {"limit": ["100"], "offset": ["60"]}
    # The last page, by totalCount, has no successor.
    last = json.dumps({"offset": 80, "limit": 20, "totalCount": 100, "jobs": jobs(20)}).encode()
    assert source().parse(last, URL)[1] is None


def test_parse_empty_page(fixture: Recorded) -> None:
    assert source().parse(fixture("empty.json"), URL) == ([], None)


def test_error_answers_are_parse_errors(fixture: Recorded) -> None:
    with pytest.raises(ParseError, match="Too many requests, please slow down"):
        source().parse(fixture("error.json"), URL)
    with pytest.raises(ParseError, match="not valid JSON"):
        source().parse(fixture("jobs.json")[:500], URL)
    with pytest.raises(ParseError, match="expected a JSON object"):
        source().parse(b"[]", URL)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"totalCount": 0}, "jobs"),
        ({"jobs": [{"title": "Engineer"}]}, "guid"),
        ({"jobs": [{"guid": "https://himalayas.app/companies/a/jobs/b"}]}, "title"),
    ],
)
def test_missing_field_is_a_parse_error_naming_it(body: dict[str, Any], field: str) -> None:
    with pytest.raises(ParseError, match=f"field '{field}'"):
        source().parse(json.dumps(body).encode(), URL)


def test_minimal_job_and_odd_dates() -> None:
    job = {"guid": "https://himalayas.app/x", "title": "Engineer", "pubDate": "soon"}
    (posting,), _ = source(company="Configured").parse(json.dumps({"jobs": [job]}).encode(), URL)
    assert (posting.url, posting.company, posting.posted_at) == (
        "https://himalayas.app/x",
        "Configured",
        None,
    )
    assert posting.location == "Anywhere"


# -- fetch -------------------------------------------------------------------------------


def test_pages_until_the_end_and_conditional_get(
    board_server: BoardServer, client: ClientFactory
) -> None:
    install(board_server)
    set_himalayas(board_server, "himalayas", jobs(45))
    himalayas = source(base_url=f"{board_server.url}/himalayas")

    with client() as http:
        postings = list(himalayas.fetch(http))
        validators = dict(http.new_validators)

    assert [p.title for p in postings] == [f"ML Engineer {i}" for i in range(45)]
    assert board_server.requests == [
        "/robots.txt",
        "/himalayas/jobs/api?limit=20&offset=0",
        "/himalayas/jobs/api?limit=20&offset=20",
        "/himalayas/jobs/api?limit=20&offset=40",
    ]
    assert list(validators) == [f"{board_server.url}/himalayas/jobs/api?limit=20&offset=0"]

    with client(validators=validators) as http, pytest.raises(NotModified):
        list(himalayas.fetch(http))


def test_a_larger_limit_is_served_20_at_a_time(
    board_server: BoardServer, client: ClientFactory
) -> None:
    install(board_server)
    set_himalayas(board_server, "himalayas", jobs(30))
    with client() as http:
        postings = list(source(page_size=100, base_url=f"{board_server.url}/himalayas").fetch(http))
    assert len(postings) == 30
    assert board_server.requests[1:] == [
        "/himalayas/jobs/api?limit=100&offset=0",
        "/himalayas/jobs/api?limit=100&offset=20",
    ]


def test_only_the_window_of_newest_pages_is_read(
    board_server: BoardServer, client: ClientFactory
) -> None:
    install(board_server)
    set_himalayas(board_server, "himalayas", jobs(100))
    himalayas = source(page_size=10, window_pages=3, base_url=f"{board_server.url}/himalayas")
    with client() as http:
        postings = list(himalayas.fetch(http))
    assert [p.title for p in postings] == [f"ML Engineer {i}" for i in range(30)]
    assert len(board_server.requests) == 1 + 3
    assert not himalayas.skipped
    assert WINDOW_PAGES * PAGE_SIZE == 1000


def test_a_shifted_listing_yields_each_job_once_and_a_stuck_one_fails(
    client: ClientFactory,
) -> None:
    everything = jobs(5)

    def shifting(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/robots.txt":
            return httpx.Response(404)
        offset = int(request.url.params["offset"])
        # A new job arrived after page one: page two starts one job early.
        start = offset - 1 if offset else 0
        return httpx.Response(
            200,
            json={
                "offset": offset,
                "limit": 2,
                "totalCount": 5,
                "jobs": everything[start : start + 2],
            },
        )

    with client(transport=httpx.MockTransport(shifting)) as http:
        postings = list(source(page_size=2).fetch(http))
    assert [p.title for p in postings] == [f"ML Engineer {i}" for i in range(5)]

    def stuck(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/robots.txt":
            return httpx.Response(404)
        return httpx.Response(200, json={"totalCount": 9, "jobs": everything[:2]})

    with client(transport=httpx.MockTransport(stuck)) as http, pytest.raises(ParseError):
        list(source(page_size=2).fetch(http))


def test_unknown_board_and_empty_board(board_server: BoardServer, client: ClientFactory) -> None:
    install(board_server)
    with client() as http, pytest.raises(FetchError) as caught:
        list(source(base_url=f"{board_server.url}/nobody").fetch(http))
    assert caught.value.status == 404

    set_himalayas(board_server, "himalayas", [])
    with client() as http:
        assert list(source(base_url=f"{board_server.url}/himalayas").fetch(http)) == []


# -- a whole scrape through the CLI ----------------------------------------------------------


def test_scrape_through_the_cli(
    board_server: BoardServer, database_url: str, tmp_path: Path
) -> None:
    install(board_server)
    set_himalayas(
        board_server,
        "himalayas",
        [
            himalayas_job(
                "의료 영상 AI 연구원",
                company="Dalbit Health",
                description_html="<p>의료 영상 판독을 돕는 멀티모달 LLM을 연구합니다.</p>",
                locations=("South Korea",),
                pub_date=1772409600000,  # milliseconds, as documented
            ),
            himalayas_job("Sales Manager", company="Acme", description_html="<p>Sell.</p>"),
        ],
    )
    config = write_config(
        tmp_path / "config.toml",
        board_server.url,
        database_url,
        sources=f"""
[[sources]]
name = "himalayas"
kind = "himalayas"
base_url = "{board_server.url}/himalayas"
""",
    )

    result = run_cli(config, "scrape", now="2026-03-02T12:00")
    assert result.exit_code == 0, result.output

    db = Database(database_url)
    try:
        with db.session() as session:
            postings = {p.title: p for p in session.scalars(select(Posting))}
            tags: dict[int, set[str]] = {}
            for posting_id, tag in session.execute(select(PostingTag.posting_id, PostingTag.tag)):
                tags.setdefault(posting_id, set()).add(tag)
    finally:
        db.dispose()
    assert sorted(postings) == ["Sales Manager", "의료 영상 AI 연구원"]
    korean = postings["의료 영상 AI 연구원"]
    assert (
        korean.external_id
        == "https://himalayas.app/companies/dalbit-health/jobs/의료-영상-ai-연구원"
    )
    assert (korean.company, korean.country, korean.remote) == ("Dalbit Health", "KR", True)
    assert korean.posted_at == utc("2026-03-02T00:00:00")
    assert tags[korean.id] == {"medical", "multimodal_llm", "llm"}
    assert postings["Sales Manager"].id not in tags


# -- recorded real responses ---------------------------------------------------------------

REAL_EXPECTED = {
    "ergon_himalayas_sample.json": [
        (
            "https://himalayas.app/companies/nymphis-technologies/jobs/"
            "remote-java-architect-9079704681",
            "Remote Java Architect",
            "Nymphis Technologies",
            "2026-06-16T06:31:09Z",
        ),
        (
            "https://himalayas.app/companies/oracle/jobs/principal-platform-software-engineer",
            "Principal Platform Software Engineer",
            "Oracle",
            "2026-06-16T05:59:45Z",
        ),
        (
            "https://himalayas.app/companies/remote/jobs/senior-backend-engineer-elixir-7339256917",
            "Senior Backend Engineer (Elixir)",
            "Remote",
            "2026-06-16T05:58:39Z",
        ),
    ],
    "ikevinxie_himalayas.json": [
        (
            "https://himalayas.app/companies/ceragon-networks/jobs/content-marcom-specialist",
            "Content & Marcom Specialist",
            "Ceragon Networks",
            "2026-07-11T00:58:52Z",
        ),
        (
            "https://himalayas.app/companies/binance/jobs/product-manager-web3-defi",
            "Product Manager - Web3/ DeFi",
            "Binance",
            "2026-07-11T00:58:36Z",
        ),
        (
            "https://himalayas.app/companies/mindrift/jobs/"
            "portfolio-manager-freelance-ai-trainer-169480136",
            "Portfolio Manager - Freelance AI Trainer",
            "Mindrift",
            "2026-07-11T00:56:30Z",
        ),
        (
            "https://himalayas.app/companies/nvidia/jobs/senior-system-software-engineer-nvsci",
            "Senior System Software Engineer, NvSci",
            "NVIDIA",
            "2026-07-11T00:56:22Z",
        ),
    ],
}


@pytest.mark.skipif(not (REALDATA / "himalayas").is_dir(), reason=f"no {REALDATA}/himalayas")
def test_recorded_real_responses_parse_through_the_cli() -> None:
    files = sorted((REALDATA / "himalayas").glob("*.json"))
    assert {f.name for f in files} == set(REAL_EXPECTED)
    for path in files:
        result = run_cli(None, "sources", "parse", "--kind", "himalayas", str(path), "--json")
        assert result.exit_code == 0, result.output
        rows = json.loads(result.stdout)
        assert [
            (r["external_id"], r["title"], r["company"], r["posted_at"]) for r in rows
        ] == REAL_EXPECTED[path.name], path.name
        assert all(r["remote"] is True for r in rows)
    # Real pubDate values are seconds although documented as milliseconds.
    ergon = REALDATA / "himalayas" / "ergon_himalayas_sample.json"
    postings, next_url = source().parse(
        ergon.read_bytes(), "https://himalayas.app/jobs/api?limit=3"
    )
    assert next_url == "https://himalayas.app/jobs/api?limit=3&offset=3"  # of 95217
    assert postings[0].location == (
        "Australia, Canada, Germany, India, Netherlands, United Kingdom, United States"
    )
    assert postings[2].extra["minSalary"] == 53300
