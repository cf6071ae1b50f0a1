"""The Arbeitnow source: Laravel pages, links.next re-based, fetching, a CLI scrape."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest
from helpers import (
    REALDATA,
    ClientFactory,
    Recorded,
    run_cli,
    stored_postings,
    utc,
    write_config,
)

from monitor.demo.server import BoardServer
from monitor.demo.shapes.arbeitnow import arbeitnow_job, install, set_arbeitnow
from monitor.errors import FetchError, NotModified, ParseError
from monitor.normalise import normalise
from scrapers.arbeitnow import ArbeitnowSource

URL = "https://www.arbeitnow.com/api/job-board-api"
PAGE2 = "https://www.arbeitnow.com/api/job-board-api?page=2"


def source(**kwargs: str) -> ArbeitnowSource:
    return ArbeitnowSource("arbeitnow", **kwargs)


def jobs(count: int) -> list[dict[str, Any]]:
    return [arbeitnow_job(1000 + i, f"Robotik Ingenieur {i}") for i in range(count)]


# -- parse -------------------------------------------------------------------------------


def test_parse_first_page(fixture: Recorded) -> None:
    postings, next_url = source().parse(fixture("page1.json"), URL)

    assert next_url == PAGE2
    assert [p.external_id for p in postings] == [
        "computer-vision-engineer-autonomous-driving-munich-418822",
        "ki-entwickler-remote-berlin-418790",
    ]
    assert [p.title for p in postings] == [
        "Computer Vision Engineer (m/w/d) – Autonomous Driving",
        "KI-Entwickler (m/w/d) | 100 % Remote – LLM & 자율주행",
    ]
    assert [p.company for p in postings] == ["Isar Robotics GmbH", "Hanul Software GmbH"]
    assert [p.location for p in postings] == ["Munich", "Berlin"]
    assert [p.remote for p in postings] == [False, True]
    assert [p.employment_type for p in postings] == ["full time", "full time, werkstudent"]
    # created_at is epoch seconds.
    assert [p.posted_at for p in postings] == [
        utc("2026-03-01T21:00:00"),
        utc("2026-02-28T21:00:00"),
    ]
    assert postings[0].url == (
        "https://www.arbeitnow.com/jobs/companies/isar-robotics-gmbh/"
        "computer-vision-engineer-autonomous-driving-munich-418822"
    )
    assert postings[0].extra == {"tags": ["Computer Vision", "Engineering"]}
    texts = [normalise(p, company=None, fallback_company="arbeitnow").description for p in postings]
    assert texts == [
        "Wir entwickeln Wahrnehmungssoftware für autonome Fahrzeuge & Roboter.\n\n"
        "Objekterkennung mit Kamera und Lidar",
        "Unser Team in Berlin und Seoul baut LLM-Werkzeuge. 한국어 가능자 우대.",
    ]


def test_parse_last_and_empty_pages(fixture: Recorded) -> None:
    postings, next_url = source().parse(fixture("page2.json"), PAGE2)
    assert next_url is None
    (posting,) = postings
    assert (posting.external_id, posting.employment_type, posting.extra) == (
        "pflegefachkraft-klinik-hamburg-418501",
        None,
        {},
    )
    assert source().parse(fixture("empty.json"), URL + "?page=41") == ([], None)
    # An empty page ends the listing even if it links onwards.
    body = json.dumps({"data": [], "links": {"next": PAGE2}}).encode()
    assert source().parse(body, URL) == ([], None)


def test_truncated_json_is_a_parse_error(fixture: Recorded) -> None:
    with pytest.raises(ParseError, match="not valid JSON"):
        source().parse(fixture("truncated.json"), URL)


def test_error_answers_are_parse_errors() -> None:
    with pytest.raises(ParseError, match="Too Many Attempts"):
        source().parse(b'{"message": "Too Many Attempts."}', URL)
    with pytest.raises(ParseError, match="expected a JSON object"):
        source().parse(b"[]", URL)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"links": {"next": None}}, "data"),
        ({"data": []}, "links"),
        ({"data": [{"title": "Ingenieur"}], "links": {}}, "slug"),
        ({"data": [{"slug": "a-1"}], "links": {}}, "title"),
    ],
)
def test_missing_field_is_a_parse_error_naming_it(body: dict[str, Any], field: str) -> None:
    with pytest.raises(ParseError, match=f"field '{field}'"):
        source().parse(json.dumps(body).encode(), URL)


@pytest.mark.parametrize(
    "body",
    [
        b'{"data": {}, "links": {}}',
        b'{"data": [], "links": []}',
        b'{"data": [{"slug": "a", "title": "t"}], "links": {"next": 2}}',
        b'{"data": [{"slug": " ", "title": "t"}], "links": {}}',
    ],
)
def test_wrong_shapes_are_parse_errors(body: bytes) -> None:
    with pytest.raises(ParseError):
        source().parse(body, URL)


def test_minimal_job() -> None:
    body = json.dumps({"data": [{"slug": "x-1", "title": "Data Engineer"}], "links": {}}).encode()
    (posting,), next_url = source(company="Configured").parse(body, URL)
    assert next_url is None
    assert posting.url == "https://www.arbeitnow.com/view/x-1"
    assert posting.company == "Configured"
    assert (posting.posted_at, posting.remote, posting.employment_type) == (None, None, None)


# -- paging ------------------------------------------------------------------------------


def test_fetch_rebases_links_next_onto_base_url(fixture: Recorded, client: ClientFactory) -> None:
    seen: list[str] = []
    pages = {"1": fixture("page1.json"), "2": fixture("page2.json")}

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url))
        if request.url.path == "/robots.txt":
            return httpx.Response(404)
        return httpx.Response(200, content=pages[request.url.params.get("page", "1")])

    with client(transport=httpx.MockTransport(handler)) as http:
        postings = list(source(base_url="https://mirror.test/an").fetch(http))

    assert len(postings) == 3
    assert seen == [
        "https://mirror.test/robots.txt",
        "https://mirror.test/an/api/job-board-api",
        "https://mirror.test/an/api/job-board-api?page=2",
    ]


def test_paging_that_loops_is_a_parse_error(fixture: Recorded, client: ClientFactory) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/robots.txt":
            return httpx.Response(404)
        return httpx.Response(200, content=fixture("page1.json"))  # always links to page 2

    with client(transport=httpx.MockTransport(handler)) as http, pytest.raises(ParseError):
        list(source().fetch(http))


def test_three_pages_from_board_server_and_conditional_get(
    board_server: BoardServer, client: ClientFactory
) -> None:
    install(board_server)
    set_arbeitnow(board_server, "arbeitnow", jobs(5), per_page=2)
    arbeitnow = source(base_url=f"{board_server.url}/arbeitnow")

    with client() as http:
        postings = list(arbeitnow.fetch(http))
        validators = dict(http.new_validators)

    assert [p.title for p in postings] == [f"Robotik Ingenieur {i}" for i in range(5)]
    assert board_server.requests == [
        "/robots.txt",
        "/arbeitnow/api/job-board-api",
        "/arbeitnow/api/job-board-api?page=2",
        "/arbeitnow/api/job-board-api?page=3",
    ]
    assert list(validators) == [f"{board_server.url}/arbeitnow/api/job-board-api"]

    with client(validators=validators) as http, pytest.raises(NotModified):
        list(arbeitnow.fetch(http))


def test_unknown_board_and_empty_board(board_server: BoardServer, client: ClientFactory) -> None:
    install(board_server)
    with client() as http, pytest.raises(FetchError) as caught:
        list(source(base_url=f"{board_server.url}/nobody").fetch(http))
    assert caught.value.status == 404

    set_arbeitnow(board_server, "arbeitnow", [])
    with client() as http:
        assert list(source(base_url=f"{board_server.url}/arbeitnow").fetch(http)) == []


def test_a_failing_second_page_fails_the_fetch(
    board_server: BoardServer, client: ClientFactory
) -> None:
    install(board_server)
    set_arbeitnow(board_server, "arbeitnow", jobs(3), per_page=2)
    board_server.fault("/arbeitnow/api/job-board-api?page=2", "500")
    with client() as http, pytest.raises(FetchError) as caught:
        list(source(base_url=f"{board_server.url}/arbeitnow").fetch(http))
    assert caught.value.status == 500


# -- a whole scrape through the CLI ----------------------------------------------------------


def test_scrape_through_the_cli(
    board_server: BoardServer, database_url: str, tmp_path: Path
) -> None:
    install(board_server)
    set_arbeitnow(
        board_server,
        "arbeitnow",
        [
            arbeitnow_job(
                7001,
                "자율주행 소프트웨어 엔지니어 (m/w/d)",
                company="Hanul Software GmbH",
                description_html="<p>Berlin · 자율주행 차량용 인지 소프트웨어</p>",
                remote=True,
                created_at=1772409600,
            ),
            arbeitnow_job(7002, "Pflegefachkraft (m/w/d)", location="Hamburg"),
            arbeitnow_job(7003, "LLM Engineer", description_html="<p>Large language models.</p>"),
        ],
        per_page=2,
    )
    config = write_config(
        tmp_path / "config.toml",
        board_server.url,
        database_url,
        sources=f"""
