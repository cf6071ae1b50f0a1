"""The Personio source: parsing recorded-shape XML, fetching through HTTP, a CLI scrape."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from helpers import REALDATA, ClientFactory, Recorded, StoredRows, run_cli, utc, write_config

from monitor.demo.server import BoardServer
from monitor.demo.shapes.personio import install, personio_position, render_feed, set_personio
from monitor.errors import ConfigError, FetchError, NotModified, ParseError
from monitor.normalise import normalise
from monitor.storage.models import Posting
from scrapers.base import build_options
from scrapers.personio import PersonioOptions, PersonioSource

URL = "https://bomhealth.jobs.personio.de/xml?language=en"


def source(subdomain: str = "bomhealth", language: str = "en", **kwargs: str) -> PersonioSource:
    options = PersonioOptions(subdomain=subdomain, language=language)
    return PersonioSource("bom", options, **kwargs)


# -- parse -------------------------------------------------------------------------------


def test_parse_feed(fixture: Recorded) -> None:
    postings, next_url = source().parse(fixture("feed.xml"), URL)

    assert next_url is None
    assert [p.external_id for p in postings] == ["2207341", "2207388", "2207402"]
    assert [p.title for p in postings] == [
        "의료 영상 멀티모달 연구원 (m/w/d)",
        "Werkstudent Data Engineering",
        "Office Manager",
    ]
    # The subcompany when there is one (entities decoded by the XML parser), else the subdomain.
    assert [p.company for p in postings] == [
        "Bom Health Co., Ltd. & Partners",
        "bomhealth",
        "Bom Health Co., Ltd. & Partners",
    ]
    assert [p.url for p in postings] == [
        "https://bomhealth.jobs.personio.de/job/2207341?language=en",
        "https://bomhealth.jobs.personio.de/job/2207388?language=en",
        "https://bomhealth.jobs.personio.de/job/2207402?language=en",
    ]
    assert [p.location for p in postings] == ["Seoul", "Berlin", "Seoul"]
    # "+0900" (no colon), "+01:00" and "+00:00" all become UTC.
    assert [p.posted_at for p in postings] == [
        utc("2026-02-27T01:30:00"),
        utc("2026-01-12T07:00:00"),
        utc("2025-12-31T23:59:59"),
    ]
    assert [p.employment_type for p in postings] == [
        "Full-time, permanent",
        "Part-time, intern",
        "Full-time, permanent",
    ]
    assert postings[0].extra == {
        "department": "AI Research",
        "recruitingCategory": "Research",
        "seniority": "experienced",
        "yearsOfExperience": "2-5",
        "keywords": ["medical imaging", "VLM", "의료 AI"],
        "all_locations": ["Seoul", "Busan", "Remote"],
    }


def test_sections_become_html_decoded_once(fixture: Recorded) -> None:
    postings, _ = source().parse(fixture("feed.xml"), URL)

    assert [p.description_format for p in postings] == ["html", "html", "text"]
    # CDATA keeps the HTML as written; section names are text, escaped into the HTML.
    assert postings[0].description == (
        "<h3>Your tasks &amp; impact</h3>"
        "<p>흉부 X-ray와 판독문을 함께 학습하는 <strong>VLM</strong>을 개발합니다.</p>"
        "<ul><li>R&amp;D 데이터 파이프라인 구축</li></ul>"
        "<h3>What you bring</h3>"
        "<ul><li>PyTorch 3년 이상</li><li>Papers at MICCAI &lt;or&gt; CVPR</li></ul>"
    )
    assert normalise(postings[0], company=None, fallback_company="x").description == (
        "Your tasks & impact\n"
        "흉부 X-ray와 판독문을 함께 학습하는 VLM을 개발합니다.\n\n"
        "R&D 데이터 파이프라인 구축\n"
        "What you bring\n\n"
        "PyTorch 3년 이상\n"
        "Papers at MICCAI <or> CVPR"
    )
    # A value escaped as text instead of CDATA is the same HTML once the XML is read.
    assert normalise(postings[1], company=None, fallback_company="x").description == (
        "Deine Aufgaben\nDu baust ETL-Strecken für unsere Klinikdaten."
    )
    assert postings[2].description == ""


def test_parse_empty_feed(fixture: Recorded) -> None:
    assert source().parse(fixture("empty.xml"), URL) == ([], None)


def test_truncated_xml_is_a_parse_error(fixture: Recorded) -> None:
    with pytest.raises(ParseError, match="not well-formed XML"):
        source().parse(fixture("truncated.xml"), URL)


def test_entities_are_refused_not_expanded(fixture: Recorded) -> None:
    with pytest.raises(ParseError, match="refused for safety"):
        source().parse(fixture("entities.xml"), URL)


def test_error_page_is_a_parse_error(fixture: Recorded) -> None:
    with pytest.raises(ParseError, match="root element is <html>"):
        source().parse(fixture("error.html"), URL)
    with pytest.raises(ParseError, match="not well-formed XML"):
        source().parse(b"<html><body><p>Not Found<br></body></html>", URL)


@pytest.mark.parametrize(
    ("position", "field"),
    [
        ("<name>VLM Engineer</name>", "id"),
        ("<id>1</id>", "name"),
        ("<id> </id><name>x</name>", "id"),
    ],
)
def test_missing_field_is_a_parse_error_naming_it(position: str, field: str) -> None:
    body = f"<workzag-jobs><position>{position}</position></workzag-jobs>".encode()
    with pytest.raises(ParseError, match=f"field '{field}'"):
        source().parse(body, URL)


def test_minimal_position_and_unreadable_date() -> None:
    body = (
        b"<workzag-jobs><position><id>7</id><name>Researcher</name>"
        b"<createdAt>soon</createdAt></position></workzag-jobs>"
    )
    (posting,), _ = source(company="Bom Health").parse(body, URL)
    assert posting.company == "Bom Health"
    assert (posting.location, posting.posted_at, posting.employment_type) == (None, None, None)
    assert (posting.description, posting.description_format) == ("", "text")


def test_base_url_defaults_to_the_subdomain_host() -> None:
    assert source().listing_url() == "https://bomhealth.jobs.personio.de/xml?language=en"
    assert source(language="de").listing_url().endswith("/xml?language=de")
    mirror = source(base_url="http://127.0.0.1:9/bomhealth/")
    assert mirror.listing_url() == "http://127.0.0.1:9/bomhealth/xml?language=en"
    # Job links point at the real career site whatever host the feed came from.
    (posting,), _ = mirror.parse(render_feed([personio_position(5, "x")]).encode(), URL)
    assert posting.url == "https://bomhealth.jobs.personio.de/job/5?language=en"


@pytest.mark.parametrize(
    ("raw", "key"),
    [
        ({"subdomain": "bom.jobs.personio.de"}, "subdomain"),
        ({"subdomain": "bom", "language": "english"}, "language"),
        ({"subdomain": "bom", "language": "EN"}, "language"),
    ],
)
def test_bad_options_are_config_errors(raw: dict[str, str], key: str) -> None:
    with pytest.raises(ConfigError) as caught:
        build_options(PersonioSource, raw)
    assert caught.value.key == key


# -- against the local board server --------------------------------------------------------


def test_fetch_feed_and_conditional_get(board_server: BoardServer, client: ClientFactory) -> None:
    install(board_server)
    set_personio(
        board_server,
        "bomhealth",
        [
            personio_position(
                1,
                "VLM Engineer",
                sections=[("Aufgaben", "<p>Build ]]> things &amp; ship</p>")],
                additional_offices=["Busan"],
            ),
            personio_position(2, "Office Manager"),
        ],
    )
    personio = source(base_url=f"{board_server.url}/bomhealth")

    with client() as http:
        postings = list(personio.fetch(http))
        validators = dict(http.new_validators)
    assert [p.external_id for p in postings] == ["1", "2"]
    assert postings[0].description == "<h3>Aufgaben</h3><p>Build ]]> things &amp; ship</p>"
    assert postings[0].posted_at == utc("2026-03-02T00:15:00")
    assert board_server.requests == ["/robots.txt", "/bomhealth/xml?language=en"]

    with client(validators=validators) as http, pytest.raises(NotModified):
        list(personio.fetch(http))


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


# (external_id, title, company, country, posted_at, sorted tags), per stored posting.
COLUMNS = (
    Posting.external_id,
    Posting.title,
    Posting.company,
    Posting.country,
    Posting.posted_at,
)


def test_scrape_through_the_cli(
    board_server: BoardServer, database_url: str, tmp_path: Path, stored: StoredRows
) -> None:
    install(board_server)
    set_personio(
        board_server,
        "bomhealth",
        [
            personio_position(
                31,
                "의료 AI 연구원",
                sections=[("업무", "<p>대규모 언어 모델로 진료 기록을 요약합니다.</p>")],
                subcompany="Bom Health",
            ),
            personio_position(32, "Werkstudent Marketing", office="Berlin", subcompany="Bom GmbH"),
        ],
    )
    config = write_config(
        tmp_path / "config.toml",
        board_server.url,
        database_url,
        sources=f"""
