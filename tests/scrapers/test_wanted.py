"""The Wanted source: listing pages, detail budget, fetching through HTTP, a CLI scrape."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from helpers import ClientFactory, Recorded, StoredRows, run_cli, utc, write_config
from sqlalchemy import select

import scrapers.wanted
from monitor.demo.server import BoardServer
from monitor.demo.shapes.wanted import install, set_wanted, wanted_job
from monitor.errors import FetchError, ParseError
from monitor.normalise import tidy_text
from monitor.storage.db import Database
from monitor.storage.models import Posting, ScrapeRun, Source
from scrapers.wanted import WantedOptions, WantedSource

URL = "https://www.wanted.co.kr/api/v4/jobs?country=kr&job_sort=job.latest_order&limit=2&offset=0"


def source(**options: Any) -> WantedSource:
    base_url = options.pop("base_url", None)
    company = options.pop("company", None)
    return WantedSource("wanted", WantedOptions(**options), base_url=base_url, company=company)


# -- parse -------------------------------------------------------------------------------


def test_parse_listing_page(fixture: Recorded) -> None:
    postings, next_url = source().parse(fixture("page1.json"), URL)

    assert [p.external_id for p in postings] == ["301501", "301477"]
    assert [p.title for p in postings] == [
        "멀티모달 LLM 리서치 엔지니어",
        "자율주행 인지(Perception) 소프트웨어 엔지니어",
    ]
    assert [p.company for p in postings] == ["누리비전", "(주)로드마인드"]
    assert [p.location for p in postings] == ["서울 서초구", "경기 성남시"]
    assert {p.country for p in postings} == {"KR"}
    assert [p.url for p in postings] == [
        "https://www.wanted.co.kr/wd/301501",
        "https://www.wanted.co.kr/wd/301477",
    ]
    # due_time is a Korean date: applications close at the end of that day in Seoul.
    assert [p.deadline_at for p in postings] == [utc("2026-03-31T14:59:59"), None]
    assert all(p.posted_at is None for p in postings)  # Wanted publishes no date
    assert all(p.description == "" for p in postings)  # only in the detail
    assert next_url == (
        "https://www.wanted.co.kr/api/v4/jobs?country=kr&job_sort=job.latest_order&limit=2&offset=2"
    )


def test_last_page_has_no_next(fixture: Recorded) -> None:
    postings, next_url = source().parse(fixture("page2.json"), URL)
    assert [(p.external_id, p.title) for p in postings] == [
        ("301402", "의료 영상 AI 연구원 (Medical Imaging)")
    ]
    assert next_url is None


def test_next_path_is_rebased_onto_base_url(fixture: Recorded) -> None:
    wanted = source(base_url="http://127.0.0.1:8080/mirror")
    _, next_url = wanted.parse(fixture("page1.json"), URL)
    assert next_url == (
        "http://127.0.0.1:8080/mirror/api/v4/jobs"
        "?country=kr&job_sort=job.latest_order&limit=2&offset=2"
    )


def test_parse_empty_listing(fixture: Recorded) -> None:
    assert source().parse(fixture("empty.json"), URL) == ([], None)


def test_truncated_json_is_a_parse_error(fixture: Recorded) -> None:
    with pytest.raises(ParseError, match="not valid JSON"):
        source().parse(fixture("truncated.json"), URL)


def test_error_body_is_a_parse_error_with_its_message(fixture: Recorded) -> None:
    with pytest.raises(ParseError, match="유효하지 않은 요청입니다"):
        source().parse(fixture("error.json"), URL)


def test_a_detail_file_is_not_a_listing(fixture: Recorded) -> None:
    with pytest.raises(ParseError, match="job detail, not a listing"):
        source().parse(fixture("detail_301501.json"), URL)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"links": {"next": None}}, "data"),
        ({"data": []}, "links"),
        ({"data": [{"position": "x", "company": {"name": "c"}}], "links": {}}, "id"),
        ({"data": [{"id": 1, "company": {"name": "c"}}], "links": {}}, "position"),
        ({"data": [{"id": 1, "position": "x", "company": {}}], "links": {}}, "company.name"),
        ({"data": [{"id": 1, "position": "x"}], "links": {}}, "company.name"),
    ],
)
def test_missing_field_is_a_parse_error_naming_it(body: dict[str, Any], field: str) -> None:
    with pytest.raises(ParseError, match=f"field '{field}'"):
        source().parse(json.dumps(body).encode(), URL)


@pytest.mark.parametrize("body", [b"[]", b'{"data": {"id": 1}, "links": {}}', b'{"data": [7]}'])
def test_wrong_shapes_are_parse_errors(body: bytes) -> None:
    with pytest.raises(ParseError):
        source().parse(body, URL)


def test_detail_text_leaves_benefits_out(fixture: Recorded) -> None:
    text = source().parse_detail(fixture("detail_301501.json"), "https://x.test/301501")
    assert tidy_text(text) == (
        "회사 소개\n누리비전은 이미지와 텍스트를 함께 이해하는 AI로 "
        "물류 현장의 안전을 지킵니다.\n\n"
        "주요업무\n• 비전-언어 모델(VLM) 사전학습 및 미세조정\n"
        "• 멀티모달 LLM 평가 파이프라인 구축\n"
        "• 논문 구현과 사내 데이터 적용\n\n"
        "자격요건\n• 딥러닝 연구 또는 개발 경력 2년 이상\n• PyTorch 실무 경험\n\n"
        "우대사항\n• 대규모 언어 모델 분산 학습 경험\n• 관련 분야 석사 이상"
    )
    assert "의료비" not in text  # a perk would tag the posting medical


@pytest.mark.parametrize(
    ("body", "field"),
    [({"message": "x"}, "job"), ({"job": {"id": 1}}, "detail")],
)
def test_detail_without_its_fields_is_a_parse_error(body: dict[str, Any], field: str) -> None:
    with pytest.raises(ParseError, match=f"field '{field}'"):
        source().parse_detail(json.dumps(body).encode(), "https://x.test/1")


def test_options_and_query_filtering() -> None:
    assert source().is_query_filtered() is False
    assert source(query="LLM").is_query_filtered() is True
    assert source(tag_type_ids=[518]).is_query_filtered() is False
    url = source(query="멀티모달 LLM", tag_type_ids=[518, 1634]).listing_url(200)
    assert url == (
        "https://www.wanted.co.kr/api/v4/jobs?country=kr&job_sort=job.latest_order&limit=100"
        "&offset=200&query=%EB%A9%80%ED%8B%B0%EB%AA%A8%EB%8B%AC+LLM"
        "&tag_type_ids=518&tag_type_ids=1634"
    )


# -- fetch -------------------------------------------------------------------------------

JOBS = [
    wanted_job(
        9003,
        "멀티모달 LLM 엔지니어",
        company="누리비전",
        due_time="2026-03-31",
        main_tasks="• VLM 학습",
        requirements="• PyTorch",
        benefits="• 의료비 지원",
    ),
    wanted_job(9002, "자율주행 플래닝 엔지니어", company="로드마인드", location="경기",
               district="성남시", main_tasks="• 경로 계획", tag_ids=(518, 1025)),
    wanted_job(9001, "의료 AI 백엔드 개발자", company="메디코어", intro="의료 영상 판독 보조"),
]  # fmt: skip


@pytest.fixture
def market(board_server: BoardServer, monkeypatch: pytest.MonkeyPatch) -> BoardServer:
    install(board_server)
    set_wanted(board_server, "kr", JOBS)
    monkeypatch.setattr(scrapers.wanted, "PAGE_SIZE", 2)
    return board_server


def test_fetch_pages_and_details(market: BoardServer, client: ClientFactory) -> None:
    wanted = source(base_url=f"{market.url}/kr")
    with client() as http:
        postings = list(wanted.fetch(http))

    assert [p.external_id for p in postings] == ["9003", "9002", "9001"]
    assert [p.location for p in postings] == ["서울 강남구", "경기 성남시", "서울 강남구"]
    # The chaos listing has no due_time (as the real one); levels come from annual_from.
    assert postings[0].deadline_at is None
    assert [(p.level, p.years_min, p.employment_type) for p in postings] == [
        ("entry", 0, "Full-time")
    ] * 3
    assert [p.description for p in postings] == [
        "주요업무\n• VLM 학습\n\n자격요건\n• PyTorch",
        "주요업무\n• 경로 계획",
        "회사 소개\n의료 영상 판독 보조",
    ]
    assert not any(p.detail_missing for p in postings)
    assert wanted.skipped == []
    listing = [r for r in market.requests if "/results?" in r]
    chaos = "/kr/api/chaos/navigation/v1/results?country=kr&job_sort=job.latest_order&years=-1"
    assert listing == [
        f"{chaos}&locations=all&limit=2&offset=0",
        f"{chaos}&locations=all&limit=2&offset=2",
    ]


def test_detail_budget_and_known_ids(market: BoardServer, client: ClientFactory) -> None:
    wanted = source(base_url=f"{market.url}/kr", max_details_per_run=1)
    wanted.known_ids = frozenset({"9003"})
    with client() as http:
        postings = list(wanted.fetch(http))

    assert [(p.external_id, p.detail_missing) for p in postings] == [
        ("9003", True),  # stored with its details already: not asked again
        ("9002", False),
        ("9001", True),  # over the budget: next run
    ]
    assert postings[1].description == "주요업무\n• 경로 계획"
    assert wanted.skipped == ["wanted detail 9001: over the detail budget of this run (1)"]
    details = [r for r in market.requests if r.startswith("/kr/api/v4/jobs/")]
    assert details == ["/kr/api/v4/jobs/9002"]


def test_vanished_detail_is_skipped_not_fatal(market: BoardServer, client: ClientFactory) -> None:
    market.fault("/kr/api/v4/jobs/9002", "status", status=404, times=1)
    wanted = source(base_url=f"{market.url}/kr")
    with client() as http:
        postings = list(wanted.fetch(http))

    assert [p.detail_missing for p in postings] == [False, True, False]
    assert len(wanted.skipped) == 1
    assert wanted.skipped[0].startswith("wanted detail 9002: ")
    assert "404" in wanted.skipped[0]


def test_refused_details_stop_asking(market: BoardServer, client: ClientFactory) -> None:
    market.set_robots("User-agent: *\nDisallow: /kr/api/v4/jobs/\n")
    wanted = source(base_url=f"{market.url}/kr")
    with client() as http:
        postings = list(wanted.fetch(http))

    assert [p.detail_missing for p in postings] == [True, True, True]
    assert len(wanted.skipped) == 3
    assert not [r for r in market.requests if r.startswith("/kr/api/v4/jobs/")]


def test_detail_of_the_wrong_shape_fails_the_run(
    market: BoardServer, client: ClientFactory
) -> None:
    market.fault("/kr/api/v4/jobs/9003", "status", status=200, body='{"position": "x"}')
    with client() as http, pytest.raises(ParseError, match="field 'job'"):
        list(source(base_url=f"{market.url}/kr").fetch(http))


def test_query_and_tags_filter_on_the_server(market: BoardServer, client: ClientFactory) -> None:
    with client() as http:
        llm = list(source(base_url=f"{market.url}/kr", query="llm").fetch(http))
        driving = list(source(base_url=f"{market.url}/kr", tag_type_ids=[1025]).fetch(http))
    assert [p.external_id for p in llm] == ["9003"]
    assert [p.external_id for p in driving] == ["9002"]


def test_failing_listing_is_a_fetch_error(market: BoardServer, client: ClientFactory) -> None:
    market.fault("/kr/api/chaos/navigation/v1/results?", "500")
    with client() as http, pytest.raises(FetchError):
        list(source(base_url=f"{market.url}/kr").fetch(http))
    assert not [r for r in market.requests if r.startswith("/kr/api/v4/jobs/")]


def test_unknown_market_is_a_fetch_error(market: BoardServer, client: ClientFactory) -> None:
    with client() as http, pytest.raises(FetchError) as caught:
        list(source(base_url=f"{market.url}/nowhere").fetch(http))
    assert caught.value.status == 404


# -- the whole pipeline ----------------------------------------------------------------------


# What the tests below read back of each stored posting (its sorted tags follow).
COLUMNS = (
    Source.query_filtered,
    Posting.external_id,
    Posting.title,
    Posting.company,
    Posting.location,
    Posting.deadline_at,
)


def test_scrape_through_the_cli(
    market: BoardServer, database_url: str, tmp_path: Path, stored: StoredRows
) -> None:
    config = write_config(
        tmp_path / "config.toml",
        market.url,
        database_url,
        sources=f"""
