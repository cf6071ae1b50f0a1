"""The Saramin Open API source: parsing, paging within a quota, keys, encodings, a CLI scrape."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from helpers import (
    REALDATA,
    ClientFactory,
    Recorded,
    StoredRows,
    local_policy,
    run_cli,
    utc,
    write_config,
)

from monitor.demo.server import BoardServer
from monitor.demo.shapes.saramin import install, saramin_job, set_saramin
from monitor.errors import ConfigError, FetchError, MissingKeyError, ParseError
from monitor.storage.models import Posting, Source
from scrapers.base import build_options
from scrapers.http import HttpPolicy
from scrapers.saramin import SaraminOptions, SaraminSource

URL = "https://oapi.saramin.co.kr/job-search?access-key=SECRET-KEY&sort=pd&count=110&start=0"
KEY = "test-access-key-123"


@pytest.fixture
def policy() -> HttpPolicy:
    return local_policy(max_body_bytes=4 * 1024 * 1024)


def source(**options: Any) -> SaraminSource:
    base_url = options.pop("base_url", None)
    return SaraminSource("saramin", SaraminOptions(**options), base_url=base_url)


# -- parse -------------------------------------------------------------------------------


def test_parse_search(fixture: Recorded) -> None:
    postings, next_url = source().parse(fixture("search.json"), URL)

    assert next_url is None
    assert [p.external_id for p in postings] == ["52110457", "52109981", "52108850"]
    assert [p.title for p in postings] == [
        "[AI연구소] 멀티모달 LLM 연구원 (석사 이상)",
        "자율주행 차량 인지 SW 개발자 채용",
        "의료영상 판독보조 AI 개발 (R&D)",
    ]
    assert [p.company for p in postings] == [
        "(주)한빛로보틱스",
        "로드마인드 주식회사",
        "메디코어㈜",
    ]
    assert [p.location for p in postings] == [
        "서울 > 서초구",
        "경기 > 성남시 분당구",
        "서울 > 강남구,서울 > 서초구",
    ]
    # Unix seconds in strings; KST 10:15 is 01:15 UTC.
    assert [p.posted_at for p in postings] == [
        utc("2026-03-02T01:15:00"),
        utc("2026-03-01T09:40:05"),
        utc("2026-02-28T00:00:00"),
    ]
    # Only close-type 1 has a real deadline; 상시 and 채용시 carry a 2033 placeholder.
    assert [p.deadline_at for p in postings] == [utc("2026-03-31T14:59:59"), None, None]
    assert [p.employment_type for p in postings] == ["정규직", "정규직,인턴직", "정규직"]
    assert postings[0].url == (
        "http://www.saramin.co.kr/zf_user/jobs/relay/view?rec_idx=52110457&utm_source="
        "job-search-api&utm_medium=api&utm_campaign=saramin-job-search-api"
    )
    # The job keywords, without the company's industry keywords in front of them.
    assert [p.description for p in postings] == [
        "AI(인공지능), LLM, 머신러닝, 딥러닝",
        "임베디드, 자율주행, C++, ROS",
        "컴퓨터비전, 영상처리",
    ]
    assert {p.description_format for p in postings} == {"text"}
    assert {p.country for p in postings} == {"KR"}
    assert postings[1].extra == {
        "experience": "신입·경력",
        "education": "학력무관",
        "industry": "솔루션·SI·ERP·CRM",
        "salary": "면접후 결정",
        "close_type": "상시채용",
    }


def test_more_than_one_page_links_the_next(fixture: Recorded) -> None:
    postings, next_url = source().parse(fixture("first_of_many.json"), URL)
    assert len(postings) == 1
    assert next_url == (
        "https://oapi.saramin.co.kr/job-search?access-key=%2A%2A%2A&sort=pd&count=110&start=1"
    )


def test_parse_empty_search(fixture: Recorded) -> None:
    assert source().parse(fixture("empty.json"), URL) == ([], None)
    empty = b'{"jobs": {"count": 0, "start": 0, "total": "0"}}'
    assert source().parse(empty, URL) == ([], None)


def test_euc_kr_body_keeps_its_korean(fixture: Recorded) -> None:
    body = fixture("euckr.json")
    with pytest.raises(UnicodeDecodeError):
        body.decode("utf-8")
    (posting,), _ = source().parse(body, URL)
    assert posting.title == "자율주행 차량 인지 SW 개발자 채용"
    assert posting.company == "로드마인드 주식회사"


def test_truncated_json_is_a_parse_error(fixture: Recorded) -> None:
    with pytest.raises(ParseError, match="not valid JSON"):
        source().parse(fixture("truncated.json"), URL)


def test_xml_answer_is_a_parse_error_saying_so(fixture: Recorded) -> None:
    with pytest.raises(ParseError, match="is XML, not JSON"):
        source().parse(fixture("search.xml"), URL)


def test_error_answer_is_a_parse_error_without_the_key(fixture: Recorded) -> None:
    with pytest.raises(ParseError, match="error 3: 일일 호출 허용량을 초과하였습니다") as caught:
        source().parse(fixture("error.json"), URL)
    assert "SECRET-KEY" not in str(caught.value)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"job-search": {}}, "jobs"),
        ({"jobs": {"total": "3"}}, "jobs.job"),
        ({"jobs": {"job": [{"position": {"title": "x"}}]}}, "id"),
        ({"jobs": {"job": [{"id": "1", "company": {"detail": {"name": "c"}}}]}}, "position"),
        ({"jobs": {"job": [{"id": "1", "position": {}}]}}, "position.title"),
        ({"jobs": {"job": [{"id": "1", "position": {"title": "x"}}]}}, "company.detail.name"),
    ],
)
def test_missing_field_is_a_parse_error_naming_it(body: dict[str, Any], field: str) -> None:
    with pytest.raises(ParseError, match=f"field '{field}'"):
        source().parse(json.dumps(body).encode(), URL)


def test_inactive_posting_is_left_out() -> None:
    job = saramin_job(1, "ML 엔지니어")
    job["active"] = 0
    body = json.dumps({"jobs": {"count": 1, "start": 0, "total": "1", "job": [job]}}).encode()
    assert source().parse(body, URL) == ([], None)


def test_options() -> None:
    assert source().is_query_filtered() is False
    assert source(job_mid_cd=[2]).is_query_filtered() is False
    assert source(keywords="LLM").is_query_filtered() is True
    assert source(keywords="비전 AI", job_mid_cd=[2, 16], loc_mcd=[101000]).search_params(2) == {
        "keywords": "비전 AI",
        "job_mid_cd": "2,16",
        "loc_mcd": "101000",
        "sort": "pd",
        "count": 110,
        "start": 2,
    }
    assert SaraminSource.default_schedule == "17 7,19 * * *"
    with pytest.raises(ConfigError) as caught:
        build_options(SaraminSource, {"max_pages": 0})
    assert caught.value.key == "max_pages"


# -- fetch -------------------------------------------------------------------------------


def jobs(count: int) -> list[dict[str, Any]]:
    return [
        saramin_job(60000 - i, f"머신러닝 엔지니어 {i}", posted=1772409600 - i)
        for i in range(count)
    ]


@pytest.fixture
def market(board_server: BoardServer, monkeypatch: pytest.MonkeyPatch) -> BoardServer:
    install(board_server)
    monkeypatch.setenv("SARAMIN_ACCESS_KEY", KEY)
    return board_server


def test_fetch_pages_of_110_with_json_accepted(market: BoardServer, client: ClientFactory) -> None:
    set_saramin(market, KEY, jobs(245))
    with client() as http:
        postings = list(source(base_url=market.url).fetch(http))

    assert len(postings) == 245
    assert postings[-1].external_id == str(60000 - 244)
    searches = [r for r in market.requests if r.startswith("/job-search")]
    assert [r.split("&", 1)[1] for r in searches] == [
        f"sort=pd&count=110&start={page}" for page in range(3)
    ]
    assert all(r.startswith(f"/job-search?access-key={KEY}&") for r in searches)
    assert all(h.get("accept") == "application/json" for h in market.request_headers[1:])


def test_max_pages_caps_requests_and_fails_rather_than_truncate(
    market: BoardServer, client: ClientFactory
) -> None:
    set_saramin(market, KEY, jobs(245))
    with client() as http, pytest.raises(FetchError, match="raise max_pages") as caught:
        list(source(base_url=market.url, max_pages=2).fetch(http))
    assert len([r for r in market.requests if r.startswith("/job-search")]) == 2
    assert KEY not in str(caught.value)


def test_missing_key_is_an_error_naming_the_variable(
    market: BoardServer, monkeypatch: pytest.MonkeyPatch, client: ClientFactory
) -> None:
    monkeypatch.delenv("MY_SARAMIN_KEY", raising=False)
    with client() as http, pytest.raises(MissingKeyError, match="MY_SARAMIN_KEY"):
        list(source(base_url=market.url, key_env="MY_SARAMIN_KEY").fetch(http))
    assert market.requests == []


def test_wrong_key_is_a_parse_error(
    market: BoardServer, monkeypatch: pytest.MonkeyPatch, client: ClientFactory
) -> None:
    set_saramin(market, KEY, jobs(1))
    monkeypatch.setenv("SARAMIN_ACCESS_KEY", "not-the-key")
    with client() as http, pytest.raises(ParseError, match="access-key is not valid") as caught:
        list(source(base_url=market.url).fetch(http))
    assert "not-the-key" not in str(caught.value)


def test_http_errors_do_not_leak_the_key(market: BoardServer, client: ClientFactory) -> None:
    set_saramin(market, KEY, jobs(1))
    market.fault("/job-search", "500")
    with client() as http, pytest.raises(FetchError) as caught:
        list(source(base_url=market.url).fetch(http))
    assert caught.value.status == 500
    assert KEY not in str(caught.value)
    assert caught.value.url is not None and KEY not in caught.value.url
    assert "access-key=***" in str(caught.value)


def test_euc_kr_answer_through_http(market: BoardServer, client: ClientFactory) -> None:
    set_saramin(market, KEY, [saramin_job(5, "의료 AI 연구원", company="메디코어㈜")], "euc-kr")
    with client() as http:
        (posting,) = list(source(base_url=market.url).fetch(http))
    assert (posting.title, posting.company) == ("의료 AI 연구원", "메디코어㈜")


def test_keywords_filter_on_the_server(market: BoardServer, client: ClientFactory) -> None:
    set_saramin(market, KEY, [saramin_job(1, "VLM 연구원"), saramin_job(2, "회계 담당자")])
    with client() as http:
        found = list(source(base_url=market.url, keywords="vlm").fetch(http))
    assert [p.external_id for p in found] == ["1"]
    assert "keywords=vlm" in market.requests[-1]


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
    set_saramin(
        market,
        KEY,
        [
            saramin_job(71, "[AI연구소] 멀티모달 LLM 연구원", posted=1772414100),
            saramin_job(70, "AI 차량 소프트웨어 엔지니어", job_keywords=("자율주행", "C++"),
                        close_type=3, posted=1772358005),
            saramin_job(68, "회계 담당자", job_keywords=("회계",)),
            saramin_job(69, "의료영상 AI 개발자", job_keywords=("컴퓨터비전",),
                        expires=1774969199, posted=1772236800),
        ],
    )  # fmt: skip
    config = write_config(
        tmp_path / "config.toml",
        market.url,
        database_url,
        sources=f"""
