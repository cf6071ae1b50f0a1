"""Personio's public XML feed of open positions as the local BoardServer serves it.

The real feed lives on the account's own host, ``https://{subdomain}.jobs.personio.de/xml``,
and answers ``<workzag-jobs>`` with one ``<position>`` per published job (no paging), section
texts as HTML in CDATA; an unknown subdomain is a 404 page. The local server has one host, so
the subdomain travels as the first path segment (``base_url = "{server.url}/acme"`` asks
``/acme/xml?language=en``); without it, the first label of the Host header is used. The same
texts are served whatever ``language`` asks for.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any
from xml.sax.saxutils import escape

from monitor.demo.server import BoardServer, Reply, Request

SHAPE = "personio"
XML_TYPE = "text/xml; charset=UTF-8"
_NOT_FOUND = b"<!DOCTYPE html><html><body><h1>Page not found</h1></body></html>"
# Element order of a real <position>; additionalOffices and jobDescriptions are built apart.
_FIELDS = ("id", "subcompany", "office", "additionalOffices", "department", "recruitingCategory")
_TAIL = (
    "employmentType",
    "seniority",
    "schedule",
    "yearsOfExperience",
    "keywords",
    "occupation",
    "occupationCategory",
    "createdAt",
)


def install(server: BoardServer) -> None:
    """Serve Personio XML feeds from ``server.boards["personio"][subdomain]``."""
    server.boards.setdefault(SHAPE, {})

    def feed(request: Request, match: re.Match[str]) -> Reply:
        subdomain = match["subdomain"] or request.headers.get("host", "").split(".")[0]
        positions = server.boards[SHAPE].get(subdomain)
        if positions is None:
            return Reply(404, _NOT_FOUND, "text/html; charset=utf-8")
        return Reply(200, render_feed(positions).encode("utf-8"), XML_TYPE)

    server.add_route(r"(?:/(?P<subdomain>[^/]+))?/xml", feed)


def set_personio(server: BoardServer, subdomain: str, positions: Sequence[dict[str, Any]]) -> None:
    """Replace the positions of ``subdomain`` (the whole list at once: readers need no lock)."""
    server.boards.setdefault(SHAPE, {})[subdomain] = [dict(p) for p in positions]


def personio_position(
    id: int,
    name: str,
    *,
    sections: Sequence[tuple[str, str]] = (),
    office: str = "Seoul",
    additional_offices: Sequence[str] = (),
    subcompany: str = "",
    department: str = "Research",
    created_at: str = "2026-03-02T09:15:00+09:00",
    employment_type: str = "permanent",
    schedule: str = "full-time",
    seniority: str = "experienced",
) -> dict[str, Any]:
    """One position; ``sections`` are (heading, HTML) pairs of ``jobDescriptions``."""
    return {
        "id": str(id),
        "subcompany": subcompany,
        "office": office,
        "additionalOffices": list(additional_offices),
        "department": department,
        "recruitingCategory": "Engineering",
        "name": name,
        "jobDescriptions": [list(section) for section in sections],
        "employmentType": employment_type,
        "seniority": seniority,
        "schedule": schedule,
        "yearsOfExperience": "2-5",
        "keywords": "",
        "occupation": "software_and_web_development",
        "occupationCategory": "it_software",
        "createdAt": created_at,
    }


def render_feed(positions: Sequence[dict[str, Any]]) -> str:
    """The feed as Personio writes it: an XML declaration, blank lines between positions."""
    parts = ['<?xml version="1.0" encoding="UTF-8"?>\n\n<workzag-jobs>\n']
    for position in positions:
        parts.append("\n<position>\n")
        for key in _FIELDS:
            if key == "additionalOffices":
                if position.get(key):
                    offices = "".join(
                        f"        <office>{escape(o)}</office>\n" for o in position[key]
                    )
                    parts.append(f"    <additionalOffices>\n{offices}    </additionalOffices>\n")
                continue
            parts.append(f"    <{key}>{escape(str(position.get(key, '')))}</{key}>\n")
        parts.append(f"    <name>{escape(position['name'])}</name>\n")
        parts.append(_descriptions(position.get("jobDescriptions") or []))
        for key in _TAIL:
            if position.get(key):
                parts.append(f"    <{key}>{escape(str(position[key]))}</{key}>\n")
        parts.append("</position>\n")
    parts.append("\n</workzag-jobs>")
    return "".join(parts)


def _descriptions(sections: Sequence[Sequence[str]]) -> str:
    if not sections:
        return "    <jobDescriptions></jobDescriptions>\n"
    items = "".join(
        "        <jobDescription>\n"
        f"            <name>{escape(heading)}</name>\n"
        f"            <value>{_cdata(value)}</value>\n"
        "        </jobDescription>\n"
        for heading, value in sections
    )
    return f"    <jobDescriptions>\n{items}    </jobDescriptions>\n"


def _cdata(text: str) -> str:
    # A "]]>" inside the HTML would end the section early: split it across two sections.
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"
