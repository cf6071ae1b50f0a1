"""Which postings are the same job: the de-duplication key.

``dedup_key`` = normalised company | normalised title | normalised location. The same job on
two boards, or posted again after a few weeks, gets the same key, so counts are of jobs, not
postings. Normalising: NFKC and case folding everywhere; legal suffixes ("Inc.", "(주)",
"주식회사", ...) and punctuation dropped from company names; bracketed tags ("[경력]",
"(Remote)") and punctuation dropped from titles; locations cut to the city ("서울 > 강남구" and
"서울특별시 강남구" are both seoul), or remote/<country> ("Remote (United States)" → remote/us).
"""

from __future__ import annotations

import re
import unicodedata

from monitor.geo import parse_location

_LEGAL = re.compile(
    r"\(주\)|\(유\)|\(사\)|㈜|주식회사|유한회사|유한책임회사|"
    r"\b(incorporated|inc|ltd|limited|llc|l\.l\.c|pbc|corp|corporation|co|company|gmbh|ag|sa|"
    r"s\.a|srl|bv|b\.v|plc|pte|pty|oy|ab|kk|k\.k)\b\.?",
    re.IGNORECASE,
)
# Square-style brackets hold board tags ("[경력]", "【급구】"); parentheses only when what they
# hold is such a tag, since "(Python)" vs "(Go)" are different jobs.
_BRACKETS = re.compile(r"[\[【〔「『<][^\]】〕」』>]{0,40}[\]】〕」』>]")
_TAG_WORDS = (
    r"신입|경력|경력무관|신입/경력|인턴|정규직|계약직|전환형|급구|재택|원격|remote|hybrid|"
    r"on-?site|full-?time|part-?time|contract|urgent|new grad|\d+\s*년\s*이상|\d+\+?\s*years?"
)
_TAG_PARENS = re.compile(rf"[(（]\s*(?:{_TAG_WORDS})(?:\s*[,/·]\s*(?:{_TAG_WORDS}))*\s*[)）]", re.I)
_PUNCT = re.compile(r"[^\w가-힣]+")
_SPACES = re.compile(r"\s+")


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold()


def normalise_company(company: str | None) -> str:
    """ "Acme, Inc." → "acme"; "(주)네이버" → "네이버"."""
    if not company:
        return ""
    text = _LEGAL.sub(" ", _fold(company))
    return _SPACES.sub("", _PUNCT.sub(" ", text))


def normalise_title(title: str | None) -> str:
    """ "[경력] 백엔드 개발자 (Python)" → "백엔드 개발자"; "Sr. ML-Engineer" → "sr ml engineer"."""
    if not title:
        return ""
    text = _fold(title)
    stripped = _TAG_PARENS.sub(" ", _BRACKETS.sub(" ", text))
    if stripped.strip():  # a title that is all brackets keeps its words
        text = stripped
    return _SPACES.sub(" ", _PUNCT.sub(" ", text)).strip()


def normalise_location(location: str | None) -> str:
    """City level: "seoul"; remote with a country: "remote/us"; else the country or ""."""
    place = parse_location(location)
    if place.remote:
        return f"remote/{place.country.lower()}" if place.country else "remote"
    if place.city:
        return place.city
    if place.country:
        return place.country.lower()
    if not location:
        return ""
    return _SPACES.sub(" ", _PUNCT.sub(" ", _fold(location))).strip()


def dedup_key(company: str | None, title: str | None, location: str | None) -> str:
    return "|".join(
        (normalise_company(company), normalise_title(title), normalise_location(location))
    )
