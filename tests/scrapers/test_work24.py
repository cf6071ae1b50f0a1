"""The Work24 (고용24) source: XML lists, required filters, keys, encodings, a CLI scrape."""

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
from monitor.demo.shapes.work24 import install, set_work24, work24_wanted
from monitor.errors import ConfigError, FetchError, MissingKeyError, ParseError
from monitor.storage.models import Posting, Source
from scrapers.base import build_options
from scrapers.http import HttpPolicy
from scrapers.work24 import Work24Options, Work24Source

URL = (
    "https://www.work24.go.kr/cm/openApi/call/wk/callOpenApiSvcInfo210L01.do"
    "?authKey=SECRET-KEY&callTp=L&returnType=XML&startPage=1&display=100&keyword=AI"
)
KEY = "test-auth-key-456"


@pytest.fixture
def policy() -> HttpPolicy:
    return local_policy(max_body_bytes=4 * 1024 * 1024)


def source(**options: Any) -> Work24Source:
    base_url = options.pop("base_url", None)
    if not {"keyword", "region", "occupation"} & set(options):
        options["keyword"] = "AI"
    return Work24Source("work24", Work24Options(**options), base_url=base_url)


# -- parse -------------------------------------------------------------------------------


def test_parse_list(fixture: Recorded) -> None:
    postings, next_url = source().parse(fixture("list.xml"), URL)

    assert next_url is None
    assert [p.external_id for p in postings] == [
        "K151112603020011",
        "K151112602270042",
        "K151112602150007",
    ]
    assert [p.title for p in postings] == [
        "의료영상 AI 소프트웨어 연구원",
        "자율주행 인지 알고리즘 개발자 & 연구원",  # &amp; decoded by the XML parser, once
        "데이터 라벨링 검수원",
    ]
    assert [p.company for p in postings] == ["한빛메디컬주식회사", "(주)로드마인드", "누리데이터"]
    assert [p.location for p in postings] == ["서울 강남구", "경기 성남시 분당구", "대전 유성구"]
    # regDt is a Korean date: midnight in Seoul is 15:00 UTC the day before.
    assert [p.posted_at for p in postings] == [
        utc("2026-03-01T15:00"),
        utc("2026-02-26T15:00"),
        utc("2026-02-14T15:00"),
    ]
    # "채용시까지  26-04-30" still names the day the ad comes down; "상시" names none.
    assert [p.deadline_at for p in postings] == [
        utc("2026-03-31T14:59:59"),
        utc("2026-04-30T14:59:59"),
        None,
    ]
    assert [p.url for p in postings] == [
        "https://www.work24.go.kr/wk/a/b/1500/empDetailAuthView.do?wantedAuthNo=K151112603020011",
        # no <wantedInfoUrl>: built from the number
        "https://www.work24.go.kr/wk/a/b/1500/empDetailAuthView.do?wantedAuthNo=K151112602270042",
        "https://www.work24.go.kr/wk/a/b/1500/empDetailAuthView.do?wantedAuthNo=K151112602150007",
    ]
    assert [p.employment_type for p in postings] == [
        "기간의 정함이 없는 근로계약",
        "기간의 정함이 있는 근로계약",
        None,
    ]
    assert {p.country for p in postings} == {"KR"}
    assert all(p.description == "" for p in postings)  # the list has no text but titles
    assert postings[0].extra == {
        "career": "경력",
        "salary": "4800만원 ~ 6000만원",
        "salary_type": "연봉",
        "education": "대졸(4년)",
        "industry": "의료용 기기 제조업",
        "occupation_code": "133100",
        "provider": "VALIDATION",
        "address": "서울특별시 강남구 테헤란로 152",
    }


def test_more_than_one_page_links_the_next_without_the_key(fixture: Recorded) -> None:
    postings, next_url = source().parse(fixture("first_of_many.xml"), URL)
    assert len(postings) == 1
    assert next_url == URL.replace("SECRET-KEY", "%2A%2A%2A").replace("startPage=1", "startPage=2")


def test_empty_result_is_empty(fixture: Recorded) -> None:
    assert source().parse(fixture("empty.xml"), URL) == ([], None)


