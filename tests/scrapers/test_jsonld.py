"""The JSON-LD source: schema.org JobPosting blocks on career pages, a page list or a sitemap."""

from __future__ import annotations

import gzip
import json
import re
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from helpers import ClientFactory, Recorded, run_cli, utc, write_config
from sqlalchemy import select

from monitor.demo.server import BoardServer
from monitor.demo.shapes.jsonld import (
    XML_TYPE,
    install,
    job_posting,
    page_url,
    set_jsonld,
    set_page,
    sitemap_index_xml,
    sitemap_xml,
)
from monitor.errors import ConfigError, FetchError, NoJobPostingError, NotModified, ParseError
from monitor.normalise import normalise
from monitor.storage.db import Database
from monitor.storage.models import Posting, PostingTag, ScrapeRun
from scrapers.base import build_options
from scrapers.jsonld import JsonLdOptions, JsonLdSource, parse_sitemap

PAGE = "https://careers.hanbit-robotics.example/"
KST = timezone(timedelta(hours=9))


def source(company: str | None = None, **options: object) -> JsonLdSource:
    opts = JsonLdOptions(**options) if options else JsonLdOptions(url=PAGE)  # type: ignore[arg-type]
    return JsonLdSource("careers", opts, company=company)


def page_bytes(*items: object) -> bytes:
    from monitor.demo.shapes.jsonld import jsonld_page

    return jsonld_page(list(items)).encode()


# -- parse -------------------------------------------------------------------------------


def test_parse_page_with_many_block_shapes(fixture: Recorded) -> None:
    jsonld = source()
    postings, next_url = jsonld.parse(fixture("page.html"), PAGE)

    assert next_url is None
    # @graph, a CDATA-wrapped array (two postings), an ItemList; the broken block is skipped.
    assert [p.external_id for p in postings] == [
        "HR-2026-031",  # PropertyValue.value
        "lumen-1187",  # a plain string
        "5521",  # PropertyValue.@value, a number
        f"{PAGE}#4",  # no identifier: page URL + position
    ]
    assert [p.title for p in postings] == [
        "자율주행 인지 연구원",
        "Clinical NLP Engineer (Remote)",
        "Robot Learning Intern",  # "name" when there is no "title"
        "Medical Imaging Researcher",
    ]
    assert [p.company for p in postings] == [
        "Hanbit Robotics",
        "Lumen Health & Co",  # a stray entity decoded once
        "Hanbit Robotics",  # hiringOrganization as a bare string
        "Hanbit Robotics",
    ]
    assert [p.url for p in postings] == [
        "https://careers.hanbit-robotics.example/jobs/ad-perception",  # relative, resolved
        PAGE,
        PAGE,
        PAGE,
    ]
    assert [p.location for p in postings] == [
        "Seoul, KR",
        "Remote (United States)",  # TELECOMMUTE with applicantLocationRequirements
        "Pangyo, South Korea",
        None,
    ]
    assert [p.country for p in postings] == ["KR", None, None, None]
    assert postings[2].extra == {"locations": ["Pangyo, South Korea", "Busan, South Korea"]}
    assert [p.remote for p in postings] == [None, True, None, None]
    assert [p.employment_type for p in postings] == [
        "Full-time",
        "Contract",
        "Internship, Part-time",
        None,
    ]
    assert [p.posted_at for p in postings] == [
        datetime(2026, 3, 2, 9, 0, tzinfo=KST),
        datetime(2026, 5, 15, tzinfo=KST),  # "2026-5-15": unpadded, no zone -> midnight in Seoul
        datetime(2026, 3, 9, tzinfo=KST),
        datetime(2026, 2, 27, tzinfo=KST),
    ]
    assert [p.deadline_at for p in postings] == [
        datetime(2026, 4, 30, tzinfo=KST),
        datetime(2026, 6, 1, 23, 59, tzinfo=KST),
        None,
        None,
    ]
    assert jsonld.skipped == [
        f"ld+json block #3 at {PAGE} is not valid JSON (Expecting property name enclosed in "
        "double quotes: line 1 column 84 (char 83))"
    ]


def test_descriptions_are_decoded_as_often_as_escaped(fixture: Recorded) -> None:
    postings, _ = source().parse(fixture("page.html"), PAGE)

    assert postings[0].description_format == "html"
    assert postings[0].description.startswith("<p>도심 자율주행 셔틀의")
    # Escaped once as entities in the JSON: unescaped once, its own &amp; kept for HTML.
    assert postings[1].description == (
        "<p>Build language models for radiology &amp; pathology reports.</p>\n"
        "<p>Benefits: medical, dental &amp; vision.</p>"
    )
    assert (postings[2].description_format, postings[3].description_format) == ("text", "text")

    texts = [normalise(p, company=None, fallback_company="careers") for p in postings]
    assert (
        texts[0].description
        == "도심 자율주행 셔틀의 카메라·라이다 인지 모델을 연구합니다.\n\n3D 객체 검출\n센서 융합"
    )
    assert texts[1].description == (
        "Build language models for radiology & pathology reports.\n\n"
        "Benefits: medical, dental & vision."
    )
    assert texts[2].description == "Teach robots to grasp household objects.\nPython and PyTorch."
    assert texts[0].country == "KR"


