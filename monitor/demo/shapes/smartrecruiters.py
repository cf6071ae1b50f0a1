"""The SmartRecruiters Posting API as the local BoardServer serves it.

- ``GET /v1/companies/{company}/postings?limit=L&offset=N``: ``{"offset", "limit",
  "totalFound", "content": [...]}``, list items without texts, each with ``ref`` (the absolute
  URL of its detail on the real host, as the real API writes it). ``limit`` defaults to 10 and
  is capped at 100 (the documented maximum; a larger value is clamped here, which we have not
  checked against the real server). An unknown company is 200 with ``totalFound: 0``, like the
  real API.
- ``GET /v1/companies/{company}/postings/{id}``: one posting with ``jobAd.sections``; an
  unknown posting is a 404.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from monitor.demo.server import BoardServer, Reply, Request

SHAPE = "smartrecruiters"
DEFAULT_LIMIT = 10
MAX_LIMIT = 100
REAL_API = "https://api.smartrecruiters.com"
_SECTION_TITLES = {
    "companyDescription": "Company Description",
    "jobDescription": "Job Description",
    "qualifications": "Qualifications",
    "additionalInformation": "Additional Information",
}


def install(server: BoardServer) -> None:
    """Serve SmartRecruiters companies from ``server.boards["smartrecruiters"][company]``."""
    server.boards.setdefault(SHAPE, {})

    def postings(request: Request, match: re.Match[str]) -> Reply:
        try:
            limit = int(request.query.get("limit", DEFAULT_LIMIT))
            offset = int(request.query.get("offset", 0))
        except ValueError:
            return Reply.json({"message": "Invalid limit or offset", "code": "BAD_REQUEST"}, 400)
        if limit < 0 or offset < 0:
            return Reply.json({"message": "Invalid limit or offset", "code": "BAD_REQUEST"}, 400)
        limit = min(limit, MAX_LIMIT)
        items = server.boards[SHAPE].get(match["company"], [])
        page = [item["listing"] for item in items[offset : offset + limit]]
        return Reply.json(
            {"offset": offset, "limit": limit, "totalFound": len(items), "content": page}
        )

    def posting(request: Request, match: re.Match[str]) -> Reply:
        for item in server.boards[SHAPE].get(match["company"], []):
            if item["listing"]["id"] == match["id"]:
                return Reply.json(item["detail"])
        return Reply.json({"message": "Posting not found", "code": "NOT_FOUND"}, 404)

    server.add_route(r"/v1/companies/(?P<company>[^/]+)/postings", postings)
    server.add_route(r"/v1/companies/(?P<company>[^/]+)/postings/(?P<id>[^/]+)", posting)


def set_smartrecruiters(
    server: BoardServer, company: str, postings: Sequence[dict[str, Any]]
) -> None:
    """Replace the postings of ``company`` (the whole list at once: readers need no lock);
    ``postings`` are made by ``smartrecruiters_posting``."""
    server.boards.setdefault(SHAPE, {})[company] = [dict(p) for p in postings]


def smartrecruiters_posting(
    id: str,
    name: str,
    *,
    company: str = "Acme",
    company_name: str | None = None,
    sections: dict[str, str] | None = None,
    city: str = "Seoul",
    region: str = "Seoul",
    country: str = "kr",
    country_name: str = "South Korea",
    remote: bool = False,
    hybrid: bool = False,
    released: str = "2026-03-02T00:15:00.000Z",
    employment: str = "Full-time",
    department: str = "Research",
) -> dict[str, Any]:
    """One posting as ``{"listing": list item, "detail": detail}`` in the real shapes;
    ``sections`` maps jobAd section keys (``jobDescription``, ...) to HTML."""
    ref = f"{REAL_API}/v1/companies/{company}/postings/{id}"
    listing = {
        "id": id,
        "name": name,
        "uuid": f"00000000-0000-4000-8000-{int(id) % 10**12:012d}",
        "jobAdId": f"10000000-0000-4000-8000-{int(id) % 10**12:012d}",
        "defaultJobAd": True,
        "refNumber": f"REF{int(id) % 100000:05d}",
        "company": {"identifier": company, "name": company_name or company},
        "releasedDate": released,
        "location": {
            "city": city,
            "region": region,
            "country": country,
            "remote": remote,
            "hybrid": hybrid,
            "fullLocation": f"{city}, {region}, {country_name}",
        },
        "industry": {"id": "it_and_services", "label": "Information Technology And Services"},
        "department": {"id": "100", "label": department},
        "function": {"id": "engineering", "label": "Engineering"},
        "typeOfEmployment": {"id": "permanent", "label": employment},
        "experienceLevel": {"id": "mid_senior_level", "label": "Mid-Senior Level"},
        "customField": [],
        "visibility": "PUBLIC",
        "ref": ref,
        "language": {"code": "en", "label": "English", "labelNative": "English (US)"},
    }
    detail = {
        **{k: v for k, v in listing.items() if k != "ref"},
        "postingUrl": f"https://jobs.smartrecruiters.com/{company}/{id}-{_slug(name)}",
        "applyUrl": f"https://jobs.smartrecruiters.com/{company}/{id}-{_slug(name)}?oga=true",
        "jobAd": {
            "sections": {
                key: {"title": title, "text": (sections or {}).get(key, "")}
                for key, title in _SECTION_TITLES.items()
            }
        },
    }
    return {"listing": listing, "detail": detail}


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "posting"
