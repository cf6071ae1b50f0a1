"""Career pages with no API, read with CSS selectors you configure (parsed with selectolax).

A listing page holds one ``container`` element; inside it every ``item`` element is one
posting whose ``title`` (required), ``company_selector``, ``link`` and ``date`` are found by
selectors relative to the item. ``next`` selects the link to the following page, followed up
to ``max_pages`` pages. There is no real recorded page behind this kind: every site differs,
so check your selectors against a saved copy of the page before scraping::

    jobtrend sources parse --kind html saved.html --url https://example.com/jobs \\
        --option container=ul.jobs --option item=li --option 'title=h3 a' \\
        --option link=a --option date=time --json

(values are TOML literals or bare strings). What each part means:

- A page without the container is a ParseError naming the selector (the markup changed); a
  container without items is an empty board. Items with no title element are left out (a
  header or an advert row), but if no item has one the selector is wrong: ParseError.
- ``link`` is an element with ``href`` (or holding an ``<a href>``); without the option the
  title element's link is used. Links are resolved against the page URL (and ``<base href>``).
  ``external_id`` is that absolute link, else a hash of title and company; links that change
  on every visit (session ids) would make every posting look new.
- ``date`` is read from a ``datetime`` attribute, else the element's text, and only in
  unambiguous absolute forms: ISO 8601 ("2026-05-15T09:00:00+09:00"), "2026-05-15",
  "2026.05.15", "2026/5/15", "2026. 5. 15.", "2026년 5월 15일", "May 15, 2026",
  "15 May 2026". A date without a zone is midnight UTC (a generic site has no known zone).
  "3 days ago", "05/06/2026" and anything else unreadable give no date, never an error.
- The company name comes from ``company_selector``, else the common ``company`` option, else
  the source name. (``company`` itself cannot be a selector: it is the option every kind shares
  for a fixed company name.) Listings carry no description: only titles are tagged.

Page bytes are decoded by their BOM or ``<meta charset>``, else UTF-8, else CP949 (Korean
sites that declare EUC-KR only in the HTTP header).
"""

from __future__ import annotations

import codecs
import hashlib
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import urldefrag, urljoin

from selectolax.lexbor import LexborHTMLParser, LexborNode, SelectolaxError

from monitor.errors import ConfigError, ParseError
from monitor.posting import RawPosting
from scrapers.base import Source

if TYPE_CHECKING:
    from scrapers.http import HttpClient

logger = logging.getLogger(__name__)

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.I)
# EUC-KR pages routinely use CP949's extra syllables; CP949 reads both.
_CHARSET_ALIASES = {
    "euc-kr": "cp949",
    "euc_kr": "cp949",
    "ks_c_5601-1987": "cp949",
    "ksc5601": "cp949",
    "windows-949": "cp949",
    "x-windows-949": "cp949",
}

_ISO_TIME = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?\s*(Z|[+-]\d{2}:?\d{2})?"
)
_YMD = re.compile(r"(?<!\d)(\d{4})\s*[-./]\s*(\d{1,2})\s*[-./]\s*(\d{1,2})(?!\d)")
_KOREAN_YMD = re.compile(r"(\d{4})\s*년\s*(\d{1,2})\s*월\s*(\d{1,2})\s*일")
_MONTH_NAMES = {
    name: number
    for number, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for name in names
}
_MONTH = r"([A-Za-z]{3,9})\.?"
_MDY = re.compile(rf"\b{_MONTH}\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})\b")
_DMY = re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+{_MONTH},?\s+(\d{{4}})\b")


@dataclass(frozen=True)
class HtmlOptions:
    url: str
    container: str
    item: str
    title: str
    company_selector: str = ""
    link: str = ""
    date: str = ""
    next: str = ""
    max_pages: int = 20

    def __post_init__(self) -> None:
        # An empty url is allowed so that `sources parse` can read a saved page without one.
        if self.url and not self.url.startswith(("http://", "https://")):
            raise ConfigError(f"must be an http(s) URL, not {self.url!r}", key="url")
        for key in ("container", "item", "title", "company_selector", "link", "date", "next"):
            value = getattr(self, key)
            required = key in ("container", "item", "title")
            if required or value:
                check_selector(value, key)
        if self.max_pages < 1:
            raise ConfigError(f"must be at least 1, not {self.max_pages}", key="max_pages")


def check_selector(selector: str, key: str) -> None:
    """Raise ConfigError (with ``key``) unless ``selector`` is a CSS selector selectolax reads."""
    if not selector.strip():
        raise ConfigError("must be a CSS selector such as 'li.job', not empty", key=key)
    try:
        LexborHTMLParser("<p></p>").css(selector)
    except (SelectolaxError, ValueError):
        raise ConfigError(
            f"is not a CSS selector selectolax can read: {selector!r}", key=key
        ) from None