def test_other_message_codes_are_errors(fixture: Recorded) -> None:
    with pytest.raises(ParseError, match="message code 010: 필수 파라미터 display") as caught:
        source().parse(fixture("message_error.xml"), URL)
    assert "SECRET-KEY" not in str(caught.value)


def test_service_error_is_an_error(fixture: Recorded) -> None:
    with pytest.raises(ParseError, match=r"refused the request .*: 등록되지 않은 인증키입니다"):
        source().parse(fixture("service_error.xml"), URL)


def test_euc_kr_body_keeps_its_korean(fixture: Recorded) -> None:
    body = fixture("euckr.xml")
    assert body.startswith(b'<?xml version="1.0" encoding="EUC-KR"?>')
    (posting,), _ = source().parse(body, URL)
    assert posting.title == "자율주행 인지 알고리즘 개발자 & 연구원"
    assert posting.company == "(주)로드마인드"


def test_entities_are_not_expanded(fixture: Recorded) -> None:
    with pytest.raises(ParseError, match="forbidden XML features"):
        source().parse(fixture("entities.xml"), URL)


def test_truncated_xml_is_a_parse_error(fixture: Recorded) -> None:
    with pytest.raises(ParseError, match="not well-formed XML"):
        source().parse(fixture("truncated.xml"), URL)


def test_a_detail_is_not_a_list(fixture: Recorded) -> None:
    with pytest.raises(ParseError, match="job detail, not a list"):
        source().parse(fixture("detail.xml"), URL)


@pytest.mark.parametrize(
    ("body", "element"),
    [
        ("<wantedRoot><startPage>1</startPage></wantedRoot>", "total"),
        ("<wantedRoot><total>1</total><wanted><title>t</title></wanted></wantedRoot>",
         "wantedAuthNo"),
        ("<wantedRoot><total>1</total><wanted><wantedAuthNo>K1</wantedAuthNo>"
         "<company>c</company></wanted></wantedRoot>", "title"),
        ("<wantedRoot><total>1</total><wanted><wantedAuthNo>K1</wantedAuthNo>"
         "<title>t</title><company> </company></wanted></wantedRoot>", "company"),
    ],
)  # fmt: skip
def test_missing_element_is_a_parse_error_naming_it(body: str, element: str) -> None:
    with pytest.raises(ParseError, match=f"element '{element}'"):
        source().parse(body.encode(), URL)


def test_other_documents_are_parse_errors() -> None:
    with pytest.raises(ParseError, match="root <html>"):
        source().parse(b"<html><body>maintenance</body></html>", URL)


# -- options -------------------------------------------------------------------------------


def test_a_search_filter_is_required() -> None:
    with pytest.raises(ConfigError, match="needs a search filter") as caught:
        build_options(Work24Source, {"career": "N"})
    assert caught.value.key == "keyword"
    with pytest.raises(ConfigError):
        build_options(Work24Source, {"keyword": "  "})
    assert build_options(Work24Source, {"region": ["11000"]}).region == ["11000"]
    with pytest.raises(ConfigError, match="at most 10") as caught:
        build_options(Work24Source, {"occupation": [str(n) for n in range(11)]})
    assert caught.value.key == "occupation"


def test_config_without_a_filter_names_file_and_key(tmp_path: Path) -> None:
    config = write_config(
        tmp_path / "config.toml",
        "http://127.0.0.1:9",
        f"sqlite:///{tmp_path / 'db.sqlite'}",
        sources='[[sources]]\nname = "gov"\nkind = "work24"\ncareer = "N"\n',
    )
    result = run_cli(config, "sources", "list", COLUMNS="1000")
    assert result.exit_code == 2
    assert str(config) in result.output
    assert "keyword" in result.output
    assert "needs a search filter" in result.output


def test_only_keyword_is_query_filtering() -> None:
    assert source(keyword="AI").is_query_filtered() is True
    assert source(region=["11000"]).is_query_filtered() is False
    assert source(occupation=["133100"]).is_query_filtered() is False
    assert source(keyword="비전", region=["11000", "41000"], career="E").search_params(3) == {
        "callTp": "L",
        "returnType": "XML",
        "startPage": 3,
        "display": 100,
        "keyword": "비전",
        "region": "11000|41000",
        "career": "E",
    }


