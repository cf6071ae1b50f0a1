"""The Lever source: parsing recorded-shape fixtures, paging, and fetching through HTTP."""

from __future__ import annotations

import json
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from helpers import REALDATA, ClientFactory, Recorded, local_policy, utc

from monitor.demo.server import BoardServer
from monitor.demo.shapes.lever import lever_posting, set_lever
from monitor.errors import BlockedError, FetchError, NotModified, ParseError
from scrapers.http import HttpPolicy
from scrapers.lever import EU_BASE_URL, LeverOptions, LeverSource

URL = "https://api.lever.co/v0/postings/nuri-ai?mode=json&skip=0&limit=100"


@pytest.fixture
def policy() -> HttpPolicy:
    return local_policy(max_retries=2)


def source(site: str = "nuri-ai", page_size: int = 100, **kwargs: str) -> LeverSource:
    lever = LeverSource("nuri", LeverOptions(site=site), **kwargs)
    lever.page_size = page_size
    return lever


def postings_json(count: int, start: int = 0) -> list[dict[str, object]]:
    return [
        lever_posting(
            f"p-{i:04d}", f"VLM Engineer {i}", site="nuri-ai", created_at_ms=1772409600000
        )
        for i in range(start, start + count)
    ]


# -- parse -------------------------------------------------------------------------------


def test_parse_site(fixture: Recorded) -> None:
    postings, next_url = source().parse(fixture("site.json"), URL)

    assert next_url is None  # 3 < limit
    assert [p.external_id for p in postings] == [
        "3f9c2a10-5b7e-4c1d-9a2f-0e6b8d4c1a01",
        "7d21e0b4-90aa-4f3e-b6c5-2c9d11e0f702",
        "c0ffee00-1234-4abc-8def-001122334455",
    ]
    assert [p.title for p in postings] == [
        "멀티모달 LLM 연구원",
        "Staff ML Engineer, Vision-Language Models",
        "의료 AI 임상 연구 매니저",
    ]
    assert {p.company for p in postings} == {"nuri-ai"}
    assert [p.location for p in postings] == ["Seoul", "Remote - APAC", "Busan"]
    assert [p.country for p in postings] == ["KR", None, "KR"]
    assert [p.remote for p in postings] == [False, True, None]  # on-site, remote, unspecified
    assert [p.employment_type for p in postings] == ["정규직", "Full-time", None]
    assert [p.posted_at for p in postings] == [
        utc("2026-03-02T08:15:00.123"),
        utc("2026-02-20T23:30:45"),
        utc("2026-01-15T03:00:00"),
    ]
    assert postings[0].url == "https://jobs.lever.co/nuri-ai/3f9c2a10-5b7e-4c1d-9a2f-0e6b8d4c1a01"
    assert [p.description_format for p in postings] == ["html", "html", "text"]
    assert postings[0].extra["all_locations"] == ["Seoul"]


def test_description_is_assembled_from_parts(fixture: Recorded) -> None:
    postings, _ = source().parse(fixture("site.json"), URL)

    assert postings[0].description == (
        "<div>누리AI는 한국어에 강한 멀티모달 모델을 만듭니다.</div>\n<div>&nbsp;</div>\n"
        "<div>연구원은 VLM 학습과 평가를 맡습니다.</div>"
        "<h3>주요 업무</h3><ul>\n<li>이미지-텍스트 사전학습 데이터 구축</li>\n"
        "<li>멀티모달 벤치마크 설계</li>\n</ul>"
        "<h3>자격 요건</h3><ul>\n<li>PyTorch 실무 경험</li>\n</ul>"
        "<div><strong>함께 일하는 방식</strong></div>\n<div>&nbsp;</div>\n"
        "<div>주 2회 재택 근무가 가능합니다.</div>"
    )
    # An empty description falls back to opening + body; list titles are escaped as text.
    assert postings[1].description == (
        "<div>We train vision-language models for robotics.</div>"
        "<div><b>The role</b></div><div>Own the inference platform.</div>"
        "<h3>What you'll do</h3><ul><li>Serve VLMs at low latency</li>"
        "<li>Own R&amp;D tooling</li></ul>"
        "<h3>Q&amp;A</h3><ul><li>Ask us anything</li></ul>"
    )
    # No HTML at all: the plain text is kept as text.
    assert postings[2].description == "의료 영상 판독 보조 모델의 임상 검증을 담당합니다."


def test_parse_empty_site(fixture: Recorded) -> None:
    assert source().parse(fixture("empty.json"), URL) == ([], None)


def test_truncated_json_is_a_parse_error(fixture: Recorded) -> None:
    with pytest.raises(ParseError, match="not valid JSON"):
        source().parse(fixture("truncated.json"), URL)


def test_error_body_is_a_parse_error_with_its_message(fixture: Recorded) -> None:
    with pytest.raises(ParseError, match="Document not found"):
        source().parse(fixture("error.json"), URL)


