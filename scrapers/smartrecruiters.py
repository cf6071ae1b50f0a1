"""SmartRecruiters job postings (``api.smartrecruiters.com``): a paged list, details on request.

``GET /v1/companies/{company_id}/postings?limit=100&offset=N`` answers ``{"offset", "limit",
"totalFound", "content": [...]}``; ``limit`` is at most 100, so the list is read page by page
until ``totalFound``. List items have no text; each carries ``ref``, the absolute URL of its
detail (``GET /v1/companies/{company_id}/postings/{id}``), whose ``jobAd.sections`` hold the
text as HTML. With ``fetch_details`` the details of new postings are asked, at most
``max_details_per_run`` a run; ``ref`` is followed only on the API host, re-based onto a
configured ``base_url``.

Without ``fetch_details`` a posting is stored with its title and no description, and
``detail_missing`` stays False (the list is the whole text this configuration asks for; turning
it off later clears texts stored earlier). With it, postings already stored with their text
(``known_ids``) are not asked again, and a posting over the budget or whose detail failed is
yielded with ``detail_missing=True`` and counted in ``skipped`` (a partial run; the next run
fetches the rest). Quirks:

- An unknown company is not an error: it answers 200 with ``totalFound: 0``, exactly like a
  real company without openings. Check the identifier (case-sensitive: ``BoschGroup``).
- ``location.country`` is a lower-case ISO code (``"in"``, ``"us"``).
- ``releasedDate`` is ISO 8601 in UTC (``2026-06-03T11:08:12.368Z``).
"""

from __future__ import annotations

import dataclasses
import html
import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