def test_twice_escaped_description() -> None:
    job = {
        "@type": "JobPosting",
        "title": "VLM Engineer",
        "description": "&amp;lt;b&amp;gt;VLM&amp;lt;/b&amp;gt;",
    }
    (posting,), _ = source().parse(page_bytes(job), PAGE)
    assert (posting.description, posting.description_format) == ("<b>VLM</b>", "html")


def test_configured_company_wins(fixture: Recorded) -> None:
    postings, _ = source(company="Hanbit").parse(fixture("page.html"), PAGE)
    assert {p.company for p in postings} == {"Hanbit"}


def test_page_without_jobposting_is_a_parse_error_naming_it(fixture: Recorded) -> None:
    with pytest.raises(ParseError, match=re.escape(f"No schema.org JobPosting found at {PAGE}")):
        source().parse(fixture("no_jobposting.html"), PAGE)
    jsonld = source()
    with pytest.raises(NoJobPostingError, match=r"1 ld\+json block\(s\) were not valid JSON"):
        jsonld.parse(fixture("only_malformed.html"), PAGE)
    assert jsonld.skipped == []  # a failed page is reported once, by the error
    with pytest.raises(ParseError, match=r"No schema\.org JobPosting"):
        source().parse(b"<html><body>Just text</body></html>", PAGE)


def test_missing_title_is_a_parse_error_naming_it() -> None:
    job = {"@type": "JobPosting", "datePosted": "2026-03-02", "hiringOrganization": "X"}
    with pytest.raises(ParseError, match=r"JobPosting #1 at .* has no field 'title'"):
        source().parse(page_bytes(job), PAGE)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        # Without an offset: the source's zone (the configured one, Asia/Seoul by default).
        ("2026-5-15", datetime(2026, 5, 15, tzinfo=KST)),
        ("2026-05-15T09:00:00+09:00", datetime(2026, 5, 15, 9, tzinfo=KST)),
        ("2026-05-15T09:00:00Z", utc("2026-05-15T09:00:00")),
        ("2026-05-15T09:00", datetime(2026, 5, 15, 9, tzinfo=KST)),
        ("2026-5-1 7:05:30.25-0500", datetime(2026, 5, 1, 12, 5, 30, 250000, tzinfo=UTC)),
        ("2026-02-30", None),
        ("yesterday", None),
        (20260515, None),
    ],
)
def test_dates(value: object, expected: datetime | None) -> None:
    job = {"@type": "JobPosting", "title": "Engineer", "datePosted": value}
    (posting,), _ = source().parse(page_bytes(job), PAGE)
    assert posting.posted_at == expected
    assert posting.posted_at is None or posting.posted_at.tzinfo is not None


def test_type_variants_and_nesting() -> None:
    blocks = [
        {"@type": "http://schema.org/JobPosting", "title": "A"},
        {"@type": "WebPage", "mainEntity": {"@type": "schema:JobPosting", "title": "B"}},
        [{"@type": ["Thing", "JobPosting"], "title": "C"}],
    ]
    postings, _ = source().parse(page_bytes(*blocks), PAGE)
    assert [p.title for p in postings] == ["A", "B", "C"]


# -- options -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "key", "message"),
    [
        ({}, "url", "exactly one of 'url', 'urls' or 'sitemap'"),
        ({"url": PAGE, "sitemap": PAGE + "sitemap.xml"}, "sitemap", "exclude each other"),
        ({"url": "careers.example/jobs"}, "url", "http"),
        ({"urls": []}, "urls", "at least one"),
        ({"urls": [PAGE, "ftp://x"]}, "urls", "http"),
        ({"url": PAGE, "max_pages": 0}, "max_pages", "at least 1"),
        ({"urls": PAGE}, "urls", "a list of strings"),
    ],
)
def test_bad_options_are_config_errors(raw: dict[str, object], key: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message) as caught:
        build_options(JsonLdSource, raw)
    assert caught.value.key == key


# -- sitemaps ----------------------------------------------------------------------------


