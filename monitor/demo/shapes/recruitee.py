"""Recruitee's public offers API as the local BoardServer serves it.

The real API lives on the account's own host, ``https://{subdomain}.recruitee.com/api/offers/``,
and answers ``{"offers": [...]}`` with every published offer (no paging); an unknown subdomain
is a 404 page. The local server has one host, so the subdomain travels as the first path
segment: a source configured with ``base_url = "{server.url}/acme"`` asks
``/acme/api/offers/``. A request without that segment is matched on the first label of its
Host header (``acme.localhost:PORT``), like the real site.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from monitor.demo.server import BoardServer, Reply, Request

SHAPE = "recruitee"
_NOT_FOUND = b"<!DOCTYPE html><html><body><h1>Page not found</h1></body></html>"


def install(server: BoardServer) -> None:
    """Serve Recruitee offer lists from ``server.boards["recruitee"][subdomain]``."""
    server.boards.setdefault(SHAPE, {})

    def offers(request: Request, match: re.Match[str]) -> Reply:
        subdomain = match["subdomain"] or request.headers.get("host", "").split(".")[0]
        found = server.boards[SHAPE].get(subdomain)
        if found is None:
            return Reply(404, _NOT_FOUND, "text/html; charset=utf-8")
        return Reply.json({"offers": found})

    server.add_route(r"(?:/(?P<subdomain>[^/]+))?/api/offers/?", offers)


def set_recruitee(server: BoardServer, subdomain: str, offers: Sequence[dict[str, Any]]) -> None:
    """Replace the offers of ``subdomain`` (the whole list at once, so readers need no lock)."""
    server.boards.setdefault(SHAPE, {})[subdomain] = [dict(offer) for offer in offers]


def recruitee_offer(
    id: int,
    title: str,
    *,
    description_html: str = "",
    requirements_html: str = "",
    city: str = "Seoul",
    country: str = "South Korea",
    country_code: str = "KR",
    published_at: str | None = "2026-03-02 00:30:00 UTC",
    created_at: str = "2026-02-27 08:00:00 UTC",
    employment_type_code: str = "fulltime_permanent",
    workplace: str = "on_site",
    salary: tuple[str, str] | None = None,
    company: str = "Acme",
    subdomain: str = "acme",
    department: str = "Research",
) -> dict[str, Any]:
    """One offer of ``/api/offers/`` in the real field order; ``workplace`` is ``remote``,
    ``hybrid`` or ``on_site``; ``salary`` is (min, max) as the strings Recruitee sends."""
    slug = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-") or f"offer-{id}"
    careers = f"https://{subdomain}.recruitee.com/o/{slug}"
    return {
        "id": id,
        "position": id % 1000,
        "title": title,
        "careers_url": careers,
        "careers_apply_url": f"{careers}/c/new",
        "location": f"{city}, {country}",
        "city": city,
        "state_name": None,
        "state_code": None,
        "country": country,
        "country_code": country_code,
        "department": department,
        "description": description_html,
        "requirements": requirements_html,
        "created_at": created_at,
        "published_at": published_at,
        "updated_at": published_at or created_at,
        "close_at": None,
        "employment_type_code": employment_type_code,
        "remote": workplace == "remote",
        "on_site": workplace == "on_site",
        "hybrid": workplace == "hybrid",
        "salary": {
            "max": salary[1] if salary else None,
            "min": salary[0] if salary else None,
            "period": "year" if salary else None,
            "currency": "KRW" if salary else None,
        },
        "company_name": company,
        "slug": slug,
        "locations": [
            {
                "id": 7000 + id % 100,
                "name": city,
                "state": None,
                "country": country,
                "city": city,
                "country_code": country_code,
            }
        ],
        "status": "published",
    }