# -- fetch -------------------------------------------------------------------------------


def postings(count: int, **kwargs: Any) -> list[dict[str, Any]]:
    return [
        work24_wanted(f"K9{i:014d}", f"AI 연구원 {i}", reg_dt="26-03-02", **kwargs)
        for i in range(count)
    ]


@pytest.fixture
def market(board_server: BoardServer, monkeypatch: pytest.MonkeyPatch) -> BoardServer:
    install(board_server)
    monkeypatch.setenv("WORK24_AUTH_KEY", KEY)
    return board_server


def test_fetch_pages_of_100(market: BoardServer, client: ClientFactory) -> None:
    set_work24(market, KEY, postings(150))
    with client() as http:
        found = list(source(base_url=market.url, region=["11000"]).fetch(http))

    assert len(found) == 150
    lists = [r for r in market.requests if r.startswith("/cm/openApi/")]
    assert [r.split("?", 1)[1] for r in lists] == [
        f"authKey={KEY}&callTp=L&returnType=XML&startPage={page}&display=100&region=11000"
        for page in (1, 2)
    ]


def test_max_pages_fails_rather_than_truncate(market: BoardServer, client: ClientFactory) -> None:
    set_work24(market, KEY, postings(150))
    with client() as http, pytest.raises(FetchError, match="raise max_pages") as caught:
        list(source(base_url=market.url, max_pages=1).fetch(http))
    assert len([r for r in market.requests if r.startswith("/cm/openApi/")]) == 1
    assert KEY not in str(caught.value)


def test_filters_narrow_on_the_server(market: BoardServer, client: ClientFactory) -> None:
    set_work24(
        market,
        KEY,
        [
            work24_wanted("K1", "VLM 연구원", region_code="11680"),
            work24_wanted("K2", "용접공", region_code="48120", occupation="821100"),
        ],
    )
    with client() as http:
        seoul = list(Work24Source("w", Work24Options(region=["11000"]), base_url=market.url)
                     .fetch(http))  # fmt: skip
        welders = list(
            Work24Source("w", Work24Options(occupation=["821100"]), base_url=market.url).fetch(http)
        )
        nothing = list(source(base_url=market.url, keyword="블록체인").fetch(http))
    assert [p.external_id for p in seoul] == ["K1"]
    assert [p.external_id for p in welders] == ["K2"]
    assert nothing == []  # messageCd 006


def test_missing_key_is_an_error_naming_the_variable(
    market: BoardServer, monkeypatch: pytest.MonkeyPatch, client: ClientFactory
) -> None:
    monkeypatch.delenv("WORK24_AUTH_KEY")
    with client() as http, pytest.raises(MissingKeyError, match="WORK24_AUTH_KEY"):
        list(source(base_url=market.url).fetch(http))
    assert market.requests == []


def test_unknown_key_is_refused(
    market: BoardServer, monkeypatch: pytest.MonkeyPatch, client: ClientFactory
) -> None:
    set_work24(market, KEY, postings(1))
    monkeypatch.setenv("WORK24_AUTH_KEY", "wrong-key")
    with client() as http, pytest.raises(ParseError, match="서비스가 존재하지 않습니다") as caught:
        list(source(base_url=market.url).fetch(http))
    assert "wrong-key" not in str(caught.value)


def test_http_errors_do_not_leak_the_key(market: BoardServer, client: ClientFactory) -> None:
    market.fault("/cm/openApi/", "status", status=503)
    with client() as http, pytest.raises(FetchError) as caught:
        list(source(base_url=market.url).fetch(http))
    assert caught.value.status == 503
    assert KEY not in str(caught.value)
    assert "authKey=***" in str(caught.value)


def test_euc_kr_answer_through_http(market: BoardServer, client: ClientFactory) -> None:
    set_work24(market, KEY, [work24_wanted("K7", "의료 AI 연구원")], encoding="EUC-KR")
    with client() as http:
        (posting,) = list(source(base_url=market.url).fetch(http))
    assert (posting.title, posting.company) == ("의료 AI 연구원", "한빛메디컬주식회사")


# -- the whole pipeline ----------------------------------------------------------------------


