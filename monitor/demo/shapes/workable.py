"""Workable's public job APIs as the local BoardServer serves them.

- ``GET /api/v1/widget/accounts/{account}``: ``{"name", "description", "jobs": [...]}`` with
  every published job and no job texts (no paging).
- ``GET /api/v2/accounts/{account}/jobs/{shortcode}``: one job with its HTML ``description``,
  ``requirements`` and ``benefits``.

An unknown account or job is a 404 (the real status; the body's wording is our guess).
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Sequence
from typing import Any

from monitor.demo.server import BoardServer, Reply, Request

SHAPE = "workable"
_NOT_FOUND = {"error": "Not found"}


def install(server: BoardServer) -> None:
    """Serve Workable accounts from ``server.boards["workable"][account]``."""
    server.boards.setdefault(SHAPE, {})

    def widget(request: Request, match: re.Match[str]) -> Reply:
        account = server.boards[SHAPE].get(match["account"])
        if account is None:
            return Reply.json(_NOT_FOUND, 404)
        jobs = [job["listing"] for job in account["jobs"]]
        return Reply.json({"name": account["name"], "description": account["about"], "jobs": jobs})

    def detail(request: Request, match: re.Match[str]) -> Reply:
        account = server.boards[SHAPE].get(match["account"])
        for job in account["jobs"] if account else []:
            if job["listing"]["shortcode"] == match["shortcode"]:
                return Reply.json(job["detail"])
        return Reply.json(_NOT_FOUND, 404)

    server.add_route(r"/api/v1/widget/accounts/(?P<account>[^/]+)", widget)
    server.add_route(r"/api/v2/accounts/(?P<account>[^/]+)/jobs/(?P<shortcode>[^/]+)", detail)


def set_workable(
    server: BoardServer,
    account: str,
    jobs: Sequence[dict[str, Any]],
    *,
    name: str = "Acme",
    about: str = "<p>We build things.</p>",
) -> None:
    """Replace ``account`` (the whole value at once, so readers need no lock); ``jobs`` are
    made by ``workable_job``."""
    server.boards.setdefault(SHAPE, {})[account] = {
        "name": name,
        "about": about,
        "jobs": [dict(job) for job in jobs],
    }


def workable_job(
    shortcode: str,
    title: str,
    *,
    description_html: str = "",
    requirements_html: str = "",
    benefits_html: str = "",
    city: str = "Seoul",
    region: str = "Seoul",
    country: str = "South Korea",
    country_code: str = "KR",
    published_on: str = "2026-03-02",
    created_at: str = "2026-02-25",
    employment_type: str = "Full-time",
    telecommuting: bool = False,
    department: str = "Research",
) -> dict[str, Any]:
    """One job as ``{"listing": widget item, "detail": v2 job}``, each in the real shape."""
    place = {"country": country, "countryCode": country_code, "city": city, "region": region}
    page = f"https://apply.workable.com/j/{shortcode}"
    listing = {
        "title": title,
        "shortcode": shortcode,
        "code": "",
        "employment_type": employment_type,
        "telecommuting": telecommuting,
        "department": department,
        "url": page,
        "shortlink": page,
        "application_url": f"{page}/apply",
        "published_on": published_on,
        "created_at": created_at,
        "country": country,
        "city": city,
        "state": region,
        "education": "",
        "experience": "",
        "function": "",
        "industry": "",
        "locations": [{**place, "hidden": False}],
    }
    detail = {
        "id": zlib.crc32(shortcode.encode()) % 10**7,
        "shortcode": shortcode,
        "title": title,
        "remote": telecommuting,
        "location": place,
        "locations": [place],
        "state": "published",
        "isInternal": False,
        "code": "",
        "published": f"{published_on}T00:00:00.000Z",
        "type": "full" if employment_type == "Full-time" else "part",
        "language": "ko" if re.search(r"[\uac00-\ud7a3]", title) else "en",
        "department": [department],
        "accountUid": "00000000-0000-4000-8000-000000000000",
        "approvalStatus": "approved",
        "workplace": "remote" if telecommuting else "on_site",
        "description": description_html,
        "requirements": requirements_html,
        "benefits": benefits_html,
    }
    return {"listing": listing, "detail": detail}
