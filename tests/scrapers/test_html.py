"""The HTML source: listing pages read with configured CSS selectors."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from helpers import ClientFactory, Recorded, run_cli, utc, write_config
from sqlalchemy import select

from monitor.demo.server import BoardServer
from monitor.demo.shapes.html import ListedJob, install, listing_page, page_url, set_html
from monitor.errors import ConfigError, FetchError, NotModified, ParseError
from monitor.storage.db import Database
from monitor.storage.models import Posting, PostingTag
from scrapers.base import build_options
from scrapers.html import HtmlOptions, HtmlSource, decode_page, parse_date

PAGE = "https://www.hanbit-robotics.example/careers/"
KST = timezone(timedelta(hours=9))
SELECTORS: dict[str, Any] = {
    "container": "ul.job-list",
    "item": "li.job",
    "title": ".job-title",
    "company_selector": ".company",
    "date": "time",
    "next": "a.next",
}


def source(url: str = PAGE, company: str | None = None, **options: Any) -> HtmlSource:
    return HtmlSource("hanbit", HtmlOptions(url=url, **{**SELECTORS, **options}), company=company)


# -- parse -------------------------------------------------------------------------------


def test_parse_listing(fixture: Recorded) -> None:
    postings, next_url = source().parse(fixture("listing.html"), PAGE)

    # The header row has no title element and is left out.
    assert [p.title for p in postings] == [
        "멀티모달 LLM 연구원",
        "Autonomous Driving Planning Engineer",  # whitespace collapsed
        "의료 영상 AI 엔지니어",
        "Robot Learning Intern",
    ]
    assert [p.external_id for p in postings] == [
        "https://www.hanbit-robotics.example/careers/jobs/101?ref=list",  # via <base href>
        "https://jobs.partner.example/postings/ad-77",
        "sha1:75ef53ee773783b6bb0a",  # no link: a hash of title and company
        "sha1:9261fd168a465e20ac1e",  # a javascript: link is no link
    ]
    assert [p.url for p in postings] == [
        "https://www.hanbit-robotics.example/careers/jobs/101?ref=list",
        "https://jobs.partner.example/postings/ad-77",
        PAGE,
        PAGE,
    ]
    assert [p.company for p in postings] == [
        "한빛로보틱스",
        "Partner Mobility & Co.",
        "한빛메디컬",
        None,
    ]
    assert [p.posted_at for p in postings] == [
        datetime(2026, 3, 2, 10, 0, tzinfo=KST),  # the datetime attribute wins
        utc("2026-02-27T00:00:00"),  # "등록일 2026.02.27"
        None,  # "3일 전" is relative: no date, no error
        utc("2026-05-15T00:00:00"),  # "May 15, 2026"
    ]
    assert all(p.description == "" and p.description_format == "text" for p in postings)
    assert next_url == "https://www.hanbit-robotics.example/careers/?page=2"


def test_configured_company_wins_and_link_selector(fixture: Recorded) -> None:
    hanbit = source(company="Hanbit", link=".job-title a", company_selector="")
    postings, _ = hanbit.parse(fixture("listing.html"), PAGE)
    assert {p.company for p in postings} == {"Hanbit"}
    assert postings[0].url == "https://www.hanbit-robotics.example/careers/jobs/101?ref=list"
    assert postings[2].external_id != postings[3].external_id


def test_empty_board(fixture: Recorded) -> None:
    assert source(next="").parse(fixture("empty.html"), PAGE) == ([], None)


def test_missing_container_is_a_parse_error_naming_it(fixture: Recorded) -> None:
    with pytest.raises(ParseError, match=r"container selector 'ul\.job-list' at https://www"):
        source().parse(fixture("redesigned.html"), PAGE)


def test_items_without_any_title_is_a_parse_error(fixture: Recorded) -> None:
    with pytest.raises(ParseError, match=r"None of the 5 items .* title selector 'h2\.name'"):
        source(title="h2.name").parse(fixture("listing.html"), PAGE)


def test_euc_kr_page(fixture: Recorded) -> None:
    korean = source(
        url="http://recruit.nuri.example/recruit/list.asp",
        container="#recruit",
        item="tr.row",
        title="td.subject",
        company_selector="td.corp",
        date="td.date",
        next="",
    )
    postings, next_url = korean.parse(fixture("euckr.html"), korean.options.url)
    assert next_url is None
    assert [(p.external_id, p.title, p.company, p.posted_at) for p in postings] == [
        (
            "http://recruit.nuri.example/recruit/view.asp?idx=3301",
            "[경력] 자율주행 제어 SW 개발자",
            "(주)누리모빌리티",
            utc("2026-03-03T00:00:00"),
        ),
        (
            "http://recruit.nuri.example/recruit/view.asp?idx=3302",
            "의료기기 임베디드 엔지니어",
            "누리메디칼",
            utc("2026-02-28T00:00:00"),
        ),
    ]


def test_decode_page_guesses() -> None:
    korean = "<p>자율주행</p>".encode("cp949")
    assert decode_page(korean) == "<p>자율주행</p>"  # no meta: not UTF-8, so CP949
    assert decode_page(b"\xef\xbb\xbf<p>x</p>") == "<p>x</p>"
    assert decode_page(b'<meta charset="no-such">\xc3\xa9') == '<meta charset="no-such">é'


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-05-15T09:00:00+09:00", datetime(2026, 5, 15, 9, tzinfo=KST)),
        ("Posted 2026-05-15 10:00Z", utc("2026-05-15T10:00:00")),
        ("2026-05-15T09:00", utc("2026-05-15T09:00:00")),
        ("2026-05-15", utc("2026-05-15T00:00:00")),
        ("2026.05.15", utc("2026-05-15T00:00:00")),
        ("2026/5/15", utc("2026-05-15T00:00:00")),
        ("2026. 5. 15.", utc("2026-05-15T00:00:00")),
        ("2026년 5월 15일", utc("2026-05-15T00:00:00")),
        ("May 15, 2026", utc("2026-05-15T00:00:00")),
        ("15 May 2026", utc("2026-05-15T00:00:00")),
        ("Sept. 3rd, 2026", utc("2026-09-03T00:00:00")),
        ("3 days ago", None),
        ("05/06/2026", None),
        ("2026-13-45", None),
        ("Foo 12, 2026", None),
        ("", None),
    ],
)
def test_parse_date(text: str, expected: datetime | None) -> None:
    assert parse_date(text) == expected


# -- options -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "key", "message"),
    [
        ({"item": "li", "title": "a"}, "container", "needs the option"),
        ({"container": "ul[", "item": "li", "title": "a"}, "container", "not a CSS selector"),
        ({"container": "ul", "item": "  ", "title": "a"}, "item", "not empty"),
        ({"container": "ul", "item": "li", "title": "a", "date": ">>"}, "date", "CSS"),
        ({"container": "ul", "item": "li", "title": "a", "max_pages": 0}, "max_pages", "at least"),
        ({"container": "ul", "item": "li", "title": "a", "url": "www.x.example"}, "url", "http"),
        ({"container": "ul", "item": "li", "title": "a", "company": ".c"}, "company", "unknown"),
    ],
)
def test_bad_options_are_config_errors(raw: dict[str, Any], key: str, message: str) -> None:
    raw = {"url": PAGE, **raw}
    with pytest.raises(ConfigError, match=message) as caught:
        build_options(HtmlSource, raw)
    assert caught.value.key == key


# -- against the local board server --------------------------------------------------------


def jobs(*titles: str, start: int = 1) -> list[ListedJob]:
    return [
        ListedJob(t, href=f"/html/jobs/{n}", company="한빛로보틱스", datetime_attr="2026-03-02")
        for n, t in enumerate(titles, start=start)
    ]


def serve_pages(server: BoardServer) -> str:
    install(server)
    set_html(
        server, "jobs", listing_page(jobs("멀티모달 LLM 연구원", "VLM Engineer"), next_href="?p=2")
    )
    # A job moved onto page 2 while we read: it shows up twice but counts once.
    page2 = jobs("VLM Engineer", "자율주행 인지 엔지니어", start=2)
    set_html(server, "jobs?p=2", listing_page(page2, next_href="/html/jobs?p=3"))
    set_html(server, "jobs?p=3", listing_page(jobs("Robotics Intern", start=4), next_href="?p=2"))
    return page_url(server, "jobs")


def test_fetch_follows_next_links_until_they_loop(
    board_server: BoardServer, client: ClientFactory
) -> None:
    url = serve_pages(board_server)
    html = source(url=url, company_selector=".company")

    with client() as http:
        postings = list(html.fetch(http))
        validators = dict(http.new_validators)

    assert [(p.title, p.external_id) for p in postings] == [
        ("멀티모달 LLM 연구원", f"{board_server.url}/html/jobs/1"),
        ("VLM Engineer", f"{board_server.url}/html/jobs/2"),
        ("자율주행 인지 엔지니어", f"{board_server.url}/html/jobs/3"),
        ("Robotics Intern", f"{board_server.url}/html/jobs/4"),
    ]
    assert html.skipped == []
    assert board_server.requests == [
        "/robots.txt",
        "/html/jobs",
        "/html/jobs?p=2",
        "/html/jobs?p=3",
    ]
    assert list(validators) == [url]  # only the first page is conditional

    with client(validators=validators) as http, pytest.raises(NotModified):
        list(source(url=url).fetch(http))


def test_fetch_stops_at_max_pages(board_server: BoardServer, client: ClientFactory) -> None:
    url = serve_pages(board_server)
    html = source(url=url, max_pages=2)
    with client() as http:
        assert len(list(html.fetch(http))) == 3
    assert html.skipped == [
        f"stopped after max_pages=2 pages; {board_server.url}/html/jobs?p=3 and later pages "
        "were not read"
    ]


def test_fetch_failures(
    board_server: BoardServer, fixture: Recorded, client: ClientFactory
) -> None:
    url = serve_pages(board_server)
    with client() as http, pytest.raises(FetchError) as caught:
        list(source(url=page_url(board_server, "nothing-here")).fetch(http))
    assert caught.value.status == 404
    set_html(board_server, "jobs?p=3", fixture("redesigned.html").decode())
    with client() as http, pytest.raises(ParseError, match="container selector"):
        list(source(url=url).fetch(http))


def test_scrape_stores_postings_with_tags(
    board_server: BoardServer, database_url: str, tmp_path: Path
) -> None:
    url = serve_pages(board_server)
    config = write_config(
        tmp_path / "config.toml",
        board_server.url,
        database_url,
        sources=f"""
