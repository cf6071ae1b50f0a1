"""The Remote OK source: mojibake repair, the anti-spam paragraph, fetching, a CLI scrape."""

from __future__ import annotations

import base64
import json
import re
from pathlib import Path
from typing import Any

import pytest
from helpers import (
    REALDATA,
    ClientFactory,
    Recorded,
    local_policy,
    run_cli,
    stored_postings,
    utc,
    write_config,
)

from monitor.demo.server import BoardServer
from monitor.demo.shapes.remoteok import (
    REQUESTER_IP,
    anti_spam_paragraph,
    install,
    remoteok_job,
    set_remoteok,
)
from monitor.errors import FetchError, NotModified, ParseError
from monitor.normalise import normalise
from scrapers.http import HttpPolicy
from scrapers.remoteok import RemoteOkSource, clean_description, repair, strip_requester

URL = "https://remoteok.com/api"
FIXTURE_IP = "203.0.113.7"  # TEST-NET-3: the "requester" baked into the fixture


@pytest.fixture
def policy() -> HttpPolicy:
    return local_policy(max_body_bytes=4 * 1024 * 1024)


def source(**kwargs: str) -> RemoteOkSource:
    return RemoteOkSource("remoteok", **kwargs)


def b64(ip: str) -> str:
    return base64.b64encode(ip.encode()).decode()


def assert_nothing_identifies(text: str, ip: str) -> None:
    """Neither the paragraph, nor the tag, nor the address in any spelling is left."""
    assert "Please mention the word **" not in text
    assert "beta feature to avoid spam" not in text
    assert b64(ip) not in text
    assert b64(ip).rstrip("=") not in text
    assert ip not in text


# -- parse -------------------------------------------------------------------------------


def test_parse_listing(fixture: Recorded) -> None:
    postings, next_url = source().parse(fixture("api.json"), URL)

    assert next_url is None
    assert [p.external_id for p in postings] == ["1204417", "1204388", "1204350", "1204301"]
    # Double-encoded UTF-8 is repaired; a title cut inside "）" loses the broken byte.
    assert [p.title for p in postings] == [
        "자율주행 인지 엔지니어 (Perception)",
        "Medical Imaging ML Engineer",
        "LLM Researcher（東京",
        "Senior Backend Engineer",
    ]
    assert [p.company for p in postings] == [
        "Nuri Mobility",
        "Radiant Health",
        "Kumo Labs 株式会社",
        "Plainfield",
    ]
    # "São Paulo" repaired, "Orlando, " trimmed, "" is no location.
    assert [p.location for p in postings] == [
        "Seoul, South Korea",
        "São Paulo, SP",
        "Orlando",
        None,
    ]
    assert [p.posted_at for p in postings] == [
        utc("2026-03-02T00:00:00"),
        utc("2026-02-28T23:59:59"),
        utc("2026-02-28T00:00:00"),
        utc("2026-02-27T00:00:00"),
    ]
    assert all(p.remote is True and p.description_format == "html" for p in postings)
    # The link back the terms ask for is kept exactly as given.
    assert postings[0].url == (
        "https://remoteOK.com/remote-jobs/"
        "remote-autonomous-driving-perception-engineer-nuri-mobility-1204417"
    )
    assert postings[0].extra == {
        "tags": ["autonomous driving", "engineer", "c++"],  # the repeated tag once
        "salary_min": 60000,
        "salary_max": 90000,
    }
    assert postings[1].extra == {"tags": ["medical", "machine learning", "python"]}


def test_descriptions_are_repaired_and_plain_text_is_exact(fixture: Recorded) -> None:
    postings, _ = source().parse(fixture("api.json"), URL)
    texts = [normalise(p, company=None, fallback_company="remoteok").description for p in postings]

    assert texts == [
        "누리모빌리티는 레벨 4 자율주행 트럭을 만듭니다.\n\n주요 업무\n\n"
        "카메라·라이다 융합 인지 모델 개발\n멀티모달 LLM 기반 장면 이해 연구\n\n"
        "원격 근무 가능 — 서울 사무실 선택",
        "We’re building radiology tools that clinicians actually enjoy…\n"
        "You’ll train segmentation models on CT and MRI. 🚀\n"
        "Benefits: medical, dental & vision.",
        "大規模言語モデルの研究者を募集します。",
        "Go services for logistics.\nPlease mention the word banana in your cover letter.",
    ]
    # The literal backslash-n between tags became a real newline in the HTML.
    assert "</p>\n<p><strong>주요 업무" in postings[0].description
    assert "\\n" not in postings[0].description


