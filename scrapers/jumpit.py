"""Jumpit (점핏, jumpit.saramin.co.kr): Saramin's developer job board, through its web API.

The public site is ``jumpit.saramin.co.kr``; its pages load their data from the API host
``api.jumpit.co.kr`` (every real recording of 2026 calls it), the default ``base_url``.

``GET /api/positions?sort=reg_dt&highlight=false&page=N`` (1-based, 16 positions a page; plus
``keyword`` and ``jobCategory`` when configured; without ``highlight=false`` a keyword search
wraps its matches in ``<span>`` markup, which is stripped if it comes anyway) answers
``{"message", "status", "code", "result": {"totalCount", "page", "positions": [...]}}``.
A position carries ``id``, ``title``, ``companyName``, ``techStacks`` (strings),
``locations``, ``alwaysOpen``, ``closedAt`` (a Korean local time without zone,
``2026-10-13T23:59:59``) and the experience asked: ``newcomer`` (신입 welcome) and
``minCareer``/``maxCareer`` in years. It has no description and no date.

``GET /api/position/{id}`` (singular) answers ``{"result": {...}}`` with ``responsibility``
(주요업무), ``qualifications`` (자격요건), ``preferredRequirements`` (우대사항), plain text,
``techStacks`` as objects (``{"stack": "PyTorch"}``) and ``publishedAt`` (Korean local time,
``2026-08-01 10:00:00``), which is the posting date. ``welfares`` (benefits) stay out of the
text: perks such as 의료비 지원 are not the job's domain. Details are fetched only for
positions not stored yet, at most ``max_details_per_run`` per run; the rest are skipped and
fetched later, and a closed position's detail (an error answer) is skipped the same way.

``job_category`` is Jumpit's numeric category id, one or a list: the number N in
``jumpit.saramin.co.kr/positions?jobCategory=N`` (a real detail gives 8 = 인공지능/머신러닝).

Real recorded pages and one detail are checked in tests/monitor/test_realdata.py. A missing
field is a ParseError naming it; save a page (``curl
'https://api.jumpit.co.kr/api/positions?highlight=false&page=1' > page.json``) and check it with
``jobtrend sources parse --kind jumpit page.json``.
"""

from __future__ import annotations

import dataclasses
import html
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from monitor.errors import ConfigError, ParseError
from monitor.posting import RawPosting
from scrapers.base import Source, load_json
from scrapers.details import with_details
from scrapers.fields import KST, iso_time, require_id, require_list, require_text

if TYPE_CHECKING:
    from scrapers.http import HttpClient

logger = logging.getLogger(__name__)

# More pages than this is a server ignoring `page`, not a real listing.
MAX_PAGES = 500
POSTING_URL = "https://jumpit.saramin.co.kr/position/{id}"
DETAIL_SECTIONS = (
    ("serviceInfo", "서비스 소개"),
    ("responsibility", "주요업무"),
    ("qualifications", "자격요건"),
    ("preferredRequirements", "우대사항"),
)


@dataclass(frozen=True)
class JumpitOptions:
    keyword: str | None = None
    job_category: int | list[int] | None = None
    max_details_per_run: int = 30

    def __post_init__(self) -> None:
        if self.max_details_per_run < 0:
            raise ConfigError("'max_details_per_run' must be 0 or more", key="max_details_per_run")