@pytest.mark.parametrize(
    ("item", "field"),
    [({"text": "VLM Engineer"}, "id"), ({"id": "abc"}, "text")],
)
def test_missing_field_is_a_parse_error_naming_it(item: dict[str, str], field: str) -> None:
    with pytest.raises(ParseError, match=f"field '{field}'"):
        source().parse(json.dumps([item]).encode(), URL)


@pytest.mark.parametrize(
    "body", [b'{"postings": []}', b'"hello"', b"[1]", b'[{"id": 5, "text": "x"}]']
)
def test_wrong_shapes_are_parse_errors(body: bytes) -> None:
    with pytest.raises(ParseError):
        source().parse(body, URL)


def test_minimal_posting() -> None:
    body = json.dumps([{"id": "x1", "text": "Robot Learning Researcher"}]).encode()
    (posting,), _ = source(company="Nuri AI").parse(body, URL)
    assert posting.url == "https://jobs.lever.co/nuri-ai/x1"
    assert posting.company == "Nuri AI"
    assert (posting.location, posting.posted_at, posting.remote) == (None, None, None)
    assert (posting.description, posting.description_format) == ("", "text")


# -- paging ------------------------------------------------------------------------------


def test_full_page_links_the_next_one() -> None:
    url = "https://api.lever.co/v0/postings/nuri-ai?mode=json&skip=4&limit=2"
    body = json.dumps(postings_json(2)).encode()

    _, next_url = source().parse(body, url)

    assert next_url is not None
    parts = urlsplit(next_url)
    assert (parts.netloc, parts.path) == ("api.lever.co", "/v0/postings/nuri-ai")
    assert parse_qs(parts.query) == {"mode": ["json"], "skip": ["6"], "limit": ["2"]}
    # A short page, or a URL without a limit, ends the listing.
    assert source().parse(json.dumps(postings_json(1)).encode(), url)[1] is None
    unlimited = "https://api.lever.co/v0/postings/nuri-ai?mode=json"
    assert source().parse(body, unlimited)[1] is None


def test_fetch_follows_pages_with_mock_transport(client: ClientFactory) -> None:
    everything = postings_json(5)
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.url.path + "?" + request.url.query.decode())
        if request.url.path == "/robots.txt":
            return httpx.Response(404)
        if request.url.path != "/v0/postings/nuri-ai":
            return httpx.Response(404, json={"ok": False, "error": "Document not found"})
        skip, limit = int(request.url.params["skip"]), int(request.url.params["limit"])
        return httpx.Response(200, json=everything[skip : skip + limit])

    with client(transport=httpx.MockTransport(handler)) as http:
        postings = list(source(page_size=2).fetch(http))

    assert [p.external_id for p in postings] == [f"p-{i:04d}" for i in range(5)]
    assert seen == [
        "/robots.txt?",
        "/v0/postings/nuri-ai?mode=json&skip=0&limit=2",
        "/v0/postings/nuri-ai?mode=json&skip=2&limit=2",
        "/v0/postings/nuri-ai?mode=json&skip=4&limit=2",
    ]


def test_exact_multiple_ends_with_an_empty_page(client: ClientFactory) -> None:
    everything = postings_json(4)

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/robots.txt":
            return httpx.Response(404)
        skip = int(request.url.params["skip"])
        return httpx.Response(200, json=everything[skip : skip + 2])

    with client(transport=httpx.MockTransport(handler)) as http:
        assert len(list(source(page_size=2).fetch(http))) == 4
        assert http.requests == 4  # robots.txt, skip=0, skip=2, skip=4 (empty)


def test_server_ignoring_skip_is_a_parse_error(client: ClientFactory) -> None:

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/robots.txt":
            return httpx.Response(404)
        return httpx.Response(200, json=postings_json(2))

    with client(transport=httpx.MockTransport(handler)) as http, pytest.raises(ParseError):
        list(source(page_size=2).fetch(http))


def test_eu_region_uses_the_eu_host() -> None:
    eu = LeverSource("nuri", LeverOptions(site="nuri-ai", region="eu"))
    assert eu.base_url == EU_BASE_URL
    assert eu.listing_url().startswith("https://api.eu.lever.co/v0/postings/nuri-ai?mode=json")
    (posting,), _ = eu.parse(json.dumps([{"id": "x1", "text": "Researcher"}]).encode(), URL)
    assert posting.url == "https://jobs.eu.lever.co/nuri-ai/x1"
    # A configured base_url wins over the region.
    mirror = LeverSource("nuri", LeverOptions(site="s", region="eu"), base_url="http://m.test/")
    assert mirror.base_url == "http://m.test"


# -- against the local board server --------------------------------------------------------


