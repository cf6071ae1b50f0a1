"""Career pages carrying schema.org ``JobPosting`` JSON-LD (the markup Google for Jobs reads).

Give exactly one of ``url`` (one page), ``urls`` (a list of pages) or ``sitemap`` (a
sitemap.xml whose ``<loc>`` pages are read; a sitemap index is followed one level, ``.gz``
sitemaps are unpacked; XML is parsed with defusedxml), and ``max_pages`` caps the pages read.

What real pages do, and what this parser does about it:

- several ``<script type="application/ld+json">`` blocks per page, some wrapped in
  ``<![CDATA[ ... ]]>`` or ``<!-- -->``, some with raw newlines inside strings (accepted);
- postings at the top level, in arrays, in ``@graph``, or nested (``mainEntity``,
  ``ItemList.itemListElement``); ``@type`` a string or a list (``["JobPosting", "Thing"]``);
- one malformed block among good ones: it is skipped and counted in the run's ``skipped``
  (the run is then partial), and the rest are kept;
- ``description`` HTML escaped as entities (``&lt;p&gt;``), sometimes twice: decoded until
  tags appear; plain text stays text;
- unpadded dates ("2026-5-15"); a date or time without an offset (JobKorea's
  "2026-10-19T23:59") is read in the ``timezone`` option, which defaults to the configured
  zone (Asia/Seoul unless set);
- ``identifier`` as a string, a number or a ``PropertyValue`` (``value`` / ``@value``); without
  one a posting's id is its page URL and its position on the page ("...#2"). An identifier
  that names the company rather than the posting falls back the same way: a
  ``PropertyValue`` whose ``propertyID`` is a registration number (Linkareer's
  사업자등록번호, "104-86-39742"), or a value carried by different postings of one fetch;
- ``employmentType`` outside schema.org's list: Korean 정규직, 계약직, 인턴 map onto it, anything
  else ("eCommerce", Coupang's department) is no employment type;
- JobPosting in microdata instead (SAP SuccessFactors), read when a page has no JSON-LD
  JobPosting (``scrapers.microdata``), with Java dates such as "Sun Apr 25 00:00:00 UTC 2021".

A page with no JobPosting at all is a ParseError naming the URL, never an empty result. With
``urls`` or ``sitemap``, a page that fails (404, robots.txt, no JobPosting) is skipped and
counted, and the run fails only when no page could be read; sitemap pages without any JobPosting
(an "about us" page) are not counted. Company comes from ``hiringOrganization.name``; location
from each ``jobLocation.address``, keeping city and district ("서울 중구", not "중구"; the
head of ``streetAddress`` when there is nothing else, "경기 안산시 단원구"); remote from
``jobLocationType: TELECOMMUTE``; deadline from ``validThrough``; experience from
``experienceRequirements`` (words, or ``monthsOfExperience``).

Recorded real pages (Coupang, Catch, JobKorea, Linkareer, a Yanolja SuccessFactors page) are
checked in tests/monitor/test_realdata.py; check a saved page first with::

    jobtrend sources parse --kind jsonld saved.html --option url=https://example.com/jobs/1 \\
        --url https://example.com/jobs/1 --json

(``--option url=`` satisfies "exactly one of url/urls/sitemap"; ``--url`` is the page address
used for relative links and position ids.)
"""

from __future__ import annotations

import dataclasses
import html
import json
import logging
import math
import re
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin
from xml.etree.ElementTree import Element
from xml.etree.ElementTree import ParseError as XmlParseError
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import defusedxml.ElementTree as SafeElementTree  # type: ignore[import-untyped]
from defusedxml import DefusedXmlException
from selectolax.lexbor import LexborHTMLParser

from monitor.errors import ConfigError, FetchError, NoJobPostingError, ParseError
from monitor.posting import RawPosting, TextFormat
from scrapers.base import Source
from scrapers.fields import KST, local_name
from scrapers.html import decode_page
from scrapers.microdata import microdata_jobs

if TYPE_CHECKING:
    from scrapers.http import HttpClient

logger = logging.getLogger(__name__)

