"""Job feeds in RSS 2.0, RSS 1.0 or Atom (We Work Remotely's feeds are the reference).

We Work Remotely (``weworkremotely.com/remote-jobs.rss``, ``/categories/<name>.rss``) writes
items whose ``title`` is "Company: Role", ``pubDate`` is RFC 822 (``Fri, 10 Jul 2026 22:45:30
+0000``), ``description`` is HTML escaped once inside the XML (the XML parser's decoding gives
the HTML) and ``region``/``country``/``type``/``category``/``expires_at`` are its own elements
(``state`` is the company's headquarters, not the job's place). Any other feed works with the
standard elements: ``guid``/``id`` (else ``link``) is the key; ``content:encoded`` is preferred
over ``description``; Atom's ``content``/``summary`` follow their ``type`` (text, html, xhtml);
``pubDate``, ``dc:date``, Atom ``published`` then ``updated`` give the time. A feed-level
``<link rel="next">`` (RFC 5005) is followed.

XML is parsed with defusedxml: entity declarations (billion laughs) and external references
are refused, never expanded.
"""

from __future__ import annotations

import email.utils
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING
from urllib.parse import urljoin, urlsplit
from xml.etree.ElementTree import Element, tostring
from xml.etree.ElementTree import ParseError as XmlSyntaxError

import defusedxml.ElementTree as SafeET  # type: ignore[import-untyped]
from defusedxml import DefusedXmlException

from monitor.errors import ConfigError, ParseError
from monitor.posting import RawPosting, TextFormat
from scrapers.base import Source
from scrapers.fields import local_name

if TYPE_CHECKING:
    from scrapers.http import HttpClient

logger = logging.getLogger(__name__)

ATOM = "{http://www.w3.org/2005/Atom}"
CONTENT_ENCODED = "{http://purl.org/rss/1.0/modules/content/}encoded"
DC_DATE = "{http://purl.org/dc/elements/1.1/}date"
RDF_ABOUT = "{http://www.w3.org/1999/02/22-rdf-syntax-ns#}about"
# A feed with more pages than this is a server looping, not a job board.
MAX_PAGES = 50
# "Company: Role": the company part is short and has no colon of its own.
_COMPANY_TITLE = re.compile(r"^\s*(?P<company>[^:\n]{1,80}?)\s*:\s+(?P<title>\S.*)$", re.S)


@dataclass(frozen=True)
class RssOptions:
    url: str | None = None
    urls: list[str] | None = None

    def __post_init__(self) -> None:
        if (self.url is None) == (self.urls is None):
            raise ConfigError(
                "kind 'rss' needs exactly one of the options 'url' (one feed) or 'urls' (a list)",
                key="url" if self.url is None else "urls",
            )
        key = "url" if self.url is not None else "urls"
        if not self.feeds():
            raise ConfigError("must list at least one feed URL", key=key)
        for feed in self.feeds():
            if urlsplit(feed).scheme not in ("http", "https") or not urlsplit(feed).netloc:
                raise ConfigError(f"must be http(s) URLs, not {feed!r}", key=key)

    def feeds(self) -> list[str]:
        return [self.url] if self.url is not None else list(self.urls or [])


class RssSource(Source):
    kind = "rss"
    description = "An RSS or Atom job feed (e.g. We Work Remotely's), from `url` or `urls`."
    Options = RssOptions

    options: RssOptions

    def fetch(self, client: HttpClient) -> Iterator[RawPosting]:
        feeds = self.options.feeds()
        seen: set[str] = set()
        for feed in feeds:
            url: str | None = feed
            pages = 0
            fetched: set[str] = set()
            while url is not None:
                if url in fetched:
                    raise ParseError(f"The feed {feed} links back to {url}; its paging loops.")
                fetched.add(url)
                # With one feed a 304 means the listing is unchanged; with several, one
                # unchanged feed says nothing about the others, so none is conditional.
                response = client.get(url, conditional=len(feeds) == 1 and pages == 0)
                postings, url = self.parse(response.content, str(response.url))
                pages += 1
                if url is not None and pages >= MAX_PAGES:
                    raise ParseError(f"The feed {feed} has more than {MAX_PAGES} pages.")
                # Category feeds overlap (a job is in its category and in "all jobs").
                for posting in postings:
                    if posting.external_id not in seen:
                        seen.add(posting.external_id)
                        yield posting

    def parse(self, body: bytes, url: str) -> tuple[list[RawPosting], str | None]:
        try:
            root = SafeET.fromstring(body)
        except DefusedXmlException as exc:
            raise ParseError(
                f"The feed at {url} declares entities or external references, which are "
                f"refused ({type(exc).__name__})."
            ) from exc
        except XmlSyntaxError as exc:
            raise ParseError(f"The response from {url} is not well-formed XML ({exc}).") from exc
        name = local_name(root.tag)
        if name == "rss":
            channel = _child(root, "channel")
            if channel is None:
                raise ParseError(f"The RSS feed at {url} has no field 'channel'.")
            items = [e for e in channel if local_name(e.tag) == "item"]
            head = channel
        elif name == "RDF":  # RSS 1.0: items are siblings of the channel
            items = [e for e in root if local_name(e.tag) == "item"]
            channel = _child(root, "channel")
            head = channel if channel is not None else root
        elif name == "feed":
            items = [e for e in root if e.tag == f"{ATOM}entry"]
            head = root
        else:
            raise ParseError(
                f"The response from {url} is not an RSS or Atom feed (its root is <{name}>)."
            )
        postings = [self._posting(item, index, url) for index, item in enumerate(items)]
        next_url = _next_link(head, url)
        return postings, next_url if postings else None

    def _posting(self, item: Element, index: int, url: str) -> RawPosting:
        atom = item.tag == f"{ATOM}entry"
        where = f"feed item #{index + 1} at {url}"
        title_element = _child(item, "title")
        if title_element is None:
            raise ParseError(f"The {where} has no field 'title'.")
        raw_title = _inner_text(title_element)
        if not raw_title:
            raise ParseError(f"The {where} has an empty field 'title'.")
        link = _atom_link(item, url) if atom else _resolve(_text_of(item, "link"), url)
        key = _text_of(item, "id" if atom else "guid") or item.get(RDF_ABOUT) or link
        if not key:
            field = "id" if atom else "guid"
            raise ParseError(f"The {where} has no field {field!r} and no 'link' to stand in.")
        description, text_format = _atom_content(item) if atom else _rss_content(item)

        company = self.company or _text_of(item, "company")
        title = raw_title
        if company is None:
            split = _COMPANY_TITLE.match(raw_title)
            if split:
                company, title = split["company"].strip(), split["title"].strip()
        extra: dict[str, object] = {}
        categories = [c for c in (_inner_text(e) for e in _children(item, "category")) if c]
        if categories:
            extra["categories"] = categories
        for field in ("skills", "expires_at"):
            if _text_of(item, field):
                extra[field] = _text_of(item, field)
        return RawPosting(
            external_id=key,
            title=title,
            url=link or (key if key.startswith(("http://", "https://")) else url),
            company=company,
            location=_location(item),
            description=description,
            description_format=text_format,
            posted_at=_posted_at(item, atom, where),
            # We Work Remotely's <region> says where a remote hire may live: all its jobs are
            # remote. Other feeds leave it to the location text.
            remote=True if _child(item, "region") is not None else None,
            employment_type=_text_of(item, "type") or _text_of(item, "job_type"),
            extra=extra,
        )