class HtmlSource(Source):
    kind = "html"
    description = "Any job listing page without an API, read with CSS selectors (selectolax)."
    Options = HtmlOptions

    options: HtmlOptions

    def fetch(self, client: HttpClient) -> Iterator[RawPosting]:
        url: str | None = self.options.url
        visited: set[str] = set()
        seen_ids: set[str] = set()
        pages = 0
        while url is not None:
            # Only the first page is conditional: a 304 there means the listing is unchanged.
            response = client.get(url, conditional=pages == 0)
            visited.update((url, str(response.url)))
            postings, url = self.parse(response.content, str(response.url))
            pages += 1
            for posting in postings:
                # A job shifting between pages while we read shows up twice; count it once.
                if posting.external_id not in seen_ids:
                    seen_ids.add(posting.external_id)
                    yield posting
            if url in visited:
                logger.debug("%s: the next link leads back to %s; stopping", self.name, url)
                break
            if url is not None and pages >= self.options.max_pages:
                self.skipped.append(
                    f"stopped after max_pages={self.options.max_pages} pages; {url} and "
                    "later pages were not read"
                )
                break

    def parse(self, body: bytes, url: str) -> tuple[list[RawPosting], str | None]:
        options = self.options
        tree = LexborHTMLParser(decode_page(body))
        base = base_url(tree, url)
        container = tree.css_first(options.container)
        if container is None:
            raise ParseError(
                f"No element matches the container selector {options.container!r} at {url}; "
                "the page's markup may have changed."
            )
        items = container.css(options.item)
        postings = []
        for index, item in enumerate(items):
            posting = self._posting(item, base, url)
            if posting is None:
                logger.info("%s: item #%d at %s has no title; left out", self.name, index + 1, url)
            else:
                postings.append(posting)
        if items and not postings:
            raise ParseError(
                f"None of the {len(items)} items at {url} has an element matching the title "
                f"selector {options.title!r}."
            )
        next_url = None
        if options.next:
            next_url = link_of(tree.css_first(options.next), base)
            if next_url is not None and urldefrag(next_url)[0] == urldefrag(url)[0]:
                next_url = None
        return postings, next_url

    def _posting(self, item: LexborNode, base: str, page_url: str) -> RawPosting | None:
        options = self.options
        title_node = item.css_first(options.title)
        title = node_text(title_node)
        if title is None or title_node is None:
            return None
        if options.link:
            link = link_of(item.css_first(options.link), base)
        else:
            link = link_of(title_node, base) or (link_of(item, base) if item.tag == "a" else None)
        company = (
            node_text(item.css_first(options.company_selector))
            if options.company_selector
            else None
        )
        company = self.company or company
        posted_at = None
        if options.date:
            date_node = item.css_first(options.date)
            if date_node is not None:
                value = date_node.attributes.get("datetime") or node_text(date_node)
                posted_at = parse_date(value)
        if link is not None:
            external_id = link
        else:
            key = f"{title}\x1f{company or ''}".encode()
            external_id = "sha1:" + hashlib.sha1(key).hexdigest()[:20]
        return RawPosting(
            external_id=external_id,
            title=title,
            url=link or page_url,
            company=company,
            posted_at=posted_at,
        )


def decode_page(body: bytes) -> str:
    """The text of an HTML page: BOM, else ``<meta charset>``, else UTF-8, else CP949."""
    for bom, encoding in (
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
    ):
        if body.startswith(bom):
            return body[len(bom) :].decode(encoding, "replace")
    match = _META_CHARSET.search(body[:4096])
    if match:
        name = match.group(1).decode("ascii").lower()
        name = _CHARSET_ALIASES.get(name, name)
        try:
            codecs.lookup(name)
        except LookupError:
            logger.debug("unknown charset %r; guessing", name)
        else:
            return body.decode(name, "replace")
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return body.decode("cp949")
    except UnicodeDecodeError:
        return body.decode("utf-8", "replace")


def base_url(tree: LexborHTMLParser, url: str) -> str:
    """The URL relative links resolve against: ``<base href>`` if the page has one."""
    node = tree.css_first("base[href]")
    href = (node.attributes.get("href") or "").strip() if node is not None else ""
    return urljoin(url, href) if href else url


def node_text(node: LexborNode | None) -> str | None:
    if node is None:
        return None
    text = " ".join((node.text(deep=True, separator=" ") or "").split())
    return text or None


def link_of(node: LexborNode | None, base: str) -> str | None:
    """The absolute URL of ``node``'s ``href`` (or of the first ``<a href>`` inside it)."""
    if node is None:
        return None
    href: Any = node.attributes.get("href")
    if href is None:
        inner = node.css_first("a[href]")
        href = inner.attributes.get("href") if inner is not None else None
    if not isinstance(href, str):
        return None
    href = href.strip()
    if not href or href == "#" or href.lower().startswith(("javascript:", "mailto:", "tel:")):
        return None
    return urljoin(base, href)


def parse_date(text: str | None) -> datetime | None:
    """A date in an unambiguous absolute form (see the module docstring), else None."""
    if not text:
        return None
    try:
        match = _ISO_TIME.search(text)
        if match:
            zone = match.group(7)
            stamp = datetime.fromisoformat(
                f"{match.group(1)}-{match.group(2)}-{match.group(3)}T{match.group(4)}:"
                f"{match.group(5)}:{match.group(6) or '00'}"
                + ("" if zone is None else ("+00:00" if zone == "Z" else _offset(zone)))
            )
            return stamp if stamp.tzinfo is not None else stamp.replace(tzinfo=UTC)
        for pattern, order in ((_YMD, "ymd"), (_KOREAN_YMD, "ymd"), (_MDY, "mdy"), (_DMY, "dmy")):
            match = pattern.search(text)
            if match is None:
                continue
            parts = dict(zip(order, match.groups(), strict=True))
            month = parts["m"]
            number = int(month) if month.isdigit() else _MONTH_NAMES.get(month.lower())
            if number is None:
                continue
            day = date(int(parts["y"]), number, int(parts["d"]))
            return datetime.combine(day, datetime.min.time(), UTC)
    except ValueError:  # "2026-13-45": looks like a date, is none
        return None
    return None


def _offset(zone: str) -> str:
    digits = zone[1:].replace(":", "")
    return f"{zone[0]}{digits[:2]}:{digits[2:4]}"


SOURCE = HtmlSource