# An unpacked .xml.gz sitemap larger than this is a bomb, not a sitemap (the spec caps it at
# 50 MB).
MAX_SITEMAP_BYTES = 50 * 2**20
_WRAPPERS = re.compile(r"^\s*(?://\s*)?(?:<!\[CDATA\[|<!--)|(?://\s*)?(?:\]\]>|-->)\s*$")
_DATE = re.compile(
    r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})"
    r"(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?)?"
    r"\s*(Z|[+-]\d{2}(?::?\d{2})?)?\s*$",
    re.IGNORECASE,
)
_REAL_TAG = re.compile(r"<(?:[a-zA-Z][\w-]*|/[a-zA-Z][\w-]*)(?:\s[^<>]*)?/?>")
_ESCAPED_TAG = re.compile(r"&(?:amp;)*lt;/?[a-zA-Z]")
_ENTITY = re.compile(r"&(?:#\d+|#x[0-9a-fA-F]+|[a-zA-Z]+\d*);")
DEFAULT_ZONE = "Asia/Seoul"
# The schema.org employment types, and Korean boards' own words for them; anything else
# ("eCommerce": a department, not a contract) is no employment type at all.
_EMPLOYMENT = {
    "FULL_TIME": "Full-time",
    "PART_TIME": "Part-time",
    "CONTRACTOR": "Contract",
    "TEMPORARY": "Temporary",
    "INTERN": "Internship",
    "VOLUNTEER": "Volunteer",
    "PER_DIEM": "Per diem",
    "OTHER": "Other",
    "FULLTIME": "Full-time",
    "PARTTIME": "Part-time",
    "CONTRACT": "Contract",
    "INTERNSHIP": "Internship",
    "정규직": "Full-time",
    "계약직": "Contract",
    "프리랜서": "Contract",
    "파견직": "Temporary",
    "인턴": "Internship",
    "인턴십": "Internship",
    "파트타임": "Part-time",
    "아르바이트": "Part-time",
}
# An identifier that names the company, not the posting: Linkareer puts the business
# registration number (사업자등록번호, "104-86-39742") there.
_COMPANY_ID_NAMES = re.compile(
    r"사업자|법인등록|business.?registration|registration.?number|\bbrn\b|\bvat\b|\btax", re.I
)
_REGISTRATION_NUMBER = re.compile(r"^\d{3}-\d{2}-\d{5}$")
# Korean administrative words that start a street address: 경기 안산시 단원구 산단로 325.
_PROVINCE = re.compile(
    r"^(서울|부산|대구|인천|광주|대전|울산|세종|경기|강원|충북|충남|전북|전남|경북|경남|제주)"
    r"\S*$"
)
_DISTRICT = re.compile(r"^\S+(시|군|구)$")
_HANGUL = re.compile(r"[\uac00-\ud7a3]")
# "Sun Apr 25 00:00:00 UTC 2021": Java's Date.toString, as SAP SuccessFactors writes dates.
_JAVA_DATE = re.compile(
    r"^\s*[A-Za-z]{3} ([A-Za-z]{3}) (\d{1,2}) (\d{1,2}):(\d{2}):(\d{2}) ([A-Z]{2,5}) (\d{4})\s*$"
)
_MONTH_NAMES = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")
_MONTHS = {name: number for number, name in enumerate(_MONTH_NAMES, start=1)}
_NAMED_ZONES: dict[str, tzinfo] = {"UTC": UTC, "GMT": UTC, "Z": UTC, "KST": KST}