[[sources]]
name = "wanted-kr"
kind = "wanted"
base_url = "{market.url}/kr"
""",
    )

    result = run_cli(config, "scrape", now="2026-03-02T12:00")

    assert result.exit_code == 0, result.output
    assert stored("wanted-kr", *COLUMNS) == [
        (False, "9001", "의료 AI 백엔드 개발자", "메디코어", "서울 강남구", None, ["medical"]),
        (False, "9002", "자율주행 플래닝 엔지니어", "로드마인드", "경기 성남시", None,
         ["autonomous_driving"]),
        (False, "9003", "멀티모달 LLM 엔지니어", "누리비전", "서울 강남구", None,
         ["llm", "multimodal_llm"]),
    ]  # fmt: skip


def test_saved_page_parses_through_the_cli(fixture: Recorded) -> None:
    result = run_cli(None, "sources", "parse", "--kind", "wanted", str(fixture.path("page1.json")))
    assert result.exit_code == 0, result.output
    result = run_cli(
        None, "sources", "parse", "--kind", "wanted", str(fixture.path("page2.json")), "--json"
    )
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert [(r["external_id"], r["company"], r["deadline_at"]) for r in rows] == [
        ("301402", "메디코어 주식회사", "2026-04-15T14:59:59Z")
    ]


def test_detail_budget_catches_up_over_runs(
    market: BoardServer, database_url: str, tmp_path: Path, stored: StoredRows
) -> None:
    config = write_config(
        tmp_path / "config.toml",
        market.url,
        database_url,
        sources=f"""
