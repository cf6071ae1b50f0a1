"""Greenhouse job boards (``boards-api.greenhouse.io``): one JSON listing holds every job.

``GET /v1/boards/{board}/jobs?content=true`` answers ``{"jobs": [...], "meta": {"total": n}}``
with each job's description in ``content``, HTML escaped once as entities
(``&lt;p&gt;R&amp;amp;D&lt;/p&gt;``). The parser unescapes it exactly once, which gives the HTML
(``<p>R&amp;D</p>``); the HTML-to-text step in ``monitor.normalise`` decodes the rest.
"""

from __future__ import annotations

import html
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from monitor.errors import ParseError
from monitor.posting import RawPosting
from scrapers.base import Source, load_json
from scrapers.fields import iso_time, require_id, require_list, require_text, text_of

if TYPE_CHECKING:
    from scrapers.http import HttpClient

logger = logging.getLogger(__name__)

_REMOTE_WORD = re.compile(r"\bremote\b", re.IGNORECASE)
# Custom metadata fields boards use for the work arrangement and the contract type.
_WORKPLACE_FIELDS = frozenset({"workplace type", "workplace", "location type", "remote"})
_EMPLOYMENT_FIELDS = frozenset({"employment type", "job type", "commitment", "employment"})
# ... and for the experience asked ("Entry Level", "Senior"), read by monitor.level.
_EXPERIENCE_FIELDS = frozenset(
    {"experience level", "experience", "seniority", "seniority level", "career level", "level"}
)


@dataclass(frozen=True)
class GreenhouseOptions:
    board: str


class GreenhouseSource(Source):
    kind = "greenhouse"
    description = "A Greenhouse job board (boards-api.greenhouse.io): all jobs in one request."
    Options = GreenhouseOptions
    default_base_url = "https://boards-api.greenhouse.io"

    options: GreenhouseOptions

    def listing_url(self) -> str:
        return f"{self.base_url}/v1/boards/{quote(self.options.board, safe='')}/jobs?content=true"

    def fetch(self, client: HttpClient) -> Iterator[RawPosting]:
        # One response holds the whole board; a 304 raises NotModified to the caller.
        response = client.get(self.listing_url(), conditional=True)
        postings, _ = self.parse(response.content, str(response.url))
        yield from postings

    def parse(self, body: bytes, url: str) -> tuple[list[RawPosting], str | None]:
        data = load_json(body, url)
        if not isinstance(data, dict):
            raise ParseError(
                f"The response from {url} is not a Greenhouse listing (expected a JSON object)."
            )
        if "jobs" not in data and "error" in data:
            status = f" (status {data['status']})" if "status" in data else ""
            raise ParseError(f"Greenhouse answered {url} with an error{status}: {data['error']}")
        jobs = require_list(data, "jobs", f"Greenhouse listing at {url}")
        return [self._posting(job, index, url) for index, job in enumerate(jobs)], None

    def _posting(self, job: Any, index: int, url: str) -> RawPosting:
        where = f"Greenhouse job #{index + 1} at {url}"
        job_id = require_id(job, "id", where)
        where = f"Greenhouse job {job_id} at {url}"
        title = require_text(job, "title", where)

        board = self.options.board
        location = _location_name(job.get("location"))
        workplace = _metadata_value(job.get("metadata"), _WORKPLACE_FIELDS)
        remote: bool | None = None
        if workplace:
            remote = "remote" in workplace.lower()
        if location and _REMOTE_WORD.search(location):
            remote = True
        content = job.get("content")
        return RawPosting(
            external_id=str(job_id),
            title=title,
            url=job.get("absolute_url")
            or f"https://job-boards.greenhouse.io/{board}/jobs/{job_id}",
            company=self.company or text_of(job.get("company_name")) or board,
            location=location,
            # Escaped once by Greenhouse: one unescape gives the HTML, entities inside it stay.
            description=html.unescape(content) if isinstance(content, str) else "",
            description_format="html",
            # ISO 8601 with the payload's offset, or a bare date (midnight UTC).
            posted_at=iso_time(job.get("first_published"), where, "time", log=logger, dates=True)
            or iso_time(job.get("updated_at"), where, "time", log=logger, dates=True),
            deadline_at=iso_time(
                job.get("application_deadline"), where, "time", log=logger, dates=True
            ),
            remote=remote,
            employment_type=_metadata_value(job.get("metadata"), _EMPLOYMENT_FIELDS),
            experience=_metadata_value(job.get("metadata"), _EXPERIENCE_FIELDS),
            extra=_extra(job),
        )


def _location_name(value: Any) -> str | None:
    if isinstance(value, dict):
        return text_of(value.get("name"))
    return text_of(value)


def _metadata_value(metadata: Any, names: frozenset[str]) -> str | None:
    """The first custom field whose name is in ``names``, as text (lists joined)."""
    if not isinstance(metadata, list):
        return None
    for item in metadata:
        if not isinstance(item, dict) or not isinstance(item.get("name"), str):
            continue
        if item["name"].strip().lower() not in names:
            continue
        value = item.get("value")
        if isinstance(value, list):
            value = ", ".join(v for v in value if isinstance(v, str))
        if isinstance(value, str) and value.strip():
            return value.strip()
    return None


def _extra(job: dict[str, Any]) -> dict[str, object]:
    extra: dict[str, object] = {}
    for key in ("departments", "offices"):
        names = [
            d["name"].strip()
            for d in job.get(key) or []
            if isinstance(d, dict) and isinstance(d.get("name"), str) and d["name"].strip()
        ]
        if names:
            extra[key] = names
    if isinstance(job.get("language"), str):
        extra["language"] = job["language"]
    return extra


SOURCE = GreenhouseSource