[[sources]]
name = "hanbit-site"
kind = "html"
url = "{url}"
container = "ul.job-list"
item = "li.job"
title = "h3 a"
date = "time"
next = "a[rel=next]"
company = "Hanbit Robotics"
""",
    )
    result = run_cli(config, "scrape", now="2026-03-05T09:00")
    assert result.exit_code == 0, result.output

    db = Database(database_url)
    try:
        with db.session() as session:
            postings = {p.title: p for p in session.scalars(select(Posting))}
            tags: dict[str, set[str]] = {title: set() for title in postings}
            by_id = {p.id: title for title, p in postings.items()}
            for row in session.scalars(select(PostingTag)):
                tags[by_id[row.posting_id]].add(row.tag)
    finally:
        db.dispose()
    assert sorted(postings) == sorted(
        ["멀티모달 LLM 연구원", "VLM Engineer", "자율주행 인지 엔지니어", "Robotics Intern"]
    )
    assert {p.company for p in postings.values()} == {"Hanbit Robotics"}
    assert "autonomous_driving" in tags["자율주행 인지 엔지니어"]
    assert {"multimodal_llm", "llm"} <= tags["멀티모달 LLM 연구원"]
    assert postings["VLM Engineer"].posted_at == utc("2026-03-02T00:00:00")


def test_saved_page_parses_through_the_cli(fixture: Recorded) -> None:
    result = run_cli(
        None,
        "sources",
        "parse",
        "--kind",
        "html",
        str(fixture.path("listing.html")),
        "--url",
        PAGE,
        "--option",
        "container=ul.job-list",
        "--option",
        "item=li.job",
        "--option",
        "title=h3 a",
        "--option",
        'company_selector=".company"',
        "--option",
        "date=time",
        "--option",
        "max_pages=3",
        "--json",
    )
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert [(r["title"], r["company"], r["posted_at"]) for r in rows] == [
        ("멀티모달 LLM 연구원", "한빛로보틱스", "2026-03-02T01:00:00Z"),
        ("Autonomous Driving Planning Engineer", "Partner Mobility & Co.", "2026-02-27T00:00:00Z"),
        # "h3 a" finds no title in the row without a link: that row is left out.
        ("Robot Learning Intern", None, "2026-05-15T00:00:00Z"),  # no company on the page
    ]
