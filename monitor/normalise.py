"""Turn a source's RawPosting into stored form: plain text, UTC instants, a tidy company.

HTML becomes plain text once, here, with entities decoded and tags stripped; block elements
become line breaks so words from two paragraphs never glue together (which would hide or
invent tag matches).
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime

from monitor.geo import level_of, parse_location
from monitor.posting import RawPosting

_BLOCKS = (
    "br,p,div,li,ul,ol,h1,h2,h3,h4,h5,h6,tr,table,section,article,header,footer,blockquote,pre,hr"
)
_SPACES = re.compile(r"[ \t\f\v\xa0\u2000-\u200a\u202f\u205f\u3000]+")
_BLANK_LINES = re.compile(r"\n\s*\n\s*(\n\s*)+")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass(frozen=True, slots=True)
class Posting:
    """A posting ready to store: every text plain, every instant aware UTC."""

    external_id: str
    title: str
    url: str
    company: str
    location: str | None
    country: str | None
    remote: bool | None
    employment_type: str | None
    description: str
    posted_at: datetime | None
    deadline_at: datetime | None
    content_hash: str
    detail_missing: bool = False
    closes_at: datetime | None = None
    level: str | None = None


def html_to_text(html: str) -> str:
    """Plain text of an HTML fragment: tags stripped, entities decoded, blocks on new lines."""
    if "<" not in html and "&" not in html:
        return tidy_text(html)
    from selectolax.lexbor import LexborHTMLParser

    tree = LexborHTMLParser(html)
    for node in tree.css("script,style,template,noscript"):
        node.decompose()
    for node in tree.css(_BLOCKS):
        node.insert_before("\n")
    body = tree.body
    text = body.text(deep=True, separator="") if body is not None else ""
    return tidy_text(text)


def tidy_text(text: str) -> str:
    """Collapse runs of spaces, keep at most one blank line, drop control characters."""
    text = _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
    text = _SPACES.sub(" ", text)
    lines = [line.strip() for line in text.split("\n")]
    text = "\n".join(lines)
    return _BLANK_LINES.sub("\n\n", text).strip()


def one_line(text: str | None) -> str | None:
    """A short field (title, company, location) as one trimmed line, or None if empty."""
    if text is None:
        return None
    value = " ".join(html_to_text(text).split())
    return value or None


def to_utc(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    if value.tzinfo is None:
        raise ValueError("a source returned a naive datetime; sources must attach their zone")
    return value.astimezone(UTC)


def content_hash(*parts: str | None) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(unicodedata.normalize("NFC", part or "").encode("utf-8"))
        digest.update(b"\x1f")
    return digest.hexdigest()


def normalise(raw: RawPosting, *, company: str | None, fallback_company: str) -> Posting:
    """Stored form of ``raw``; ``company`` (from config) wins over the payload's."""
    description = (
        html_to_text(raw.description)
        if raw.description_format == "html"
        else tidy_text(raw.description)
    )
    title = one_line(raw.title) or ""
    company_name = company or one_line(raw.company) or fallback_company
    location = one_line(raw.location)
    place = parse_location(location)
    country = raw.country.strip().upper() if raw.country and raw.country.strip() else place.country
    remote = raw.remote if raw.remote is not None else (True if place.remote else None)
    return Posting(
        external_id=raw.external_id.strip(),
        title=title,
        url=raw.url.strip(),
        company=company_name,
        location=location,
        country=country,
        remote=remote,
        employment_type=one_line(raw.employment_type),
        description=description,
        posted_at=to_utc(raw.posted_at),
        deadline_at=to_utc(raw.deadline_at),
        content_hash=content_hash(title, company_name, location, description, raw.url.strip()),
        detail_missing=raw.detail_missing,
        closes_at=to_utc(raw.closes_at),
        level=level_of(title),
    )