[[sources]]
name = "bom"
kind = "personio"
subdomain = "bomhealth"
language = "en"
base_url = "{board_server.url}/bomhealth"
""",
    )

    result = run_cli(config, "scrape", now="2026-03-02T12:00")

    assert result.exit_code == 0, result.output
    assert stored("bom", *COLUMNS) == [
        ("31", "의료 AI 연구원", "Bom Health", "KR", utc("2026-03-02T00:15"), ["llm", "medical"]),
        ("32", "Werkstudent Marketing", "Bom GmbH", "DE", utc("2026-03-02T00:15"), []),
    ]


# -- recorded real responses ---------------------------------------------------------------


@pytest.mark.skipif(not (REALDATA / "personio").is_dir(), reason=f"no {REALDATA}/personio")
def test_recorded_live_feed_parses_through_the_cli() -> None:
    path = REALDATA / "personio" / "ergon_personio_live.xml"
    result = run_cli(
        None,
        "sources",
        "parse",
        "--kind",
        "personio",
        "--option",
        "subdomain=personio",
        str(path),
        "--json",
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == [
        {
            "external_id": "1834171",
            "title": "Staff Software Engineer, Data Platform",
            "company": "Personio SE & Co. KG",
            "location": "Munich",
            "url": "https://personio.jobs.personio.de/job/1834171?language=en",
            "posted_at": "2024-11-13T14:10:41Z",
            "deadline_at": None,
            "country": "DE",
            "remote": None,
            "employment_type": "Full-time, permanent",
            "level": "experienced",  # <seniority>experienced</seniority>
            "years_min": None,
            "years_max": None,
            "description": "",
        }
    ]


@pytest.mark.skipif(not (REALDATA / "personio").is_dir(), reason=f"no {REALDATA}/personio")
def test_every_recorded_file_is_a_readable_feed() -> None:
    # The *_EDITED file is partly invented (a format hint): it must parse, and its values
    # are not pinned down beyond what the live capture shares with it.
    for path in sorted((REALDATA / "personio").glob("*.xml")):
        postings, _ = source("personio").parse(path.read_bytes(), URL)
        assert postings, path.name
        assert postings[0].external_id == "1834171"
        assert postings[0].posted_at == utc("2024-11-13T14:10:41")
        assert all(p.posted_at is not None and p.posted_at.tzinfo is not None for p in postings)
