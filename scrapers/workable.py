"""Workable career pages (``apply.workable.com``): the public widget API, details on request.

``GET /api/v1/widget/accounts/{account}`` answers ``{"name", "description", "jobs": [...]}``
with every published job in one response, but without the job texts. With ``fetch_details``
each new job's text comes from ``GET /api/v2/accounts/{account}/jobs/{shortcode}`` (HTML in
``description``, ``requirements`` and ``benefits``), at most ``max_details_per_run`` a run.

Without ``fetch_details`` a posting is stored with its title and no description, and
``detail_missing`` stays False: the listing is the whole text this configuration asks for, so
tagging reads the title only. (Turning ``fetch_details`` off later therefore clears texts
stored earlier at the next run.) With it, a job already stored with its text is not asked
again (``known_ids``), and a job over the budget or whose detail failed is yielded with
``detail_missing=True`` and counted in ``skipped``, so the run is partial and the next run
fetches the rest. Quirks:

- ``published_on`` is a date without a zone (``2026-06-02``); Workable is not a Korean board,
  so it is read as midnight UTC.
- ``employment_type`` is often ``""``; ``telecommuting`` is the only remote flag.
- ``locations[].countryCode`` is an ISO code; the top-level ``country`` is a name.
- An unknown account is a 404.
"""

from __future__ import annotations

import dataclasses
import html
import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import quote

from monitor.errors import ConfigError, ParseError
from monitor.posting import RawPosting
from scrapers.base import Source, load_json
from scrapers.details import with_details
from scrapers.fields import (
    as_list,
    as_object,
    iso_time,
    join_texts,
    require,
    require_id,
    require_list,
    require_text,
    text_of,
)

if TYPE_CHECKING:
    from scrapers.http import HttpClient

logger = logging.getLogger(__name__)

# Sections of a job's detail, in page order; the first has no heading of its own.
_SECTIONS = (("description", None), ("requirements", "Requirements"), ("benefits", "Benefits"))


@dataclass(frozen=True)
class WorkableOptions:
    account: str
    fetch_details: bool = False
    max_details_per_run: int = 50

    def __post_init__(self) -> None:
        if self.max_details_per_run < 0:
            raise ConfigError(
                f"must be 0 or more, not {self.max_details_per_run}", key="max_details_per_run"
            )


