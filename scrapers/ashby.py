"""Ashby job boards (``api.ashbyhq.com``): the public posting API, one request per board.

``GET /posting-api/job-board/{board}?includeCompensation=true`` answers
``{"apiVersion": "1", "jobs": [...]}`` with every published job of the board; there is no
paging. Quirks the parser handles:

- A job with ``"isListed": false`` is published but hidden from the board (a referral-only or
  confidential opening); Ashby asks consumers showing a board to leave it out, and so do we.
- The description comes twice: ``descriptionHtml`` (plain HTML, escaped zero times) and
  ``descriptionPlain``; the HTML is preferred, the plain text is the fallback.
- ``workplaceType`` (``OnSite``/``Hybrid``/``Remote``) and the older ``isRemote`` flag can
  disagree (Ramp's hybrid internships say ``isRemote: true``); the workplace type wins, and a
  location that says "Remote" marks the job remote whatever the type says.
- Titles carry stray spaces (``" Security Engineer, Cloud"``); an unknown board is a 404.
- Ashby has no company name in the payload, so the board name stands in for it.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import quote

from monitor.errors import ParseError
from monitor.posting import RawPosting
from scrapers.base import Source, load_json
from scrapers.fields import as_list, iso_time, require_id, require_list, require_text, text_of

if TYPE_CHECKING:
    from scrapers.http import HttpClient

logger = logging.getLogger(__name__)

_REMOTE_WORD = re.compile(r"\bremote\b", re.IGNORECASE)
_WORKPLACE_REMOTE = {"remote": True, "onsite": False, "hybrid": False}
# Ashby's employmentType enum, spelled the way other boards spell it.
_EMPLOYMENT = {
    "FullTime": "Full-time",
    "PartTime": "Part-time",
    "Intern": "Internship",
    "Contract": "Contract",
    "Temporary": "Temporary",
}


@dataclass(frozen=True)
class AshbyOptions:
    board: str


class AshbySource(Source):
    kind = "ashby"
    description = "An Ashby job board (api.ashbyhq.com posting API): all jobs in one request."
    Options = AshbyOptions
    default_base_url = "https://api.ashbyhq.com"

    options: AshbyOptions

    def listing_url(self) -> str:
        board = quote(self.options.board, safe="")
        return f"{self.base_url}/posting-api/job-board/{board}?includeCompensation=true"

    def fetch(self, client: HttpClient) -> Iterator[RawPosting]:
        # One response holds the whole board; a 304 raises NotModified to the caller.
        response = client.get(self.listing_url(), conditional=True)
        postings, _ = self.parse(response.content, str(response.url))
        yield from postings

    def parse(self, body: bytes, url: str) -> tuple[list[RawPosting], str | None]:
        data = load_json(body, url)
        if not isinstance(data, dict):
            raise ParseError(
                f"The response from {url} is not an Ashby job board (expected a JSON object)."
            )
        if "jobs" not in data and ("errors" in data or "error" in data):
            problem = data.get("errors") or data.get("error")
            raise ParseError(f"Ashby answered {url} with an error: {problem}")
        jobs = require_list(data, "jobs", f"Ashby job board at {url}")
        postings = []
        for index, job in enumerate(jobs):
            posting = self._posting(job, index, url)
            if posting is not None:
                postings.append(posting)
        return postings, None

    def _posting(self, job: Any, index: int, url: str) -> RawPosting | None:
        where = f"Ashby job #{index + 1} at {url}"
        job_id = require_id(job, "id", where, numbers=False, reject="blank")
        where = f"Ashby job {job_id} at {url}"
        if job.get("isListed") is False:
            logger.debug("%s is unlisted; left out", where)
            return None
        title = require_text(job, "title", where)

        board = self.options.board
        location = text_of(job.get("location"))
        secondary = [
            name
            for item in as_list(job.get("secondaryLocations"))
            if isinstance(item, dict) and (name := text_of(item.get("location")))
        ]
        description, text_format = _description(job)
        extra: dict[str, object] = {}
        for key in ("department", "team"):
            if text_of(job.get(key)):
                extra[key] = text_of(job.get(key))
        if secondary:
            extra["all_locations"] = [location, *secondary] if location else secondary
        compensation = job.get("compensation")
        if isinstance(compensation, dict) and text_of(compensation.get("compensationTierSummary")):
            extra["compensation"] = text_of(compensation.get("compensationTierSummary"))
        employment = text_of(job.get("employmentType"))
        return RawPosting(
            external_id=job_id.strip(),
            title=title,
            url=text_of(job.get("jobUrl")) or f"https://jobs.ashbyhq.com/{board}/{job_id}",
            company=self.company or board,
            location=location,
            description=description,
            description_format=text_format,
            # Always with an offset ("+00:00"); a bare time would be read as UTC.
            posted_at=iso_time(job.get("publishedAt"), where, "publishedAt", log=logger),
            country=_country_code(job.get("address")),
            remote=_remote(job, [location, *secondary]),
            employment_type=_EMPLOYMENT.get(employment, employment) if employment else None,
            extra=extra,
        )


def _description(job: dict[str, Any]) -> tuple[str, Literal["html", "text"]]:
    html_text = text_of(job.get("descriptionHtml"))
    if html_text:
        return html_text, "html"
    return text_of(job.get("descriptionPlain")) or "", "text"


def _remote(job: dict[str, Any], locations: list[str | None]) -> bool | None:
    if any(name and _REMOTE_WORD.search(name) for name in locations):
        return True
    workplace = job.get("workplaceType")
    if isinstance(workplace, str) and workplace.strip().lower() in _WORKPLACE_REMOTE:
        return _WORKPLACE_REMOTE[workplace.strip().lower()]
    # Boards without a workplace type only have the older flag.
    is_remote = job.get("isRemote")
    return is_remote if isinstance(is_remote, bool) else None


def _country_code(address: Any) -> str | None:
    """The address's country when it is an ISO code; names ("USA", "United Kingdom") are
    left to the location parser in monitor.normalise, which knows country names."""
    if not isinstance(address, dict) or not isinstance(address.get("postalAddress"), dict):
        return None
    country = text_of(address["postalAddress"].get("addressCountry"))
    if country and len(country) == 2 and country.isascii() and country.isalpha():
        return country.upper()
    return None


SOURCE = AshbySource
