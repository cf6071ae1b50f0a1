"""The Work24 (고용24) job-list Open API on the local BoardServer.

``GET /cm/openApi/call/wk/callOpenApiSvcInfo210L01.do?authKey=KEY&callTp=L&returnType=XML``
serves one listing per auth key (``key``). Like the real API it pages by 1-based ``startPage``
and ``display`` (at most 100), filters by ``keyword`` (title or company), ``region`` and
``occupation`` (codes separated by ``|``), leaves optional elements out rather than sending them
empty, answers ``<messageCd>006</messageCd>`` when nothing matches, and answers an unknown key
with ``<GO24><error>`` as recorded from the real service. ``set_work24(..., encoding="euc-kr")``
serves EUC-KR bytes under a matching XML declaration.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any
from xml.sax.saxutils import escape

from monitor.demo.server import BoardServer, Handler, Reply, Request

SHAPE = "work24"
LIST_PATH = "/cm/openApi/call/wk/callOpenApiSvcInfo210L01.do"
MAX_DISPLAY = 100
DETAIL_URL = "https://www.work24.go.kr/wk/a/b/1500/empDetailAuthView.do?wantedAuthNo={id}"
# Child elements of <wanted> in the real order; a None value is left out.
FIELDS = (
    "wantedAuthNo",
    "company",
    "busino",
    "indTpNm",
    "title",
    "salTpNm",
    "sal",
    "minSal",
    "maxSal",
    "region",
    "holidayTpNm",
    "minEdubg",
    "maxEdubg",
    "career",
    "regDt",
    "closeDt",
    "infoSvc",
    "wantedInfoUrl",
    "smodifyDtm",
    "zipCd",
    "basicAddr",
    "detailAddr",
    "empTpCd",
    "jobsCd",
)


def install(server: BoardServer) -> None:
    server.boards.setdefault(SHAPE, {})
    server.add_route(re.escape(LIST_PATH), _handler(server))


def set_work24(
    server: BoardServer, key: str, postings: Sequence[dict[str, Any]], encoding: str = "UTF-8"
) -> None:
    """Serve ``postings`` (from ``work24_wanted``) to requests with ``authKey`` ``key``."""
    server.boards.setdefault(SHAPE, {})[key] = {
        "postings": [dict(p) for p in postings],
        "encoding": encoding,
    }


def work24_wanted(
    auth_no: str,
    title: str,
    *,
    company: str = "한빛메디컬주식회사",
    region: str = "서울 강남구",
    region_code: str = "11680",
    reg_dt: str = "26-03-02",
    close_dt: str = "26-04-30",
    occupation: str = "133100",
    career: str = "경력",
    sal: str | None = "4000만원",
    emp_tp_cd: str | None = "10",
    info_url: bool = True,
) -> dict[str, Any]:
    """One ``<wanted>`` element's children (None leaves one out, like the real API)."""
    return {
        "wantedAuthNo": auth_no,
        "company": company,
        "busino": "1208800000",
        "indTpNm": "응용 소프트웨어 개발 및 공급업",
        "title": title,
        "salTpNm": "연봉" if sal else None,
        "sal": sal,
        "minSal": "40000000" if sal else None,
        "maxSal": "0" if sal else None,
        "region": region,
        "holidayTpNm": "주5일근무",
        "minEdubg": "대졸(4년)",
        "maxEdubg": None,
        "career": career,
        "regDt": reg_dt,
        "closeDt": close_dt,
        "infoSvc": "VALIDATION",
        "wantedInfoUrl": DETAIL_URL.format(id=auth_no) if info_url else None,
        "smodifyDtm": "20" + reg_dt.replace("-", "") + "0930",
        "zipCd": "06236",
        "basicAddr": "서울특별시 강남구 테헤란로 152",
        "detailAddr": None,
        "empTpCd": emp_tp_cd,
        "jobsCd": occupation,
        "_regionCd": region_code,  # not sent: what `region` filters on
    }


def _in_region(posting: dict[str, Any], code: str) -> bool:
    """A 시/도 code (11000 = 서울) covers its districts (11680 = 강남구); others match exactly."""
    if code.endswith("000"):
        return bool(posting["_regionCd"][:2] == code[:2])
    return bool(posting["_regionCd"] == code)


def _element(tag: str, value: Any) -> str:
    return f"<{tag}>{escape(str(value))}</{tag}>"


def _xml(root: str, encoding: str) -> bytes:
    return f'<?xml version="1.0" encoding="{encoding}"?>{root}'.encode(encoding)


def _handler(server: BoardServer) -> Handler:
    def handle(request: Request, match: re.Match[str]) -> Reply:
        board = server.boards.get(SHAPE, {}).get(request.query.get("authKey", ""))
        if board is None or request.query.get("callTp") != "L":
            error = "<GO24><error>신청하신 OpenApi 서비스가 존재하지 않습니다</error></GO24>"
            return Reply(200, _xml(error, "UTF-8"), "text/xml;charset=UTF-8")
        postings = board["postings"]
        keyword = request.query.get("keyword", "").strip().casefold()
        if keyword:
            postings = [
                p
                for p in postings
                if keyword in p["title"].casefold() or keyword in p["company"].casefold()
            ]
        regions = [c for c in request.query.get("region", "").split("|") if c]
        if regions:
            postings = [p for p in postings if any(_in_region(p, c) for c in regions)]
        occupations = {c for c in request.query.get("occupation", "").split("|") if c}
        if occupations:
            postings = [p for p in postings if p["jobsCd"] in occupations]
        try:
            page = max(int(request.query.get("startPage", "1")), 1)
            display = min(int(request.query.get("display", "10")), MAX_DISPLAY)
        except ValueError:
            page, display = 1, 10
        chosen = postings[(page - 1) * display : page * display]
        encoding = board["encoding"]
        if not chosen:
            empty = (
                "<wantedRoot><message>정보가 존재하지 않습니다.</message>"
                "<messageCd>006</messageCd></wantedRoot>"
            )
            return Reply(200, _xml(empty, encoding), f"text/xml;charset={encoding}")
        items = "".join(
            "<wanted>"
            + "".join(_element(tag, p[tag]) for tag in FIELDS if p.get(tag) is not None)
            + "</wanted>"
            for p in chosen
        )
        head = (
            _element("total", len(postings))
            + _element("startPage", page)
            + _element("display", display)
        )
        root = f"<wantedRoot>{head}{items}</wantedRoot>"
        return Reply(200, _xml(root, encoding), f"text/xml;charset={encoding}")

    return handle