# What the tests below read back of each stored posting (its sorted tags follow).
COLUMNS = (
    Posting.external_id,
    Posting.title,
    Posting.posted_at,
    Posting.deadline_at,
    Source.query_filtered,
)


def test_scrape_through_the_cli(
    market: BoardServer, database_url: str, tmp_path: Path, stored: StoredRows
) -> None:
    set_work24(
        market,
        KEY,
        [
            work24_wanted("K3", "자율주행 인지 연구원", reg_dt="26-03-02", close_dt="상시"),
            work24_wanted("K2", "의료영상 AI 개발자", reg_dt="26-02-27"),
            work24_wanted("K1", "멀티모달 LLM 엔지니어", reg_dt="26-02-20", region_code="26440"),
        ],
        encoding="EUC-KR",
    )
    config = write_config(
        tmp_path / "config.toml",
        market.url,
        database_url,
        sources=f"""
[[sources]]
name = "work24-seoul"
kind = "work24"
region = ["11000"]
base_url = "{market.url}"
""",
    )

    result = run_cli(config, "scrape", now="2026-03-02T12:00", WORK24_AUTH_KEY=KEY)

    assert result.exit_code == 0, result.output
    # region = 서울: K1 (부산) is not asked for; no keyword, so not query-filtered.
    assert stored("work24-seoul", *COLUMNS) == [
        ("K2", "의료영상 AI 개발자", utc("2026-02-26T15:00"), utc("2026-04-30T14:59:59"), False,
         ["medical"]),
        ("K3", "자율주행 인지 연구원", utc("2026-03-01T15:00"), None, False,
         ["autonomous_driving"]),
    ]  # fmt: skip
    assert KEY not in result.output


# -- recorded real responses ---------------------------------------------------------------

real = pytest.mark.skipif(not (REALDATA / "work24").is_dir(), reason=f"no {REALDATA}/work24")


def parse_real(name: str, *options: str) -> Any:
    path = REALDATA / "work24" / name
    return run_cli(
        None, "sources", "parse", "--kind", "work24", str(path), *options, "--json",
        COLUMNS="1000",
    )  # fmt: skip


@real
def test_recorded_list_parses_through_the_cli() -> None:
    result = parse_real("list.xml", "--option", "keyword=환경")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert [
        tuple(r[k] for k in ("external_id", "title", "company", "location"))
        + tuple(r[k] for k in ("posted_at", "deadline_at"))
        for r in rows
    ] == [
        ("K140022610010052", "[운영팀] 환경·안전 및 운영관리 담당자 채용", "워터매니지먼트주식회사",
         "대구 서구", "2026-09-30T15:00:00Z", "2026-11-30T14:59:59Z"),
        ("K140022609170041", "[기술팀] 수질관리 담당자", "워터매니지먼트주식회사", "대구 서구",
         "2026-09-16T15:00:00Z", "2026-10-31T14:59:59Z"),
    ]  # fmt: skip
    assert [r["url"] for r in rows] == [
        "https://www.work24.go.kr/wk/a/b/1500/empDetailAuthView.do?wantedAuthNo=K140022610010052",
        "https://www.work24.go.kr/wk/a/b/1500/empDetailAuthView.do?wantedAuthNo=K140022609170041",
    ]
    assert [r["employment_type"] for r in rows] == ["기간의 정함이 없는 근로계약"] * 2
    assert {r["country"] for r in rows} == {"KR"}


@real
def test_recorded_empty_and_errors_through_the_cli() -> None:
    result = parse_real("empty.xml", "--option", "keyword=환경")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == []

    result = parse_real("service_error.xml", "--option", "keyword=환경")
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1
    assert "신청하신 OpenApi 서비스가 존재하지 않습니다" in lines[0]
    assert "Traceback" not in result.output


@real
def test_recorded_details_are_not_lists() -> None:
    for name, message in (
        ("detail.xml", "job detail, not a list"),
        ("detail_error.xml", "message code 018"),
    ):
        with pytest.raises(ParseError, match=message):
            source().parse((REALDATA / "work24" / name).read_bytes(), URL)


@real
def test_recorded_service_error_without_options() -> None:
    result = parse_real("service_error.xml")
    assert result.exit_code == 1, result.output