class JumpitSource(Source):
    kind = "jumpit"
    description = "점핏 (jumpit.saramin.co.kr): developer positions, details within a budget."
    Options = JumpitOptions
    default_base_url = "https://api.jumpit.co.kr"

    options: JumpitOptions

    def is_query_filtered(self) -> bool:
        return bool(self.options.keyword)

    def listing_url(self, page: int = 1) -> str:
        params: list[tuple[str, str | int]] = [("sort", "reg_dt"), ("highlight", "false")]
        if self.options.keyword:
            params.append(("keyword", self.options.keyword))
        categories = self.options.job_category
        if isinstance(categories, int):
            categories = [categories]
        params.extend(("jobCategory", c) for c in categories or [])
        params.append(("page", page))
        return f"{self.base_url}/api/positions?{urlencode(params)}"

    def detail_url(self, position_id: str) -> str:
        return f"{self.base_url}/api/position/{position_id}"

    def fetch(self, client: HttpClient) -> Iterator[RawPosting]:
        listing: list[RawPosting] = []
        seen: set[str] = set()
        url: str | None = self.listing_url()
        pages = page_size = 0
        while url is not None:
            response = client.get(url)
            postings, url = self.parse(response.content, str(response.url))
            pages += 1
            if postings and all(p.external_id in seen for p in postings):
                raise ParseError(
                    f"Jumpit repeated a page at {response.url}; the server seems to ignore 'page'."
                )
            if url is not None and pages >= MAX_PAGES:
                raise ParseError(f"Jumpit's listing has over {MAX_PAGES} pages; stopping.")
            # A posting added while paging pushes the others down: one may show up twice.
            listing.extend(p for p in postings if p.external_id not in seen)
            seen.update(p.external_id for p in postings)
            if pages == 1:
                page_size = len(postings)
            elif len(postings) < page_size:
                url = None  # a short page after full ones is the last: no probe past the end

        # The whole listing first: a listing that fails half-way fails the run before any
        # detail request is spent on it.
        def fetch_detail(posting: RawPosting) -> RawPosting:
            response = client.get(self.detail_url(posting.external_id))
            completed = dataclasses.replace(posting)
            self.apply_detail(completed, response.content, str(response.url))
            return completed

        yield from with_details(
            self,
            listing,
            fetch_detail,
            budget=self.options.max_details_per_run,
            label="jumpit detail",
            skip_parse_errors=False,  # a detail of another shape: the site changed
        )

    def parse(self, body: bytes, url: str) -> tuple[list[RawPosting], str | None]:
        result = _result(load_json(body, url), url)
        if "positions" not in result and "responsibility" in result:
            raise ParseError(
                f"{url} is a Jumpit position detail, not a listing; parse an /api/positions page."
            )
        positions = require_list(result, "positions", f"Jumpit listing at {url}")
        postings = [self._posting(item, index, url) for index, item in enumerate(positions)]
        return postings, _next_page(url, result, len(positions))

    def apply_detail(self, posting: RawPosting, body: bytes, url: str) -> None:
        """Fill in the description and posting date from one ``/api/position/{id}`` answer."""
        result = _result(load_json(body, url), url)
        where = f"Jumpit position detail at {url}"
        parts = []
        for key, heading in DETAIL_SECTIONS:
            text = result.get(key)
            if isinstance(text, str) and text.strip():
                parts.append(f"{heading}\n{text.strip()}")
        stacks = _stacks(result.get("techStacks")) or _stacks(posting.extra.get("tech_stacks"))
        if stacks:
            parts.append("기술스택\n" + ", ".join(stacks))
        if not parts and not any(key in result for key, _ in DETAIL_SECTIONS):
            raise ParseError(
                f"The {where} has no field 'responsibility'; the site's format may have changed."
            )
        posting.description = "\n\n".join(parts)
        posting.description_format = "text"
        posting.posted_at = _kst(result.get("publishedAt"), where)
        for key, value in _experience(result).items():
            if value is not None:
                setattr(posting, key, value)

    def _posting(self, item: Any, index: int, url: str) -> RawPosting:
        where = f"Jumpit position #{index + 1} at {url}"
        position_id = require_id(item, "id", where, reject="blank")
        where = f"Jumpit position {position_id} at {url}"
        title = require_text(item, "title", where)
        company = require_text(item, "companyName", where)
        locations = [
            place.strip()
            for place in item.get("locations") or []
            if isinstance(place, str) and place.strip()
        ]
        extra: dict[str, object] = {}
        stacks = _stacks(item.get("techStacks"))
        if stacks:
            extra["tech_stacks"] = stacks
        category = _without_markup(item.get("jobCategory"))
        if category:
            extra["job_category"] = category
        if len(locations) > 1:
            extra["locations"] = locations
        # An always-open position carries a placeholder closedAt, or none.
        deadline = None if item.get("alwaysOpen") is True else _kst(item.get("closedAt"), where)
        return RawPosting(
            external_id=str(position_id).strip(),
            title=title,
            url=POSTING_URL.format(id=str(position_id).strip()),
            company=self.company or company,
            location=locations[0] if locations else None,
            country="KR",
            deadline_at=deadline,
            extra=extra,
            **_experience(item),
        )


def _result(data: Any, url: str) -> dict[str, Any]:
    """The ``result`` object of a Jumpit answer, or ParseError with the server's message."""
    if not isinstance(data, dict):
        raise ParseError(f"The response from {url} is not a Jumpit answer (expected an object).")
    result = data.get("result")
    if not isinstance(result, dict):
        status, message = data.get("status"), data.get("message")
        if "result" not in data and message is None:
            raise ParseError(
                f"The Jumpit answer at {url} has no field 'result'; the format may have changed."
            )
        code = f" {data.get('code')}" if data.get("code") else ""
        raise ParseError(f"Jumpit answered {url} with an error (status {status}{code}): {message}")
    return result


def _without_markup(value: Any) -> str | None:
    """A listing text without the ``<span>`` highlight markup a keyword search may add."""
    if not isinstance(value, str):
        return None
    return " ".join(re.sub(r"<[^<>]*>", "", html.unescape(value)).split()) or None


def _years(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else None


def _experience(item: dict[str, Any]) -> dict[str, Any]:
    """RawPosting's experience fields from ``newcomer`` and ``minCareer``/``maxCareer``."""
    low, high = _years(item.get("minCareer")), _years(item.get("maxCareer"))
    if high is not None and low is not None and high < low:
        high = None  # 0 as "no upper bound" after a real minimum
    return {
        "level": "entry" if item.get("newcomer") is True else None,
        "years_min": low,
        "years_max": high,
    }


def _stacks(value: Any) -> list[str]:
    """Tech stack names: strings in a listing, ``{"stack": name}`` objects in a detail."""
    names = []
    for entry in value if isinstance(value, list) else []:
        name = entry.get("stack") if isinstance(entry, dict) else entry
        if isinstance(name, str) and name.strip():
            names.append(name.strip())
    return names


def _kst(value: Any, where: str) -> datetime | None:
    """A Jumpit time: Korean local time without zone (``T`` or a space between the parts)."""
    parsed = iso_time(value, where, "time", log=logger, zone=KST)
    if parsed is not None and parsed.year >= 9999:
        return None  # a "never closes" placeholder
    return parsed


def _next_page(url: str, result: dict[str, Any], returned: int) -> str | None:
    """The next page while positions keep coming and ``totalCount`` is not reached."""
    if returned == 0:
        return None
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    try:
        page = int(dict(query).get("page", "1"))
    except ValueError:
        page = 1
    total = result.get("totalCount")
    # Pages hold the same number of positions, so this page's size bounds what came before.
    if isinstance(total, int) and not isinstance(total, bool) and page * returned >= total:
        return None
    rest = [(k, v) for k, v in query if k != "page"] + [("page", str(page + 1))]
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(rest), ""))


SOURCE = JumpitSource
