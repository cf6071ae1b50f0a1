"""The rss source: We Work Remotely's feeds, Atom, safe XML, options, fetching, a CLI scrape."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from helpers import REALDATA, ClientFactory, Recorded, run_cli, utc, write_config
from sqlalchemy import select

from monitor.config import load as load_config
from monitor.demo.server import BoardServer
from monitor.demo.shapes.rss import install, set_rss, wwr_item
from monitor.errors import ConfigError, FetchError, NotModified, ParseError
from monitor.normalise import normalise
from monitor.storage.db import Database
from monitor.storage.models import Posting, PostingTag
from scrapers.base import build_options
from scrapers.rss import RssOptions, RssSource

WWR = "https://weworkremotely.com/remote-jobs.rss"
ATOM = "https://careers.gaon.example/jobs.atom"


def source(url: str = WWR, **kwargs: str) -> RssSource:
    return RssSource("wwr", RssOptions(url=url), **kwargs)


def plain(posting: Any) -> str:
    return normalise(posting, company=None, fallback_company="wwr").description


# -- options -----------------------------------------------------------------------------


def test_exactly_one_of_url_and_urls() -> None:
    assert RssOptions(url=WWR).feeds() == [WWR]
    assert RssOptions(urls=[WWR, ATOM]).feeds() == [WWR, ATOM]
    with pytest.raises(ConfigError, match="exactly one") as caught:
        RssOptions()
    assert caught.value.key == "url"
    with pytest.raises(ConfigError, match="exactly one") as caught:
        RssOptions(url=WWR, urls=[ATOM])
    assert caught.value.key == "urls"
    with pytest.raises(ConfigError, match="at least one") as caught:
        build_options(RssSource, {"urls": []})
    assert caught.value.key == "urls"
    with pytest.raises(ConfigError, match="http"):
        build_options(RssSource, {"url": "file:///etc/passwd"})
    with pytest.raises(ConfigError, match="'url' must be a string"):
        build_options(RssSource, {"url": 5})


def test_config_errors_name_the_table_and_key(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('[[sources]]\nname = "wwr"\nkind = "rss"\n', encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert "url" in str(caught.value) and "exactly one" in str(caught.value)
    path.write_text(
        f'[[sources]]\nname = "wwr"\nkind = "rss"\nurl = "{WWR}"\nbase_url = "https://x.test"\n',
        encoding="utf-8",
    )
    with pytest.raises(ConfigError, match="base_url"):
        load_config(path)


# -- parse -------------------------------------------------------------------------------


def test_parse_we_work_remotely_feed(fixture: Recorded) -> None:
    postings, next_url = source().parse(fixture("wwr.xml"), WWR)

    assert next_url is None
    assert [p.external_id for p in postings] == [
        "https://weworkremotely.com/remote-jobs/haneul-vision-multimodal-llm-engineer",
        "https://weworkremotely.com/remote-jobs/tidewater-labs-senior-rust-engineer-storage",
        "https://weworkremotely.com/remote-jobs/quietwater-health-medical-scribe",
    ]
    # "Company: Role", split at the first colon only.
    assert [(p.company, p.title) for p in postings] == [
        ("Haneul Vision", "멀티모달 LLM 엔지니어 (원격)"),
        ("Tidewater Labs", "Senior Rust Engineer: Storage"),
        ("Quietwater Health", "Medical Scribe"),
    ]
    # RFC 822 with +0000, -0500 and GMT.
    assert [p.posted_at for p in postings] == [
        utc("2026-03-02T01:30:00"),
        utc("2026-03-01T23:00:00"),
        utc("2026-02-27T08:15:00"),
    ]
    assert [p.location for p in postings] == [
        "Anywhere in the World",
        "USA Only, United States",
        "Europe Only",
    ]
    assert [p.employment_type for p in postings] == ["Full-Time", "Contract", "Part-Time"]
    assert all(p.remote is True and p.description_format == "html" for p in postings)
    assert postings[0].url == postings[0].external_id
    assert postings[0].extra == {
        "categories": ["Programming"],
        "skills": "PyTorch",
        "expires_at": "Wed, 01 Apr 2026 01:30:00 +0000",
    }


def test_description_is_decoded_exactly_once(fixture: Recorded) -> None:
    postings, _ = source().parse(fixture("wwr.xml"), WWR)
    # The XML escaping is gone, the HTML's own entities stay for the HTML-to-text step.
    assert "<p>하늘비전은 문서와 이미지를 함께 읽는 멀티모달 LLM을 만듭니다.&nbsp;R&amp;D 팀" in (
        postings[0].description
    )
    assert plain(postings[0]) == (
        "Headquarters: Seoul\n\nURL: https://haneul.example\n\n"
        "하늘비전은 문서와 이미지를 함께 읽는 멀티모달 LLM을 만듭니다. R&D 팀과 함께 일합니다.\n\n"
        "VLM 학습 파이프라인 운영\n\n"
        "To apply: https://weworkremotely.com/remote-jobs/haneul-vision-multimodal-llm-engineer"
    )
    assert plain(postings[1]) == "Build the storage engine behind our time-series database."


def test_parse_atom_feed(fixture: Recorded) -> None:
    postings, next_url = source(ATOM).parse(fixture("atom.xml"), ATOM)

    assert next_url == "https://careers.gaon.example/jobs.atom?page=2"  # rel="next", resolved
    assert [p.external_id for p in postings] == [
        "tag:careers.gaon.example,2026:job-701",
        "tag:careers.gaon.example,2026:job-688",
        "tag:careers.gaon.example,2026:job-650",
    ]
    stored = [normalise(p, company=None, fallback_company="gaon") for p in postings]
    # A type="html" title is HTML: its entities are decoded once more by the text step.
    assert [s.title for s in stored] == [
        "자율주행 <인지> 연구원",
        "Robot Learning Engineer",
        "Data Labeler",
    ]
    assert [p.company for p in postings] == ["가온모빌리티", None, None]
    assert [p.url for p in postings] == [
        "https://careers.gaon.example/jobs/701",
        "https://careers.gaon.example/jobs/688",
        ATOM,  # no link at all: the feed
    ]
    # published wins over updated; a time without a zone is UTC.
    assert [p.posted_at for p in postings] == [
        utc("2026-03-02T00:00:00"),
        utc("2026-02-25T12:00:00"),
        utc("2026-02-20T08:00:00"),
    ]
    assert [p.description_format for p in postings] == ["html", "html", "text"]
    assert [s.description for s in stored] == [
        "라이다 기반 3D 객체 인식 연구",
        "Teach arms to grasp.",
        "Label driving scenes. 5 < 10 hours a week.",
    ]
    assert (stored[0].location, stored[0].country, postings[0].remote) == (
        "서울특별시 강남구",
        "KR",
        None,
    )


def test_parse_empty_feed(fixture: Recorded) -> None:
    assert source().parse(fixture("empty.xml"), WWR) == ([], None)


def test_entities_are_refused_not_expanded(fixture: Recorded) -> None:
    with pytest.raises(ParseError, match="declares entities") as caught:
        source().parse(fixture("entities.xml"), WWR)
    assert "lol" not in str(caught.value)


def test_malformed_and_foreign_documents_are_parse_errors(fixture: Recorded) -> None:
    with pytest.raises(ParseError, match="not well-formed XML"):
        source().parse(fixture("truncated.xml"), WWR)
    with pytest.raises(ParseError, match="not an RSS or Atom feed"):
        source().parse(fixture("not_a_feed.html"), WWR)
    with pytest.raises(ParseError, match="not well-formed XML"):
        source().parse(b'{"jobs": []}', WWR)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (b'<rss version="2.0"><title>x</title></rss>', "channel"),
        (b"<rss><channel><item><guid>1</guid></item></channel></rss>", "title"),
        (b"<rss><channel><item><title>Dev</title></item></channel></rss>", "guid"),
        (b"<rss><channel><item><title> </title><guid>1</guid></item></channel></rss>", "title"),
    ],
)
def test_missing_field_is_a_parse_error_naming_it(body: bytes, field: str) -> None:
    with pytest.raises(ParseError, match=f"field '{field}'"):
        source().parse(body, WWR)


def test_rss_without_guid_uses_link_and_content_encoded() -> None:
    body = (
        b'<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" '
        b'xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><item>'
        b"<title>Perception Engineer</title><link>/jobs/9</link>"
        b"<description>short</description>"
        b"<content:encoded><![CDATA[<p>Full <b>text</b></p>]]></content:encoded>"
        b"<dc:date>2026-03-02T09:00:00+09:00</dc:date><company>Gaon</company>"
        b"</item></channel></rss>"
    )
    (posting,), _ = source("https://jobs.example/feed").parse(body, "https://jobs.example/feed")
    assert posting.external_id == posting.url == "https://jobs.example/jobs/9"
    assert (posting.title, posting.company) == ("Perception Engineer", "Gaon")
    assert posting.description == "<p>Full <b>text</b></p>"
    assert posting.posted_at == utc("2026-03-02T00:00:00")
    assert posting.remote is None


# -- fetch -------------------------------------------------------------------------------


def serve(server: BoardServer) -> None:
    install(server)
    set_rss(
        server,
        "wwr",
        [
            wwr_item(
                "Haneul Vision",
                "VLM Engineer",
                description_html="<p>멀티모달 LLM & 비전</p>",
                published=datetime(2026, 3, 2, 1, 0, tzinfo=UTC),
                category="Programming",
            ),
            wwr_item(
                "Quietwater Health",
                "Medical Scribe",
                category="All Other Remote",
                region="Europe Only",
                job_type="Part-Time",
            ),
        ],
    )


def test_fetch_one_feed_and_conditional_get(
    board_server: BoardServer, client: ClientFactory
) -> None:
    serve(board_server)
    wwr = source(f"{board_server.url}/wwr/remote-jobs.rss")

    with client() as http:
        postings = list(wwr.fetch(http))
        validators = dict(http.new_validators)

    assert [(p.company, p.title, p.location) for p in postings] == [
        ("Haneul Vision", "VLM Engineer", "Anywhere in the World"),
        ("Quietwater Health", "Medical Scribe", "Europe Only"),
    ]
    assert postings[0].posted_at == utc("2026-03-02T01:00:00")
    assert plain(postings[0]) == (
        "Headquarters: Remote\n\n멀티모달 LLM & 비전\n\n"
        "To apply: https://weworkremotely.com/remote-jobs/haneul-vision-vlm-engineer"
    )
    assert list(validators) == [f"{board_server.url}/wwr/remote-jobs.rss"]

    with client(validators=validators) as http, pytest.raises(NotModified):
        list(wwr.fetch(http))


def test_several_feeds_are_merged_without_repeats(
    board_server: BoardServer, client: ClientFactory
) -> None:
    serve(board_server)
    feeds = [
        f"{board_server.url}/wwr/categories/programming.rss",
        f"{board_server.url}/wwr/remote-jobs.rss",
    ]
    wwr = RssSource("wwr", RssOptions(urls=feeds))

    with client() as http:
        postings = list(wwr.fetch(http))
        validators = dict(http.new_validators)

    assert [p.title for p in postings] == ["VLM Engineer", "Medical Scribe"]
    assert validators == {}  # one unchanged feed says nothing about another
    assert board_server.requests[1:] == ["/wwr/categories/programming.rss", "/wwr/remote-jobs.rss"]


def test_atom_next_pages_are_followed(fixture: Recorded, client: ClientFactory) -> None:
    page2 = b'<feed xmlns="http://www.w3.org/2005/Atom"><entry><title>Second</title><id>p2-1</id></entry></feed>'

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/robots.txt":
            return httpx.Response(404)
        if request.url.params.get("page") == "2":
            return httpx.Response(200, content=page2)
        return httpx.Response(200, content=fixture("atom.xml"))

    with client(transport=httpx.MockTransport(handler)) as http:
        postings = list(source(ATOM).fetch(http))
    assert [p.external_id for p in postings][-2:] == [
        "tag:careers.gaon.example,2026:job-650",
        "p2-1",
    ]


def test_paging_that_loops_is_a_parse_error(client: ClientFactory) -> None:
    looping = (
        b'<feed xmlns="http://www.w3.org/2005/Atom"><link rel="next" href="/jobs.atom"/>'
        b"<entry><title>Same</title><id>same-1</id></entry></feed>"
    )

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/robots.txt":
            return httpx.Response(404)
        return httpx.Response(200, content=looping)

    with client(transport=httpx.MockTransport(handler)) as http, pytest.raises(ParseError):
        list(source(ATOM).fetch(http))


def test_unknown_feed_fails_the_fetch(board_server: BoardServer, client: ClientFactory) -> None:
    serve(board_server)
    with client() as http, pytest.raises(FetchError) as caught:
        list(source(f"{board_server.url}/nobody/remote-jobs.rss").fetch(http))
    assert caught.value.status == 404


# -- a whole scrape through the CLI ----------------------------------------------------------


def test_scrape_through_the_cli(
    board_server: BoardServer, database_url: str, tmp_path: Path
) -> None:
    install(board_server)
    set_rss(
        board_server,
        "wwr",
        [
            wwr_item(
                "Nuri Mobility",
                "자율주행 인지 엔지니어",
                description_html="<p>카메라 기반 자율주행 인지 모델</p>",
                state="Seoul",
            ),
            wwr_item("Plainfield", "Copywriter", description_html="<p>Words.</p>"),
        ],
    )
    config = write_config(
        tmp_path / "config.toml",
        board_server.url,
        database_url,
        sources=f"""
