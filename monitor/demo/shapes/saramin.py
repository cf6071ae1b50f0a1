"""The Saramin Open API's ``/job-search`` on the local BoardServer.

One listing per access key (``key`` is the ``access-key`` a request must carry). Like the real
API it answers JSON only when asked with ``Accept: application/json`` (XML otherwise), pages by
a 0-based page number ``start`` and ``count`` (default 10, at most 110), sends ``total`` and
every timestamp as strings, and filters by ``keywords`` (every space-separated word in the
title, company or job keywords) and ``job_mid_cd`` (comma-separated). A missing or unknown key
gets the error object ``{"code": ..., "message": ...}`` (its exact wording is our guess).
``set_saramin(..., encoding="euc-kr")`` serves a listing labelled and encoded as EUC-KR.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from typing import Any

from monitor.demo.server import BoardServer, Handler, Reply, Request

SHAPE = "saramin"
MAX_COUNT = 110
CLOSE_TYPES = {1: "접수마감일", 2: "채용시", 3: "상시", 4: "수시"}
# What the real API sends as the expiry of a posting without a deadline.
PLACEHOLDER_EXPIRY = {2: 1988118000, 3: 2019567600, 4: 2019567600}
UTM = "utm_source=job-search-api&utm_medium=api&utm_campaign=saramin-job-search-api"


def install(server: BoardServer) -> None:
    server.boards.setdefault(SHAPE, {})
    server.add_route(r"/job-search", _handler(server))


def set_saramin(
    server: BoardServer, key: str, jobs: Sequence[dict[str, Any]], encoding: str = "utf-8"
) -> None:
    """Serve ``jobs`` (from ``saramin_job``, newest first) to requests with access key ``key``."""
    server.boards.setdefault(SHAPE, {})[key] = {
        "jobs": [dict(job) for job in jobs],
        "encoding": encoding,
    }


def saramin_job(
    id: int,
    title: str,
    *,
    company: str = "(주)사람인랩",
    location: str = "서울 > 강남구",
    posted: int = 1772409600,
    expires: int = 1775055599,
    close_type: int = 1,
    job_type: str = "정규직",
    job_mid: tuple[str, str] = ("2", "IT개발·데이터"),
    industry_keywords: Sequence[str] = ("솔루션·SI·ERP·CRM",),
    job_keywords: Sequence[str] = ("AI(인공지능)", "머신러닝"),
    experience: str = "경력무관",
    experience_code: int = 0,
    years: tuple[int, int] = (0, 0),
    salary: str = "면접후 결정",
) -> dict[str, Any]:
    """One ``jobs.job`` item in the real field order; ``posted``/``expires`` are Unix seconds.

    ``experience_code``: 0 경력무관, 1 신입, 2 경력, 3 신입/경력; ``years`` its (min, max)."""
    codes = [*industry_keywords, *job_keywords]
    expiry = PLACEHOLDER_EXPIRY.get(close_type, expires)
    return {
        "url": f"http://www.saramin.co.kr/zf_user/jobs/relay/view?rec_idx={id}&{UTM}",
        "active": 1,
        "company": {
            "detail": {
                "href": f"http://www.saramin.co.kr/zf_user/company-info/view?csn={id * 7}&{UTM}",
                "name": company,
            }
        },
        "position": {
            "title": title,
            "industry": {"code": "301", "name": "솔루션·SI·ERP·CRM"},
            "location": {"code": "101010", "name": location},
            "job-type": {"code": "1", "name": job_type},
            "job-category": {},
            "job-mid-code": {"code": job_mid[0], "name": job_mid[1]},
            "job-code": {
                "code": ",".join(str(200 + i) for i in range(len(codes))),
                "name": ",".join(codes),
            },
            "experience-level": {
                "code": experience_code,
                "min": years[0],
                "max": years[1],
                "name": experience,
            },
            "required-education-level": {"code": "0", "name": "학력무관"},
        },
        "keyword": ",".join(industry_keywords),
        "salary": {"code": "99", "name": salary},
        "id": str(id),
        "posting-timestamp": str(posted),
        "modification-timestamp": str(posted),
        "opening-timestamp": str(posted - posted % 3600),
        "expiration-timestamp": str(expiry),
        "close-type": {"code": str(close_type), "name": CLOSE_TYPES[close_type]},
    }


def _matches(job: dict[str, Any], words: list[str]) -> bool:
    position = job["position"]
    text = " ".join(
        (position["title"], job["company"]["detail"]["name"], position["job-code"]["name"])
    ).casefold()
    return all(word in text for word in words)


def _handler(server: BoardServer) -> Handler:
    def handle(request: Request, match: re.Match[str]) -> Reply:
        board = server.boards.get(SHAPE, {}).get(request.query.get("access-key", ""))
        if board is None:
            return _answer({"code": 2, "message": "access-key is not valid."}, "utf-8", request)
        jobs = board["jobs"]
        words = request.query.get("keywords", "").casefold().split()
        if words:
            jobs = [job for job in jobs if _matches(job, words)]
        mids = {c for c in request.query.get("job_mid_cd", "").split(",") if c}
        if mids:
            jobs = [j for j in jobs if set(j["position"]["job-mid-code"]["code"].split(",")) & mids]
        try:
            start = int(request.query.get("start", "0"))
            count = min(int(request.query.get("count", "10")), MAX_COUNT)
        except ValueError:
            return _answer({"code": 4, "message": "invalid parameter."}, "utf-8", request)
        page = jobs[start * count : (start + 1) * count]
        body = {"jobs": {"count": len(page), "start": start, "total": str(len(jobs)), "job": page}}
        return _answer(body, board["encoding"], request)

    return handle


def _answer(data: dict[str, Any], encoding: str, request: Request) -> Reply:
    if "application/json" not in request.headers.get("accept", ""):
        # The real API's default format; nothing here reads it, it only has to be XML.
        total = data.get("jobs", {}).get("total", "0")
        xml = f'<?xml version="1.0"?><job-search><jobs total="{total}"/></job-search>'
        return Reply(200, xml.encode(), "text/xml; charset=utf-8")
    body = json.dumps(data, ensure_ascii=False).encode(encoding)
    return Reply(200, body, f"application/json; charset={encoding.upper()}")
