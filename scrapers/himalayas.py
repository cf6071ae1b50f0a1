"""Himalayas (``himalayas.app/jobs/api``): remote jobs, newest first, paged by offset.

``GET /jobs/api?limit=L&offset=O`` answers ``{"offset", "limit", "totalCount", "jobs": [...]}``
(sometimes with ``comments`` and ``updatedAt``). A job has no id field: its ``guid`` (the job's
URL) is the key. ``pubDate`` and ``expiryDate`` are documented as milliseconds but arrive as
seconds; the unit is decided by magnitude. Descriptions are HTML.

Himalayas lists about 100,000 jobs and serves at most 20 a page (it ignores a larger
``limit``), so reading everything would take thousands of requests per run. The source reads
the newest ``WINDOW_PAGES`` pages instead: a window of the newest jobs, which is what the
trend needs (new postings and the share of topics among them). A job that drops out of the
window counts as closed; DESIGN.md's closing rule assumes complete listings, so Himalayas'
active counts are those of the window, not of the whole board.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from monitor.errors import ParseError
from monitor.posting import RawPosting
from scrapers.base import Source, load_json
from scrapers.fields import epoch_time, require_list, require_text, text_of

if TYPE_CHECKING:
    from scrapers.http import HttpClient

logger = logging.getLogger(__name__)

PAGE_SIZE = 20  # the most Himalayas serves per request
WINDOW_PAGES = 50  # the newest 1,000 jobs, about half a day of Himalayas' postings


class HimalayasSource(Source):
    kind = "himalayas"
    description = "Himalayas (himalayas.app/jobs/api): the newest 1,000 remote jobs, 20 a page."
    default_base_url = "https://himalayas.app"

    def __init__(
        self,
        name: str,
        options: Any = None,
        *,
        base_url: str | None = None,
        company: str | None = None,
    ) -> None:
        super().__init__(name, options, base_url=base_url, company=company)
        self.page_size = PAGE_SIZE
        self.window_pages = WINDOW_PAGES

    def listing_url(self, offset: int = 0) -> str:
        return f"{self.base_url}/jobs/api?limit={self.page_size}&offset={offset}"

    def fetch(self, client: HttpClient) -> Iterator[RawPosting]:
        url: str | None = self.listing_url()
        seen: set[str] = set()
        pages = 0
        while url is not None and pages < self.window_pages:
            # Only the first page is conditional: a 304 there means nothing new was posted.
            response = client.get(url, conditional=pages == 0)
            postings, url = self.parse(response.content, str(response.url))
            pages += 1
            fresh = [p for p in postings if p.external_id not in seen]
            if postings and not fresh:
                raise ParseError(
                    f"Himalayas repeated a page at {response.url}; the server ignores 'offset'."
                )
            # New jobs push the list down while we page: a job may show up twice.
            seen.update(p.external_id for p in fresh)
            yield from fresh
        if url is not None:
            logger.info("himalayas: read the newest %d pages of the listing", pages)

    def parse(self, body: bytes, url: str) -> tuple[list[RawPosting], str | None]:
        data = load_json(body, url)
        if not isinstance(data, dict):
            raise ParseError(
                f"The response from {url} is not a Himalayas listing (expected a JSON object)."
            )
        if "jobs" not in data:
            message = data.get("error") or data.get("message")
            if message:
                raise ParseError(f"Himalayas answered {url} with an error: {message}")
        jobs = require_list(data, "jobs", f"Himalayas listing at {url}")
        postings = [self._posting(job, index, url) for index, job in enumerate(jobs)]
        return postings, _next_page(url, data, len(jobs))

    def _posting(self, job: Any, index: int, url: str) -> RawPosting:
        where = f"Himalayas job #{index + 1} at {url}"
        guid = require_text(job, "guid", where, role="id")
        where = f"Himalayas job {guid}"
        title = require_text(job, "title", where)
        places = _strings(job.get("locationRestrictions"))
        description = job.get("description")
        extra: dict[str, object] = {}
        for key, name in (("seniority", "seniority"), ("categories", "categories")):
            if _strings(job.get(key)):
                extra[name] = _strings(job.get(key))
        if job.get("minSalary") is not None or job.get("maxSalary") is not None:
            for key in ("minSalary", "maxSalary", "currency", "salaryPeriod"):
                if job.get(key) not in (None, ""):
                    extra[key] = job[key]
        expires = epoch_time(job.get("expiryDate"), where, "expiryDate", log=logger, unit="auto")
        if expires is not None:
            extra["expires_at"] = expires.isoformat()
        return RawPosting(
            external_id=guid,
            title=title,
            url=text_of(job.get("applicationLink")) or guid,
            company=self.company
            or text_of(job.get("companyName"))
            or text_of(job.get("companySlug")),
            # No restriction means anywhere; a list of countries where candidates may live.
            location=", ".join(places) if places else "Anywhere",
            description=description if isinstance(description, str) else "",
            description_format="html",
            # Documented as milliseconds, sent as seconds: the unit is decided by size.
            posted_at=epoch_time(job.get("pubDate"), where, "pubDate", log=logger, unit="auto"),
            remote=True,  # a board of remote jobs only
            employment_type=text_of(job.get("employmentType")),
            extra=extra,
        )


def _strings(value: Any) -> list[str]:
    if not isinstance(value, list):
        return []
    return [v.strip() for v in value if isinstance(v, str) and v.strip()]


def _next_page(url: str, data: dict[str, Any], returned: int) -> str | None:
    """The URL of the page after ``url``, or None when this one was the last."""
    if returned == 0:
        return None
    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query, keep_blank_values=True))
    offset = data.get("offset")
    if isinstance(offset, bool) or not isinstance(offset, int):
        try:
            offset = int(query.get("offset", "0"))
        except ValueError:
            offset = 0
    # Advance by what came back: the server may serve fewer than the limit asked for.
    following = offset + returned
    total = data.get("totalCount")
    if isinstance(total, int) and not isinstance(total, bool) and following >= total:
        return None
    query["offset"] = str(following)
    query.setdefault("limit", str(PAGE_SIZE))
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query), ""))


SOURCE = HimalayasSource
