"""The Ashby posting API as the local BoardServer serves it.

``GET /posting-api/job-board/{board}[?includeCompensation=true]`` answers
``{"apiVersion": "1", "jobs": [...]}`` with the whole board (Ashby does not page); the
``compensation`` object is only there when ``includeCompensation=true`` is asked for. An unknown
board is a 404 (the real status; the body's wording is our guess, nothing reads it).
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from typing import Any

from monitor.demo.server import BoardServer, Reply, Request

SHAPE = "ashby"


def install(server: BoardServer) -> None:
    """Serve Ashby job boards from ``server.boards["ashby"][board]``."""
    server.boards.setdefault(SHAPE, {})

    def job_board(request: Request, match: re.Match[str]) -> Reply:
        jobs = server.boards[SHAPE].get(match["board"])
        if jobs is None:
            return Reply.json({"success": False, "errors": ["Job board not found"]}, 404)
        if request.query.get("includeCompensation") != "true":
            jobs = [{k: v for k, v in job.items() if k != "compensation"} for job in jobs]
        return Reply.json({"apiVersion": "1", "jobs": jobs})

    server.add_route(r"/posting-api/job-board/(?P<board>[^/]+)", job_board)


def set_ashby(server: BoardServer, board: str, jobs: Sequence[dict[str, Any]]) -> None:
    """Replace the jobs of ``board`` (the whole list at once, so readers need no lock)."""
    server.boards.setdefault(SHAPE, {})[board] = [dict(job) for job in jobs]


def ashby_job(
    id: str,
    title: str,
    *,
    description_html: str = "",
    location: str = "Seoul",
    country: str = "South Korea",
    secondary_locations: Sequence[str] = (),
    published_at: str = "2026-03-02T00:15:00.000+00:00",
    employment_type: str = "FullTime",
    workplace_type: str | None = "OnSite",
    is_remote: bool = False,
    is_listed: bool = True,
    board: str = "acme",
    department: str = "Research",
    team: str = "AI",
    salary: tuple[int, int, str] | None = None,
) -> dict[str, Any]:
    """One job of a posting-API board, in the real field order; ``salary`` is (min, max,
    currency) a year."""
    job_url = f"https://jobs.ashbyhq.com/{board}/{id}"
    return {
        "id": id,
        "title": title,
        "department": department,
        "team": team,
        "employmentType": employment_type,
        "location": location,
        "shouldDisplayCompensationOnJobPostings": salary is not None,
        "secondaryLocations": [
            {"location": name, "address": {"postalAddress": {"addressLocality": name}}}
            for name in secondary_locations
        ],
        "publishedAt": published_at,
        "isListed": is_listed,
        "isRemote": is_remote,
        "workplaceType": workplace_type,
        "address": {"postalAddress": {"addressCountry": country, "addressLocality": location}},
        "jobUrl": job_url,
        "applyUrl": f"{job_url}/application",
        "descriptionHtml": description_html,
        "descriptionPlain": _plain(description_html),
        "compensation": _compensation(salary),
    }


def _compensation(salary: tuple[int, int, str] | None) -> dict[str, Any]:
    if salary is None:
        return {
            "compensationTierSummary": None,
            "scrapeableCompensationSalarySummary": None,
            "compensationTiers": [],
            "summaryComponents": [],
        }
    low, high, currency = salary
    summary = f"{currency} {low:,} – {high:,}"
    component = {
        "compensationType": "Salary",
        "interval": "1 YEAR",
        "currencyCode": currency,
        "minValue": low,
        "maxValue": high,
    }
    return {
        "compensationTierSummary": summary,
        "scrapeableCompensationSalarySummary": summary,
        "compensationTiers": [
            {
                "id": "tier-1",
                "tierSummary": summary,
                "title": None,
                "additionalInformation": None,
                "components": [{"id": "component-1", "summary": summary, **component}],
            }
        ],
        "summaryComponents": [component],
    }


def _plain(html_text: str) -> str:
    text = re.sub(r"</(p|li|h\d)>", "\n", html_text)
    return html.unescape(re.sub(r"<[^>]+>", "", text)).strip()
