"""Turn a source's RawPosting into stored form: plain text, UTC instants, a tidy company.

HTML becomes plain text once, here, with entities decoded and tags stripped; block elements
become line breaks so words from two paragraphs never glue together (which would hide or
invent tag matches).

Scraped text is untrusted. Every stored string loses its control characters (C0, DEL and
C1: terminal escapes, NUL, which PostgreSQL refuses; a description keeps its line breaks and
tabs become spaces), lone surrogates become U+FFFD (they cannot be encoded, so one would fail
its whole source), and each field is cut to ``LIMITS`` with a mark (``CUT``) so that no board
can make a row, a chart label or an index entry as large as it likes.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime

from monitor.geo import parse_location
from monitor.level import experience_of
from monitor.posting import RawPosting

_BLOCKS = (
    "br,p,div,li,ul,ol,h1,h2,h3,h4,h5,h6,tr,table,section,article,header,footer,blockquote,pre,hr"
)
_SPACES = re.compile(r"[ \t\f\v\xa0\u2000-\u200a\u202f\u205f\u3000]+")
_BLANK_LINES = re.compile(r"\n\s*\n\s*(\n\s*)+")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_ANY_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")
_COUNTRY = re.compile(r"[A-Z]{2}")
CUT = "…"
# The longest each stored field may be, in characters (the README states them).
LIMITS = {
    "external_id": 500,
    "title": 500,
    "company": 200,
    "location": 200,
    "employment_type": 100,
    "url": 2000,
    "description": 200_000,
}


def capped(value: str, field: str) -> str:
    """``value`` cut to the field's limit, the cut marked."""
    limit = LIMITS[field]
    return value if len(value) <= limit else value[: limit - len(CUT)] + CUT


def repaired(text: str) -> str:
    """Lone surrogates (undecodable input) replaced by U+FFFD."""
    return _SURROGATE.sub("\ufffd", text) if _SURROGATE.search(text) else text


def clean_message(text: str) -> str:
    """An error or note quoting a board, as one line with no control characters."""
    return " ".join(_ANY_CONTROL.sub(" ", repaired(text)).split())


def one_token(text: str | None) -> str:
    """An identifier or URL: no control characters or surrounding space, surrogates repaired."""
    return _ANY_CONTROL.sub("", repaired(text or "")).strip()


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
    years_min: int | None = None
    years_max: int | None = None


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
    text = _CONTROL.sub("", repaired(text).replace("\r\n", "\n").replace("\r", "\n"))
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


def _short(text: str | None, field: str) -> str | None:
    value = one_line(text)
    return capped(value, field) if value is not None else None


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
    description = capped(
        html_to_text(raw.description)
        if raw.description_format == "html"
        else tidy_text(raw.description),
        "description",
    )
    title = capped(one_line(raw.title) or "", "title")
    company_name = capped(company or one_line(raw.company) or fallback_company, "company")
    location = _short(raw.location, "location")
    place = parse_location(location)
    country = one_token(raw.country).upper() or None
    if country is None or not _COUNTRY.fullmatch(country):
        country = place.country
    remote = raw.remote if raw.remote is not None else (True if place.remote else None)
    url = capped(one_token(raw.url), "url")
    experience = experience_of(
        title=title,
        stated=raw.level,
        experience=one_line(raw.experience),
        years_min=_years(raw.years_min),
        years_max=_years(raw.years_max),
    )
    return Posting(
        external_id=capped(one_token(raw.external_id), "external_id"),
        title=title,
        url=url,
        company=company_name,
        location=location,
        country=country,
        remote=remote,
        employment_type=_short(raw.employment_type, "employment_type"),
        description=description,
        posted_at=to_utc(raw.posted_at),
        deadline_at=to_utc(raw.deadline_at),
        content_hash=content_hash(title, company_name, location, description, url),
        detail_missing=raw.detail_missing,
        closes_at=to_utc(raw.closes_at),
        level=experience.level,
        years_min=experience.years_min,
        years_max=experience.years_max,
    )


def _years(value: int | None) -> int | None:
    """A stated number of years, or None when it is not a sensible one (negative, absurd)."""
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 60:
        return None
    return value