[[sources]]
name = "wwr"
kind = "rss"
url = "{board_server.url}/wwr/remote-jobs.rss"
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
    assert sorted(postings) == ["Copywriter", "자율주행 인지 엔지니어"]
    korean = postings["자율주행 인지 엔지니어"]
    assert (korean.company, korean.remote, korean.external_id) == (
        "Nuri Mobility",
        True,
        "https://weworkremotely.com/remote-jobs/nuri-mobility-자율주행-인지-엔지니어",
    )
    assert korean.posted_at == utc("2026-03-02T09:00:00")
    assert tags[korean.id] == {"autonomous_driving"}
    assert postings["Copywriter"].id not in tags


# -- recorded real responses ---------------------------------------------------------------

REAL_EXPECTED = [
    ("mathmo-maths-coach", "Mathmo", "Maths Coach", "2026-07-10T22:45:30Z", "Contract"),
    ("qase-developer-advocate", "Qase", "Developer Advocate", "2026-07-10T19:44:50Z", "Full-Time"),
    (
        "apex-trade-entry-level-crypto-market-specialist",
        "APEX TRADE",
        "Entry-Level Crypto Market Specialist",
        "2026-07-10T15:21:26Z",
        "Full-Time",
    ),
    (
        "qase-technical-customer-support-specialist",
        "Qase",
        "Technical Customer Support Specialist",
        "2026-07-10T13:52:20Z",
        "Full-Time",
    ),
]