def test_the_requester_is_never_in_what_is_stored(fixture: Recorded) -> None:
    raw = fixture("api.json").decode()
    # The tag and (#tag) in two paragraphs, the tag alone in one cut short.
    assert raw.count(b64(FIXTURE_IP)) == 5
    assert raw.count(b64("2001:db8::1")) == 2

    postings, _ = source().parse(fixture("api.json"), URL)

    for posting in postings:
        stored = normalise(posting, company=None, fallback_company="remoteok")
        for text in (posting.description, stored.description, stored.title, str(posting.extra)):
            assert_nothing_identifies(text, FIXTURE_IP)
            assert_nothing_identifies(text, "2001:db8::1")
    # An employer's own "please mention the word" (no ** markup) is part of the ad.
    assert postings[3].description.endswith(
        "Please mention the word banana in your cover letter.</p>"
    )


def test_strip_requester_cases() -> None:
    tag = "R" + b64("198.51.100.23")
    full = anti_spam_paragraph("42", "198.51.100.23")
    assert strip_requester("<p>Job</p>" + full) == "<p>Job</p>"
    # Cut short anywhere after its first words, as recorded samples are.
    for cut in (40, 60, 90, 150):
        assert strip_requester("<p>Job</p>" + full[:cut]) == "<p>Job</p>"
    # A stray tag in another spelling is still caught; ordinary words are left alone.
    assert strip_requester(f"ref {tag} and #{tag}!") == "ref  and !"
    assert strip_requester("Rendering Engineer, MzguNjguMTM0 team") == (
        "Rendering Engineer, MzguNjguMTM0 team"
    )
    # Only the last paragraph is Remote OK's.
    twice = "<p>Please mention the word **KIWI** in the subject.</p><p>More</p>" + full
    assert (
        strip_requester(twice)
        == "<p>Please mention the word **KIWI** in the subject.</p><p>More</p>"
    )


def test_repair_leaves_clean_text_alone() -> None:
    for clean in ("Café in München", "자율주행", "naïve – résumé", "Ürün Müdürü é"):
        assert repair(clean) == clean
    assert repair("CafÃ©") == "Café"
    assert repair("ì\x9e\x90ì\x9c¨ì£¼í\x96\x89") == "자율주행"
    assert repair("ì\x9e\x90ì\x9c¨ì£¼í\x96") == "자율주"  # cut inside the last syllable
    assert clean_description("<p>a</p>\\n<p>b</p>") == "<p>a</p>\n<p>b</p>"


def test_parse_empty_listing(fixture: Recorded) -> None:
    assert source().parse(fixture("empty.json"), URL) == ([], None)
    assert source().parse(b"[]", URL) == ([], None)


def test_truncated_json_is_a_parse_error(fixture: Recorded) -> None:
    with pytest.raises(ParseError, match="not valid JSON") as caught:
        source().parse(fixture("truncated.json"), URL)
    assert URL in str(caught.value)


def test_error_answers_are_parse_errors() -> None:
    with pytest.raises(ParseError, match="API access suspended"):
        source().parse(b'{"error": "API access suspended"}', URL)
    with pytest.raises(ParseError, match="not a Remote OK listing"):
        source().parse(b'{"jobs": []}', URL)
    with pytest.raises(ParseError, match="not valid JSON"):
        source().parse(b"<html><title>Just a moment...</title></html>", URL)


@pytest.mark.parametrize(
    ("item", "field"),
    [({"position": "Engineer", "epoch": 1}, "id"), ({"id": "7", "epoch": 1}, "position")],
)
def test_missing_field_is_a_parse_error_naming_it(item: dict[str, Any], field: str) -> None:
    with pytest.raises(ParseError, match=f"field '{field}'"):
        source().parse(json.dumps([{"legal": "x"}, item]).encode(), URL)


def test_empty_shell_is_skipped_and_minimal_job_parses() -> None:
    body = json.dumps(
        [
            {"last_updated": 1, "legal": "terms"},
            {"id": "9", "position": "", "company": "", "description": "", "epoch": 1},
            {"id": 10, "position": "Robotics Engineer", "date": "2026-03-02T09:00:00+09:00"},
        ]
    ).encode()
    (posting,), _ = source(company="Configured").parse(body, URL)
    assert posting.external_id == "10"
    assert posting.url == "https://remoteok.com/remote-jobs/10"
    assert posting.company == "Configured"
    assert posting.posted_at == utc("2026-03-02T00:00:00")  # no epoch: the date
    assert (posting.description, posting.location) == ("", None)


