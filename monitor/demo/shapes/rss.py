"""We Work Remotely's RSS feeds on the local BoardServer.

One site per ``key``, served under the key as a path prefix: ``/<key>/remote-jobs.rss`` (every
job) and ``/<key>/categories/<slug>.rss`` (one category), so a source's ``url`` is
``f"{server.url}/<key>/remote-jobs.rss"``. Items are written like the real feeds: "Company:
Role" titles, RFC 822 dates, the description HTML escaped once, WWR's own ``region``,
``country``, ``state``, ``skills``, ``category``, ``type`` and ``expires_at`` elements.
"""

from __future__ import annotations

import email.utils
import html
import re
from datetime import UTC, datetime, timedelta
from typing import Any
from xml.sax.saxutils import escape

from monitor.demo.server import BoardServer, Handler, Reply, Request

SHAPE = "rss"
RSS_TYPE = "application/rss+xml; charset=utf-8"


def install(server: BoardServer) -> None:
    server.boards.setdefault(SHAPE, {})
    server.add_route(
        r"/(?P<key>[\w.-]+)/(?:remote-jobs|categories/(?P<category>[\w-]+))\.rss",
        _handler(server),
    )


def set_rss(server: BoardServer, key: str, items: list[dict[str, Any]]) -> None:
    """Serve ``items`` (from ``wwr_item``, newest first) as the feeds of site ``key``."""
    server.boards.setdefault(SHAPE, {})[key] = [dict(item) for item in items]


def _slug(text: str) -> str:
    # Word characters of any script stay, so Korean titles keep readable slugs.
    return re.sub(r"[\W_]+", "-", text.lower()).strip("-") or "job"


def wwr_item(
    company: str,
    role: str,
    *,
    description_html: str = "",
    published: datetime | None = None,
    region: str = "Anywhere in the World",
    country: str = "",
    state: str = "",
    skills: str = "",
    category: str = "Programming",
    job_type: str = "Full-Time",
) -> dict[str, Any]:
    """One job of a We Work Remotely feed."""
    when = published or datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    return {
        "company": company,
        "role": role,
        "description": description_html,
        "published": when,
        "region": region,
        "country": country,
        "state": state,
        "skills": skills,
        "category": category,
        "type": job_type,
        "link": f"https://weworkremotely.com/remote-jobs/{_slug(company)}-{_slug(role)}",
    }


def render_feed(items: list[dict[str, Any]], self_url: str) -> str:
    """The RSS document of ``items``, element by element as We Work Remotely writes it."""
    parts = [
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/" '
        'xmlns:media="http://search.yahoo.com/mrss">\n  <channel>\n'
        "    <title>We Work Remotely: Remote jobs in design, programming, marketing and more"
        "</title>\n"
        f"    <link>{escape(self_url)}</link>\n"
        "    <description>We Work Remotely: Remote jobs</description>\n"
        "    <language>en-US</language>\n    <ttl>60</ttl>\n"
    ]
    for item in items:
        published = item["published"]
        expires = published + timedelta(days=30)
        headquarters = html.escape(item["state"] or "Remote")
        body = (
            f"<p>\n  <strong>Headquarters:</strong> {headquarters}\n</p>\n\n"
            f"{item['description']}\n\n"
            f'<p><strong>To apply:</strong> <a href="{item["link"]}">{item["link"]}</a></p>\n'
        )
        parts.append(
            "    <item>\n"
            f"      <title>{escape(item['company'] + ': ' + item['role'])}</title>\n"
            f"      <region>{escape(item['region'])}</region>\n"
            f"      <country>{escape(item['country'])}</country>\n"
            f"      <state>{escape(item['state'])}</state>\n"
            f"      <skills>{escape(item['skills'])}</skills>\n"
            f"      <category>{escape(item['category'])}</category>\n"
            f"      <type>{escape(item['type'])}</type>\n"
            f"      <description>{escape(body)}</description>\n"
            f"      <pubDate>{email.utils.format_datetime(published)}</pubDate>\n"
            f"      <expires_at>{email.utils.format_datetime(expires)}</expires_at>\n"
            f"      <guid>{escape(item['link'])}</guid>\n"
            f"      <link>{escape(item['link'])}</link>\n"
            "    </item>\n"
        )
    parts.append("</channel>\n</rss>\n")
    return "".join(parts)


def _handler(server: BoardServer) -> Handler:
    def handle(request: Request, match: re.Match[str]) -> Reply:
        items = server.boards.get(SHAPE, {}).get(match["key"])
        if items is None:
            return Reply(404, b"<h1>The page you were looking for doesn't exist.</h1>", "text/html")
        category = match["category"]
        if category is not None:
            items = [i for i in items if _slug(i["category"]) == category]
        self_url = f"https://weworkremotely.com{request.path.removeprefix('/' + match['key'])}"
        return Reply(200, render_feed(items, self_url).encode("utf-8"), RSS_TYPE)

    return handle
