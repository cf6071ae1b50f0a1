"""The Greenhouse job-board API as the local BoardServer serves it.

``GET /v1/boards/{board}/jobs[?content=true]`` answers ``{"jobs": [...], "meta": {"total": n}}``
with the whole board (Greenhouse does not page); without ``content=true`` the jobs carry no
``content``, ``departments`` or ``offices``, like the real API. An unknown board is a 404.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from typing import Any

from monitor.demo.server import BoardServer, Reply, Request

SHAPE = "greenhouse"


def install(server: BoardServer) -> None:
    """Serve Greenhouse boards from ``server.boards["greenhouse"][board]``."""
    server.boards.setdefault(SHAPE, {})

    def jobs_listing(request: Request, match: re.Match[str]) -> Reply:
        jobs = server.boards[SHAPE].get(match["board"])
        if jobs is None:
            return Reply.json({"status": 404, "error": "Job not found"}, 404)
        if request.query.get("content") != "true":
            # Like the real API: without content=true the list carries no descriptions.
            drop = ("content", "departments", "offices")
            jobs = [{k: v for k, v in job.items() if k not in drop} for job in jobs]
        return Reply.json({"jobs": jobs, "meta": {"total": len(jobs)}})

    server.add_route(r"/v1/boards/(?P<board>[^/]+)/jobs", jobs_listing)


def set_greenhouse(
    server: BoardServer,
    board: str,
    jobs: Sequence[dict[str, Any]],
    company: str | None = None,
) -> None:
    """Replace the jobs of ``board`` (the whole list at once, so readers need no lock);
    ``company`` overrides each job's ``company_name``."""
    copies = [dict(job) for job in jobs]
    if company is not None:
        for job in copies:
            job["company_name"] = company
    server.boards.setdefault(SHAPE, {})[board] = copies


def _escape_like_greenhouse(text: str) -> str:
    """Greenhouse escapes ``content`` once, quotes as &quot; and apostrophes as &#39;."""
    return html.escape(text, quote=True).replace("&#x27;", "&#39;")


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "", text.lower()) or "board"


def _language(text: str) -> str:
    return "ko" if re.search(r"[\uac00-\ud7a3]", text) else "en"


def greenhouse_job(
    id: int,
    title: str,
    *,
    content_html: str = "",
    location: str = "Seoul, South Korea",
    first_published: str | None = None,
    updated_at: str | None = None,
    company: str = "Acme",
    workplace_type: str | None = None,
    application_deadline: str | None = None,
) -> dict[str, Any]:
    """One job of a Greenhouse ``?content=true`` listing, in the field order of the real API."""
    metadata = None
    if workplace_type is not None:
        metadata = [
            {
                "id": 10216612,
                "name": "Workplace Type",
                "value": workplace_type,
                "value_type": "single_select",
            }
        ]
    return {
        "absolute_url": f"https://job-boards.greenhouse.io/{_slug(company)}/jobs/{id}",
        "data_compliance": [
            {
                "type": "gdpr",
                "requires_consent": False,
                "requires_processing_consent": False,
                "requires_retention_consent": False,
                "retention_period": None,
                "demographic_data_consent_applies": False,
            }
        ],
        "internal_job_id": id + 1000,
        "location": {"name": location},
        "metadata": metadata,
        "id": id,
        "updated_at": updated_at or first_published or "2026-03-02T09:00:00+09:00",
        "requisition_id": f"R{id % 10000:04d}",
        "title": title,
        "company_name": company,
        "first_published": first_published,
        "language": _language(title),
        "application_deadline": application_deadline,
        "content": _escape_like_greenhouse(content_html),
        "departments": [{"id": 4001, "name": "Research", "child_ids": [], "parent_id": None}],
        "offices": [
            {"id": 5001, "name": location, "location": location, "child_ids": [], "parent_id": None}
        ],
    }
