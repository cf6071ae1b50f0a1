"""The Jumpit source: listing pages, detail budget, fetching through HTTP, a CLI scrape."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from helpers import ClientFactory, Recorded, StoredRows, run_cli, utc, write_config

from monitor.demo.server import BoardServer
from monitor.demo.shapes.jumpit import install, jumpit_position, set_jumpit
from monitor.errors import ConfigError, FetchError, ParseError
from monitor.normalise import normalise
from monitor.posting import RawPosting
from monitor.storage.models import Posting, Source
from scrapers.base import build_options
from scrapers.jumpit import JumpitOptions, JumpitSource

URL = "https://api.jumpit.co.kr/api/positions?sort=reg_dt&highlight=false&page=1"


def source(**options: Any) -> JumpitSource:
    base_url = options.pop("base_url", None)
    return JumpitSource("jumpit", JumpitOptions(**options), base_url=base_url)


# -- parse -------------------------------------------------------------------------------


def test_parse_listing_page(fixture: Recorded) -> None:
    postings, next_url = source().parse(fixture("page1.json"), URL)

    assert [p.external_id for p in postings] == ["51207", "51188"]
    assert [p.title for p in postings] == [
        "[AI연구소] 비전-언어 모델(VLM) 엔지니어",
        "자율주행 차량 제어 SW 개발자 (C++)",
    ]
    assert [p.company for p in postings] == ["주식회사 하늘데이터", "카모빌리티랩"]
    assert [p.location for p in postings] == ["서울 마포구", "경기 성남시 분당구"]
    assert [p.url for p in postings] == [
        "https://jumpit.saramin.co.kr/position/51207",
        "https://jumpit.saramin.co.kr/position/51188",
    ]
    # closedAt is Korean time without a zone; an always-open position has no deadline.
    assert [p.deadline_at for p in postings] == [utc("2026-03-31T14:59:59"), None]
    assert all(p.posted_at is None for p in postings)  # only the detail has publishedAt
    assert postings[0].extra == {
        "tech_stacks": ["Python", "PyTorch", "Hugging Face"],
        "job_category": "인공지능/머신러닝",
    }
    assert postings[1].extra["locations"] == ["경기 성남시 분당구", "서울 강남구"]
    assert next_url == "https://api.jumpit.co.kr/api/positions?sort=reg_dt&highlight=false&page=2"


def test_last_page_has_no_next(fixture: Recorded) -> None:
    url = URL.replace("page=1", "page=2")
    postings, next_url = source().parse(fixture("page2.json"), url)
    assert [(p.external_id, p.location, p.deadline_at) for p in postings] == [
        ("51160", "서울 송파구", utc("2026-04-10T09:00:00")),
        ("51102", None, utc("2026-05-01T14:59:59")),
    ]
    assert next_url is None  # 2 pages of 2 hold totalCount 4


def test_parse_empty_listing(fixture: Recorded) -> None:
    assert source().parse(fixture("empty.json"), URL) == ([], None)


def test_truncated_json_is_a_parse_error(fixture: Recorded) -> None:
    with pytest.raises(ParseError, match="not valid JSON"):
        source().parse(fixture("truncated.json"), URL)


def test_error_answer_is_a_parse_error_with_its_message(fixture: Recorded) -> None:
    with pytest.raises(ParseError, match=r"status 400 C001\): 잘못된 요청입니다"):
        source().parse(fixture("error.json"), URL)


def test_a_detail_file_is_not_a_listing(fixture: Recorded) -> None:
    with pytest.raises(ParseError, match="position detail, not a listing"):
        source().parse(fixture("detail_51207.json"), URL)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"message": None, "status": 200}, "result"),
        ({"result": {"totalCount": 0}}, "positions"),
        ({"result": {"positions": [{"title": "x", "companyName": "c"}]}}, "id"),
        ({"result": {"positions": [{"id": 1, "companyName": "c"}]}}, "title"),
        ({"result": {"positions": [{"id": 1, "title": "x"}]}}, "companyName"),
    ],
)
def test_missing_field_is_a_parse_error_naming_it(body: dict[str, Any], field: str) -> None:
    with pytest.raises(ParseError, match=f"field '{field}'"):
        source().parse(json.dumps(body).encode(), URL)


@pytest.mark.parametrize(
    "body", [b"[]", b'{"result": {"positions": {}}}', b'{"result": {"positions": [1]}}']
)
def test_wrong_shapes_are_parse_errors(body: bytes) -> None:
    with pytest.raises(ParseError):
        source().parse(body, URL)


def test_detail_adds_text_and_date(fixture: Recorded) -> None:
    (posting, _), _ = source().parse(fixture("page1.json"), URL)
    source().apply_detail(posting, fixture("detail_51207.json"), "https://x.test/51207")

    assert posting.posted_at == utc("2026-02-27T05:30:00")  # 14:30 in Seoul
    assert posting.description_format == "text"
    stored = normalise(posting, company=None, fallback_company="jumpit")
    assert stored.description == (
        "서비스 소개\n하늘데이터는 위성 영상과 문서를 함께 읽는 AI를 만듭니다.\n\n"
        "주요업무\n- 멀티모달 LLM 학습 데이터 파이프라인 설계\n"
        "- 비전-언어 모델 미세조정 및 평가\n\n"
        "자격요건\n- Python, PyTorch 능숙자\n- 딥러닝 프로젝트 경험 2년 이상\n\n"
        "우대사항\n- 대규모 언어 모델 서빙(vLLM) 경험\n\n"
        "기술스택\nPython, PyTorch, Hugging Face"
    )
    assert "의료비" not in stored.description  # benefits stay out


def test_closed_detail_is_a_parse_error_with_the_code(fixture: Recorded) -> None:
    posting = RawPosting("51207", "x", "https://x.test")
    with pytest.raises(ParseError, match="C003"):
        source().apply_detail(posting, fixture("closed.json"), "https://x.test/51207")


def test_detail_without_texts_is_a_parse_error() -> None:
    posting = RawPosting("1", "x", "https://x.test")
    with pytest.raises(ParseError, match="field 'responsibility'"):
        source().apply_detail(posting, b'{"result": {"id": 1}}', "https://x.test/1")


def test_options() -> None:
    assert source().is_query_filtered() is False
    assert source(job_category=12).is_query_filtered() is False
    assert source(keyword="LLM").is_query_filtered() is True
    assert source(keyword="비전", job_category=[1, 12]).listing_url(3) == (
        "https://api.jumpit.co.kr/api/positions?sort=reg_dt&highlight=false"
        "&keyword=%EB%B9%84%EC%A0%84&jobCategory=1&jobCategory=12&page=3"
    )
    assert build_options(JumpitSource, {"job_category": [1, 12]}).job_category == [1, 12]
    with pytest.raises(ConfigError, match="'job_category' must be an integer or a list of"):
        build_options(JumpitSource, {"job_category": "AI"})


# -- fetch -------------------------------------------------------------------------------


def positions(count: int) -> list[dict[str, Any]]:
    return [
        jumpit_position(
            7000 - i,
            f"비전-언어 모델 엔지니어 {i}",
            responsibility=f"- VLM 학습 {i}",
            published_at=f"2026-03-0{1 + i % 3} 09:00:00",
        )
        for i in range(count)
    ]


@pytest.fixture
def market(board_server: BoardServer) -> BoardServer:
    install(board_server)
    return board_server


def test_fetch_pages_of_sixteen_and_details(market: BoardServer, client: ClientFactory) -> None:
    set_jumpit(market, "kr", positions(20))
    jumpit = source(base_url=f"{market.url}/kr", max_details_per_run=20)
    with client() as http:
        postings = list(jumpit.fetch(http))

    assert [p.external_id for p in postings] == [str(7000 - i) for i in range(20)]
    assert postings[0].description == "주요업무\n- VLM 학습 0\n\n기술스택\nPython, PyTorch"
    assert postings[1].posted_at == utc("2026-03-02T00:00:00")
    assert jumpit.skipped == []
    listing = [r for r in market.requests if r.startswith("/kr/api/positions")]
    # 16 + 4 of totalCount 20: two pages, no probe past the end.
    assert listing == [
        "/kr/api/positions?sort=reg_dt&highlight=false&page=1",
        "/kr/api/positions?sort=reg_dt&highlight=false&page=2",
    ]


def test_detail_budget_known_ids_and_closed_positions(
    market: BoardServer, client: ClientFactory
) -> None:
    set_jumpit(market, "kr", positions(4))
    market.fault("/kr/api/position/6999", "status", status=400, times=1)
    jumpit = source(base_url=f"{market.url}/kr", max_details_per_run=2)
    jumpit.known_ids = frozenset({"7000"})
    with client() as http:
        postings = list(jumpit.fetch(http))

    assert [(p.external_id, p.detail_missing) for p in postings] == [
        ("7000", True),  # known: not asked again
        ("6999", True),  # its detail failed (closed since the listing)
        ("6998", False),
        ("6997", True),  # over the budget of 2
    ]
    assert postings[2].posted_at == utc("2026-03-03T00:00:00")
    assert postings[3].posted_at is None
    assert len(jumpit.skipped) == 2
    assert jumpit.skipped[0].startswith("jumpit detail 6999: ")
    assert jumpit.skipped[1] == "jumpit detail 6997: over the detail budget of this run (2)"


def test_keyword_and_category_filter_on_the_server(
    market: BoardServer, client: ClientFactory
) -> None:
    set_jumpit(
        market,
        "kr",
        [
            jumpit_position(1, "VLM 엔지니어", categories=[(12, "인공지능/머신러닝")]),
            jumpit_position(2, "백엔드 개발자", tech_stacks=["Java"], categories=[(1, "서버")]),
        ],
    )
    with client() as http:
        by_keyword = list(source(base_url=f"{market.url}/kr", keyword="vlm").fetch(http))
        by_category = list(source(base_url=f"{market.url}/kr", job_category=1).fetch(http))
    assert [p.external_id for p in by_keyword] == ["1"]
    assert [p.external_id for p in by_category] == ["2"]


def test_failing_listing_is_a_fetch_error(market: BoardServer, client: ClientFactory) -> None:
    set_jumpit(market, "kr", positions(3))
    market.fault("/kr/api/positions", "500")
    with client() as http, pytest.raises(FetchError):
        list(source(base_url=f"{market.url}/kr").fetch(http))


# -- the whole pipeline ----------------------------------------------------------------------


# What the tests below read back of each stored posting (its sorted tags follow).
COLUMNS = (
    Posting.external_id,
    Posting.title,
    Posting.company,
    Posting.posted_at,
    Posting.deadline_at,
    Source.query_filtered,
)


def test_scrape_through_the_cli(
    market: BoardServer, database_url: str, tmp_path: Path, stored: StoredRows
) -> None:
    set_jumpit(
        market,
        "kr",
        [
            jumpit_position(
                31,
                "자율주행 경로계획 엔지니어",
                company="카모빌리티랩",
                closed_at=None,
                always_open=True,
                responsibility="- 자율주행 차량의 경로 계획",
                published_at="2026-03-02 08:00:00",
            ),
            jumpit_position(
                30,
                "AI 엔지니어",
                company="하늘데이터",
                responsibility="- 멀티모달 LLM 학습",
                welfares="- 의료비 지원",
                published_at="2026-02-20 10:00:00",
            ),
        ],
    )
    config = write_config(
        tmp_path / "config.toml",
        market.url,
        database_url,
        sources=f"""
