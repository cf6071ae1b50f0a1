"""The Hacker News source: "Who is hiring?" threads through the Algolia API shapes."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from helpers import REALDATA, ClientFactory, Recorded, run_cli, utc, write_config
from sqlalchemy import select

import scrapers.hn as hn_module
from monitor.demo.server import BoardServer
from monitor.demo.shapes.hn import hn_comment, hn_deleted_comment, hn_text, install, set_hn
from monitor.errors import ConfigError, FetchError, NotModified, ParseError
from monitor.normalise import normalise
from monitor.storage.db import Database
from monitor.storage.models import Posting, PostingTag
from scrapers.base import build_options
from scrapers.hn import HnOptions, HnSource, first_line, heading_fields

ITEM_URL = "https://hn.algolia.com/api/v1/items/47210000"
SEARCH_URL = (
    "https://hn.algolia.com/api/v1/search_by_date?tags=story%2Cauthor_whoishiring&page=0"
    "&hitsPerPage=4"
)


def source(**kwargs: str) -> HnSource:
    return HnSource("hn", HnOptions(), **kwargs)


# -- parse a thread ----------------------------------------------------------------------


def test_parse_thread(fixture: Recorded) -> None:
    postings, next_url = source().parse(fixture("thread.json"), ITEM_URL)

    assert next_url is None
    # The reply 47210200 is not a posting, nor is the deleted comment 47210030.
    assert [p.external_id for p in postings] == ["47210013", "47210021", "47210044", "47210058"]
    assert [p.title for p in postings] == [
        "자율주행 인지 엔지니어 (Perception)",
        "Senior ML Engineer, Medical Imaging",
        "Backend Engineer, Data Platform",  # the role need not be the second field
        "We're hiring engineers who care about compilers at Quarkware, email me!",
    ]
    assert [p.company for p in postings] == [
        "Hanbit Mobility",
        "Lumen Health",  # "(https://...)" dropped
        "Tidewater Labs",
        None,  # no "|": the source name stands in
    ]
    assert [p.location for p in postings] == [
        "서울, South Korea",
        "Boston, MA",
        "REMOTE (US, Canada)",
        None,
    ]
    assert [p.remote for p in postings] == [False, False, True, None]  # ONSITE, Hybrid, REMOTE
    assert [p.employment_type for p in postings] == ["정규직", "Full-time", "Contract", None]
    assert [p.posted_at for p in postings] == [
        utc("2026-03-02T15:01:12"),
        utc("2026-03-02T15:03:40"),
        utc("2026-03-03T09:20:05"),
        utc("2026-03-04T23:59:59"),
    ]
    # Every comment closes at the end of the thread's month.
    assert {p.closes_at for p in postings} == {utc("2026-04-01T00:00:00")}
    assert postings[0].url == "https://news.ycombinator.com/item?id=47210013"
    assert postings[0].extra == {"thread_id": "47210000", "author": "hanbit_cto"}
    assert all(p.description_format == "html" for p in postings)
    assert all(p.posted_at is not None and p.posted_at.tzinfo is UTC for p in postings)


def test_description_is_the_comment_html_decoded_once(fixture: Recorded) -> None:
    postings, _ = source().parse(fixture("thread.json"), ITEM_URL)
    assert postings[0].description.startswith(
        "Hanbit Mobility | 자율주행 인지 엔지니어 (Perception) | 서울, South Korea | ONSITE | "
        '정규직 | <a href="https:&#x2F;&#x2F;hanbit-mobility.example&#x2F;careers" rel="nofollow">'
    )
    stored = normalise(postings[0], company=None, fallback_company="hn")
    assert stored.description == (
        "Hanbit Mobility | 자율주행 인지 엔지니어 (Perception) | 서울, South Korea | ONSITE | "
        "정규직 | https://hanbit-mobility.example/careers\n"
        "한빛모빌리티는 도심 자율주행 셔틀을 만듭니다. 카메라/라이다 융합 인지 모델을 함께 "
        "개발할 분을 찾습니다.\n"
        "Stack: PyTorch, C++, ROS 2. 영어 면접 가능합니다."
    )
    assert stored.country == "KR"
    tidewater = normalise(postings[2], company=None, fallback_company="hn")
    assert tidewater.description.endswith("we ingest tide-gauge data for ports <3")
    assert normalise(postings[3], company=None, fallback_company="hn").company == "hn"


def test_configured_company_wins(fixture: Recorded) -> None:
    postings, _ = source(company="HN").parse(fixture("thread.json"), ITEM_URL)
    assert {p.company for p in postings} == {"HN"}


def test_parse_empty_thread(fixture: Recorded) -> None:
    assert source().parse(fixture("empty_thread.json"), ITEM_URL) == ([], None)


def test_month_from_the_story_date_when_the_title_has_none() -> None:
    body = {
        "id": 1,
        "title": "Ask HN: Who is hiring?",
        "created_at": "2025-12-01T16:00:00.000Z",
        "children": [{"id": 2, "author": "a", "text": "X | Engineer", "created_at_i": 1764605000}],
    }
    (posting,), _ = source().parse(json.dumps(body).encode(), ITEM_URL)
    assert posting.closes_at == utc("2026-01-01T00:00:00")  # December rolls into the new year
    assert posting.posted_at == datetime.fromtimestamp(1764605000, UTC)


# -- bad answers -------------------------------------------------------------------------


def test_truncated_json_is_a_parse_error(fixture: Recorded) -> None:
    with pytest.raises(ParseError, match="not valid JSON"):
        source().parse(fixture("truncated.json"), ITEM_URL)


def test_error_body_is_a_parse_error(fixture: Recorded) -> None:
    with pytest.raises(ParseError, match="Not Found"):
        source().parse(fixture("error.json"), ITEM_URL)
    with pytest.raises(ParseError, match="invalid numeric filter"):
        source().parse_threads(fixture("search_error.json"), SEARCH_URL)


def test_other_threads_and_search_results_are_refused(fixture: Recorded) -> None:
    with pytest.raises(ParseError, match="not a 'Who is hiring"):
        source().parse(fixture("wanted_thread.json"), ITEM_URL)
    with pytest.raises(ParseError, match="search result, not a thread"):
        source().parse(fixture("search.json"), ITEM_URL)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"title": "Ask HN: Who is hiring? (May 2026)", "children": []}, "id"),
        ({"id": 1, "title": "Ask HN: Who is hiring? (May 2026)"}, "children"),
        ({"id": 1, "children": []}, "title"),
        (
            {"id": 1, "title": "Ask HN: Who is hiring? (May 2026)", "children": [{"text": "x"}]},
            "id",
        ),
        (
            {
                "id": 1,
                "title": "Ask HN: Who is hiring? (May 2026)",
                "children": [{"id": 2, "author": "a", "text": "A | Engineer"}],
            },
            "created_at",
        ),
    ],
)
def test_missing_field_is_a_parse_error_naming_it(body: dict[str, object], field: str) -> None:
    with pytest.raises(ParseError, match=f"field '{field}'"):
        source().parse(json.dumps(body).encode(), ITEM_URL)


def test_search_without_hits_is_a_parse_error() -> None:
    with pytest.raises(ParseError, match="field 'hits'"):
        source().parse_threads(b'{"nbHits": 0}', SEARCH_URL)


# -- the search ---------------------------------------------------------------------------


def test_parse_threads_matches_by_title_and_links_the_next_page(fixture: Recorded) -> None:
    threads, next_url = source().parse_threads(fixture("search.json"), SEARCH_URL)

    # "Who wants to be hired?" and "Freelancer?" are left out.
    assert [(t.id, t.title, t.month) for t in threads] == [
        ("47210000", "Ask HN: Who is hiring? (March 2026)", date(2026, 3, 1)),
        ("46900000", "Ask HN: Who is hiring? (February 2026)", date(2026, 2, 1)),
    ]
    assert next_url is not None
    assert parse_qs(urlsplit(next_url).query) == {
        "tags": ["story,author_whoishiring"],
        "page": ["1"],
        "hitsPerPage": ["4"],
    }
    last = json.loads(fixture("search.json"))
    last["page"] = 2
    assert source().parse_threads(json.dumps(last).encode(), SEARCH_URL)[1] is None


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (
            "Acme AI (https://acme.ai) | AI Operations Lead | REMOTE | $160K-$200K",
            ("AI Operations Lead", "Acme AI", "REMOTE", True, None),
        ),
        (
            "Globex | San Francisco, CA | Backend Developer | Onsite | Full-time",
            ("Backend Developer", "Globex", "San Francisco, CA", False, "Full-time"),
        ),
        (
            "Quill | Fullstack SWE | Remote, PT/ET hours preferred | https://quill.example",
            ("Fullstack SWE", "Quill", "Remote, PT/ET hours preferred", True, None),
        ),
        (
            "Initech | Multiple roles | No remote | NYC",
            ("Multiple roles", "Initech", "NYC", False, None),
        ),
        ("Stripe | US | Hybrid", ("Stripe | US | Hybrid", "Stripe", "US", False, None)),
        ("Hooli | Staff Engineer (Remote)", ("Staff Engineer (Remote)", "Hooli", None, True, None)),
        ("누리AI | 의료 AI 연구원 | 판교 | 재택", ("의료 AI 연구원", "누리AI", "판교", True, None)),
    ],
)
def test_heading_heuristic(line: str, expected: tuple[object, ...]) -> None:
    h = heading_fields(line)
    assert (h.title, h.company, h.location, h.remote, h.employment_type) == expected


def test_first_line_skips_empty_lines() -> None:
    assert first_line("<p>\n<i>Acme</i> | Robotics Engineer<p>More") == "Acme | Robotics Engineer"
    assert first_line("<p>") == ""


def test_long_first_line_without_fields_is_cut() -> None:
    line = "We are a small team " * 12
    title = heading_fields(line.strip()).title
    assert len(title) <= 120 and title.endswith("…")


# -- options ---------------------------------------------------------------------------


def test_only_the_hiring_thread_is_supported() -> None:
    assert HnOptions().thread == "hiring"
    with pytest.raises(ConfigError) as caught:
        HnOptions(thread="freelance")
    assert caught.value.key == "thread"
    with pytest.raises(ConfigError) as caught:
        build_options(HnSource, {"thread": "wanted"})
    assert caught.value.key == "thread"
    assert HnSource.suspect_exempt and HnSource.seen_at_posted


# -- against the local board server --------------------------------------------------------

MARCH = [
    hn_comment(
        9001,
        hn_text("Hanbit Mobility | 자율주행 SW 엔지니어 | 서울 | 정규직", "라이다 인지 스택 개발."),
        created_at="2026-03-02T15:02:00Z",
    ),
    hn_deleted_comment(9002, created_at="2026-03-02T15:03:00Z"),
    hn_comment(
        9003,
        hn_text(
            "Lumen Health | Research Engineer, Multimodal LLM | Boston, MA | Hybrid",
            "Radiology report generation with vision-language models.",
        ),
        created_at="2026-03-03T11:00:00Z",
        replies=[hn_comment(9004, "Great!", created_at="2026-03-03T12:00:00Z")],
    ),
]


def serve(server: BoardServer) -> None:
    install(server)
    set_hn(server, 8000, [], month="2025-12")
    set_hn(
        server,
        8100,
        [hn_comment(8101, "Old Co | Data Engineer | Berlin", created_at="2026-01-05T10:00:00Z")],
        month="2026-01",
    )
    set_hn(
        server,
        8200,
        [hn_comment(8201, "Feb Co | ML Engineer | Seoul", created_at="2026-02-03T10:00:00Z")],
        month="2026-02",
        created_at="2026-02-02T16:00:00Z",
    )
    set_hn(server, 9000, MARCH, month="2026-03", created_at="2026-03-02T15:00:00Z")
    set_hn(
        server,
        9010,
        [hn_comment(9011, "Looking for work | Seoul", created_at="2026-03-02T15:30:00Z")],
        month="2026-03",
        created_at="2026-03-02T15:00:01Z",
        title="Ask HN: Who wants to be hired? (March 2026)",
    )


def test_fetch_takes_the_newest_hiring_thread(
    board_server: BoardServer, client: ClientFactory
) -> None:
    serve(board_server)
    hn = source(base_url=board_server.url)

    with client() as http:
        postings = list(hn.fetch(http))
        validators = dict(http.new_validators)

    assert [(p.external_id, p.title) for p in postings] == [
        ("9001", "자율주행 SW 엔지니어"),
        ("9003", "Research Engineer, Multimodal LLM"),
    ]
    assert {p.closes_at for p in postings} == {utc("2026-04-01T00:00:00")}
    assert board_server.requests == [
        "/robots.txt",
        "/api/v1/search_by_date?tags=story%2Cauthor_whoishiring&page=0&hitsPerPage=20",
        "/api/v1/items/9000",
    ]
    assert list(validators) == [f"{board_server.url}/api/v1/items/9000"]

    # The same thread, unchanged: the run is "unchanged", nothing closes.
    with client(validators=validators) as http, pytest.raises(NotModified):
        list(hn.fetch(http))


def test_fetch_without_a_hiring_thread_is_a_parse_error(
    board_server: BoardServer, client: ClientFactory
) -> None:
    install(board_server)
    with client() as http, pytest.raises(ParseError, match="No 'Ask HN: Who is hiring"):
        list(source(base_url=board_server.url).fetch(http))


def test_fetch_since_loads_every_month_oldest_first(
    board_server: BoardServer, monkeypatch: pytest.MonkeyPatch, client: ClientFactory
) -> None:
    serve(board_server)
    monkeypatch.setattr(hn_module, "BACKFILL_HITS_PER_PAGE", 2)
    hn = source(base_url=board_server.url)

    with client() as http:
        postings = list(hn.fetch_since(http, date(2026, 1, 15)))

    assert [p.external_id for p in postings] == ["8101", "8201", "9001", "9003"]
    assert [p.closes_at for p in postings] == [
        utc("2026-02-01T00:00:00"),
        utc("2026-03-01T00:00:00"),
        utc("2026-04-01T00:00:00"),
        utc("2026-04-01T00:00:00"),
    ]
    # since 2026-01 (less a 3-day margin): 2025-12-29T00:00Z = 1766966400
    searches = [r for r in board_server.requests if r.startswith("/api/v1/search_by_date")]
    assert [parse_qs(urlsplit(r).query) for r in searches] == [
        {
            "tags": ["story,author_whoishiring"],
            "page": [str(page)],
            "hitsPerPage": ["2"],
            "numericFilters": ["created_at_i>1766966400"],
        }
        for page in range(2)  # Mar hiring + Mar wanted, then Feb + Jan; Dec is filtered out
    ]
    items = [r for r in board_server.requests if r.startswith("/api/v1/items/")]
    assert items == ["/api/v1/items/8100", "/api/v1/items/8200", "/api/v1/items/9000"]


def test_shape_errors(board_server: BoardServer, client: ClientFactory) -> None:
    install(board_server)
    hn = source(base_url=board_server.url)
    with client() as http:
        with pytest.raises(FetchError) as caught:
            http.get(hn.item_url("404404"))
        assert caught.value.status == 404
        with pytest.raises(FetchError) as caught:
            http.get(f"{board_server.url}/api/v1/search_by_date?numericFilters=created_at_i>>1")
        assert caught.value.status == 400


def test_scrape_stores_comments_with_tags(
    board_server: BoardServer, database_url: str, tmp_path: Path
) -> None:
    serve(board_server)
    config = write_config(
        tmp_path / "config.toml",
        board_server.url,
        database_url,
        sources=f"""
