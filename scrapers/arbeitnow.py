"""Arbeitnow (``arbeitnow.com/api/job-board-api``): jobs in Germany and remote, 100 a page.

``GET /api/job-board-api?page=N`` answers a Laravel page: ``{"data": [...], "links": {"first",
"last", "prev", "next"}, "meta": {...}}``. A job has no id field: its ``slug`` (ending in a
number) is the stable key. ``created_at`` is epoch seconds, ``remote`` a boolean, ``job_types``
a list such as ``["full time"]`` and ``description`` HTML. ``links.next`` is an absolute URL on
the real host (null on the last page); it is re-based onto ``base_url`` before following it.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from monitor.errors import ParseError
from monitor.posting import RawPosting
from scrapers.base import Source, load_json
from scrapers.fields import epoch_time, require, require_list, require_text, text_of

if TYPE_CHECKING:
    from scrapers.http import HttpClient

logger = logging.getLogger(__name__)

# The board holds a few thousand jobs (tens of pages); more than this is a server looping.
MAX_PAGES = 300


class ArbeitnowSource(Source):
    kind = "arbeitnow"
    description = "Arbeitnow (arbeitnow.com/api/job-board-api): jobs in Germany and remote, paged."
    default_base_url = "https://www.arbeitnow.com"

    def listing_url(self) -> str:
        return f"{self.base_url}/api/job-board-api"

    def fetch(self, client: HttpClient) -> Iterator[RawPosting]:
        url: str | None = self.listing_url()
        seen_urls: set[str] = set()
        pages = 0
        while url is not None:
            if url in seen_urls:
                raise ParseError(f"Arbeitnow's links.next leads back to {url}; the paging loops.")
            seen_urls.add(url)
            # Only the first page is conditional: a 304 there means nothing has changed.
            response = client.get(url, conditional=pages == 0)
            postings, next_url = self.parse(response.content, str(response.url))
            pages += 1
            if next_url is not None and pages >= MAX_PAGES:
                raise ParseError(f"Arbeitnow has more than {MAX_PAGES} pages; stopping.")
            yield from postings
            url = self.rebase(next_url) if next_url else None

    def parse(self, body: bytes, url: str) -> tuple[list[RawPosting], str | None]:
        data = load_json(body, url)
        if not isinstance(data, dict):
            raise ParseError(
                f"The response from {url} is not an Arbeitnow page (expected a JSON object)."
            )
        if "data" not in data and data.get("message"):
            raise ParseError(f"Arbeitnow answered {url} with an error: {data['message']}")
        jobs = require_list(data, "data", f"Arbeitnow page at {url}")
        links = require(data, "links", f"Arbeitnow page at {url}")
        if not isinstance(links, dict):
            raise ParseError(f"The field 'links' of the Arbeitnow page at {url} is not an object.")
        next_url = links.get("next")
        if next_url is not None and not (isinstance(next_url, str) and next_url.strip()):
            raise ParseError(
                f"The Arbeitnow page at {url} has an unusable links.next {next_url!r}."
            )
        postings = [self._posting(job, index, url) for index, job in enumerate(jobs)]
        # An empty page ends the listing whatever its links say.
        return postings, next_url.strip() if postings and next_url else None

    def _posting(self, job: Any, index: int, url: str) -> RawPosting:
        where = f"Arbeitnow job #{index + 1} at {url}"
        slug = require_text(job, "slug", where, role="id")
        where = f"Arbeitnow job {slug} at {url}"
        title = require_text(job, "title", where)
        remote = job.get("remote")
        job_types = [t.strip() for t in job.get("job_types") or [] if isinstance(t, str)]
        tags = [t.strip() for t in job.get("tags") or [] if isinstance(t, str) and t.strip()]
        description = job.get("description")
        return RawPosting(
            external_id=slug,
            title=title,
            url=text_of(job.get("url")) or f"https://www.arbeitnow.com/view/{slug}",
            company=self.company or text_of(job.get("company_name")),
            location=text_of(job.get("location")),
            description=description if isinstance(description, str) else "",
            description_format="html",
            posted_at=epoch_time(job.get("created_at"), where, "created_at", log=logger, unit="s"),
            remote=remote if isinstance(remote, bool) else None,
            employment_type=", ".join(t for t in job_types if t) or None,
            extra={"tags": tags} if tags else {},
        )


SOURCE = ArbeitnowSource