@dataclass(frozen=True)
class JsonLdOptions:
    url: str | None = None
    urls: list[str] | None = None
    sitemap: str | None = None
    max_pages: int = 200
    # The zone of times written without an offset ("2026-10-19T23:59"); the config loader
    # fills in the configured zone when the table gives none.
    timezone: str | None = None

    def __post_init__(self) -> None:
        if self.timezone is not None:
            try:
                ZoneInfo(self.timezone)
            except (ValueError, ZoneInfoNotFoundError):
                raise ConfigError(
                    f"must be an IANA time zone such as 'Asia/Seoul', not {self.timezone!r}",
                    key="timezone",
                ) from None
        given = [key for key in ("url", "urls", "sitemap") if getattr(self, key) is not None]
        if not given:
            raise ConfigError(
                "needs exactly one of 'url', 'urls' or 'sitemap' (the career pages to read)",
                key="url",
            )
        if len(given) > 1:
            raise ConfigError(
                f"{given[0]!r} and {given[1]!r} exclude each other; give exactly one of "
                "'url', 'urls' or 'sitemap'",
                key=given[1],
            )
        key = given[0]
        values = self.pages() if key != "sitemap" else [self.sitemap or ""]
        if not values:
            raise ConfigError("must list at least one page URL", key=key)
        for value in values:
            if not value.startswith(("http://", "https://")):
                raise ConfigError(f"must be an http(s) URL, not {value!r}", key=key)
        if self.max_pages < 1:
            raise ConfigError(f"must be at least 1, not {self.max_pages}", key="max_pages")

    def zone(self) -> tzinfo:
        """The zone of naive times: the option, else Korea's (the default configured zone)."""
        return ZoneInfo(self.timezone) if self.timezone else ZoneInfo(DEFAULT_ZONE)

    def pages(self) -> list[str]:
        """The configured page URLs (``url`` or ``urls``), without repeats."""
        listed = [self.url] if self.url is not None else list(self.urls or [])
        return list(dict.fromkeys(listed))


class JsonLdSource(Source):
    kind = "jsonld"
    description = "Career pages with schema.org JobPosting JSON-LD: a URL, a list or a sitemap."
    Options = JsonLdOptions

    options: JsonLdOptions

    def fetch(self, client: HttpClient) -> Iterator[RawPosting]:
        if self.options.url is not None:
            # One page: a 304 means the listing is unchanged.
            response = client.get(self.options.url, conditional=True)
            yield from self.parse(response.content, str(response.url))[0]
            return
        from_sitemap = self.options.sitemap is not None
        pages = self.sitemap_pages(client) if from_sitemap else self.options.pages()
        limit = self.options.max_pages
        if len(pages) > limit:
            self.skipped.append(f"{len(pages) - limit} pages beyond max_pages={limit} not read")
            pages = pages[:limit]
        read = 0
        first_error: ParseError | FetchError | None = None
        found: list[tuple[RawPosting, str]] = []
        for page in pages:
            try:
                response = client.get(page)
                found.extend(self._read(response.content, str(response.url)))
            except (FetchError, ParseError) as exc:
                first_error = first_error or exc
                if from_sitemap and isinstance(exc, NoJobPostingError):
                    logger.debug("%s: %s", self.name, exc)
                else:
                    self.skipped.append(f"{page}: {exc}")
                continue
            read += 1
        if pages and read == 0 and first_error is not None:
            # Not one page could be read: that is a broken source, not an empty board.
            raise first_error
        seen_ids: set[str] = set()
        for posting in _rekeyed(found):
            # The same posting on two pages (a list and its detail) is kept once.
            if posting.external_id not in seen_ids:
                seen_ids.add(posting.external_id)
                yield posting

    def sitemap_pages(self, client: HttpClient) -> list[str]:
        """The page URLs of the sitemap, following a sitemap index one level down."""
        response = client.get(self.options.sitemap or "")
        kind, locations = parse_sitemap(response.content, str(response.url))
        if kind == "urlset":
            return locations
        pages: list[str] = []
        for child in locations:
            # A child sitemap that fails fails the run: the listing would be incomplete.
            child_response = client.get(child)
            child_kind, child_pages = parse_sitemap(child_response.content, str(child_response.url))
            if child_kind == "sitemapindex":
                self.skipped.append(f"{child} is a nested sitemap index; followed one level only")
                continue
            pages.extend(child_pages)
        return list(dict.fromkeys(pages))

    def parse(self, body: bytes, url: str) -> tuple[list[RawPosting], str | None]:
        return _rekeyed(self._read(body, url)), None

    def _read(self, body: bytes, url: str) -> list[tuple[RawPosting, str]]:
        """Each posting of a page with the id it falls back to (its page URL and position)."""
        tree = LexborHTMLParser(decode_page(body))
        jobs: list[dict[str, Any]] = []
        bad: list[str] = []
        blocks = [
            node
            for node in tree.css("script")
            if (node.attributes.get("type") or "").split(";")[0].strip().lower()
            == "application/ld+json"
        ]
        for number, node in enumerate(blocks, start=1):
            text = _WRAPPERS.sub("", (node.text(deep=True) or "").strip())
            if not text.strip():
                continue
            try:
                # strict=False: real pages put raw newlines and tabs inside strings.
                data = json.loads(text, strict=False)
            except (ValueError, RecursionError) as exc:
                bad.append(f"ld+json block #{number} at {url} is not valid JSON ({exc})")
                continue
            _collect_jobs(data, jobs)
        if not jobs:
            # SAP SuccessFactors and others mark the posting up in microdata instead.
            jobs = microdata_jobs(tree)
        if not jobs:
            why = f" ({len(bad)} ld+json block(s) were not valid JSON)" if bad else ""
            raise NoJobPostingError(f"No schema.org JobPosting found at {url}{why}.")
        self.skipped.extend(bad)
        return [
            (self._posting(job, index, url), f"{url}#{index}")
            for index, job in enumerate(jobs, start=1)
        ]

    def _posting(self, job: dict[str, Any], index: int, url: str) -> RawPosting:
        where = f"JobPosting #{index} at {url}"
        title = _text(job.get("title")) or _text(job.get("name"))
        if title is None:
            raise ParseError(f"The {where} has no field 'title'.")
        link = _text(job.get("url"))
        location, country, places = _location(job)
        description, text_format = _description(job.get("description"))
        extra: dict[str, object] = {}
        if len(places) > 1:
            extra["locations"] = places
        zone = self.options.zone()
        experience, months = _experience(job.get("experienceRequirements"))
        return RawPosting(
            external_id=_identifier(job.get("identifier")) or f"{url}#{index}",
            title=title,
            url=urljoin(url, link) if link else url,
            company=self.company or _organisation(job.get("hiringOrganization")),
            location=location,
            country=country,
            description=description,
            description_format=text_format,
            posted_at=_date(job.get("datePosted"), where, "datePosted", zone),
            deadline_at=_date(job.get("validThrough"), where, "validThrough", zone),
            remote=True if "TELECOMMUTE" in _upper_list(job.get("jobLocationType")) else None,
            employment_type=_employment(job.get("employmentType")),
            experience=experience,
            years_min=math.ceil(months / 12) if months is not None else None,
            extra=extra,
        )