[[sources]]
name = "saramin-ai"
kind = "saramin"
keywords = "AI"
base_url = "{market.url}"
""",
    )

    missing = run_cli(
        config, "scrape", now="2026-03-02T12:00", SARAMIN_ACCESS_KEY="", COLUMNS="1000"
    )
    assert missing.exit_code == 1
    assert "SARAMIN_ACCESS_KEY" in missing.output

    result = run_cli(config, "scrape", now="2026-03-02T12:00", SARAMIN_ACCESS_KEY=KEY)

    assert result.exit_code == 0, result.output
    # keywords = "AI" asked the server to filter: the source stays out of share denominators.
    assert stored("saramin-ai", *COLUMNS) == [
        ("69", "의료영상 AI 개발자", "(주)사람인랩", utc("2026-02-28T00:00"),
         utc("2026-03-31T14:59:59"), True, ["medical"]),
        # tagged by its job keywords (자율주행), the only text Saramin's list has
        ("70", "AI 차량 소프트웨어 엔지니어", "(주)사람인랩", utc("2026-03-01T09:40:05"), None,
         True, ["autonomous_driving"]),
        ("71", "[AI연구소] 멀티모달 LLM 연구원", "(주)사람인랩", utc("2026-03-02T01:15"),
         utc("2026-04-01T14:59:59"), True, ["llm", "multimodal_llm"]),
    ]  # fmt: skip
    assert KEY not in result.output


# -- recorded real responses ---------------------------------------------------------------

REAL_FILE = "okkyclone_job-search_count110_2021-09-27.json"


@pytest.mark.skipif(not (REALDATA / "saramin").is_dir(), reason=f"no {REALDATA}/saramin")
def test_recorded_real_response_parses_through_the_cli() -> None:
    files = sorted((REALDATA / "saramin").glob("*.json"))
    assert [f.name for f in files] == [REAL_FILE]
    result = run_cli(None, "sources", "parse", "--kind", "saramin", str(files[0]), "--json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert len(rows) == 110
    assert len({r["external_id"] for r in rows}) == 110
    picked = {r["external_id"]: r for r in rows}
    assert [
        tuple(r[k] for k in ("external_id", "title", "company", "location"))
        + tuple(r[k] for k in ("posted_at", "deadline_at"))
        for r in (rows[0], picked["41232680"], rows[-1])
    ] == [
        ("41232704", "(대기업 IT사) IT전략 / IT 인프라 팀장급 채용 (2명)", "(주)헬로서치",
         "서울 > 강남구", "2021-09-27T09:17:21Z", "2021-10-27T14:59:59Z"),
        # close-type 2 (채용시): the 2033 expiry is a placeholder, not a deadline
        ("41232680", "온라인사업본부 웹디자이너 채용", "비타민하우스(주)", "서울 > 강남구",
         "2021-09-27T09:14:21Z", None),
        ("41231920", "여성의류 쇼핑몰 패션MD / 웹디자이너 모십니다(유류비 지급)", "자이젠",
         "인천 > 계양구", "2021-09-27T08:27:18Z", "2021-11-26T14:59:59Z"),
    ]  # fmt: skip
    # 15 채용시 and 6 상시채용 postings have no deadline.
    assert sum(r["deadline_at"] is None for r in rows) == 21
    assert {r["country"] for r in rows} == {"KR"}
    # Titles keep a bare "&" (no entity decoding of plain text).
    assert picked["41232697"]["title"] == "IT개발·데이터(머신러닝&컴퓨터비전) 채용"
    assert picked["41232697"]["employment_type"] == "정규직,계약직 (정규직 전환가능),계약직"


@pytest.mark.skipif(not (REALDATA / "saramin").is_dir(), reason=f"no {REALDATA}/saramin")
def test_recorded_job_keywords_drop_the_industry_keywords() -> None:
    path = REALDATA / "saramin" / REAL_FILE
    postings, next_url = source().parse(path.read_bytes(), path.as_uri())
    assert next_url == path.as_uri() + "?start=1"  # total 28327: more pages exist
    by_id = {p.external_id: p for p in postings}
    assert by_id["41232704"].description == (
        "기술지원, 유지보수, IT컨설팅, SE(시스템엔지니어), SI개발, ICT컨설팅, 네트워크, 빅데이터, "
        "데이터분석, ISP, 인프라"
    )
    assert by_id["41232664"].description == ""  # only industry keywords: nothing about the job
