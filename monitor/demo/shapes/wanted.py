"""Wanted's listings (``/api/v4/jobs`` and the newer ``/api/chaos/navigation/v1/results``)
and ``/api/v4/jobs/{id}`` details on the local BoardServer.

One market per ``key``, served under the key as a path prefix (``/<key>/api/v4/jobs``), so a
source's ``base_url`` is ``f"{server.url}/<key>"``. Like the real API (as far as it is known: no
real response was recorded) the listing pages by ``limit``/``offset`` (default 20), filters by
``query`` (title or company, case-insensitive) and repeated ``tag_type_ids`` (a job's category
tags), carries no description, and links the next page as a path on the real host
(``/api/v4/jobs?...``), null on the last page. A detail answers ``{"job": {...}}`` with the
texts under ``detail``; an unknown id is a 404.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

from monitor.demo.server import BoardServer, Handler, Reply, Request

SHAPE = "wanted"
DEFAULT_LIMIT = 20
V4 = "/api/v4/jobs"
# The newer listing the web client uses: no due_time, category by job_group_id and job_ids,
# and the employment type and experience asked (employment_type, is_newbie, annual_*).
CHAOS = "/api/chaos/navigation/v1/results"
CHAOS_FIELDS = ("employment_type", "is_newbie", "annual_from", "annual_to")
# What a listing item carries; the rest of a job is only in its detail.
LIST_FIELDS = (
    "status",
    "due_time",
    "like_count",
    "is_like",
    "position",
    "address",
    "category_tag",
    "id",
    "logo_img",
    "title_img",
    "company",
    "reward",
    "is_bookmark",
)


def install(server: BoardServer) -> None:
    server.boards.setdefault(SHAPE, {})
    server.add_route(r"/(?P<key>[\w.-]+)/api/v4/jobs", _listing(server, V4))
    server.add_route(r"/(?P<key>[\w.-]+)/api/chaos/navigation/v1/results", _listing(server, CHAOS))
    server.add_route(r"/(?P<key>[\w.-]+)/api/v4/jobs/(?P<id>\d+)", _detail(server))


def set_wanted(server: BoardServer, key: str, jobs: Sequence[dict[str, Any]]) -> None:
    """Serve ``jobs`` (from ``wanted_job``, newest first) under ``/<key>/api/v4/jobs``."""
    server.boards.setdefault(SHAPE, {})[key] = [dict(job) for job in jobs]


def wanted_job(
    id: int,
    position: str,
    *,
    company: str = "원티드랩",
    location: str = "서울",
    district: str = "강남구",
    due_time: str | None = None,
    intro: str = "",
    main_tasks: str = "",
    requirements: str = "",
    preferred_points: str = "",
    benefits: str = "",
    tag_ids: Sequence[int] = (518, 1634),
    skills: Sequence[str] = (),
    employment_type: str = "regular",
    annual_from: int = 0,
    annual_to: int = 100,
    is_newbie: bool | None = None,
) -> dict[str, Any]:
    """One job as its detail shows it; the listing shows the ``LIST_FIELDS`` part of it.

    ``tag_ids``: the job group (518 = 개발) and its category (e.g. 1634 = 머신러닝 엔지니어).
    """
    company_id = 1000 + sum(map(ord, company)) % 9000
    image = f"https://static.wanted.co.kr/images/wdes/0_4.{id:08x}.jpg"
    return {
        "status": "active",
        "due_time": due_time,
        "like_count": id % 97,
        "is_like": False,
        "position": position,
        "address": {
            "country": "한국",
            "location": location,
            "district": district,
            "full_location": f"{location} {district} 테헤란로 {id % 500 + 1}",
            "country_code": "KR",
        },
        "category_tag": {"parent_id": tag_ids[0], "id": tag_ids[-1]},
        "category_tags": [{"parent_id": tag_ids[0], "id": tag} for tag in tag_ids[1:]],
        "id": id,
        "logo_img": {"origin": image, "thumb": image},
        "title_img": {"origin": image, "thumb": image},
        "company": {
            "id": company_id,
            "name": company,
            "industry_name": "IT, 컨텐츠",
            "application_response_stats": {"avg_rate": 92, "level": "very_high"},
        },
        "reward": {"formatted_total": "100만원", "formatted_recommender": "50만원"},
        "is_bookmark": False,
        "detail": {
            "intro": intro,
            "main_tasks": main_tasks,
            "requirements": requirements,
            "preferred_points": preferred_points,
            "benefits": benefits,
            "position": position,
        },
        "skill_tags": [{"tag_type_id": 1554 + i, "title": s} for i, s in enumerate(skills)],
        "hidden": False,
        "employment_type": employment_type,
        "annual_from": annual_from,
        "annual_to": annual_to,
        "is_newbie": annual_from == 0 if is_newbie is None else is_newbie,
    }


def _tags(job: dict[str, Any]) -> set[int]:
    found = {job["category_tag"]["parent_id"], job["category_tag"]["id"]}
    found.update(tag["id"] for tag in job.get("category_tags", []))
    return found


def _listing(server: BoardServer, path: str) -> Handler:
    def handle(request: Request, match: re.Match[str]) -> Reply:
        jobs = server.boards.get(SHAPE, {}).get(match["key"])
        if jobs is None:
            return Reply(404, b"<h1>404 Not Found</h1>", "text/html; charset=utf-8")
        # `request.query` keeps one value per name; tag_type_ids repeats.
        pairs = parse_qsl(urlsplit(request.target).query, keep_blank_values=True)
        try:
            limit = int(request.query.get("limit", DEFAULT_LIMIT))
            offset = int(request.query.get("offset", 0))
            names = ("tag_type_ids",) if path == V4 else ("job_group_id", "job_ids")
            tags = {int(value) for name, value in pairs if name in names}
        except ValueError:
            return Reply.json({"message": "invalid parameters"}, 400)
        query = request.query.get("query", "").strip().casefold()
        if query:
            jobs = [
                j
                for j in jobs
                if query in j["position"].casefold() or query in j["company"]["name"].casefold()
            ]
        if tags:
            jobs = [j for j in jobs if _tags(j) & tags]
        page = jobs[offset : offset + limit]
        next_link = None
        if offset + limit < len(jobs):
            rest = [(k, v) for k, v in pairs if k != "offset"] + [("offset", str(offset + limit))]
            next_link = f"{path}?{urlencode(rest)}"
        prev_link = None
        if offset > 0:
            rest = [(k, v) for k, v in pairs if k != "offset"]
            prev_link = f"{path}?{urlencode([*rest, ('offset', max(0, offset - limit))])}"
        fields = LIST_FIELDS if path == V4 else (*LIST_FIELDS, *CHAOS_FIELDS)
        data = [
            {k: job[k] for k in fields if not (path == CHAOS and k == "due_time")} for job in page
        ]
        for item in data:
            # The listing's address is the short one; the street is in the detail.
            item["address"] = {k: v for k, v in item["address"].items() if k != "full_location"}
        return Reply.json({"data": data, "links": {"prev": prev_link, "next": next_link}})

    return handle


def _detail(server: BoardServer) -> Handler:
    def handle(request: Request, match: re.Match[str]) -> Reply:
        jobs = server.boards.get(SHAPE, {}).get(match["key"]) or []
        for job in jobs:
            if str(job["id"]) == match["id"]:
                return Reply.json({"job": job})
        return Reply.json({"error": "not_found", "message": "포지션을 찾을 수 없습니다."}, 404)

    return handle
