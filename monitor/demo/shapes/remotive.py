"""Remotive's ``/api/remote-jobs`` on the local BoardServer.

One board per ``key``, served under the key as a path prefix (``/<key>/api/remote-jobs``), so a
source's ``base_url`` is ``f"{server.url}/<key>"``. Like the real API it answers one object
with the warning and legal-notice keys, the counts and every job, and honours ``limit``,
``category`` and ``search``.
"""

from __future__ import annotations

import re
from typing import Any

from monitor.demo.server import BoardServer, Handler, Reply, Request

SHAPE = "remotive"
WARNING = (
    "Remotive main domain moved to remotive.com ! Please make your API calls on "
    "remotive.com/api/remote-jobs instead of remotive.io now ;)"
)
LEGAL_NOTICE = (
    "Legal warning - Please link back to the URL found on Remotive AND mention Remotive as a "
    "source. Jobs displayed are delayed by 24 hours. Please note that there is absolutely no "
    "need to request Remotive Job data too frequently (we advise max. 4 times a day). Note "
    "that excessive requests will be blocked."
)


def install(server: BoardServer) -> None:
    server.boards.setdefault(SHAPE, {})
    server.add_route(r"/(?P<key>[\w.-]+)/api/remote-jobs", _handler(server))


def set_remotive(server: BoardServer, key: str, jobs: list[dict[str, Any]]) -> None:
    """Serve ``jobs`` (from ``remotive_job``) at ``/<key>/api/remote-jobs``."""
    server.boards.setdefault(SHAPE, {})[key] = [dict(job) for job in jobs]


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "job"


def remotive_job(
    id: int,
    title: str,
    *,
    company: str = "Acme",
    category: str = "Software Development",
    tags: tuple[str, ...] = (),
    job_type: str = "full_time",
    publication_date: str = "2026-03-02T09:00:00",
    location: str = "Worldwide",
    salary: str = "",
    description_html: str = "",
) -> dict[str, Any]:
    """One job of the ``/api/remote-jobs`` list, in the field order of the real API."""
    return {
        "id": id,
        "url": f"https://remotive.com/remote-jobs/{_slug(category)}/{_slug(title)}-{id}",
        "title": title,
        "company_name": company,
        "company_logo": f"https://remotive.com/job/{id}/logo",
        "category": category,
        "tags": list(tags),
        "job_type": job_type,
        "publication_date": publication_date,
        "candidate_required_location": location,
        "salary": salary,
        "description": description_html,
        "company_logo_url": f"https://remotive.com/job/{id}/logo",
    }


def _handler(server: BoardServer) -> Handler:
    def handle(request: Request, match: re.Match[str]) -> Reply:
        jobs = server.boards.get(SHAPE, {}).get(match["key"])
        if jobs is None:
            return Reply(404, b"<h1>Not Found</h1>", "text/html; charset=utf-8")
        total = len(jobs)
        category = request.query.get("category", "").strip().lower()
        if category:
            jobs = [j for j in jobs if _slug(j["category"]) == category]
        search = request.query.get("search", "").strip().lower()
        if search:
            jobs = [j for j in jobs if search in (j["title"] + j["description"]).lower()]
        limit = request.query.get("limit", "")
        if limit.isdigit():
            jobs = jobs[: int(limit)]
        return Reply.json(
            {
                "00-warning": WARNING,
                "0-legal-notice": LEGAL_NOTICE,
                "job-count": len(jobs),
                "total-job-count": total,
                "jobs": jobs,
            }
        )

    return handle
