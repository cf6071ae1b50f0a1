"""Wanted (원티드, www.wanted.co.kr): the Korean job board's public web API, with detail requests.

The listing is ``GET /api/chaos/navigation/v1/results?country=kr&job_sort=job.latest_order
&years=-1&locations=all&limit=100&offset=N``, the endpoint Wanted's web client uses (real
recordings of 2026). ``tag_type_ids`` map onto it as Wanted's own list pages do
(``/wdlist/518/1634``): the first id is the job group (``job_group_id``, 518 = 개발), the rest
its categories (``job_ids``). That endpoint ignores a keyword silently, so with ``query`` the
listing is the older ``GET /api/v4/jobs?...&query=...``, which honours it (a real recording
of 5 matches). Both answer ``{"data": [...], "links": {"next": ...}}``; ``links.next`` is a
path (an absolute URL is re-based onto ``base_url``), null on the last page.

A list item carries ``id``, ``position`` (the title), ``company.name``, ``address``
(``location`` = 시/도, ``district``) and, on the chaos endpoint, ``employment_type``
(``regular``, ``contract``, ``intern``), ``is_newbie`` (신입 welcome) and ``annual_from`` /
``annual_to`` (the years asked; 100 stands for no upper bound); v4 items carry ``due_time``
(a KST date, null for 상시 채용) and the annual range. Neither has a description or a date.

The description is at ``GET /api/v4/jobs/{id}`` under ``job.detail``: ``intro``,
``main_tasks``, ``requirements``, ``preferred_points`` (plain text with "•" bullets), the job
bare (``{"job": ...}``) or wrapped (``{"data": {"job": ...}}``); no real detail body has been
recorded, so both shapes are accepted. Benefits are left out on purpose: "의료비 지원" is a
perk, not the job's domain, and would tag every posting medical. Details are fetched only for
postings not stored yet, at most ``max_details_per_run`` per run; the rest are counted as
skipped and fetched on later runs.

A missing field is a ParseError naming it; if a run fails that way, save the listing (``curl
'https://www.wanted.co.kr/api/chaos/navigation/v1/results?country=kr&limit=5' > page.json``)
and check it with ``jobtrend sources parse --kind wanted page.json``.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode, urljoin

from monitor.errors import ConfigError, ParseError
from monitor.posting import RawPosting
from scrapers.base import Source, load_json
from scrapers.details import with_details
from scrapers.fields import KST, require, require_id, require_list, require_text

if TYPE_CHECKING:
    from scrapers.http import HttpClient

logger = logging.getLogger(__name__)

PAGE_SIZE = 100  # the largest `limit` the web client's API is known to accept
# More pages than this is a server ignoring `offset`, not a real listing.
MAX_PAGES = 500
POSTING_URL = "https://www.wanted.co.kr/wd/{id}"
CHAOS_PATH = "/api/chaos/navigation/v1/results"
V4_PATH = "/api/v4/jobs"
# Wanted's employment types as the known ones; any other is none.
EMPLOYMENT_TYPES = {"regular": "Full-time", "contract": "Contract", "intern": "Internship"}
# annual_to at or above this is "no upper bound" (Wanted sends 100).
NO_UPPER_YEARS = 100
# (field, heading) of the detail texts that describe the job itself.
DETAIL_SECTIONS = (
    ("intro", "회사 소개"),
    ("main_tasks", "주요업무"),
    ("requirements", "자격요건"),
    ("preferred_points", "우대사항"),
)


@dataclass(frozen=True)
class WantedOptions:
    query: str | None = None
    tag_type_ids: list[int] = field(default_factory=list)
    max_details_per_run: int = 30

    def __post_init__(self) -> None:
        if self.max_details_per_run < 0:
            raise ConfigError("'max_details_per_run' must be 0 or more", key="max_details_per_run")


class WantedSource(Source):
    kind = "wanted"
    description = "원티드 (wanted.co.kr): Korean job listings, details fetched within a budget."
    Options = WantedOptions
    default_base_url = "https://www.wanted.co.kr"

    options: WantedOptions

    def is_query_filtered(self) -> bool:
        # A keyword search makes its term look universal, so it stays out of denominators; a
        # job category (tag_type_ids) restricts the population, as a region would, and counts.
        return bool(self.options.query)

    def listing_url(self, offset: int = 0) -> str:
        params: list[tuple[str, str | int]] = [("country", "kr"), ("job_sort", "job.latest_order")]
        if self.options.query:
            # The chaos endpoint ignores keywords; v4 searches by them.
            params += [("limit", PAGE_SIZE), ("offset", offset), ("query", self.options.query)]
            params.extend(("tag_type_ids", tag) for tag in self.options.tag_type_ids)
            return f"{self.base_url}{V4_PATH}?{urlencode(params)}"
        params += [("years", -1), ("locations", "all"), ("limit", PAGE_SIZE), ("offset", offset)]
        if self.options.tag_type_ids:
            group, *categories = self.options.tag_type_ids
            params.append(("job_group_id", group))
            params.extend(("job_ids", category) for category in categories)
        return f"{self.base_url}{CHAOS_PATH}?{urlencode(params)}"

    def detail_url(self, job_id: str) -> str:
        return f"{self.base_url}/api/v4/jobs/{job_id}"

    def fetch(self, client: HttpClient) -> Iterator[RawPosting]:
        listing: list[RawPosting] = []
        seen: set[str] = set()
        url: str | None = self.listing_url()
        pages = 0
        while url is not None:
            response = client.get(url)
            postings, url = self.parse(response.content, str(response.url))
            pages += 1
            if postings and all(p.external_id in seen for p in postings):
                raise ParseError(
                    f"Wanted repeated a page at {response.url}; the server seems to ignore "
                    "'offset'."
                )
            if url is not None and pages >= MAX_PAGES:
                raise ParseError(f"Wanted's listing has over {MAX_PAGES} pages; stopping.")
            # A posting added while paging pushes the others down: one may show up twice.
            listing.extend(p for p in postings if p.external_id not in seen)
            seen.update(p.external_id for p in postings)
        # The whole listing first: a listing that fails half-way fails the run before any
        # detail request is spent on it.
        yield from with_details(
            self,
            listing,
            lambda posting: self._add_detail(client, posting),
            budget=self.options.max_details_per_run,
            label="wanted detail",
            skip_parse_errors=False,  # a detail of another shape: the site changed
        )

    def _add_detail(self, client: HttpClient, posting: RawPosting) -> RawPosting:
        response = client.get(self.detail_url(posting.external_id))
        description = self.parse_detail(response.content, str(response.url))
        return dataclasses.replace(posting, description=description, description_format="text")

    def parse(self, body: bytes, url: str) -> tuple[list[RawPosting], str | None]:
        data = load_json(body, url)
        if not isinstance(data, dict):
            raise ParseError(
                f"The response from {url} is not a Wanted listing (expected an object)."
            )
        if "data" not in data and ("message" in data or "error" in data):
            message = data.get("message") or data.get("error")
            raise ParseError(f"Wanted answered {url} with an error: {message}")
        if "job" in data and "data" not in data:
            raise ParseError(f"{url} is a Wanted job detail, not a listing; parse a listing page.")
        items = require_list(data, "data", f"Wanted listing at {url}")
        postings = [self._posting(item, index, url) for index, item in enumerate(items)]
        links = require(data, "links", f"Wanted listing at {url}")
        next_link = links.get("next") if isinstance(links, dict) else None
        next_url = None
        if isinstance(next_link, str) and next_link.strip() and items:
            # Wanted sends a path ("/api/v4/jobs?...&offset=100"); it and an absolute URL
            # both land on base_url.
            next_url = self.rebase(urljoin(self.default_base_url + "/", next_link.strip()))
        return postings, next_url

    def parse_detail(self, body: bytes, url: str) -> str:
        """The plain-text description of one ``/api/v4/jobs/{id}`` answer."""
        data = load_json(body, url)
        if isinstance(data, dict) and "job" not in data and isinstance(data.get("data"), dict):
            data = data["data"]  # {"data": {"job": ...}}
        job = require(data, "job", f"Wanted job detail at {url}")
        detail = require(job, "detail", f"Wanted job detail at {url}")
        if not isinstance(detail, dict):
            raise ParseError(f"The field 'job.detail' of the Wanted job at {url} is not an object.")
        parts = []
        for key, heading in DETAIL_SECTIONS:
            text = detail.get(key)
            if isinstance(text, str) and text.strip():
                parts.append(f"{heading}\n{text.strip()}")
        return "\n\n".join(parts)

    def _posting(self, item: Any, index: int, url: str) -> RawPosting:
        where = f"Wanted job #{index + 1} at {url}"
        job_id = require_id(item, "id", where)
        where = f"Wanted job {job_id} at {url}"
        title = require_text(item, "position", where, role="title")
        company = item.get("company")
        name = company.get("name") if isinstance(company, dict) else None
        if not isinstance(name, str) or not name.strip():
            raise ParseError(
                f"The {where} has no field 'company.name'; the format may have changed."
            )
        address = item.get("address")
        location, country = _place(address)
        extra: dict[str, object] = {}
        if isinstance(address, dict) and isinstance(address.get("full_location"), str):
            extra["full_location"] = address["full_location"]
        return RawPosting(
            external_id=str(job_id),
            title=title,
            url=POSTING_URL.format(id=job_id),
            company=self.company or name.strip(),
            location=location,
            country=country,
            # No publish date anywhere in Wanted's API: first sightings stand in for it.
            posted_at=None,
            deadline_at=_due(item.get("due_time"), where),
            employment_type=EMPLOYMENT_TYPES.get(str(item.get("employment_type")).lower()),
            level="entry" if item.get("is_newbie") is True else None,
            years_min=_years(item.get("annual_from")),
            years_max=_years(item.get("annual_to")),
            extra=extra,
        )


def _place(address: Any) -> tuple[str | None, str | None]:
    """("서울 강남구", "KR") from an ``address`` object; the request asks for Korea only."""
    if not isinstance(address, dict):
        return None, "KR"
    parts = [
        address[key].strip()
        for key in ("location", "district")
        if isinstance(address.get(key), str) and address[key].strip()
    ]
    country = address.get("country_code")
    code = country.strip().upper() if isinstance(country, str) and country.strip() else "KR"
    if parts:
        return " ".join(parts), code
    full = address.get("full_location")
    return (full.strip() if isinstance(full, str) and full.strip() else None), code


def _years(value: Any) -> int | None:
    """Years of ``annual_from``/``annual_to``; None when absent or "no upper bound"."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        return None
    return None if value >= NO_UPPER_YEARS else value


def _due(value: Any, where: str) -> datetime | None:
    """The end of a ``due_time`` day in Korea (applications close that evening)."""
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        day = date.fromisoformat(value.strip()[:10])
    except ValueError:
        logger.warning("%s: ignoring the unreadable due_time %r", where, value)
        return None
    return datetime.combine(day, time(23, 59, 59), KST)


SOURCE = WantedSource