class WorkableSource(Source):
    kind = "workable"
    description = (
        "A Workable career page (apply.workable.com widget API); job texts with fetch_details."
    )
    Options = WorkableOptions
    default_base_url = "https://apply.workable.com"

    options: WorkableOptions

    def listing_url(self) -> str:
        return f"{self.base_url}/api/v1/widget/accounts/{quote(self.options.account, safe='')}"

    def detail_url(self, shortcode: str) -> str:
        account = quote(self.options.account, safe="")
        return f"{self.base_url}/api/v2/accounts/{account}/jobs/{quote(shortcode, safe='')}"

    def fetch(self, client: HttpClient) -> Iterator[RawPosting]:
        # A 304 would also skip the details a partial run left for later, so the listing is
        # only asked conditionally when there are no details to fetch.
        response = client.get(self.listing_url(), conditional=not self.options.fetch_details)
        postings, _ = self.parse(response.content, str(response.url))
        if self.options.fetch_details:
            yield from self._with_details(client, postings)
        else:
            yield from postings

    def _with_details(
        self, client: HttpClient, postings: Iterable[RawPosting]
    ) -> Iterator[RawPosting]:
        def fetch_detail(posting: RawPosting) -> RawPosting:
            response = client.get(self.detail_url(posting.external_id))
            description, text_format = self.parse_detail(response.content, str(response.url))
            return dataclasses.replace(
                posting, description=description, description_format=text_format
            )

        return with_details(
            self,
            postings,
            fetch_detail,
            budget=self.options.max_details_per_run,
            label="detail of job",
        )

    def parse(self, body: bytes, url: str) -> tuple[list[RawPosting], str | None]:
        """A widget listing, or one job's detail (so `sources parse` reads either)."""
        data = load_json(body, url)
        if not isinstance(data, dict):
            raise ParseError(
                f"The response from {url} is not a Workable job list (expected a JSON object)."
            )
        if "jobs" not in data and "shortcode" in data:
            return [self._detail_posting(data, url)], None
        if "jobs" not in data and ("error" in data or "message" in data):
            problem = data.get("error") or data.get("message")
            raise ParseError(f"Workable answered {url} with an error: {problem}")
        jobs = require_list(data, "jobs", f"Workable job list at {url}")
        company = self.company or text_of(data.get("name")) or self.options.account
        return [self._posting(job, index, url, company) for index, job in enumerate(jobs)], None

    def parse_detail(self, body: bytes, url: str) -> tuple[str, Literal["html", "text"]]:
        """The text of one job's detail response."""
        data = load_json(body, url)
        if not isinstance(data, dict):
            raise ParseError(f"The response from {url} is not a Workable job (expected an object).")
        require(data, "shortcode", f"Workable job at {url}")
        return _description(data)

    def _posting(self, job: Any, index: int, url: str, company: str) -> RawPosting:
        where = f"Workable job #{index + 1} at {url}"
        shortcode = _shortcode(job, where)
        where = f"Workable job {shortcode} at {url}"
        title = _title(job, where)
        places = [
            p for p in as_list(job.get("locations")) if isinstance(p, dict) and not p.get("hidden")
        ]
        location = join_texts(job.get("city"), job.get("state"), job.get("country"))
        names = [
            name
            for p in places
            if (name := join_texts(p.get("city"), p.get("region"), p.get("country")))
        ]
        extra: dict[str, object] = {
            key: text_of(job.get(key))
            for key in ("department", "experience", "function", "industry")
            if text_of(job.get(key))
        }
        if len(names) > 1:
            extra["all_locations"] = names
        telecommuting = job.get("telecommuting")
        return RawPosting(
            external_id=shortcode,
            title=title,
            url=text_of(job.get("url")) or self._job_page(shortcode),
            company=company,
            location=location or (names[0] if names else None),
            # A bare date is midnight UTC (Workable is not a Korean board); a time keeps its offset.
            posted_at=iso_time(
                job.get("published_on"), where, "published_on", log=logger, dates=True
            )
            or iso_time(job.get("created_at"), where, "created_at", log=logger, dates=True),
            country=_country_code(places),
            remote=telecommuting if isinstance(telecommuting, bool) else None,
            employment_type=text_of(job.get("employment_type")),
            extra=extra,
        )

    def _detail_posting(self, data: dict[str, Any], url: str) -> RawPosting:
        where = f"Workable job at {url}"
        shortcode = _shortcode(data, where)
        where = f"Workable job {shortcode} at {url}"
        location = as_object(data.get("location"))
        description, text_format = _description(data)
        remote = data.get("remote")
        return RawPosting(
            external_id=shortcode,
            title=_title(data, where),
            url=self._job_page(shortcode),
            company=self.company or self.options.account or None,
            location=join_texts(
                location.get("city"), location.get("region"), location.get("country")
            ),
            description=description,
            description_format=text_format,
            posted_at=iso_time(data.get("published"), where, "published", log=logger, dates=True),
            country=_country_code([location]),
            remote=remote if isinstance(remote, bool) else None,
        )

    def _job_page(self, shortcode: str) -> str:
        return f"https://apply.workable.com/{self.options.account}/j/{shortcode}/"


def _shortcode(job: Any, where: str) -> str:
    return require_id(job, "shortcode", where, numbers=False, reject="blank").strip()


def _title(job: dict[str, Any], where: str) -> str:
    return require_text(job, "title", where)


def _country_code(places: list[Any]) -> str | None:
    for place in places:
        code = text_of(place.get("countryCode")) if isinstance(place, dict) else None
        if code and len(code) == 2:
            return code.upper()
    return None


def _description(data: dict[str, Any]) -> tuple[str, Literal["html", "text"]]:
    parts = []
    for key, heading in _SECTIONS:
        section = text_of(data.get(key))
        if section:
            # Headings are our words, plain text; the sections are Workable's HTML as sent.
            parts.append(f"<h3>{html.escape(heading)}</h3>{section}" if heading else section)
    return ("".join(parts), "html") if parts else ("", "text")


SOURCE = WorkableSource