[[sources]]
name = "wanted-kr"
kind = "wanted"
max_details_per_run = 2
base_url = "{market.url}/kr"
""",
    )

    def details() -> list[str]:
        return [r.rsplit("/", 1)[1] for r in market.requests if r.startswith("/kr/api/v4/jobs/")]

    first = run_cli(config, "scrape", now="2026-03-02T12:00")
    assert first.exit_code == 0, first.output
    assert details() == ["9003", "9002"]
    # 9001 is stored from the listing alone: its title already carries a tag.
    assert [row[-1] for row in stored("wanted-kr", *COLUMNS)] == [
        ["medical"],
        ["autonomous_driving"],
        ["llm", "multimodal_llm"],
    ]

    second = run_cli(config, "scrape", now="2026-03-02T18:00")
    assert second.exit_code == 0, second.output
    assert details() == ["9003", "9002", "9001"]  # only the one still without a text

    db = Database(database_url)
    try:
        with db.session() as session:
            texts = dict(session.execute(select(Posting.external_id, Posting.description)).all())
            runs = session.scalars(select(ScrapeRun.status).order_by(ScrapeRun.id)).all()
    finally:
        db.dispose()
    assert texts["9001"] == "회사 소개\n의료 영상 판독 보조"
    assert runs == ["partial", "ok"]