[[sources]]
name = "hn"
kind = "hn"
base_url = "{board_server.url}"
""",
    )
    result = run_cli(config, "scrape", now="2026-03-05T09:00")
    assert result.exit_code == 0, result.output

    db = Database(database_url)
    try:
        with db.session() as session:
            postings = {p.external_id: p for p in session.scalars(select(Posting))}
            tags: dict[int, set[str]] = {}
            for row in session.scalars(select(PostingTag)):
                tags.setdefault(row.posting_id, set()).add(row.tag)
    finally:
        db.dispose()
    assert sorted(postings) == ["9001", "9003"]
    korean, lumen = postings["9001"], postings["9003"]
    assert (korean.title, korean.company) == ("자율주행 SW 엔지니어", "Hanbit Mobility")
    assert "autonomous_driving" in tags[korean.id]
    assert {"multimodal_llm", "medical"} <= tags[lumen.id]
    # First seen at its own time, and closing by itself at the end of March.
    assert korean.first_seen_at == utc("2026-03-02T15:02:00")
    assert korean.closes_at == utc("2026-04-01T00:00:00")
    assert lumen.posted_at == utc("2026-03-03T11:00:00")


# -- recorded real responses ---------------------------------------------------------------

REAL_EXPECTED = [
    (
        "49522903",
        "Senior Product Engineer",
        "Modash.io",
        "Remote (Europe)",
        "2026-09-01T15:01:54Z",
    ),
    ("49522912", "Fullstack SWE", "Quill", "Remote, PT/ET hours preferred", "2026-09-01T15:02:11Z"),
    (
        "49522929",
        "Senior/Lead Platform & DevOps Engineer, Senior Frontend Engineer, "
        "Senior Full-Stack Engineer",
        "Open Education Applications / Neon",
        "Utrecht, The Netherlands",
        "2026-09-01T15:03:02Z",
    ),
    (
        "49522930",
        "AI-Native Engineers & Operators",
        "We The Flywheel",
        "REMOTE (worldwide)",
        "2026-09-01T15:03:07Z",
    ),
]


@pytest.mark.skipif(not (REALDATA / "hn_algolia").is_dir(), reason=f"no {REALDATA}/hn_algolia")
def test_recorded_items_response_parses_through_the_cli() -> None:
    # ikevinxie_* is the recorder's own wrapping of search hits, not an API shape: skipped.
    files = sorted((REALDATA / "hn_algolia").glob("hermes-watcher_items_*.json"))
    assert [f.name for f in files] == ["hermes-watcher_items_49522897_trimmed.json"]
    result = run_cli(None, "sources", "parse", "--kind", "hn", str(files[0]), "--json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert [
        (r["external_id"], r["title"], r["company"], r["location"], r["posted_at"]) for r in rows
    ] == REAL_EXPECTED
    assert [r["remote"] for r in rows] == [True, True, False, True]
    assert [r["employment_type"] for r in rows] == [
        "Full-time",
        "Full-time",
        None,
        "Contract / Part-time (10–40 hrs/wk)",
    ]
    assert all(r["url"] == f"https://news.ycombinator.com/item?id={r['external_id']}" for r in rows)
    assert rows[0]["description"].startswith(
        "Modash.io | Senior Product Engineer | Remote (Europe) | Full-time | €75k–110k | "
        "https://modash.io\nModash helps brands"
    )
    assert "We're looking for Senior Product Engineers" in rows[0]["description"]

    postings, _ = source().parse(
        files[0].read_bytes(), "https://hn.algolia.com/api/v1/items/49522897"
    )
    assert {p.closes_at for p in postings} == {utc("2026-10-01T00:00:00")}  # September thread
