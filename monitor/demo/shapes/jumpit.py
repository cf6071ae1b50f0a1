"""Jumpit's ``/api/positions`` listing and ``/api/position/{id}`` details on the local BoardServer.

One market per ``key``, served under the key as a path prefix (``/<key>/api/positions``), so a
source's ``base_url`` is ``f"{server.url}/<key>"``. Like the real API (as far as it is known: no
real response was recorded) the listing pages by 1-based ``page``, 16 positions a page, past
the end with an empty ``positions``; ``keyword`` matches title, company or a tech stack and
repeated ``jobCategory`` ids filter by category. ``techStacks`` are strings in the listing and
``{"stack": ...}`` objects in a detail, times are Korean local time without zone (``T`` in the
listing, a space in the detail), and a closed or unknown position's detail is a 400 with code
C003.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from monitor.demo.server import BoardServer, Handler, Reply, Request

SHAPE = "jumpit"
PAGE_SIZE = 16


def install(server: BoardServer) -> None:
    server.boards.setdefault(SHAPE, {})
    server.add_route(r"/(?P<key>[\w.-]+)/api/positions", _listing(server))
    server.add_route(r"/(?P<key>[\w.-]+)/api/position/(?P<id>\d+)", _detail(server))


def set_jumpit(server: BoardServer, key: str, positions: Sequence[dict[str, Any]]) -> None:
    """Serve ``positions`` (from ``jumpit_position``) under ``/<key>/api/positions``."""
    server.boards.setdefault(SHAPE, {})[key] = [dict(p) for p in positions]


def jumpit_position(
    id: int,
    title: str,
    *,
    company: str = "점핏랩스",
    tech_stacks: Sequence[str] = ("Python", "PyTorch"),
    locations: Sequence[str] = ("서울 강남구",),
    categories: Sequence[tuple[int, str]] = ((12, "인공지능/머신러닝"),),
    closed_at: str | None = "2026-04-30T23:59:59",
    always_open: bool = False,
    published_at: str = "2026-03-02 10:00:00",
    service_info: str = "",
    responsibility: str = "",
    qualifications: str = "",
    preferred: str = "",
    welfares: str = "",
    min_career: int = 0,
    max_career: int = 5,
) -> dict[str, Any]:
    """One position with what its listing item and its detail show (``closed_at`` as listed)."""
    return {
        "id": id,
        "title": title,
        "companyName": company,
        "techStacks": list(tech_stacks),
        "locations": list(locations),
        "categories": [list(c) for c in categories],
        "closedAt": closed_at,
        "alwaysOpen": always_open,
        "publishedAt": published_at,
        "serviceInfo": service_info,
        "responsibility": responsibility,
        "qualifications": qualifications,
        "preferredRequirements": preferred,
        "welfares": welfares,
        "minCareer": min_career,
        "maxCareer": max_career,
    }


def _list_item(p: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": p["id"],
        "jobCategory": ", ".join(name for _, name in p["categories"]),
        "logo": f"https://cdn.jumpit.co.kr/images/{p['id']}/logo.png",
        "imagePath": f"https://cdn.jumpit.co.kr/images/{p['id']}/main.png",
        "title": p["title"],
        "companyName": p["companyName"],
        "techStacks": p["techStacks"],
        "scrapCount": 0,
        "viewCount": p["id"] % 900,
        "newcomer": p["minCareer"] == 0,
        "minCareer": p["minCareer"],
        "maxCareer": p["maxCareer"],
        "locations": p["locations"],
        "alwaysOpen": p["alwaysOpen"],
        "closedAt": p["closedAt"],
        "serialNumber": f"S{p['id']:08d}",
        "celebration": 0,
        "scraped": False,
        "applied": False,
    }


def _detail_result(p: dict[str, Any]) -> dict[str, Any]:
    closed = p["closedAt"].replace("T", " ") if p["closedAt"] else None
    return {
        "id": p["id"],
        "title": p["title"],
        "companyName": p["companyName"],
        "techStacks": [
            {"stack": s, "imagePath": f"https://cdn.jumpit.co.kr/stacks/{i}.png"}
            for i, s in enumerate(p["techStacks"])
        ],
        "serviceInfo": p["serviceInfo"],
        "responsibility": p["responsibility"],
        "qualifications": p["qualifications"],
        "preferredRequirements": p["preferredRequirements"],
        "welfares": p["welfares"],
        "recruitProcess": "서류전형 > 1차 면접 > 2차 면접 > 최종합격",
        "newcomer": p["minCareer"] == 0,
        "minCareer": p["minCareer"],
        "maxCareer": p["maxCareer"],
        "publishedAt": p["publishedAt"],
        "closedAt": closed,
        "alwaysOpen": p["alwaysOpen"],
        "location": p["locations"][0] if p["locations"] else None,
        "workingPlaces": [{"address": place} for place in p["locations"]],
        "tags": [],
    }


def _listing(server: BoardServer) -> Handler:
    def handle(request: Request, match: re.Match[str]) -> Reply:
        positions = server.boards.get(SHAPE, {}).get(match["key"])
        if positions is None:
            return Reply(404, b"<h1>404 Not Found</h1>", "text/html; charset=utf-8")
        pairs = parse_qsl(urlsplit(request.target).query, keep_blank_values=True)
        try:
            page = int(request.query.get("page", "1"))
            categories = {int(v) for k, v in pairs if k == "jobCategory"}
        except ValueError:
            return Reply.json({"message": "잘못된 요청입니다.", "status": 400, "code": "C001"}, 400)
        keyword = request.query.get("keyword", "").strip().casefold()
        if keyword:
            positions = [
                p
                for p in positions
                if keyword in p["title"].casefold()
                or keyword in p["companyName"].casefold()
                or any(keyword == s.casefold() for s in p["techStacks"])
            ]
        if categories:
            positions = [p for p in positions if {c for c, _ in p["categories"]} & categories]
        start = (max(page, 1) - 1) * PAGE_SIZE
        result = {
            "totalCount": len(positions),
            "page": page,
            "keyword": request.query.get("keyword", ""),
            "keywordType": None,
            "positions": [_list_item(p) for p in positions[start : start + PAGE_SIZE]],
        }
        return Reply.json({"message": "success", "status": 200, "code": "", "result": result})

    return handle


def _detail(server: BoardServer) -> Handler:
    def handle(request: Request, match: re.Match[str]) -> Reply:
        for p in server.boards.get(SHAPE, {}).get(match["key"]) or []:
            if str(p["id"]) == match["id"]:
                body = {
                    "message": "success",
                    "status": 200,
                    "code": "",
                    "result": _detail_result(p),
                }
                return Reply.json(body)
        error = {"message": "마감된 포지션입니다.", "status": 400, "code": "C003", "result": None}
        return Reply.json(error, 400)

    return handle