def parse_sitemap(body: bytes, url: str) -> tuple[str, list[str]]:
    """("urlset" | "sitemapindex", the ``<loc>`` URLs) of a sitemap; gzip is unpacked."""
    if body[:2] == b"\x1f\x8b":
        unpacker = zlib.decompressobj(wbits=31)
        body = unpacker.decompress(body, MAX_SITEMAP_BYTES)
        if unpacker.unconsumed_tail:
            raise ParseError(f"The sitemap {url} unpacks to more than 50 MB.")
    try:
        root: Element = SafeElementTree.fromstring(body)
    except (XmlParseError, DefusedXmlException) as exc:
        raise ParseError(f"The sitemap {url} is not readable XML ({exc}).") from exc
    kind = local_name(root.tag)
    if kind not in ("urlset", "sitemapindex"):
        raise ParseError(f"{url} is not a sitemap (its root element is <{kind}>).")
    entry = "url" if kind == "urlset" else "sitemap"
    found = []
    for element in root:
        if local_name(element.tag) != entry:
            continue
        for child in element:
            if local_name(child.tag) == "loc" and child.text and child.text.strip():
                found.append(urljoin(url, child.text.strip()))
    return kind, list(dict.fromkeys(found))


def _collect_jobs(data: Any, out: list[dict[str, Any]], depth: int = 0) -> None:
    """Every JobPosting in a JSON-LD value: top level, arrays, @graph, nested entities."""
    if depth > 20:
        return
    if isinstance(data, list):
        for value in data:
            _collect_jobs(value, out, depth + 1)
    elif isinstance(data, dict):
        types = data.get("@type")
        names = types if isinstance(types, list) else [types]
        # "JobPosting", "schema:JobPosting" and "http://schema.org/JobPosting" all count.
        if any(isinstance(t, str) and re.split(r"[/:#]", t)[-1] == "JobPosting" for t in names):
            out.append(data)
            return
        for value in data.values():
            if isinstance(value, dict | list):
                _collect_jobs(value, out, depth + 1)


