"""Personio career sites (``{subdomain}.jobs.personio.de``): the public XML feed of open positions.

``GET https://{subdomain}.jobs.personio.de/xml?language=en`` answers
``<workzag-jobs><position>...</position>...</workzag-jobs>`` with every published position
(no paging; German unless ``language`` asks otherwise). A position has ``id``, ``name`` (the
title), ``subcompany``, ``office`` plus ``additionalOffices``, ``department``,
``employmentType``, ``schedule``, ``seniority``, ``createdAt`` and ``jobDescriptions``: named
sections whose ``value`` is HTML inside CDATA. Quirks the parser handles:

- The feed is XML from the internet: it is parsed with defusedxml, so entity declarations
  (billion laughs, external entities) are refused instead of expanded.
- ``createdAt`` comes as ``2024-11-13T14:10:41+00:00`` and, in Personio's own docs, as
  ``2016-05-31T12:14:07+0200`` (an offset without a colon); both are read.
- ``jobDescriptions`` may be empty: some accounts publish positions without text in the feed.
- There is no link in the feed; the public page is ``/job/{id}`` on the career site.

The feed's host depends on the subdomain, so the default base URL is built from it in
``__init__``; a configured ``base_url`` replaces the host and ``/xml`` goes under it.
"""

from __future__ import annotations

import html
import logging
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import quote, urljoin

import defusedxml.ElementTree as DefusedET  # type: ignore[import-untyped]

from monitor.errors import ConfigError, FetchError, ParseError
from monitor.posting import RawPosting
from scrapers.base import Source
from scrapers.fields import child_text, element_text, iso_time, require_child_text

if TYPE_CHECKING:
    from scrapers.http import HttpClient

logger = logging.getLogger(__name__)

ROOT = "workzag-jobs"
# A DNS label: the subdomain becomes part of a host name, so nothing else may get in.
_LABEL = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?")
_LANGUAGE = re.compile(r"[a-z]{2}")
_SCHEDULE = {"full-time": "Full-time", "part-time": "Part-time"}
# What defusedxml raises instead of expanding entities or fetching external ones.
_REFUSED = (
    DefusedET.DTDForbidden,
    DefusedET.EntitiesForbidden,
    DefusedET.ExternalReferenceForbidden,
)


@dataclass(frozen=True)
class PersonioOptions:
    subdomain: str
    language: str = "en"

    def __post_init__(self) -> None:
        # Empty is allowed for `sources parse`, which needs no host.
        if self.subdomain and not _LABEL.fullmatch(self.subdomain):
            raise ConfigError(
                "must be a Personio subdomain such as 'acme' (from acme.jobs.personio.de), "
                f"not {self.subdomain!r}",
                key="subdomain",
            )
        if not _LANGUAGE.fullmatch(self.language):
            raise ConfigError(
                f"must be a two-letter language code such as 'en' or 'de', not {self.language!r}",
                key="language",
            )


class PersonioSource(Source):
    kind = "personio"
    description = "A Personio career site's XML feed ({subdomain}.jobs.personio.de/xml)."
    Options = PersonioOptions
    # A template, not a host: the real default is built from the subdomain in __init__. It is
    # non-empty so that the config accepts a base_url for this kind.
    default_base_url = "https://{subdomain}.jobs.personio.de"

    options: PersonioOptions

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
            self.base_url = self.site_url()

    def site_url(self) -> str:
        """The public career site, where the job pages are (whatever base_url says)."""
        return f"https://{self.options.subdomain}.jobs.personio.de"

    def listing_url(self) -> str:
        return f"{self.base_url}/xml?language={quote(self.options.language, safe='')}"

    def fetch(self, client: HttpClient) -> Iterator[RawPosting]:
        if not self.options.subdomain and not self.base_url_configured:
            # Only `sources parse` has a use for an empty subdomain; a host such as
            # ".jobs.personio.de" would fail deep in the HTTP stack with an unhelpful message.
            raise FetchError(
                f"The source {self.name!r} has an empty 'subdomain'; set it to the name of the "
                "Personio account (acme for acme.jobs.personio.de)."
            )
        # One response holds every position; a 304 raises NotModified to the caller.
        response = client.get(self.listing_url(), conditional=True)
        postings, _ = self.parse(response.content, str(response.url))
        yield from postings

    def parse(self, body: bytes, url: str) -> tuple[list[RawPosting], str | None]:
        try:
            root = DefusedET.fromstring(body)
        except _REFUSED as exc:
            raise ParseError(
                f"The response from {url} declares XML entities or a DTD, which are refused "
                f"for safety ({type(exc).__name__})."
            ) from exc
        except ET.ParseError as exc:
            raise ParseError(f"The response from {url} is not well-formed XML ({exc}).") from exc
        if root.tag != ROOT:
            raise ParseError(
                f"The response from {url} is not a Personio XML feed (its root element is "
                f"<{root.tag}>, not <{ROOT}>)."
            )
        positions = root.findall("position")
        return [self._posting(p, index, url) for index, p in enumerate(positions)], None

    def _posting(self, position: ET.Element, index: int, url: str) -> RawPosting:
        where = f"Personio position #{index + 1} at {url}"
        position_id = require_child_text(position, "id", where)
        where = f"Personio position {position_id} at {url}"
        title = require_child_text(position, "name", where)

        office = child_text(position, "office")
        offices = [office] if office else []
        offices += [
            text
            for node in position.findall("additionalOffices/office")
            if (text := element_text(node))
        ]
        description, text_format = _description(position)
        extra: dict[str, object] = {}
        for key in ("department", "recruitingCategory", "seniority", "yearsOfExperience"):
            if child_text(position, key):
                extra[key] = child_text(position, key)
        keywords = child_text(position, "keywords")
        if keywords:
            extra["keywords"] = [word.strip() for word in keywords.split(",") if word.strip()]
        if len(offices) > 1:
            extra["all_locations"] = offices
        site = self.site_url() if self.options.subdomain else url
        return RawPosting(
            external_id=position_id,
            title=title,
            url=urljoin(site, f"/job/{quote(position_id, safe='')}")
            + f"?language={self.options.language}",
            company=self.company
            or child_text(position, "subcompany")
            or self.options.subdomain
            or None,
            location=office,
            description=description,
            description_format=text_format,
            # Always with an offset, sometimes without a colon ("+0200"); both are read.
            posted_at=iso_time(child_text(position, "createdAt"), where, "createdAt", log=logger),
            # entry-level, experienced, executive, student: read by monitor.level.
            experience=child_text(position, "seniority"),
            employment_type=_employment(position),
            extra=extra,
        )


def _description(position: ET.Element) -> tuple[str, Literal["html", "text"]]:
    """Each named section as a heading (plain text, escaped) and its HTML value."""
    parts = []
    for section in position.findall("jobDescriptions/jobDescription"):
        heading = child_text(section, "name")
        # The value is HTML in CDATA (or escaped once as text): either way the parsed text
        # is the HTML itself.
        value = child_text(section, "value") or ""
        if heading:
            parts.append(f"<h3>{html.escape(heading, quote=False)}</h3>")
        parts.append(value)
    text = "".join(parts)
    return (text, "html") if text else ("", "text")


def _employment(position: ET.Element) -> str | None:
    schedule = child_text(position, "schedule")
    contract = child_text(position, "employmentType")
    words = [_SCHEDULE.get(schedule, schedule) if schedule else None, contract]
    return ", ".join(word for word in words if word) or None


SOURCE = PersonioSource