@pytest.mark.skipif(
    not (REALDATA / "weworkremotely").is_dir(), reason=f"no {REALDATA}/weworkremotely"
)
def test_recorded_wwr_feed_parses_through_the_cli() -> None:
    path = REALDATA / "weworkremotely" / "ikevinxie_wwr_remote-jobs.rss.xml"
    result = run_cli(
        None, "sources", "parse", "--kind", "rss", "--option", f"url={WWR}", str(path), "--json"
    )
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert [
        (r["external_id"], r["company"], r["title"], r["posted_at"], r["employment_type"])
        for r in rows
    ] == [
        (f"https://weworkremotely.com/remote-jobs/{slug}", company, title, posted, kind)
        for slug, company, title, posted, kind in REAL_EXPECTED
    ]
    assert all(r["url"] == r["external_id"] for r in rows)
    assert all((r["location"], r["remote"]) == ("Anywhere in the World", True) for r in rows)
    mathmo = rows[0]["description"]
    assert mathmo.startswith("Headquarters: London\n\nURL: http://www.mathmo.com\n\nWe're looking")
    assert "Pay is £75 per hour" in mathmo
    assert "&lt;" not in mathmo and "&amp;" not in mathmo
    # A saved feed parses without naming its address too.
    bare = run_cli(None, "sources", "parse", "--kind", "rss", str(path), "--json")
    assert bare.exit_code == 0, bare.output
    assert [r["external_id"] for r in json.loads(bare.stdout)] == [r["external_id"] for r in rows]
