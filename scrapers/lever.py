"""Lever postings (``api.lever.co``, or ``api.eu.lever.co`` for EU accounts).

``GET /v0/postings/{site}?mode=json&skip=N&limit=L`` answers a bare JSON array; a page holding
exactly ``L`` postings may have a successor. Errors come as an object such as
``{"ok": false, "error": "Document not found"}``. Lever has no company name, so the site slug
stands in for it unless the source configures ``company``.
"""

from __future__ import annotations

import html
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

from monitor.errors import ParseError
from monitor.posting import RawPosting
from scrapers.base import Source, load_json
from scrapers.fields import as_object, epoch_time, require_id, require_text, text_of

if TYPE_CHECKING:
    from scrapers.http import HttpClient

logger = logging.getLogger(__name__)

# Commitments that say who may apply: internships, graduate and apprentice programmes.
_EXPERIENCE_COMMITMENT = re.compile(r"intern|graduate|new grad|apprentice|trainee|junior", re.I)

PAGE_SIZE = 100
# A site with more pages than this is a server ignoring `skip`, not a real board.
MAX_PAGES = 500
EU_BASE_URL = "https://api.eu.lever.co"
_WORKPLACE_REMOTE = {"remote": True, "on-site": False, "onsite": False, "hybrid": False}


@dataclass(frozen=True)
class LeverOptions:
    site: str
    region: Literal["global", "eu"] = "global"


class LeverSource(Source):
    kind = "lever"
    description = "A Lever job site (api.lever.co, or api.eu.lever.co), paged 100 at a time."
    Options = LeverOptions
    default_base_url = "https://api.lever.co"

    options: LeverOptions

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
        if self.options.region == "eu" and not base_url:
            self.base_url = EU_BASE_URL

    def listing_url(self, skip: int = 0) -> str:
        site = quote(self.options.site, safe="")
        return f"{self.base_url}/v0/postings/{site}?mode=json&skip={skip}&limit={self.page_size}"

    def fetch(self, client: HttpClient) -> Iterator[RawPosting]:
        url: str | None = self.listing_url()
        seen: set[str] = set()
        pages = 0
        while url is not None:
            # Only the first page is conditional: a 304 there means the listing is unchanged.
            response = client.get(url, conditional=pages == 0)
            postings, url = self.parse(response.content, str(response.url))
            pages += 1
            if postings and all(p.external_id in seen for p in postings):
                raise ParseError(
                    f"Lever repeated a page at {response.url}; the server seems to ignore 'skip'."
                )
            if pages >= MAX_PAGES and url is not None:
                raise ParseError(f"Lever site {self.options.site!r} has over {MAX_PAGES} pages.")
            seen.update(p.external_id for p in postings)
            yield from postings

    def parse(self, body: bytes, url: str) -> tuple[list[RawPosting], str | None]:
        data = load_json(body, url)
        if isinstance(data, dict):
            if "error" in data:
                raise ParseError(f"Lever answered {url} with an error: {data['error']}")
            raise ParseError(f"The response from {url} is not a Lever listing (expected a list).")
        if not isinstance(data, list):
            raise ParseError(f"The response from {url} is not a Lever listing (expected a list).")
        postings = [self._posting(item, index, url) for index, item in enumerate(data)]
        return postings, _next_page(url, len(data))

    def _posting(self, item: Any, index: int, url: str) -> RawPosting:
        where = f"Lever posting #{index + 1} at {url}"
        posting_id = require_id(item, "id", where, numbers=False, reject="blank")
        where = f"Lever posting {posting_id} at {url}"
        title = require_text(item, "text", where, role="title")

        site = self.options.site
        jobs_host = "jobs.eu.lever.co" if self.options.region == "eu" else "jobs.lever.co"
        categories = as_object(item.get("categories"))
        workplace = item.get("workplaceType")
        description, text_format = _description(item)
        extra: dict[str, object] = {}
        for key in ("team", "department"):
            if text_of(categories.get(key)):
                extra[key] = text_of(categories.get(key))
        if isinstance(categories.get("allLocations"), list):
            extra["all_locations"] = [v for v in categories["allLocations"] if isinstance(v, str)]
        return RawPosting(
            external_id=posting_id,
            title=title,
            url=text_of(item.get("hostedUrl")) or f"https://{jobs_host}/{site}/{posting_id}",
            company=self.company or site,
            location=text_of(categories.get("location")),
            description=description,
            description_format=text_format,
            # Epoch milliseconds, an integer; unlike other boards' epochs, 0 or less is taken.
            posted_at=epoch_time(
                item.get("createdAt"),
                where,
                "createdAt",
                log=logger,
                unit="ms",
                integers_only=True,
                positive=False,
            ),
            country=text_of(item.get("country")),
            # "unspecified" and a missing value both mean: the posting does not say.
            remote=_WORKPLACE_REMOTE.get(workplace) if isinstance(workplace, str) else None,
            employment_type=text_of(categories.get("commitment")),
            # Lever has no experience field; a commitment such as "Intern" says it.
            experience=_experience(categories.get("commitment")),
            extra=extra,
        )


def _experience(commitment: Any) -> str | None:
    text = text_of(commitment)
    return text if text and _EXPERIENCE_COMMITMENT.search(text) else None


def _description(item: dict[str, Any]) -> tuple[str, Literal["html", "text"]]:
    """HTML from the description (or opening + body), the lists and the closing text."""
    head = text_of(item.get("description"))
    if head is None:
        head = "".join(text_of(item.get(key)) or "" for key in ("opening", "descriptionBody"))
    parts = [head] if head else []
    for block in item.get("lists") or []:
        if not isinstance(block, dict):
            continue
        heading = text_of(block.get("text"))
        content = block.get("content") if isinstance(block.get("content"), str) else ""
        if heading or content:
            # List titles are plain text; the items are HTML <li> elements already.
            parts.append(f"<h3>{html.escape(heading or '', quote=False)}</h3><ul>{content}</ul>")
    additional = text_of(item.get("additional"))
    if additional:
        parts.append(additional)
    if parts:
        return "".join(parts), "html"
    plain = [
        item[key]
        for key in ("descriptionPlain", "additionalPlain")
        if isinstance(item.get(key), str) and item[key].strip()
    ]
    return "\n\n".join(plain), "text"


def _next_page(url: str, returned: int) -> str | None:
    """The URL of the page after ``url`` when this one was full, else None."""
    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query, keep_blank_values=True))
    try:
        limit = int(query["limit"])
        skip = int(query.get("skip", "0"))
    except (KeyError, ValueError):
        return None  # without a limit Lever returns everything at once
    if limit <= 0 or returned < limit:
        return None
    query["skip"] = str(skip + limit)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query), ""))


SOURCE = LeverSource
