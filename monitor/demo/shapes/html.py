"""Job listing pages without an API (for the ``html`` kind) on the local BoardServer.

Pages live under ``/html/<path>`` (path and query as the key: ``jobs?page=2`` is its own
page), so a source's ``url`` is ``page_url(server, "jobs")``. A page is whatever HTML a test
gives (``set_html``, in any charset: Korean sites still serve EUC-KR), or a listing built by
``listing_page`` in the usual markup of small career sites::

    <ul class="job-list">
      <li class="job">
        <h3 class="job-title"><a href="/jobs/101">멀티모달 LLM 연구원</a></h3>
        <span class="company">Hanbit Robotics</span> <time datetime="2026-03-02">3월 2일</time>
      </li>
    </ul>
    <a class="next" rel="next" href="?page=2">다음</a>

Unknown paths answer 404 with an HTML page.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass

from monitor.demo.server import BoardServer, Reply, Request

SHAPE = "html"
PREFIX = "/html/"


def install(server: BoardServer) -> None:
    server.boards.setdefault(SHAPE, {})
    server.add_route(r"/html/.*", lambda request, match: _page(server, request))


def page_url(server: BoardServer, path: str) -> str:
    return f"{server.url}{PREFIX}{path}"


def set_html(server: BoardServer, path: str, body: str, *, charset: str = "utf-8") -> None:
    """Serve ``body`` encoded in ``charset`` at ``/html/<path>``."""
    data = body.encode(charset)
    server.boards.setdefault(SHAPE, {})[path] = (data, f"text/html; charset={charset}")


def _page(server: BoardServer, request: Request) -> Reply:
    found = server.boards.get(SHAPE, {}).get(request.target[len(PREFIX) :])
    if found is None:
        body = b"<!DOCTYPE html><html><body><h1>404 Not Found</h1></body></html>"
        return Reply(404, body, "text/html; charset=utf-8")
    data, content_type = found
    return Reply(200, data, content_type)


@dataclass(frozen=True)
class ListedJob:
    """One row of a listing page; ``href`` as the site writes it (often relative)."""

    title: str
    href: str | None = None
    company: str | None = None
    date_text: str | None = None
    datetime_attr: str | None = None


def listing_page(
    jobs: Sequence[ListedJob],
    *,
    next_href: str | None = None,
    charset: str = "utf-8",
    heading: str = "채용 공고",
) -> str:
    """A listing page in the markup shown in the module docstring."""
    rows = []
    for job in jobs:
        title = html.escape(job.title)
        link = f'<a href="{html.escape(job.href)}">{title}</a>' if job.href else title
        parts = [f'    <h3 class="job-title">{link}</h3>']
        if job.company is not None:
            parts.append(f'    <span class="company">{html.escape(job.company)}</span>')
        if job.date_text is not None or job.datetime_attr is not None:
            attr = f' datetime="{html.escape(job.datetime_attr)}"' if job.datetime_attr else ""
            parts.append(f"    <time{attr}>{html.escape(job.date_text or '')}</time>")
        rows.append('  <li class="job">\n' + "\n".join(parts) + "\n  </li>")
    pager = (
        f'<a class="next" rel="next" href="{html.escape(next_href)}">다음</a>' if next_href else ""
    )
    return (
        f'<!DOCTYPE html>\n<html lang="ko">\n<head>\n<meta charset="{charset}">\n'
        f"<title>{html.escape(heading)}</title>\n</head>\n<body>\n"
        f'<nav class="site"><a href="/">Home</a></nav>\n<h1>{html.escape(heading)}</h1>\n'
        '<ul class="job-list">\n' + "\n".join(rows) + f"\n</ul>\n{pager}\n</body>\n</html>\n"
    )
