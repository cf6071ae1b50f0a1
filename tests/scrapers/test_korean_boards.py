"""Issue 14: the Korean boards and career pages read as their real responses are shaped.

Fixtures are our own, in the real shape (tests/fixtures/korean/, and the small Wanted and
Jumpit items below); the real recorded responses are checked in tests/monitor/test_realdata.py.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from helpers import local_policy

from monitor.config import parse as parse_config
from monitor.normalise import normalise
from scrapers.http import HttpClient
from scrapers.jsonld import JsonLdOptions, JsonLdSource
from scrapers.jumpit import JumpitOptions, JumpitSource
from scrapers.wanted import WantedOptions, WantedSource

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "korean"
PAGE = "https://careers.example.kr/jobs/1"


def korean(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def jsonld(**options: Any) -> JsonLdSource:
    return JsonLdSource("careers", JsonLdOptions(**(options or {"url": PAGE})))


def stored(raw: Any) -> Any:
    return normalise(raw, company=None, fallback_company="x")


# -- JSON-LD -----------------------------------------------------------------------------


def test_a_registration_number_identifier_falls_back_to_the_page_url() -> None:
    (posting,) = jsonld().parse(korean("jsonld_registration_number.html"), PAGE)[0]
    assert posting.external_id == f"{PAGE}#1"


def test_an_identifier_repeated_across_postings_of_one_fetch_falls_back() -> None:
    pages = {
        "https://careers.example.kr/a": ("데이터 엔지니어", "same-42"),
        "https://careers.example.kr/b": ("ML 엔지니어", "same-42"),
        "https://careers.example.kr/c": ("백엔드 개발자", "own-7"),
    }

    def answer(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/robots.txt":
            return httpx.Response(404)
        title, ident = pages[str(request.url)]
        body = json.dumps({"@type": "JobPosting", "title": title, "identifier": ident})
        html = f'<script type="application/ld+json">{body}</script>'
        return httpx.Response(200, text=html, headers={"content-type": "text/html"})

    source = jsonld(urls=list(pages))
    with HttpClient(local_policy(), transport=httpx.MockTransport(answer)) as client:
        ids = [p.external_id for p in source.fetch(client)]
    assert ids == ["https://careers.example.kr/a#1", "https://careers.example.kr/b#1", "own-7"]


def test_places_keep_city_and_district() -> None:
    (raw,) = jsonld().parse(korean("jsonld_registration_number.html"), PAGE)[0]
    assert raw.location == "서울 중구"
    assert raw.extra["locations"] == ["서울 중구", "대전 중구"]
    assert stored(raw).country == "KR"


def test_a_street_address_gives_the_city_and_the_country() -> None:
    (raw,) = jsonld().parse(korean("jsonld_street_only.html"), PAGE)[0]
    assert raw.location == "경기 안산시 단원구"
    posting = stored(raw)
    assert posting.country == "KR"


def test_naive_times_are_read_in_the_configured_zone() -> None:
    (raw,) = jsonld().parse(korean("jsonld_street_only.html"), PAGE)[0]
    assert raw.deadline_at == datetime(2026, 10, 19, 14, 59, tzinfo=UTC)
    (raw,) = jsonld(url=PAGE, timezone="UTC").parse(korean("jsonld_street_only.html"), PAGE)[0]
    assert raw.deadline_at == datetime(2026, 10, 19, 23, 59, tzinfo=UTC)


def test_the_timezone_option_defaults_to_the_config_zone() -> None:
    raw = {
        "timezone": "Europe/Berlin",
        "sources": [{"name": "c", "kind": "jsonld", "url": PAGE}],
    }
    config = parse_config(raw, None)
    assert config.sources[0].options.timezone == "Europe/Berlin"


def test_employment_types_map_to_known_types_or_none() -> None:
    postings = jsonld().parse(korean("jsonld_odd_types.html"), PAGE)[0]
    assert [p.employment_type for p in postings] == [None, "Contract", "Internship, Full-time"]
    (raw,) = jsonld().parse(korean("jsonld_street_only.html"), PAGE)[0]
    assert raw.employment_type == "Full-time"


def test_microdata_job_postings_are_read() -> None:
    page = "https://career.hanbit.example/job/4100001/"
    (raw,) = jsonld(url=page).parse(korean("successfactors_microdata.html"), page)[0]
    assert raw.title == "[한빛클라우드] 멀티모달 LLM 연구원"
    assert raw.company == "hanbit"
    assert raw.location == "서울"
    assert raw.posted_at == datetime(2026, 3, 2, tzinfo=UTC)
    assert raw.deadline_at == datetime(2026, 3, 31, 15, tzinfo=UTC)
    posting = stored(raw)
    assert posting.country == "KR"
    assert "비전-언어 모델 연구" in posting.description
    assert posting.external_id == f"{page}#1"


def test_json_ld_experience_requirements() -> None:
    (raw,) = jsonld().parse(korean("jsonld_registration_number.html"), PAGE)[0]
    assert stored(raw).level == "entry"
    (raw,) = jsonld().parse(korean("jsonld_street_only.html"), PAGE)[0]
    assert (stored(raw).level, stored(raw).years_min) == ("entry", 0)
    senior = jsonld().parse(korean("jsonld_odd_types.html"), PAGE)[0][0]
    assert (stored(senior).level, stored(senior).years_min) == ("experienced", 5)


# -- Jumpit ------------------------------------------------------------------------------

JUMPIT_ITEM = {
    "id": 54900001,
    "jobCategory": "<span class='highlight'>인공지능</span>/머신러닝,SW/솔루션",
    "title": "비전 AI 개발 신입",
    "companyName": "한빛비전",
    "techStacks": ["Python", "PyTorch"],
    "newcomer": True,
    "minCareer": 0,
    "maxCareer": 0,
    "locations": ["경기 성남시 분당구"],
    "alwaysOpen": False,
    "closedAt": "2026-10-05T23:59:59",
}


def jumpit_page(*items: dict[str, Any]) -> bytes:
    result = {"totalCount": len(items), "page": 1, "positions": list(items)}
    body = {"message": "포지션 리스트가 조회되었습니다.", "status": 200, "code": "P004"}
    return json.dumps({**body, "result": result}, ensure_ascii=False).encode()


def test_jumpit_defaults_to_the_api_host_of_the_real_recordings() -> None:
    source = JumpitSource("jumpit", JumpitOptions())
    assert source.listing_url().startswith("https://api.jumpit.co.kr/api/positions?")


def test_jumpit_asks_for_no_highlight_markup_and_strips_any() -> None:
    source = JumpitSource("jumpit", JumpitOptions(keyword="인공지능"))
    assert "highlight=false" in source.listing_url()
    (raw,) = source.parse(jumpit_page(JUMPIT_ITEM), "https://api.jumpit.co.kr/api/positions")[0]
    assert raw.extra["job_category"] == "인공지능/머신러닝,SW/솔루션"


def test_jumpit_experience() -> None:
    other = {**JUMPIT_ITEM, "id": 54900002, "title": "AI Engineer 신입 및 경력 채용 공고"}
    other.update(newcomer=False, minCareer=1, maxCareer=3)
    postings = JumpitSource("j", JumpitOptions()).parse(jumpit_page(JUMPIT_ITEM, other), "u")[0]
    read = [stored(p) for p in postings]
    assert [(p.level, p.years_min, p.years_max) for p in read] == [
        ("entry", 0, 0),
        ("experienced", 1, 3),
    ]


# -- Wanted ------------------------------------------------------------------------------

WANTED_ITEM = {
    "id": 384001,
    "company": {"id": 29001, "name": "한빛로보틱스"},
    "address": {"country": "한국", "location": "서울", "district": "강동구"},
    "position": "Vision AI 엔지니어 (전문연구요원 가능)",
    "category_tag": {"parent_id": 518, "id": 1634},
    "annual_from": 0,
    "annual_to": 3,
    "is_newbie": True,
    "employment_type": "regular",
}


def wanted_page(*items: dict[str, Any]) -> bytes:
    links = {"prev": None, "next": None}
    return json.dumps({"data": list(items), "links": links}, ensure_ascii=False).encode()


def test_wanted_defaults_to_the_chaos_endpoint() -> None:
    url = WantedSource("w", WantedOptions(tag_type_ids=[518, 1634])).listing_url(100)
    assert url == (
        "https://www.wanted.co.kr/api/chaos/navigation/v1/results?country=kr"
        "&job_sort=job.latest_order&years=-1&locations=all&limit=100&offset=100"
        "&job_group_id=518&job_ids=1634"
    )


def test_wanted_reads_employment_type_newbie_and_years() -> None:
    senior = {**WANTED_ITEM, "id": 384002, "is_newbie": False, "annual_from": 5}
    senior.update(annual_to=100, employment_type="contract")
    intern = {**WANTED_ITEM, "id": 384003, "employment_type": "intern", "annual_to": 1}
    postings = WantedSource("w", WantedOptions()).parse(
        wanted_page(WANTED_ITEM, senior, intern), "u"
    )
    read = [stored(p) for p in postings[0]]
    assert [(p.employment_type, p.level, p.years_min, p.years_max) for p in read] == [
        ("Full-time", "entry", 0, 3),
        ("Contract", "experienced", 5, None),
        ("Internship", "entry", 0, 1),
    ]


@pytest.mark.parametrize("wrapped", [False, True], ids=["bare", "wrapped"])
def test_wanted_detail_bare_or_wrapped(wrapped: bool) -> None:
    job = {"id": 384001, "detail": {"main_tasks": "• 비전 모델 학습", "requirements": "• 석사"}}
    body = {"data": {"job": job}} if wrapped else {"job": job}
    text = WantedSource("w", WantedOptions()).parse_detail(json.dumps(body).encode(), "u")
    assert text == "주요업무\n• 비전 모델 학습\n\n자격요건\n• 석사"


# -- Saramin, Work24, Lever, Greenhouse ----------------------------------------------------

TESTS = Path(__file__).resolve().parents[1] / "fixtures"


def test_saramin_experience_level() -> None:
    from scrapers.saramin import SaraminOptions, SaraminSource

    body = (TESTS / "saramin" / "search.json").read_bytes()
    postings = SaraminSource("s", SaraminOptions()).parse(body, "https://oapi.saramin.co.kr/x")[0]
    read = [stored(p) for p in postings]
    assert [(p.level, p.years_min, p.years_max) for p in read] == [
        ("experienced", 2, None),
        ("entry", 0, 0),
        ("experienced", 3, 10),
    ]


def test_work24_career() -> None:
    from scrapers.work24 import Work24Options, Work24Source

    body = (TESTS / "work24" / "list.xml").read_bytes()
    postings = Work24Source("w", Work24Options(keyword="AI")).parse(body, "https://x/list")[0]
    assert [(stored(p).level, stored(p).years_min) for p in postings] == [
        ("experienced", None),
        ("entry", 0),
        ("entry", 0),
    ]


def test_lever_commitment_and_greenhouse_metadata() -> None:
    from scrapers.greenhouse import GreenhouseOptions, GreenhouseSource
    from scrapers.lever import LeverOptions, LeverSource

    lever = [
        {
            "id": "a1",
            "text": "Research Intern, Multimodal",
            "hostedUrl": "https://jobs.lever.co/x/a1",
            "createdAt": 1767225600000,
            "categories": {"commitment": "Intern", "location": "Seoul"},
        }
    ]
    (raw,) = LeverSource("l", LeverOptions(site="x")).parse(json.dumps(lever).encode(), "u")[0]
    assert raw.experience == "Intern"
    board = {
        "jobs": [
            {
                "id": 7,
                "title": "Perception Engineer",
                "absolute_url": "https://boards.greenhouse.io/x/jobs/7",
                "updated_at": "2026-01-01T00:00:00-05:00",
                "location": {"name": "Seoul, South Korea"},
                "metadata": [
                    {
                        "id": 1,
                        "name": "Experience Level",
                        "value": "Entry Level",
                        "value_type": "single_select",
                    }
                ],
            }
        ],
        "meta": {"total": 1},
    }
    source = GreenhouseSource("g", GreenhouseOptions(board="x"))
    (raw,) = source.parse(json.dumps(board).encode(), "u")[0]
    assert stored(raw).level == "entry"