def _children(element: Element, name: str) -> list[Element]:
    """Children whose local name is ``name`` (any namespace), or whose full name it is."""
    return [e for e in element if e.tag == name or local_name(e.tag) == name]


def _child(element: Element, name: str) -> Element | None:
    found = _children(element, name)
    return found[0] if found else None


def _inner_text(element: Element) -> str:
    return "".join(element.itertext()).strip()


def _text_of(element: Element, name: str) -> str | None:
    """The first non-empty text of a child named ``name`` (an empty atom:link may come first)."""
    for child in _children(element, name):
        text = _inner_text(child)
        if text:
            return text
    return None


def _resolve(link: str | None, base: str) -> str | None:
    return urljoin(base, link) if link else None


def _atom_link(entry: Element, base: str) -> str | None:
    """The entry's alternate link (an Atom link without ``rel`` is alternate)."""
    for link in entry.findall(f"{ATOM}link"):
        if link.get("rel", "alternate") == "alternate" and link.get("href"):
            return urljoin(base, link.get("href", ""))
    return None


def _next_link(head: Element, base: str) -> str | None:
    for link in head:
        if local_name(link.tag) == "link" and link.get("rel") == "next" and link.get("href"):
            return urljoin(base, link.get("href", ""))
    return None


def _rss_content(item: Element) -> tuple[str, TextFormat]:
    # RSS descriptions are HTML escaped once in the XML; the parser already decoded that.
    for name in (CONTENT_ENCODED, "description"):
        element = _child(item, name)
        if element is not None and (element.text or "").strip():
            return (element.text or "").strip(), "html"
    return "", "text"


def _atom_content(entry: Element) -> tuple[str, TextFormat]:
    for name in ("content", "summary"):
        element = entry.find(f"{ATOM}{name}")
        if element is None:
            continue
        kind = element.get("type", "text")
        if kind == "xhtml":
            # The markup is XML inside a wrapping <div>: serialise its children back to HTML.
            inner = (element.text or "") + "".join(
                tostring(child, encoding="unicode") for child in element
            )
            markup = re.sub(r"\s?xmlns(:\w+)?=\"[^\"]*\"", "", inner)
            markup = re.sub(r"<(/?)html:", r"<\1", markup)
            if markup.strip():
                return markup.strip(), "html"
        elif (element.text or "").strip():
            return (element.text or "").strip(), "html" if kind in ("html", "text/html") else "text"
    return "", "text"


def _location(item: Element) -> str | None:
    parts: list[str] = []
    for name in ("location", "region", "country"):
        value = _text_of(item, name)
        if value and value not in parts:
            parts.append(value)
    return ", ".join(parts) or None


def _posted_at(item: Element, atom: bool, where: str) -> datetime | None:
    names = ("published", "updated") if atom else ("pubDate", DC_DATE)
    for name in names:
        text = _text_of(item, name)
        if text is None:
            continue
        parsed = _rfc822(text) if name == "pubDate" else _iso(text)
        if parsed is None:
            logger.warning("%s: ignoring the unreadable %s %r", where, local_name(name), text)
            continue
        # A time without a zone ("-0000" or none written) is read as UTC.
        return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)
    return None


def _rfc822(text: str) -> datetime | None:
    try:
        return email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return _iso(text)  # some feeds put ISO 8601 in pubDate


def _iso(text: str) -> datetime | None:
    try:
        return datetime.fromisoformat(text.strip())
    except ValueError:
        return None


SOURCE = RssSource