def test_attribution_names_the_source() -> None:
    assert RemoteOkSource.attribution == "Remote OK"


# -- fetch -------------------------------------------------------------------------------


def test_fetch_from_board_server_and_conditional_get(
    board_server: BoardServer, client: ClientFactory
) -> None:
    install(board_server)
    set_remoteok(
        board_server,
        "remoteok",
        [
            remoteok_job(
                "501",
                "멀티모달 LLM 엔지니어",
                company="Saebyeok AI",
                description_html="<p>VLM 연구 — 서울</p>",
                epoch=1772409600,
                location="Seoul, South Korea",
            ),
            remoteok_job("502", "Backend Engineer", company="Zürich Data AG", epoch=1772323200),
        ],
    )
    remoteok = source(base_url=f"{board_server.url}/remoteok")

    with client() as http:
        postings = list(remoteok.fetch(http))
        validators = dict(http.new_validators)

    assert [(p.external_id, p.title, p.company) for p in postings] == [
        ("501", "멀티모달 LLM 엔지니어", "Saebyeok AI"),
        ("502", "Backend Engineer", "Zürich Data AG"),
    ]
    assert postings[0].description == "<p>VLM 연구 — 서울</p>"
    assert postings[0].posted_at == utc("2026-03-02T00:00:00")
    for posting in postings:
        assert_nothing_identifies(posting.description, REQUESTER_IP)
    assert board_server.requests == ["/robots.txt", "/remoteok/api"]
    assert list(validators) == [f"{board_server.url}/remoteok/api"]

    with client(validators=validators) as http, pytest.raises(NotModified):
        list(remoteok.fetch(http))


def test_unknown_board_fails_the_fetch(board_server: BoardServer, client: ClientFactory) -> None:
    install(board_server)
    with client() as http, pytest.raises(FetchError) as caught:
        list(source(base_url=f"{board_server.url}/nobody").fetch(http))
    assert caught.value.status == 404


def test_served_empty_listing_is_empty(board_server: BoardServer, client: ClientFactory) -> None:
    install(board_server)
    set_remoteok(board_server, "remoteok", [])
    with client() as http:
        assert list(source(base_url=f"{board_server.url}/remoteok").fetch(http)) == []


# -- a whole scrape through the CLI ----------------------------------------------------------


def test_scrape_through_the_cli(
    board_server: BoardServer, database_url: str, tmp_path: Path
) -> None:
    install(board_server)
    set_remoteok(
        board_server,
        "remoteok",
        [
            remoteok_job(
                "601",
                "자율주행 플래닝 엔지니어",
                company="Nuri Mobility",
                description_html="<p>레벨 4 자율주행 트럭의 경로 계획을 맡습니다.</p>",
                location="Seoul, South Korea",
            ),
            remoteok_job(
                "602",
                "Clinical NLP Engineer",
                company="Radiant Health",
                description_html="<p>Large language models for radiology reports.</p>",
            ),
        ],
    )
    config = write_config(
        tmp_path / "config.toml",
        board_server.url,
        database_url,
        sources=f"""
[[sources]]
name = "remoteok"
kind = "remoteok"
base_url = "{board_server.url}/remoteok"
""",
    )

    result = run_cli(config, "scrape", now="2026-03-02T12:00")
    assert result.exit_code == 0, result.output

    postings, tags = stored_postings(database_url)
    assert sorted(postings) == ["601", "602"]
    korean = postings["601"]
    assert (korean.title, korean.company, korean.country, korean.remote) == (
        "자율주행 플래닝 엔지니어",
        "Nuri Mobility",
        "KR",
        True,
    )
    assert korean.description == "레벨 4 자율주행 트럭의 경로 계획을 맡습니다."
    assert tags[korean.id] == {"autonomous_driving"}
    assert tags[postings["602"].id] == {"llm", "medical"}
    for posting in postings.values():
        assert_nothing_identifies(posting.description, REQUESTER_IP)


# -- recorded real responses ---------------------------------------------------------------

# Latin-1 readings of UTF-8 sequences ("Ã©", "Â\xa0", "â\x80\x99", "ð\x9f\x9a\x80") and C1
# controls; a real "â" as in "discrepâncias" is fine.
MOJIBAKE = re.compile("[ÃÂ][\x80-\xbf]|â\x80|ð\x9f|[\x80-\x9f]")
REAL_IP = "38.68.134.194"  # the recorder's address, in the byte-exact response's tags


