"""The Greenhouse source: parsing recorded-shape fixtures and fetching through the HTTP layer."""

from __future__ import annotations

import html
import json
import re
from datetime import timedelta

import httpx
import pytest
from helpers import REALDATA, ClientFactory, Recorded, local_policy, utc

from monitor.demo.server import BoardServer
from monitor.demo.shapes.greenhouse import greenhouse_job, set_greenhouse
from monitor.errors import BlockedError, FetchError, NotModified, ParseError
from scrapers.greenhouse import GreenhouseOptions, GreenhouseSource
from scrapers.http import HttpPolicy

URL = "https://boards-api.greenhouse.io/v1/boards/hanbitrobotics/jobs?content=true"


@pytest.fixture
def policy() -> HttpPolicy:
    return local_policy(max_retries=2)


def source(board: str = "hanbitrobotics", **kwargs: str) -> GreenhouseSource:
    return GreenhouseSource("hanbit", GreenhouseOptions(board=board), **kwargs)


# -- parse -------------------------------------------------------------------------------


def test_parse_board(fixture: Recorded) -> None:
    postings, next_url = source().parse(fixture("board.json"), URL)

    assert next_url is None
    assert [p.external_id for p in postings] == ["4820001007", "4820002007", "4820003007"]
    assert [p.title for p in postings] == [
        "멀티모달 LLM 연구원",
        "Senior Perception Engineer, Autonomous Driving",  # trailing space stripped
        "Clinical NLP Scientist (Medical Imaging)",
    ]
    assert {p.company for p in postings} == {"Hanbit Robotics"}
    assert [p.location for p in postings] == [
        "Seoul, South Korea",
        "Remote (United States)",
        "Pangyo, Gyeonggi-do",
    ]
    assert postings[0].url == "https://job-boards.greenhouse.io/hanbitrobotics/jobs/4820001007"
    # first_published, else updated_at; UTC-equal, with the payload's offset kept
    assert [p.posted_at for p in postings] == [
        utc("2026-03-02T01:15:00"),
        utc("2026-02-27T21:40:12"),
        utc("2026-01-19T09:30:00"),
    ]
    assert postings[0].posted_at is not None
    assert postings[0].posted_at.utcoffset() == timedelta(hours=9)
    assert [p.deadline_at for p in postings] == [None, utc("2026-04-30T00:00:00"), None]
    assert [p.remote for p in postings] == [False, True, False]  # On-site, location, Hybrid
    assert [p.employment_type for p in postings] == ["Full-time", None, None]
    assert all(p.description_format == "html" for p in postings)
    assert postings[0].description.startswith('<div class="content-intro"><p>한빛로보틱스는')
    assert (
        "<li>이미지·영상·텍스트를 함께 이해하는 멀티모달 LLM 연구</li>" in postings[0].description
    )
    assert postings[1].description.startswith("<h3>About the role</h3>\n<p>You'll build")
    assert postings[0].extra == {
        "departments": ["AI Research"],
        "offices": ["Seoul"],
        "language": "ko",
    }


def test_content_is_unescaped_exactly_once(fixture: Recorded) -> None:
    postings, _ = source().parse(fixture("board.json"), URL)
    description = postings[2].description

    # The HTML keeps its own entities; decoding them is the HTML-to-text step's job.
    assert description == (
        "<p>Join our R&amp;D team where radiology &amp; language models meet.&nbsp;</p>\n"
        "<p>Benefits: medical, dental &amp; vision</p>"
    )
    as_text = html.unescape(re.sub(r"<[^>]+>", "", description))
    assert "R&D team" in as_text
    assert "&amp;" not in as_text
    assert "meet.\xa0" in as_text


def test_parse_empty_board(fixture: Recorded) -> None:
    assert source().parse(fixture("empty.json"), URL) == ([], None)


def test_truncated_json_is_a_parse_error(fixture: Recorded) -> None:
    with pytest.raises(ParseError, match="not valid JSON") as caught:
        source().parse(fixture("truncated.json"), URL)
    assert URL in str(caught.value)


