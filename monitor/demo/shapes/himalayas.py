"""Himalayas' ``/jobs/api`` on the local BoardServer.

One board per ``key``, served under the key as a path prefix (``/<key>/jobs/api``), so a
source's ``base_url`` is ``f"{server.url}/<key>"``. Like the real API it pages by ``limit`` and
``offset``, serves at most 20 jobs a page whatever ``limit`` asks for, echoes both with
``totalCount``, and sends ``pubDate``/``expiryDate`` in seconds (documented as milliseconds).
"""

from __future__ import annotations

import re
from typing import Any

from monitor.demo.server import BoardServer, Handler, Reply, Request

SHAPE = "himalayas"
MAX_LIMIT = 20
SIXTY_DAYS_S = 60 * 24 * 3600


def install(server: BoardServer) -> None:
    server.boards.setdefault(SHAPE, {})
    server.add_route(r"/(?P<key>[\w.-]+)/jobs/api", _handler(server))


def set_himalayas(server: BoardServer, key: str, jobs: list[dict[str, Any]]) -> None:
    """Serve ``jobs`` (from ``himalayas_job``, newest first) at ``/<key>/jobs/api``."""
    server.boards.setdefault(SHAPE, {})[key] = [dict(job) for job in jobs]


def _slug(text: str) -> str:
    # Word characters of any script stay, so Korean titles keep readable slugs.
    return re.sub(r"[\W_]+", "-", text.lower()).strip("-") or "job"


def himalayas_job(
    title: str,
    *,
    company: str = "Acme",
    description_html: str = "",
    pub_date: int = 1772409600,
    locations: tuple[str, ...] = (),
    employment_type: str = "Full Time",
    seniority: tuple[str, ...] = ("Mid-level",),
    categories: tuple[str, ...] = (),
    salary: tuple[int, int] | None = None,
    number: int | None = None,
) -> dict[str, Any]:
    """One job of the ``jobs`` list, in the field order of the real API."""
    suffix = f"-{number}" if number is not None else ""
    guid = f"https://himalayas.app/companies/{_slug(company)}/jobs/{_slug(title)}{suffix}"
    plain = re.sub(r"<[^>]+>", "", description_html)
    return {
        "title": title,
        "excerpt": plain[:160],
        "companyName": company,
        "companySlug": _slug(company),
        "companyLogo": "",
        "employmentType": employment_type,
        "minSalary": salary[0] if salary else None,
        "maxSalary": salary[1] if salary else None,
        "salaryPeriod": "annual",
        "seniority": list(seniority),
        "currency": "USD" if salary else None,
        "locationRestrictions": list(locations),
        "timezoneRestrictions": [9] if "South Korea" in locations else [],
        "categories": list(categories),
        "parentCategories": [],
        "description": description_html,
        "pubDate": pub_date,
        "expiryDate": pub_date + SIXTY_DAYS_S,
        "applicationLink": guid,
        "guid": guid,
    }


def _handler(server: BoardServer) -> Handler:
    def handle(request: Request, match: re.Match[str]) -> Reply:
        jobs = server.boards.get(SHAPE, {}).get(match["key"])
        if jobs is None:
            return Reply.json({"error": "Not found"}, 404)
        try:
            limit = int(request.query.get("limit", str(MAX_LIMIT)))
            offset = int(request.query.get("offset", "0"))
        except ValueError:
            return Reply.json({"error": "limit and offset must be numbers"}, 400)
        limit = max(0, min(limit, MAX_LIMIT))  # the real API caps the page at 20
        offset = max(0, offset)
        updated = max((job["pubDate"] for job in jobs), default=1772409600)
        return Reply.json(
            {
                "comments": "The API has been updated to include the companySlug field.",
                "updatedAt": updated,
                "offset": offset,
                "limit": limit,
                "totalCount": len(jobs),
                "jobs": jobs[offset : offset + limit],
            }
        )

    return handle