def parse_real(path: Path) -> list[dict[str, Any]]:
    result = run_cli(None, "sources", "parse", "--kind", "remoteok", str(path), "--json")
    assert result.exit_code == 0, result.output
    rows: list[dict[str, Any]] = json.loads(result.stdout)
    return rows


@pytest.mark.skipif(not (REALDATA / "remoteok").is_dir(), reason=f"no {REALDATA}/remoteok")
def test_recorded_full_response_parses_clean() -> None:
    path = REALDATA / "remoteok" / "remoteok_api_0_body.json"
    raw = path.read_text(encoding="utf-8")
    assert raw.count(b64(REAL_IP)) == 196  # two per job: the tag and (#tag)

    rows = parse_real(path)

    # 99 elements: the legal notice, 97 jobs and one empty shell (1057180).
    assert len(rows) == 97
    assert "1057180" not in {row["external_id"] for row in rows}
    first, last = rows[0], rows[-1]
    assert (first["external_id"], first["title"], first["company"], first["posted_at"]) == (
        "1059249",
        "Senior Backend Golang Engineer Mailgun Send",
        "Mailgun",
        "2024-12-03T21:15:04Z",
    )
    assert (last["external_id"], last["title"], last["company"], last["posted_at"]) == (
        "1051852",
        "Data Analyst Digital Analytics",
        "Softrams",
        "2024-11-22T12:00:17Z",
    )
    by_id = {row["external_id"]: row for row in rows}
    assert by_id["1058716"]["location"] == "Gothenburg, Västra Götaland, Sweden"
    assert by_id["1057897"]["location"] == "São Paulo"
    assert by_id["1058065"]["title"] == "Language specialist（社内通訳"
    assert by_id["1058065"]["description"].startswith("PayPayについて\n\n2018年にサービスを開始")
    assert by_id["1059247"]["company"] == "CI&T"  # an entity in the company field
    for row in rows:
        for key in ("title", "company", "location", "description"):
            text = row[key] or ""
            assert_nothing_identifies(text, REAL_IP)
            assert not MOJIBAKE.search(text), (row["external_id"], key)
        assert "\\n" not in row["description"]
        assert row["url"].lower().startswith("https://remoteok.com/remote-jobs/")
        assert row["remote"] is True
    # Partner jobs carry the partner's apply link as `url`; the link back is to Remote OK.
    assert (
        by_id["1059244"]["url"]
        == "https://remoteok.com/remote-jobs/remote-software-engineer-jump-1059244"
    )


@pytest.mark.skipif(not (REALDATA / "remoteok").is_dir(), reason=f"no {REALDATA}/remoteok")
def test_recorded_trimmed_samples_parse() -> None:
    expected = {
        "ergon_remoteok_sample.json": [
            ("1133263", "sdf", "2026-06-11T14:43:27Z", "67.205.173.154"),
            ("1133407", "Executive Assistant the Founders", "2026-06-14T15:07:23Z", None),
            ("1133405", "Admin Virtual Assistant", "2026-06-14T15:03:37Z", None),
        ],
        "ikevinxie_remoteok.json": [
            ("1134698", "Australian English Voice Actor Adelaide", "2026-07-10T02:20:45Z", None),
            ("1134650", "Support Technician Level 1 2", "2026-07-10T00:03:02Z", None),
            ("1134651", "Customer Success Manager", "2026-07-09T22:30:53Z", None),
            ("1134648", "Warehouse Inventory Clerk", "2026-07-09T21:58:53Z", None),
        ],
    }
    for name, jobs in expected.items():
        rows = parse_real(REALDATA / "remoteok" / name)
        assert [(r["external_id"], r["title"], r["posted_at"]) for r in rows] == [
            (job_id, title, posted) for job_id, title, posted, _ in jobs
        ], name
        for row, (*_, ip) in zip(rows, jobs, strict=True):
            if ip:
                assert_nothing_identifies(row["description"], ip)
    ergon = parse_real(REALDATA / "remoteok" / "ergon_remoteok_sample.json")
    # Cut-short paragraphs are removed too, and "…" is repaired from "â\x80¦".
    assert [r["description"] for r in ergon] == [
        "sdf",
        "Posted 8:36:42 PM. Executive Assistant to the FoundersLocation: Fully Remote (East Coast "
        "Preferred)Travel: Occasional…See this and similar jobs on LinkedIn.",
        "Posted 4:31:37 PM. Hey there! We’re myVA Rocks! We connect busy pros and business owners "
        "with amazing Virtual…See this and similar jobs on LinkedIn.",
    ]