def _text(value: Any) -> str | None:
    """A short text field: a string (or ``{"@value": ...}``, or the first of a list), with
    stray entities decoded once ("R&amp;D")."""
    if isinstance(value, list):
        value = next((v for v in value if _text(v)), None)
    if isinstance(value, dict):
        value = value.get("@value", value.get("name"))
    if isinstance(value, int | float) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        return None
    text = " ".join(html.unescape(value).split()) if "&" in value else " ".join(value.split())
    return text or None


def _identifier(value: Any) -> str | None:
    """The posting's own id; None for none, or for one that names the company instead."""
    if isinstance(value, list):
        return next((i for i in map(_identifier, value) if i), None)
    if isinstance(value, dict):
        named = " ".join(t for k in ("propertyID", "name") if (t := _text(value.get(k))))
        if _COMPANY_ID_NAMES.search(named):
            return None
        value = value.get("value", value.get("@value"))
    if isinstance(value, bool) or not isinstance(value, str | int):
        return None
    text = str(value).strip()
    return None if not text or _REGISTRATION_NUMBER.match(text) else text


def _rekeyed(found: list[tuple[RawPosting, str]]) -> list[RawPosting]:
    """The postings, those sharing an identifier with a different posting keyed by their
    fallback instead: a value repeated across postings identifies none of them."""
    # Postings of one title and company are one posting seen twice (a list and its page).
    holders: dict[str, set[tuple[str, str | None]]] = {}
    for posting, _ in found:
        holders.setdefault(posting.external_id, set()).add((posting.title, posting.company))
    out = []
    for posting, fallback in found:
        if len(holders[posting.external_id]) > 1:
            posting = dataclasses.replace(posting, external_id=fallback)
        out.append(posting)
    return out


def _organisation(value: Any) -> str | None:
    if isinstance(value, list):
        return next((o for o in map(_organisation, value) if o), None)
    if isinstance(value, dict):
        return _text(value.get("name"))
    return _text(value)


def _upper_list(value: Any) -> list[str]:
    values = value if isinstance(value, list) else [value]
    return [v.strip().upper() for v in values if isinstance(v, str)]


def _employment(value: Any) -> str | None:
    """Known employment types ("Full-time", "Contract"...), joined; None for anything else."""
    names = [_EMPLOYMENT.get(re.sub(r"[\s-]+", "_", v)) for v in _upper_list(value)]
    return ", ".join(dict.fromkeys(n for n in names if n)) or None


def _experience(value: Any) -> tuple[str | None, float | None]:
    """(the words of ``experienceRequirements``, its ``monthsOfExperience``): a text ("신입"),
    a list (["신입", "경력"]) or an ``OccupationalExperienceRequirements``."""
    values = value if isinstance(value, list) else [value]
    words: list[str] = []
    months: float | None = None
    for item in values:
        if isinstance(item, dict):
            number = item.get("monthsOfExperience")
            if isinstance(number, str) and number.strip().replace(".", "", 1).isdigit():
                number = float(number)
            if isinstance(number, int | float) and not isinstance(number, bool) and number >= 0:
                months = number if months is None else min(months, number)
            item = item.get("description")
        if (text := _text(item)) is not None:
            words.append(text)
    return ", ".join(dict.fromkeys(words)) or None, months


def _location(job: dict[str, Any]) -> tuple[str | None, str | None, list[str]]:
    """(first place as "Locality, Country", its ISO country code if given as one, all places)."""
    raw = job.get("jobLocation")
    places = raw if isinstance(raw, list) else [raw]
    names: list[str] = []
    country_code: str | None = None
    for place in places:
        if not isinstance(place, dict):
            if _text(place):
                names.append(_text(place) or "")
            continue
        address = place.get("address")
        if isinstance(address, dict):
            country = _text(address.get("addressCountry"))
            name = _place_name(address) or _text(place.get("name"))
            if country and len(country) == 2 and country.isalpha() and country_code is None:
                country_code = country.upper()
        else:
            name = _text(address) or _text(place.get("name"))
        if name and name not in names:
            names.append(name)
    if not names and "TELECOMMUTE" in _upper_list(job.get("jobLocationType")):
        # Remote jobs name where applicants may live instead: "Remote (United States)".
        where = _text(job.get("applicantLocationRequirements"))
        names.append(f"Remote ({where})" if where else "Remote")
    return (names[0] if names else None), country_code, names