from monitor.errors import ConfigError, ParseError
from monitor.posting import RawPosting
from scrapers.base import Source, load_json
from scrapers.details import with_details
from scrapers.fields import (
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

PAGE_SIZE = 100  # the API's maximum
# A company with more pages than this is a server ignoring `offset`, not a real list.
MAX_PAGES = 500
_SECTIONS = ("companyDescription", "jobDescription", "qualifications", "additionalInformation")


@dataclass(frozen=True)
class SmartRecruitersOptions:
    company_id: str
    fetch_details: bool = False
    max_details_per_run: int = 50

    def __post_init__(self) -> None:
        if self.max_details_per_run < 0:
            raise ConfigError(
                f"must be 0 or more, not {self.max_details_per_run}", key="max_details_per_run"
            )


class SmartRecruitersSource(Source):
    kind = "smartrecruiters"
    description = (
        "SmartRecruiters postings (api.smartrecruiters.com), paged; job texts with fetch_details."
    )
    Options = SmartRecruitersOptions
    default_base_url = "https://api.smartrecruiters.com"

    options: SmartRecruitersOptions

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

    def _company_path(self) -> str:
        return f"{self.base_url}/v1/companies/{quote(self.options.company_id, safe='')}/postings"

    def listing_url(self, offset: int = 0) -> str:
        return f"{self._company_path()}?limit={self.page_size}&offset={offset}"

    def detail_url(self, posting: RawPosting) -> str:
        ref = posting.extra.get("ref")
        # Payload links are followed only on the API's own host: a ref elsewhere would let
        # a payload send our client anywhere.
        api_host = urlsplit(self.default_base_url).netloc
        if isinstance(ref, str) and ref.startswith("https://") and urlsplit(ref).netloc == api_host:
            return self.rebase(ref)
        return f"{self._company_path()}/{quote(posting.external_id, safe='')}"

    def fetch(self, client: HttpClient) -> Iterator[RawPosting]:
        postings: list[RawPosting] = []
        seen: set[str] = set()
        url: str | None = self.listing_url()
        pages = 0
        while url is not None:
            # Only the first page is conditional (a 304 there: the list is unchanged), and only
            # without details: a 304 would also skip details a partial run left for later.
            conditional = pages == 0 and not self.options.fetch_details
            response = client.get(url, conditional=conditional)
            page, url = self.parse(response.content, str(response.url))
            pages += 1
            if page and all(p.external_id in seen for p in page):
                raise ParseError(
                    f"SmartRecruiters repeated a page at {response.url}; the server seems to "
                    "ignore 'offset'."
                )
            if pages >= MAX_PAGES and url is not None:
                raise ParseError(
                    f"SmartRecruiters company {self.options.company_id!r} has over "
                    f"{MAX_PAGES} pages."
                )
            seen.update(p.external_id for p in page)
            postings.extend(page)
        # The whole list first: a list that fails on its last page wastes no detail requests.
        if self.options.fetch_details:
            yield from self._with_details(client, postings)
        else:
            yield from postings

    def _with_details(
        self, client: HttpClient, postings: Iterable[RawPosting]
    ) -> Iterator[RawPosting]:
        def fetch_detail(posting: RawPosting) -> RawPosting:
            response = client.get(self.detail_url(posting))
            description, text_format = self.parse_detail(response.content, str(response.url))
            return dataclasses.replace(
                posting, description=description, description_format=text_format
            )

        return with_details(
            self,
            postings,
            fetch_detail,
            budget=self.options.max_details_per_run,
            label="detail of posting",
        )

    def parse(self, body: bytes, url: str) -> tuple[list[RawPosting], str | None]:
        """A page of the list, or one posting's detail (so `sources parse` reads either)."""
        data = load_json(body, url)
        if not isinstance(data, dict):
            raise ParseError(
                f"The response from {url} is not a SmartRecruiters list (expected a JSON object)."
            )
        if "content" not in data and "jobAd" in data:
            return [self._posting(data, 0, url)], None
        if "content" not in data and ("message" in data or "errors" in data):
            problem = data.get("message") or data.get("errors")
            raise ParseError(f"SmartRecruiters answered {url} with an error: {problem}")
        where = f"SmartRecruiters list at {url}"
        content = require_list(data, "content", where)
        total = require(data, "totalFound", where)
        if isinstance(total, bool) or not isinstance(total, int):
            raise ParseError(f"The field 'totalFound' of the {where} is not a number.")
        postings = [self._posting(item, index, url) for index, item in enumerate(content)]
        offset = data.get("offset")
        if isinstance(offset, bool) or not isinstance(offset, int):
            offset = _query_int(url, "offset", 0)
        following = offset + len(content)
        return postings, _with_offset(url, following) if content and following < total else None

    def parse_detail(self, body: bytes, url: str) -> tuple[str, Literal["html", "text"]]:
        """The text of one posting's detail response."""
        data = load_json(body, url)
        if not isinstance(data, dict):
            raise ParseError(
                f"The response from {url} is not a SmartRecruiters posting (expected an object)."
            )
        require(data, "jobAd", f"SmartRecruiters posting at {url}")
        return _description(data)

    def _posting(self, item: Any, index: int, url: str) -> RawPosting:
        where = f"SmartRecruiters posting #{index + 1} at {url}"
        posting_id = str(require_id(item, "id", where, reject="falsy")).strip()
        where = f"SmartRecruiters posting {posting_id} at {url}"
        title = require_text(item, "name", where, role="title")

        company = as_object(item.get("company"))
        location = as_object(item.get("location"))
        country = text_of(location.get("country"))
        identifier = text_of(company.get("identifier")) or self.options.company_id
        description, text_format = _description(item) if "jobAd" in item else ("", "text")
        extra: dict[str, object] = {}
        for key, name in (
            ("department", "department"),
            ("function", "function"),
            ("experienceLevel", "experience_level"),
        ):
            label = text_of(as_object(item.get(key)).get("label"))
            if label:
                extra[name] = label
        if text_of(item.get("ref")):
            extra["ref"] = text_of(item.get("ref"))
        return RawPosting(
            external_id=posting_id,
            title=title,
            # The public page; the detail's postingUrl only adds a slug, and keeping one form
            # keeps the content hash stable whether or not the detail was fetched.
            url=f"https://jobs.smartrecruiters.com/{identifier}/{posting_id}",
            company=self.company or text_of(company.get("name")) or self.options.company_id,
            location=text_of(location.get("fullLocation"))
            or join_texts(location.get("city"), location.get("region"), country),
            description=description,
            description_format=text_format,
            # UTC with a "Z"; a bare time would be read as UTC.
            posted_at=iso_time(item.get("releasedDate"), where, "releasedDate", log=logger),
            country=country.upper() if country and len(country) == 2 else None,
            remote=_remote(location),
            employment_type=text_of(as_object(item.get("typeOfEmployment")).get("label")),
            extra=extra,
        )


def _remote(location: dict[str, Any]) -> bool | None:
    if location.get("remote") is True:
        return True
    if location.get("remote") is False or location.get("hybrid") is True:
        return False
    return None


def _description(item: dict[str, Any]) -> tuple[str, Literal["html", "text"]]:
    sections = as_object(as_object(item.get("jobAd")).get("sections"))
    parts = []
    for key in _SECTIONS:
        section = as_object(sections.get(key))
        text = text_of(section.get("text"))
        if not text:
            continue
        heading = text_of(section.get("title"))
        # Titles are plain text; the section texts are SmartRecruiters' HTML as sent.
        parts.append(f"<h3>{html.escape(heading)}</h3>{text}" if heading else text)
    return ("".join(parts), "html") if parts else ("", "text")


def _query_int(url: str, name: str, default: int) -> int:
    value = dict(parse_qsl(urlsplit(url).query)).get(name)
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default


def _with_offset(url: str, offset: int) -> str:
    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query, keep_blank_values=True))
    query["offset"] = str(offset)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query), ""))


SOURCE = SmartRecruitersSource
