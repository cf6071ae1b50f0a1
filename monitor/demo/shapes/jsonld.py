"""Career pages carrying schema.org JobPosting JSON-LD, and their sitemaps, on the BoardServer.

Pages live under ``/jsonld/<path>`` (path and query as the key), so a source's ``url`` is
``page_url(server, "careers/1")``. A page is whatever HTML a test gives (``set_page``), or one
built from JobPosting objects (``set_jsonld``) the way career sites write them: one
``<script type="application/ld+json">`` block per entry, pretty-printed. ``sitemap_xml`` and
``sitemap_index_xml`` build sitemaps to serve with ``set_page(..., content_type=XML_TYPE)``.
Unknown paths answer 404 with an HTML page, like a web server.
"""

from __future__ import annotations

import html
import json
from collections.abc import Sequence
from typing import Any

from monitor.demo.server import BoardServer, Reply, Request

SHAPE = "jsonld"
PREFIX = "/jsonld/"
HTML_TYPE = "text/html; charset=utf-8"
XML_TYPE = "application/xml; charset=utf-8"
SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"


def install(server: BoardServer) -> None:
    server.boards.setdefault(SHAPE, {})
    server.add_route(r"/jsonld/.*", lambda request, match: _page(server, request))


def page_url(server: BoardServer, path: str) -> str:
    return f"{server.url}{PREFIX}{path}"


def set_page(
    server: BoardServer, path: str, body: str | bytes, *, content_type: str = HTML_TYPE
) -> None:
    """Serve ``body`` at ``/jsonld/<path>`` (``path`` may carry a query)."""
    data = body.encode("utf-8") if isinstance(body, str) else body
    server.boards.setdefault(SHAPE, {})[path] = (data, content_type)


def set_jsonld(server: BoardServer, path: str, items: Sequence[Any], *, title: str = "") -> None:
    """Serve a page whose ld+json blocks are ``items`` (objects, lists, or raw block text)."""
    set_page(server, path, jsonld_page(items, title=title or "Careers"))


def _page(server: BoardServer, request: Request) -> Reply:
    found = server.boards.get(SHAPE, {}).get(request.target[len(PREFIX) :])
    if found is None:
        body = b"<!DOCTYPE html><html><body><h1>404 Not Found</h1></body></html>"
        return Reply(404, body, HTML_TYPE)
    data, content_type = found
    return Reply(200, data, content_type)


# -- builders ----------------------------------------------------------------------------


def job_posting(
    title: str,
    *,
    identifier: str | None = None,
    company: str = "Hanbit Robotics",
    locality: str | None = "Seoul",
    country: str | None = "KR",
    date_posted: str = "2026-03-02",
    valid_through: str | None = None,
    description_html: str = "<p>Join us.</p>",
    employment_type: str | list[str] | None = "FULL_TIME",
    remote: bool = False,
    url: str | None = None,
) -> dict[str, Any]:
    """One JobPosting as Google's structured-data guide writes it."""
    posting: dict[str, Any] = {
        "@context": "https://schema.org/",
        "@type": "JobPosting",
        "title": title,
        "description": description_html,
        "datePosted": date_posted,
        "hiringOrganization": {
            "@type": "Organization",
            "name": company,
            "sameAs": "https://www.example.com",
            "logo": "https://www.example.com/images/logo.png",
        },
    }
    if identifier is not None:
        posting["identifier"] = {"@type": "PropertyValue", "name": company, "value": identifier}
    if valid_through is not None:
        posting["validThrough"] = valid_through
    if employment_type is not None:
        posting["employmentType"] = employment_type
    if locality is not None or country is not None:
        address: dict[str, Any] = {"@type": "PostalAddress"}
        if locality is not None:
            address["addressLocality"] = locality
        if country is not None:
            address["addressCountry"] = country
        posting["jobLocation"] = {"@type": "Place", "address": address}
    if remote:
        posting["jobLocationType"] = "TELECOMMUTE"
        posting["applicantLocationRequirements"] = {"@type": "Country", "name": "South Korea"}
    if url is not None:
        posting["url"] = url
    return posting


def jsonld_page(items: Sequence[Any], *, title: str = "Careers") -> str:
    """A page with one ld+json block per item; a ``str`` item is written as the block's raw
    text (for malformed or CDATA-wrapped blocks)."""
    blocks = []
    for item in items:
        text = item if isinstance(item, str) else json.dumps(item, ensure_ascii=False, indent=2)
        # "</" inside a script block would end it early; JSON may write it as "<\/".
        text = text.replace("</", "<\\/") if not isinstance(item, str) else text
        blocks.append(f'<script type="application/ld+json">\n{text}\n</script>')
    return (
        '<!DOCTYPE html>\n<html lang="ko">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{html.escape(title)}</title>\n" + "\n".join(blocks) + "\n</head>\n"
        f"<body>\n<h1>{html.escape(title)}</h1>\n</body>\n</html>\n"
    )


def sitemap_xml(urls: Sequence[str]) -> str:
    entries = "".join(
        f"  <url>\n    <loc>{html.escape(u)}</loc>\n    <lastmod>2026-03-01</lastmod>\n  </url>\n"
        for u in urls
    )
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="{SITEMAP_NS}">\n'
        f"{entries}</urlset>\n"
    )


def sitemap_index_xml(urls: Sequence[str]) -> str:
    entries = "".join(f"  <sitemap>\n    <loc>{html.escape(u)}</loc>\n  </sitemap>\n" for u in urls)
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex xmlns="{SITEMAP_NS}">\n'
        f"{entries}</sitemapindex>\n"
    )