[[sources]]
name = "jumpit-ai"
kind = "jumpit"
job_category = 12
base_url = "{market.url}/kr"
""",
    )

    result = run_cli(config, "scrape", now="2026-03-02T12:00")

    assert result.exit_code == 0, result.output
    assert stored("jumpit-ai", *COLUMNS) == [
        ("30", "AI 엔지니어", "하늘데이터", utc("2026-02-20T01:00"), utc("2026-04-30T14:59:59"),
         False, ["llm", "multimodal_llm"]),
        ("31", "자율주행 경로계획 엔지니어", "카모빌리티랩", utc("2026-03-01T23:00"), None,
         False, ["autonomous_driving"]),
    ]  # fmt: skip


def test_saved_page_parses_through_the_cli(fixture: Recorded) -> None:
    result = run_cli(
        None, "sources", "parse", "--kind", "jumpit", str(fixture.path("page2.json")), "--json"
    )
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert [(r["external_id"], r["title"], r["deadline_at"]) for r in rows] == [
        ("51160", "의료기기 임상 데이터 백엔드 개발자", "2026-04-10T09:00:00Z"),
        ("51102", "데이터 엔지니어", "2026-05-01T14:59:59Z"),
    ]
    result = run_cli(None, "sources", "parse", "--kind", "jumpit", str(fixture.path("error.json")))
    assert result.exit_code == 1
    assert "잘못된 요청입니다" in result.output