[[sources]]
name = "arbeitnow"
kind = "arbeitnow"
base_url = "{board_server.url}/arbeitnow"
""",
    )

    result = run_cli(config, "scrape", now="2026-03-02T12:00")
    assert result.exit_code == 0, result.output

    postings, tags = stored_postings(database_url)
    assert sorted(postings) == [
        "llm-engineer-berlin-7003",
        "pflegefachkraft-m-w-d-hamburg-7002",
        "자율주행-소프트웨어-엔지니어-m-w-d-berlin-7001",
    ]
    korean = postings["자율주행-소프트웨어-엔지니어-m-w-d-berlin-7001"]
    assert (korean.title, korean.company, korean.remote) == (
        "자율주행 소프트웨어 엔지니어 (m/w/d)",
        "Hanul Software GmbH",
        True,
    )
    assert korean.posted_at == utc("2026-03-02T00:00:00")
    assert tags[korean.id] == {"autonomous_driving"}
    assert tags[postings["llm-engineer-berlin-7003"].id] == {"llm"}


# -- recorded real responses ---------------------------------------------------------------

REAL_EXPECTED = {
    "ergon_arbeitnow_sample.json": [
        (
            "marketing-operations-manager-100-remote-cologne-332231",
            "Marketing Operations Manager (m/w/d) | 100 % Remote",
            "Schulz Digital GmbH",
            "2026-06-16T06:00:30Z",
            True,
        ),
        (
            "steuerberater-in-oftersheim-auf-wunsch-mit-partnerperspektive-gesucht-"
            "mindestens-90000eur-185530",
            "Steuerberater (m/w/d) in Oftersheim, auf Wunsch mit Partnerperspektive, gesucht - "
            "mindestens 90.000€",
            "Taxtalente.de",
            "2026-06-16T06:30:33Z",
            False,
        ),
    ],
    "ergon_arbeitnow_sample_page2.json": [
        (
            "steuerberater-in-landsberg-auf-wunsch-mit-partnerperspektive-gesucht-"
            "mindestens-90000eur-220674",
            "Steuerberater (m/w/d) in Landsberg, auf Wunsch mit Partnerperspektive, gesucht - "
            "mindestens 90.000€",
            "Taxtalente.de",
            "2026-06-16T06:30:33Z",
            False,
        ),
    ],
}


@pytest.mark.skipif(not (REALDATA / "arbeitnow").is_dir(), reason=f"no {REALDATA}/arbeitnow")
def test_recorded_real_pages_parse_through_the_cli() -> None:
    files = sorted((REALDATA / "arbeitnow").glob("*.json"))
    assert {f.name for f in files} == set(REAL_EXPECTED)
    for path in files:
        result = run_cli(None, "sources", "parse", "--kind", "arbeitnow", str(path), "--json")
        assert result.exit_code == 0, result.output
        rows = json.loads(result.stdout)
        assert [
            (r["external_id"], r["title"], r["company"], r["posted_at"], r["remote"]) for r in rows
        ] == REAL_EXPECTED[path.name], path.name
    first = REALDATA / "arbeitnow" / "ergon_arbeitnow_sample.json"
    postings, next_url = source().parse(first.read_bytes(), URL)
    assert next_url == PAGE2
    assert postings[0].employment_type == "full time"
    # "&#x26;" inside the HTML is decoded once, by the HTML-to-text step.
    text = normalise(postings[0], company=None, fallback_company="arbeitnow").description
    assert "Aufträge & Mitarbeiter" in text