def test_parse_sitemaps(fixture: Recorded) -> None:
    assert parse_sitemap(fixture("sitemap.xml"), PAGE + "sitemap.xml") == (
        "urlset",
        [  # stripped, repeats dropped
            "https://careers.hanbit-robotics.example/jobs/ad-perception",
            "https://careers.hanbit-robotics.example/jobs/robot-learning-intern",
        ],
    )
    assert parse_sitemap(gzip.compress(fixture("sitemap_index.xml")), PAGE) == (
        "sitemapindex",
        [
            "https://careers.hanbit-robotics.example/sitemap-jobs-1.xml",
            "https://careers.hanbit-robotics.example/sitemap-jobs-2.xml.gz",
        ],
    )


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("entities.xml", "not readable XML"),  # entities are refused, never expanded
        ("page.html", "not readable XML"),
        (b"<rss><channel/></rss>", "not a sitemap"),
    ],
)
def test_bad_sitemaps_are_parse_errors(body: str | bytes, message: str, fixture: Recorded) -> None:
    data = fixture(body) if isinstance(body, str) else body
    with pytest.raises(ParseError, match=message):
        parse_sitemap(data, PAGE + "sitemap.xml")


# -- against the local board server --------------------------------------------------------

PERCEPTION = job_posting(
    "자율주행 인지 연구원",
    identifier="HR-31",
    description_html="<p>라이다 기반 3D 객체 검출 연구.</p>",
    date_posted="2026-03-02T09:00:00+09:00",
)
VLM = job_posting(
    "Multimodal LLM Research Engineer",
    identifier="HR-32",
    description_html="<p>Vision-language models for robots.</p>",
    locality="Pangyo",
    date_posted="2026-3-3",
)
INTERN = job_posting("Robot Learning Intern", identifier="HR-40", employment_type="INTERN")


def test_fetch_one_page_and_conditional_get(
    board_server: BoardServer, client: ClientFactory
) -> None:
    install(board_server)
    set_jsonld(board_server, "careers", [PERCEPTION, VLM])
    jsonld = source(url=page_url(board_server, "careers"))

    with client() as http:
        postings = list(jsonld.fetch(http))
        validators = dict(http.new_validators)
    assert [(p.external_id, p.title, p.location) for p in postings] == [
        ("HR-31", "자율주행 인지 연구원", "Seoul, KR"),
        ("HR-32", "Multimodal LLM Research Engineer", "Pangyo, KR"),
    ]
    assert postings[1].posted_at == utc("2026-03-02T15:00:00")  # 2026-3-3 in Seoul
    assert list(validators) == [page_url(board_server, "careers")]

    with client(validators=validators) as http, pytest.raises(NotModified):
        list(jsonld.fetch(http))


def test_fetch_page_list_skips_a_dead_page(
    board_server: BoardServer, client: ClientFactory
) -> None:
    install(board_server)
    set_jsonld(board_server, "jobs/31", [PERCEPTION])
    set_jsonld(board_server, "jobs/32", [{"@graph": [VLM, PERCEPTION]}])  # 31 again
    urls = [page_url(board_server, p) for p in ("jobs/31", "jobs/gone", "jobs/32")]
    jsonld = source(urls=urls)

    with client() as http:
        postings = list(jsonld.fetch(http))

    assert [p.external_id for p in postings] == ["HR-31", "HR-32"]
    assert len(jsonld.skipped) == 1
    assert jsonld.skipped[0].startswith(f"{urls[1]}: {urls[1]} answered 404 Not Found")


def test_fetch_page_list_fails_when_no_page_can_be_read(
    board_server: BoardServer, client: ClientFactory
) -> None:
    install(board_server)
    jsonld = source(urls=[page_url(board_server, "a"), page_url(board_server, "b")])
    with client() as http, pytest.raises(FetchError) as caught:
        list(jsonld.fetch(http))
    assert caught.value.status == 404


def serve_sitemaps(server: BoardServer, fixture: Recorded) -> list[str]:
    install(server)
    pages = [page_url(server, f"jobs/{n}") for n in ("31", "32", "40", "about")]
    set_jsonld(server, "jobs/31", [PERCEPTION])
    set_jsonld(server, "jobs/32", [VLM])
    set_jsonld(server, "jobs/40", [INTERN])
    set_page(server, "jobs/about", fixture("no_jobposting.html"))
    set_page(server, "sitemap-1.xml", sitemap_xml(pages[:2]), content_type=XML_TYPE)
    packed = gzip.compress(sitemap_xml(pages[2:]).encode())
    set_page(server, "sitemap-2.xml.gz", packed, content_type="application/gzip")
    set_page(
        server,
        "sitemap.xml",
        sitemap_index_xml([page_url(server, f) for f in ("sitemap-1.xml", "sitemap-2.xml.gz")]),
        content_type=XML_TYPE,
    )
    return pages