def test_error_body_is_a_parse_error_with_its_message(fixture: Recorded) -> None:
    with pytest.raises(ParseError, match="Job not found"):
        source().parse(fixture("error.json"), URL)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"meta": {"total": 0}}, "jobs"),
        ({"jobs": [{"title": "Engineer", "absolute_url": "https://x.test/1"}]}, "id"),
        ({"jobs": [{"id": 7, "absolute_url": "https://x.test/7"}]}, "title"),
    ],
)
def test_missing_field_is_a_parse_error_naming_it(body: dict[str, object], field: str) -> None:
    with pytest.raises(ParseError, match=f"field '{field}'"):
        source().parse(json.dumps(body).encode(), URL)


@pytest.mark.parametrize(
    "body",
    [b"[]", b'{"jobs": {"id": 1}}', b'{"jobs": [{"id": 1, "title": "  "}]}', b'{"jobs": [3]}'],
)
def test_wrong_shapes_are_parse_errors(body: bytes) -> None:
    with pytest.raises(ParseError):
        source().parse(body, URL)


def test_company_falls_back_to_board_slug_and_config_wins() -> None:
    job = {"id": 1, "title": "Robotics Engineer", "company_name": None, "location": None}
    body = json.dumps({"jobs": [job]}).encode()

    (posting,), _ = source().parse(body, URL)
    assert posting.company == "hanbitrobotics"
    assert posting.location is None
    assert posting.url == "https://job-boards.greenhouse.io/hanbitrobotics/jobs/1"
    assert posting.description == ""
    assert posting.posted_at is None

    (posting,), _ = source(company="Hanbit").parse(body, URL)
    assert posting.company == "Hanbit"


def test_unreadable_date_is_left_out() -> None:
    job = {"id": 2, "title": "Engineer", "first_published": "last Tuesday", "updated_at": None}
    (posting,), _ = source().parse(json.dumps({"jobs": [job]}).encode(), URL)
    assert posting.posted_at is None


# -- fetch -------------------------------------------------------------------------------


def test_fetch_through_mock_transport(fixture: Recorded, client: ClientFactory) -> None:
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url))
        if request.url.path == "/robots.txt":
            return httpx.Response(404)
        if request.url.path == "/gh/v1/boards/hanbitrobotics/jobs":
            assert request.url.params["content"] == "true"
            return httpx.Response(200, content=fixture("board.json"))
        return httpx.Response(500)

    with client(transport=httpx.MockTransport(handler)) as http:
        postings = list(source(base_url="https://mirror.test/gh").fetch(http))

    assert [p.external_id for p in postings] == ["4820001007", "4820002007", "4820003007"]
    assert seen == [
        "https://mirror.test/robots.txt",
        "https://mirror.test/gh/v1/boards/hanbitrobotics/jobs?content=true",
    ]


def serve_board(server: BoardServer) -> None:
    set_greenhouse(
        server,
        "hanbitrobotics",
        [
            greenhouse_job(
                11,
                "멀티모달 LLM 연구원",
                content_html="<p>VLM &amp; LLM</p>",
                first_published="2026-03-02T10:15:00+09:00",
                company="Hanbit Robotics",
            ),
            greenhouse_job(
                12,
                "Autonomous Driving Engineer",
                location="Remote (Korea)",
                updated_at="2026-02-01T12:00:00-05:00",
                company="Hanbit Robotics",
            ),
        ],
    )


def test_fetch_against_board_server_and_conditional_get(
    board_server: BoardServer, client: ClientFactory
) -> None:
    serve_board(board_server)
    gh = source(base_url=board_server.url)

    with client() as http:
        postings = list(gh.fetch(http))
        validators = dict(http.new_validators)
    assert [(p.external_id, p.title) for p in postings] == [
        ("11", "멀티모달 LLM 연구원"),
        ("12", "Autonomous Driving Engineer"),
    ]
    assert postings[0].description == "<p>VLM &amp; LLM</p>"
    assert postings[0].posted_at == utc("2026-03-02T01:15:00")
    assert postings[1].posted_at == utc("2026-02-01T17:00:00")
    assert postings[1].remote is True
    assert len(validators) == 1

    with client(validators=validators) as http, pytest.raises(NotModified):
        list(gh.fetch(http))
    assert board_server.request_headers[-1]["if-none-match"] == next(iter(validators.values())).etag


