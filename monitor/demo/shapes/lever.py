"""The Lever postings API as the local BoardServer serves it.

``GET /v0/postings/{site}?mode=json[&skip=N&limit=M]`` answers a JSON list of postings (paged
by ``skip``/``limit`` when asked); without ``mode=json`` it is the HTML job page, like the real
site. An unknown site is a 404 ``{"ok": false, ...}``; a bad ``skip`` or ``limit`` a 400.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from typing import Any

from monitor.demo.server import BoardServer, Reply, Request

SHAPE = "lever"


def install(server: BoardServer) -> None:
    """Serve Lever sites from ``server.boards["lever"][site]``."""
    server.boards.setdefault(SHAPE, {})

    def postings_listing(request: Request, match: re.Match[str]) -> Reply:
        postings = server.boards[SHAPE].get(match["site"])
        if postings is None:
            return Reply.json({"ok": False, "error": "Document not found"}, 404)
        if request.query.get("mode") != "json":
            page = f"<html><body><h1>{html.escape(match['site'])} jobs</h1></body></html>"
            return Reply(200, page.encode(), "text/html; charset=utf-8")
        try:
            skip = int(request.query.get("skip", "0"))
            limit = int(request.query["limit"]) if "limit" in request.query else None
        except ValueError:
            return Reply.json({"ok": False, "error": "Invalid skip or limit"}, 400)
        end = None if limit is None else skip + limit
        return Reply.json(postings[skip:end])

    server.add_route(r"/v0/postings/(?P<site>[^/]+)", postings_listing)


def set_lever(server: BoardServer, site: str, postings: Sequence[dict[str, Any]]) -> None:
    """Replace the postings of ``site`` (the whole list at once, so readers need no lock)."""
    server.boards.setdefault(SHAPE, {})[site] = [dict(p) for p in postings]


def _plain(html_text: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", html_text)).strip()


def lever_posting(
    id: str,
    title: str,
    *,
    description_html: str = "",
    location: str = "Seoul",
    created_at_ms: int | None = None,
    commitment: str = "Full-time",
    workplace_type: str = "on-site",
    country: str | None = "KR",
    site: str = "acme",
    lists: Sequence[tuple[str, str]] = (),
    additional_html: str = "",
) -> dict[str, Any]:
    """One posting of a Lever ``?mode=json`` listing; ``lists`` are (title, "<li>..</li>")."""
    hosted = f"https://jobs.lever.co/{site}/{id}"
    return {
        "additionalPlain": _plain(additional_html),
        "additional": additional_html,
        "categories": {
            "commitment": commitment,
            "location": location,
            "team": "Research",
            "allLocations": [location],
        },
        "createdAt": created_at_ms if created_at_ms is not None else 1772409600000,
        "descriptionPlain": _plain(description_html),
        "description": description_html,
        "id": id,
        "lists": [{"text": text, "content": content} for text, content in lists],
        "text": title,
        "country": country,
        "workplaceType": workplace_type,
        "opening": "",
        "openingPlain": "",
        "descriptionBody": description_html,
        "descriptionBodyPlain": _plain(description_html),
        "hostedUrl": hosted,
        "applyUrl": hosted + "/apply",
    }