def _place_name(address: dict[str, Any]) -> str | None:
    """A place as a location string that keeps city and district.

    Korean addresses read from large to small without commas ("서울 중구", "경기 수원시
    팔달구"), so 서울 중구 and 대전 중구 stay apart; others keep "Locality, Region, Country"
    (the region left out when it repeats the locality). Without either, the city and district
    at the head of ``streetAddress`` ("경기 안산시 단원구 산단로 325" gives "경기 안산시 단원구").
    """
    locality = _text(address.get("addressLocality"))
    region = _text(address.get("addressRegion"))
    country = _text(address.get("addressCountry"))
    if locality and region and region in locality.split():
        region = None
    if locality or region:
        if _HANGUL.search(f"{region or ''}{locality or ''}"):
            return " ".join(p for p in (region, locality) if p)
        return ", ".join(p for p in (locality, region, country) if p)
    street = _text(address.get("streetAddress"))
    words = (street or "").split()
    head: list[str] = []
    for word in words:
        if (not head and _PROVINCE.match(word)) or (head and _DISTRICT.match(word)):
            head.append(word)
        else:
            break
    return " ".join(head) or None


def _description(value: Any) -> tuple[str, TextFormat]:
    text = value if isinstance(value, str) else ""
    # Some sites escape the HTML once more (or twice) before putting it in JSON.
    for _ in range(3):
        if _REAL_TAG.search(text) or not _ESCAPED_TAG.search(text):
            break
        text = html.unescape(text)
    if _REAL_TAG.search(text) or _ENTITY.search(text):
        return text, "html"
    return text, "text"


def _date(value: Any, where: str, key: str, naive_zone: tzinfo) -> datetime | None:
    """An ISO 8601 date or time, padded or not ("2026-5-15"), or Java's "Sun Apr 25 00:00:00
    UTC 2021"; without an offset it is read in ``naive_zone`` (the source's ``timezone``)."""
    if value is None:
        return None
    java = _JAVA_DATE.match(value) if isinstance(value, str) else None
    if java is not None:
        return _java_date(java, where, key)
    match = _DATE.match(value) if isinstance(value, str) else None
    if match is None:
        logger.warning("%s: ignoring the unreadable %s %r", where, key, value)
        return None
    year, month, day, hour, minute, second, fraction, zone = match.groups()
    tz = naive_zone if not zone else UTC
    if zone and zone.upper() != "Z":
        digits = zone[1:].replace(":", "")
        offset = timedelta(hours=int(digits[:2]), minutes=int(digits[2:4] or 0))
        tz = timezone(-offset if zone[0] == "-" else offset)
    try:
        return datetime(
            int(year),
            int(month),
            int(day),
            int(hour or 0),
            int(minute or 0),
            int(second or 0),
            int((fraction or "0")[:6].ljust(6, "0")),
            tzinfo=tz,
        )
    except ValueError:
        logger.warning("%s: ignoring the impossible %s %r", where, key, value)
        return None


def _java_date(match: re.Match[str], where: str, key: str) -> datetime | None:
    month_name, day, hour, minute, second, zone_name, year = match.groups()
    month = _MONTHS.get(month_name.upper())
    zone = _NAMED_ZONES.get(zone_name)
    if month is None or zone is None:
        logger.warning("%s: ignoring the unreadable %s %r", where, key, match.string)
        return None
    try:
        return datetime(
            int(year), month, int(day), int(hour), int(minute), int(second), tzinfo=zone
        )
    except ValueError:
        logger.warning("%s: ignoring the impossible %s %r", where, key, match.string)
        return None


SOURCE = JsonLdSource