def test_fetch_sitemap_index(
    board_server: BoardServer, fixture: Recorded, client: ClientFactory
) -> None:
    serve_sitemaps(board_server, fixture)
    jsonld = source(sitemap=page_url(board_server, "sitemap.xml"))

    with client() as http:
        postings = list(jsonld.fetch(http))

    assert [p.external_id for p in postings] == ["HR-31", "HR-32", "HR-40"]
    assert jsonld.skipped == []  # the "about" page without postings is not counted
    assert [r for r in board_server.requests if r != "/robots.txt"] == [
        "/jsonld/sitemap.xml",
        "/jsonld/sitemap-1.xml",
        "/jsonld/sitemap-2.xml.gz",
        "/jsonld/jobs/31",
        "/jsonld/jobs/32",
        "/jsonld/jobs/40",
        "/jsonld/jobs/about",
    ]


def test_fetch_sitemap_caps_pages_and_follows_one_level(
    board_server: BoardServer, fixture: Recorded, client: ClientFactory
) -> None:
    pages = serve_sitemaps(board_server, fixture)
    nested = sitemap_index_xml([page_url(board_server, "sitemap.xml")])
    set_page(
        board_server,
        "sitemap.xml",
        sitemap_index_xml(
            [page_url(board_server, "sitemap-1.xml"), page_url(board_server, "n.xml")]
        ),
        content_type=XML_TYPE,
    )
    set_page(board_server, "n.xml", nested, content_type=XML_TYPE)
    jsonld = source(sitemap=page_url(board_server, "sitemap.xml"), max_pages=1)

    with client() as http:
        postings = list(jsonld.fetch(http))

    assert [p.external_id for p in postings] == ["HR-31"]
    assert jsonld.skipped == [
        f"{page_url(board_server, 'n.xml')} is a nested sitemap index; followed one level only",
        "1 pages beyond max_pages=1 not read",
    ]
    assert page_url(board_server, "jobs/32") == pages[1]


def test_fetch_sitemap_without_any_jobposting_fails(
    board_server: BoardServer, fixture: Recorded, client: ClientFactory
) -> None:
    install(board_server)
    set_page(board_server, "about", fixture("no_jobposting.html"))
    sitemap = sitemap_xml([page_url(board_server, "about")])
    set_page(board_server, "sitemap.xml", sitemap, content_type=XML_TYPE)
    with client() as http, pytest.raises(NoJobPostingError):
        list(source(sitemap=page_url(board_server, "sitemap.xml")).fetch(http))
    # An empty urlset is an empty board, not an error.
    set_page(board_server, "sitemap.xml", sitemap_xml([]), content_type=XML_TYPE)
    with client() as http:
        assert list(source(sitemap=page_url(board_server, "sitemap.xml")).fetch(http)) == []


def test_scrape_stores_postings_with_tags(
    board_server: BoardServer, database_url: str, tmp_path: Path, fixture: Recorded
) -> None:
    install(board_server)
    set_page(board_server, "careers", fixture("page.html"))
    config = write_config(
        tmp_path / "config.toml",
        board_server.url,
        database_url,
        sources=f"""
[[sources]]
name = "hanbit-careers"
kind = "jsonld"
url = "{page_url(board_server, "careers")}"
""",
    )
    result = run_cli(config, "scrape", now="2026-03-10T09:00")
    assert result.exit_code == 0, result.output

    db = Database(database_url)
    try:
        with db.session() as session:
            postings = {p.external_id: p for p in session.scalars(select(Posting))}
            tags: dict[str, set[str]] = {key: set() for key in postings}
            by_id = {p.id: key for key, p in postings.items()}
            for row in session.scalars(select(PostingTag)):
                tags[by_id[row.posting_id]].add(row.tag)
            (run,) = session.scalars(select(ScrapeRun))
            status, skipped = run.status, run.skipped
    finally:
        db.dispose()
    page = page_url(board_server, "careers")
    assert sorted(postings) == sorted(["HR-2026-031", "lumen-1187", "5521", f"{page}#4"])
    assert "autonomous_driving" in tags["HR-2026-031"]
    assert "medical" in tags["lumen-1187"]
    assert postings["HR-2026-031"].url == f"{board_server.url}/jobs/ad-perception"
    assert postings["HR-2026-031"].posted_at == utc("2026-03-02T00:00:00")
    # The malformed block makes the run partial, with one thing skipped.
    assert (status, skipped) == ("partial", 1)


def test_saved_page_parses_through_the_cli(fixture: Recorded) -> None:
    result = run_cli(
        None,
        "sources",
        "parse",
        "--kind",
        "jsonld",
        str(fixture.path("page.html")),
        "--option",
        f"url={PAGE}",
        "--url",
        PAGE,
        "--json",
    )
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert [(r["external_id"], r["posted_at"]) for r in rows] == [
        ("HR-2026-031", "2026-03-02T00:00:00Z"),
        ("lumen-1187", "2026-05-14T15:00:00Z"),
        ("5521", "2026-03-08T15:00:00Z"),
        (f"{PAGE}#4", "2026-02-26T15:00:00Z"),
    ]
    assert rows[1]["company"] == "Lumen Health & Co"
    assert rows[1]["remote"] is True
