"""Arbeitnow's ``/api/job-board-api`` on the local BoardServer.

One board per ``key``, served under the key as a path prefix (``/<key>/api/job-board-api``), so
a source's ``base_url`` is ``f"{server.url}/<key>"``. Pages are Laravel's simple paginator,
like the real API: ``?page=N`` (default 1, 100 jobs a page), ``links.next`` an absolute URL on
the real host (so a source must re-base it) and null on the last page, and a page past the end
answers an empty ``data``.
"""

from __future__ import annotations

import re
from typing import Any

from monitor.demo.server import BoardServer, Handler, Reply, Request

SHAPE = "arbeitnow"
REAL_PATH = "https://www.arbeitnow.com/api/job-board-api"
PER_PAGE = 100
TERMS = (
    "This is a free public API for jobs, please do not abuse. By using the API, you agree to "
    "the terms of service."
)


def install(server: BoardServer) -> None:
    server.boards.setdefault(SHAPE, {})
    server.add_route(r"/(?P<key>[\w.-]+)/api/job-board-api", _handler(server))


def set_arbeitnow(
    server: BoardServer, key: str, jobs: list[dict[str, Any]], per_page: int = PER_PAGE
) -> None:
    """Serve ``jobs`` (from ``arbeitnow_job``) at ``/<key>/api/job-board-api``."""
    server.boards.setdefault(SHAPE, {})[key] = {
        "jobs": [dict(job) for job in jobs],
        "per_page": per_page,
    }


def _slug(text: str) -> str:
    # Word characters of any script stay, so Korean titles keep readable slugs.
    return re.sub(r"[\W_]+", "-", text.lower()).strip("-") or "job"


def arbeitnow_job(
    number: int,
    title: str,
    *,
    company: str = "Acme GmbH",
    description_html: str = "",
    remote: bool = False,
    location: str = "Berlin",
    tags: tuple[str, ...] = (),
    job_types: tuple[str, ...] = ("full time",),
    created_at: int = 1772409600,
) -> dict[str, Any]:
    """One job of a page's ``data``; the slug (title, location, number) is its key."""
    slug = f"{_slug(title)}-{_slug(location)}-{number}"
    return {
        "slug": slug,
        "company_name": company,
        "title": title,
        "description": description_html,
        "remote": remote,
        "url": f"https://www.arbeitnow.com/jobs/companies/{_slug(company)}/{slug}",
        "tags": list(tags),
        "job_types": list(job_types),
        "location": location,
        "created_at": created_at,
    }


def _handler(server: BoardServer) -> Handler:
    def handle(request: Request, match: re.Match[str]) -> Reply:
        board = server.boards.get(SHAPE, {}).get(match["key"])
        if board is None:
            return Reply.json({"message": "Not Found"}, 404)
        jobs, per_page = board["jobs"], board["per_page"]
        raw = request.query.get("page", "1")
        page = int(raw) if raw.isdigit() and int(raw) > 0 else 1  # Laravel reads junk as 1
        start = (page - 1) * per_page
        data = jobs[start : start + per_page]
        more = start + per_page < len(jobs)
        return Reply.json(
            {
                "data": data,
                "links": {
                    "first": f"{REAL_PATH}?page=1",
                    "last": None,
                    "prev": f"{REAL_PATH}?page={page - 1}" if page > 1 else None,
                    "next": f"{REAL_PATH}?page={page + 1}" if more else None,
                },
                "meta": {
                    "current_page": page,
                    "from": start + 1 if data else None,
                    "path": REAL_PATH,
                    "per_page": per_page,
                    "to": start + len(data) if data else None,
                    "terms": TERMS,
                    "info": "Jobs in Germany and remote jobs, updated every hour.",
                },
            }
        )

    return handle