def test_two_pages_and_conditional_get(board_server: BoardServer, client: ClientFactory) -> None:
    set_lever(
        board_server,
        "nuri-ai",
        [
            lever_posting(
                "a-1", "멀티모달 LLM 연구원", created_at_ms=1772439300123, site="nuri-ai"
            ),
            *postings_json(3),
            lever_posting("z-9", "Remote VLM Engineer", workplace_type="remote", country=None),
        ],
    )
    lever = source(page_size=3, base_url=board_server.url)

    with client() as http:
        postings = list(lever.fetch(http))
        validators = dict(http.new_validators)
    assert [p.external_id for p in postings] == ["a-1", "p-0000", "p-0001", "p-0002", "z-9"]
    assert postings[0].posted_at == utc("2026-03-02T08:15:00.123")
    assert postings[-1].remote is True
    assert board_server.requests == [
        "/robots.txt",
        "/v0/postings/nuri-ai?mode=json&skip=0&limit=3",
        "/v0/postings/nuri-ai?mode=json&skip=3&limit=3",
    ]
    assert list(validators) == [f"{board_server.url}/v0/postings/nuri-ai?mode=json&skip=0&limit=3"]

    with client(validators=validators) as http, pytest.raises(NotModified):
        list(lever.fetch(http))
    assert "if-none-match" in board_server.request_headers[-1]


def test_unknown_site_fails_the_fetch(board_server: BoardServer, client: ClientFactory) -> None:
    with client() as http, pytest.raises(FetchError) as caught:
        list(source("nobody", base_url=board_server.url).fetch(http))
    assert caught.value.status == 404


def test_429_storm_is_a_fetch_error(
    board_server: BoardServer, client: ClientFactory, policy: HttpPolicy
) -> None:
    set_lever(board_server, "nuri-ai", postings_json(2))
    board_server.fault("/v0/postings/", "429", retry_after="3")
    sleeps: list[float] = []

    with client(sleeps) as http, pytest.raises(FetchError) as caught:
        list(source(base_url=board_server.url).fetch(http))

    assert caught.value.status == 429
    assert sleeps.count(3.0) == policy.max_retries


def test_robots_disallow_is_blocked(board_server: BoardServer, client: ClientFactory) -> None:
    set_lever(board_server, "nuri-ai", postings_json(2))
    board_server.set_robots("User-agent: jobtrend-test\nDisallow: /v0/postings/\n")

    with client() as http, pytest.raises(BlockedError):
        list(source(base_url=board_server.url).fetch(http))
    assert board_server.requests == ["/robots.txt"]


def test_truncated_page_is_a_parse_error(board_server: BoardServer, client: ClientFactory) -> None:
    set_lever(board_server, "nuri-ai", postings_json(2))
    board_server.fault("/v0/postings/", "truncated", times=1)

    with client() as http, pytest.raises(ParseError):
        list(source(base_url=board_server.url).fetch(http))


# -- recorded real responses ---------------------------------------------------------------

REAL_EXPECTED = {
    "ergon_lever_spotify.json": (
        "spotify",
        [
            (
                "88499546-e9f7-4403-87a5-240050bd7c5b",
                "Accounts Payable Analyst",
                "2026-05-11T20:00:11.285",
                "New York, NY",
                "US",
            ),
            (
                "66acb66f-de37-4d95-a353-874db92838ef",
                "Advertiser Solutions Vendor Lead - Programmatic and Direct Support",
                "2026-06-10T16:42:19.214",
                "London",
                "GB",
            ),
        ],
    ),
    "ericleerepo_ATS_Polling_palantir.json": (
        "palantir",
        [
            (
                "ac978161-6f46-4f6b-ad9e-a258e642751c",
                "Administrative Business Partner",
                "2024-03-25T21:50:16.463",
                "London, United Kingdom",
                "GB",
            ),
            (
                "0bbfd4f4-41ff-4ec6-b73f-5200efd5d4d3",
                "Administrative Business Partner - Security",
                "2026-05-12T21:48:44.938",
                "Palo Alto, CA",
                "US",
            ),
        ],
    ),
}


@pytest.mark.skipif(not (REALDATA / "lever").is_dir(), reason=f"no {REALDATA}/lever")
def test_recorded_real_responses_parse() -> None:
    files = sorted((REALDATA / "lever").glob("*.json"))
    assert {f.name for f in files} == set(REAL_EXPECTED)
    for path in files:
        site, expected = REAL_EXPECTED[path.name]
        url = f"https://api.lever.co/v0/postings/{site}?mode=json"
        postings, next_url = source(site).parse(path.read_bytes(), url)
        assert next_url is None
        assert [(p.external_id, p.title, p.posted_at, p.location, p.country) for p in postings] == [
            (pid, title, utc(created), location, country)
            for pid, title, created, location, country in expected
        ], path.name
        assert {p.company for p in postings} == {site}
        assert all(p.remote is False for p in postings)  # all hybrid
        assert all(p.description_format == "html" for p in postings)
        assert all(p.description.startswith("<div>") for p in postings)


@pytest.mark.skipif(not (REALDATA / "lever").is_dir(), reason=f"no {REALDATA}/lever")
def test_recorded_palantir_lists_and_additional_are_kept() -> None:
    path = REALDATA / "lever" / "ericleerepo_ATS_Polling_palantir.json"
    postings, _ = source("palantir").parse(path.read_bytes(), URL)
    description = postings[0].description
    assert "<h3>What We Require</h3><ul>\n<li>At least three years" in description
    assert '<strong><span style="font-size: 18px;">Life at Palantir</span></strong>' in description
    assert postings[0].employment_type == "Full-time"
