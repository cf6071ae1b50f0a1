"""Recruitee career sites (``{subdomain}.recruitee.com``): every published offer in one request.

``GET https://{subdomain}.recruitee.com/api/offers/`` answers ``{"offers": [...]}``; there is
no paging. Each offer carries its text as HTML in ``description`` and ``requirements``
(escaped zero times), the public page in ``careers_url`` and the company in ``company_name``.
Quirks the parser handles:

- Dates look like ``2026-06-08 09:42:35 UTC`` (a space, and the zone as a word), not ISO 8601.
- Salary numbers are strings (``"min": "5253"``).
- ``remote``, ``hybrid`` and ``on_site`` are three booleans; hybrid counts as not remote.
- An unknown subdomain is a 404 (the account moved to another ATS or never existed).

The API host depends on the subdomain, so the default base URL is built from it in
``__init__`` (as Lever picks its EU host); a configured ``base_url`` replaces the host and the
documented path ``/api/offers/`` goes under it.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Literal

from monitor.errors import ConfigError, FetchError, ParseError
from monitor.posting import RawPosting
from scrapers.base import Source, load_json
from scrapers.fields import as_list, join_texts, require, require_id, require_text, text_of

if TYPE_CHECKING:
    from scrapers.http import HttpClient

logger = logging.getLogger(__name__)

# A DNS label: the subdomain becomes part of a host name, so nothing else may get in.
_LABEL = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?")
_EMPLOYMENT_HEAD = {"fulltime": "Full-time", "parttime": "Part-time"}


@dataclass(frozen=True)
class RecruiteeOptions:
    subdomain: str

    def __post_init__(self) -> None:
        # Empty is allowed for `sources parse`, which needs no host; anything else must be a
        # host-name label.
        if self.subdomain and not _LABEL.fullmatch(self.subdomain):
            raise ConfigError(
                f"must be a Recruitee subdomain such as 'acme' (from acme.recruitee.com), "
                f"not {self.subdomain!r}",
                key="subdomain",
            )


class RecruiteeSource(Source):
    kind = "recruitee"
    description = "A Recruitee career site ({subdomain}.recruitee.com/api/offers/): one request."
    Options = RecruiteeOptions
    # A template, not a host: the real default is built from the subdomain in __init__. It is
    # non-empty so that the config accepts a base_url for this kind.
    default_base_url = "https://{subdomain}.recruitee.com"

    options: RecruiteeOptions

    def __init__(
        self,
        name: str,
        options: Any = None,
        *,
        base_url: str | None = None,
        company: str | None = None,
    ) -> None:
        super().__init__(name, options, base_url=base_url, company=company)
        self.base_url_configured = bool(base_url)
        if not base_url:
            self.base_url = f"https://{self.options.subdomain}.recruitee.com"

    def listing_url(self) -> str:
        return f"{self.base_url}/api/offers/"

    def fetch(self, client: HttpClient) -> Iterator[RawPosting]:
        if not self.options.subdomain and not self.base_url_configured:
            # Only `sources parse` has a use for an empty subdomain; a host such as
            # ".recruitee.com" would fail deep in the HTTP stack with an unhelpful message.
            raise FetchError(
                f"The source {self.name!r} has an empty 'subdomain'; set it to the name of the "
                "Recruitee account (acme for acme.recruitee.com)."
            )
        # One response holds every offer; a 304 raises NotModified to the caller.
        response = client.get(self.listing_url(), conditional=True)
        postings, _ = self.parse(response.content, str(response.url))
        yield from postings

    def parse(self, body: bytes, url: str) -> tuple[list[RawPosting], str | None]:
        data = load_json(body, url)
        if not isinstance(data, dict):
            raise ParseError(
                f"The response from {url} is not a Recruitee offer list (expected a JSON object)."
            )
        if "offers" not in data and ("error" in data or "errors" in data):
            problem = data.get("error") or data.get("errors")
            raise ParseError(f"Recruitee answered {url} with an error: {problem}")
        offers = require(data, "offers", f"Recruitee offer list at {url}")
        if not isinstance(offers, list):
            raise ParseError(f"The field 'offers' of the Recruitee list at {url} is not a list.")
        return [self._posting(offer, index, url) for index, offer in enumerate(offers)], None

    def _posting(self, offer: Any, index: int, url: str) -> RawPosting:
        where = f"Recruitee offer #{index + 1} at {url}"
        offer_id = require_id(offer, "id", where)
        where = f"Recruitee offer {offer_id} at {url}"
        title = require_text(offer, "title", where)

        description, text_format = _description(offer)
        careers_url = text_of(offer.get("careers_url"))
        if careers_url is None:
            slug = text_of(offer.get("slug")) or str(offer_id)
            careers_url = f"https://{self.options.subdomain}.recruitee.com/o/{slug}"
        country = text_of(offer.get("country_code"))
        return RawPosting(
            external_id=str(offer_id),
            title=title,
            url=careers_url,
            company=self.company or text_of(offer.get("company_name")) or self.options.subdomain,
            location=text_of(offer.get("location"))
            or join_texts(offer.get("city"), offer.get("country")),
            description=description,
            description_format=text_format,
            posted_at=_timestamp(offer.get("published_at"), "published_at", where)
            or _timestamp(offer.get("created_at"), "created_at", where),
            deadline_at=_timestamp(offer.get("close_at"), "close_at", where),
            country=country.upper() if country else None,
            remote=_remote(offer),
            employment_type=_employment(offer.get("employment_type_code")),
            extra=_extra(offer),
        )


def _description(offer: dict[str, Any]) -> tuple[str, Literal["html", "text"]]:
    parts = [text for key in ("description", "requirements") if (text := text_of(offer.get(key)))]
    if not parts:
        return "", "text"
    return "\n".join(parts), "html"


def _remote(offer: dict[str, Any]) -> bool | None:
    if offer.get("remote") is True:
        return True
    if offer.get("on_site") is True or offer.get("hybrid") is True:
        return False
    return None


def _employment(code: Any) -> str | None:
    """``fulltime_fixed_term`` -> ``Full-time, fixed term``; unknown codes stay readable."""
    text = text_of(code)
    if text is None:
        return None
    head, _, rest = text.partition("_")
    words = _EMPLOYMENT_HEAD.get(head, head.replace("_", " ").capitalize())
    return f"{words}, {rest.replace('_', ' ')}" if rest else words


def _timestamp(value: Any, field: str, where: str) -> datetime | None:
    """Recruitee's ``2026-06-08 09:42:35 UTC`` (or ISO 8601 with an offset), as UTC."""
    text = text_of(value)
    if text is None:
        return None
    zone_word = text.endswith(" UTC")
    try:
        parsed = datetime.fromisoformat(text.removesuffix(" UTC"))
    except ValueError:
        logger.warning("%s: ignoring the unreadable %s %r", where, field, text)
        return None
    if parsed.tzinfo is None:
        # Recruitee names the zone as a trailing word and it is always UTC; a bare time
        # without it is read as UTC too, never as the server's local time.
        if not zone_word:
            logger.debug("%s: %s %r has no zone; read as UTC", where, field, text)
        parsed = parsed.replace(tzinfo=UTC)
    return parsed


def _salary(value: Any) -> dict[str, object] | None:
    """The salary with its string numbers made numbers; None when it states no amount."""
    if not isinstance(value, dict):
        return None
    out: dict[str, object] = {key: _number(value.get(key)) for key in ("min", "max")}
    if out["min"] is None and out["max"] is None:
        return None
    for key in ("period", "currency"):
        if text_of(value.get(key)):
            out[key] = text_of(value.get(key))
    return out


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        return None
    try:
        return float(value)
    except ValueError:
        return None


def _extra(offer: dict[str, Any]) -> dict[str, object]:
    extra: dict[str, object] = {}
    if text_of(offer.get("department")):
        extra["department"] = text_of(offer.get("department"))
    salary = _salary(offer.get("salary"))
    if salary:
        extra["salary"] = salary
    names = [
        name
        for place in as_list(offer.get("locations"))
        if isinstance(place, dict) and (name := join_texts(place.get("city"), place.get("country")))
    ]
    if len(names) > 1:
        extra["all_locations"] = names
    return extra


SOURCE = RecruiteeSource