def test_unknown_board_fails_the_fetch(board_server: BoardServer, client: ClientFactory) -> None:
    with client() as http, pytest.raises(FetchError) as caught:
        list(source("nosuchboard", base_url=board_server.url).fetch(http))
    assert caught.value.status == 404


def test_429_storm_is_a_fetch_error(
    board_server: BoardServer, client: ClientFactory, policy: HttpPolicy
) -> None:
    serve_board(board_server)
    board_server.fault("/v1/boards/", "429", retry_after="7")
    sleeps: list[float] = []

    with client(sleeps) as http, pytest.raises(FetchError) as caught:
        list(source(base_url=board_server.url).fetch(http))

    assert caught.value.status == 429
    assert not isinstance(caught.value, BlockedError)
    listing = [r for r in board_server.requests if r.startswith("/v1/boards/")]
    assert len(listing) == policy.max_retries + 1
    assert 7.0 in sleeps


def test_robots_disallow_is_blocked(board_server: BoardServer, client: ClientFactory) -> None:
    serve_board(board_server)
    board_server.set_robots("User-agent: *\nDisallow: /v1/\n")

    with client() as http, pytest.raises(BlockedError):
        list(source(base_url=board_server.url).fetch(http))
    assert board_server.requests == ["/robots.txt"]


# -- recorded real responses ---------------------------------------------------------------

REAL_EXPECTED = {
    "ericleerepo_ATS_Polling_smarterdx_content_true.json": (
        "smarterdx",
        [
            ("5193736007", "Client Support Analyst I", "2026-07-27T17:48:30", True),
            ("5099964007", "Clinical Coding Specialist", "2026-04-06T13:38:12", True),
        ],
        "SmarterDx",
    ),
    "ergon_greenhouse_airbnb.json": (
        "airbnb",
        [
            ("7995153", "Acquisition Manager", "2026-06-10T12:50:56", False),
            ("7946288", "AI Engineer, Community Support Engineering", "2026-05-21T08:58:01", True),
        ],
        "Airbnb",
    ),
}


@pytest.mark.skipif(not (REALDATA / "greenhouse").is_dir(), reason=f"no {REALDATA}/greenhouse")
def test_recorded_real_responses_parse() -> None:
    files = sorted((REALDATA / "greenhouse").glob("*.json"))
    assert {f.name for f in files} == set(REAL_EXPECTED)
    for path in files:
        board, expected, company = REAL_EXPECTED[path.name]
        url = f"https://boards-api.greenhouse.io/v1/boards/{board}/jobs?content=true"
        postings, next_url = source(board).parse(path.read_bytes(), url)
        assert next_url is None
        assert [(p.external_id, p.title, p.posted_at, p.remote) for p in postings] == [
            (job_id, title, utc(posted), remote) for job_id, title, posted, remote in expected
        ], path.name
        assert {p.company for p in postings} == {company}
        assert all(p.description.startswith('<div class="content-intro">') for p in postings)


@pytest.mark.skipif(not (REALDATA / "greenhouse").is_dir(), reason=f"no {REALDATA}/greenhouse")
def test_recorded_smarterdx_keeps_inner_entities() -> None:
    path = REALDATA / "greenhouse" / "ericleerepo_ATS_Polling_smarterdx_content_true.json"
    postings, _ = source("smarterdx").parse(path.read_bytes(), "https://x.test/")
    assert '<strong data-stringify-type="bold">Medical, Dental &amp; Vision</strong>' in (
        postings[0].description
    )
    assert "<p>&nbsp;</p>" in postings[0].description
    assert postings[0].location == "Remote (United States)"
    assert postings[1].extra["departments"] == ["Clinical Operations"]
