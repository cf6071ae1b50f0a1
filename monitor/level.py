"""Entry or experienced: what a posting asks of its applicants' experience. One home for the rules.

``entry`` means open to entry-level applicants: 신입, 신입/경력, 경력무관 (Work24: 관계없음), a
minimum of 0 years, new grad, junior, intern. ``experienced`` means experience is required
(경력, 경력 N년, N+ years, senior, staff). Anything else is unknown (None) and is never counted
as either.

What a board states in its structured fields wins over the title, in this order:

1. ``stated``: a board's own flag already read as a level (Wanted ``is_newbie``, Jumpit
   ``newcomer``; sources set it only when the flag is decisive);
2. ``years_min``: a stated minimum of years (Wanted ``annual_from``, Jumpit ``minCareer``,
   Saramin ``experience-level.min``, JSON-LD ``monthsOfExperience``): 0 is entry, more is
   experienced;
3. ``experience``: the board's words for it (Saramin ``experience-level.name``, Work24
   ``career``, JSON-LD ``experienceRequirements``), read by the text rules below;
4. the title, read by the same rules.

The years come from the first of those that states them (numbers, then the experience words,
then the title: "경력 3~10년", "(2~4년)", "5+ years", "신입" = 0 to 0). A job whose postings
disagree is entry if any of them is, else experienced if any is (``job_level``).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

ENTRY = "entry"
EXPERIENCED = "experienced"
LEVELS = (ENTRY, EXPERIENCED)

# Open to newcomers whatever else is said: "신입/경력", "신입 및 경력", "경력무관".
_OPEN = re.compile(
    r"신입\s*(?:[/·,&+]|및|또는|혹은|or)\s*경력|경력\s*(?:[/·,&+]|및|또는|혹은)\s*신입"
    r"|경력\s*무관|경력\s*관계\s*없음|^\s*관계\s*없음\s*$|\bno requirements?\b"
    r"|\bno experience (?:required|necessary)\b",
    re.I,
)
_ENTRY = re.compile(
    r"\b(junior|jr\.?|entry[- ]level|entry|graduate|new[- ]grad|intern(ship)?|trainee|associate"
    r"|student)\b"
    r"|신입|인턴|주니어|초급",
    re.I,
)
_EXPERIENCED = re.compile(
    r"\b(senior|sr\.?|staff|principal|lead|head|director|manager|architect|expert|vp"
    r"|experienced|executive)\b"
    r"|경력|시니어|책임|수석|리드|팀장|실장|과장|차장|부장",
    re.I,
)
# Years: "경력 3~10년", "(2~4년)", "경력3년↑", "5년 이상", "3-5 years", "5+ years".
_RANGE = re.compile(r"(\d{1,2})\s*[~\-–]\s*(\d{1,2})\s*(?:년|years?|yrs?)\b", re.I)
_AT_LEAST = re.compile(
    r"경력\s*(\d{1,2})\s*년|(\d{1,2})\s*년\s*(?:이상|↑)|(\d{1,2})\s*\+\s*(?:years?|yrs?)\b"
    r"|(\d{1,2})\s*(?:years?|yrs?)\s*(?:of experience|or more|\+)",
    re.I,
)
_NEWCOMER_ONLY = re.compile(r"신입|new[- ]grad|no experience", re.I)


@dataclass(frozen=True, slots=True)
class Experience:
    """A posting's level (``entry``, ``experienced`` or None) and the years it asks."""

    level: str | None = None
    years_min: int | None = None
    years_max: int | None = None


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


def level_of(text: str | None) -> str | None:
    """``entry``, ``experienced`` or None from a title or a board's experience words."""
    if not text:
        return None
    folded = _fold(text)
    if _OPEN.search(folded):
        return ENTRY
    entry = bool(_ENTRY.search(folded))
    experienced = bool(_EXPERIENCED.search(folded))
    if entry and not experienced:
        return ENTRY
    if experienced and not entry:
        return EXPERIENCED
    if entry and "신입" in folded and "경력" in folded:
        return ENTRY  # Korean postings say "신입 경력" for both welcome
    return None


def years_of(text: str | None) -> tuple[int | None, int | None]:
    """(minimum, maximum) years a title or an experience text states; None where it does not."""
    if not text:
        return None, None
    folded = _fold(text)
    if _OPEN.search(folded):
        return 0, None
    match = _RANGE.search(folded)
    if match:
        low, high = int(match.group(1)), int(match.group(2))
        return (low, high) if low <= high else (high, low)
    match = _AT_LEAST.search(folded)
    if match:
        return int(next(g for g in match.groups() if g is not None)), None
    if _NEWCOMER_ONLY.search(folded) and not _EXPERIENCED.search(folded):
        return 0, 0
    return None, None


def level_of_years(years_min: int | None) -> str | None:
    """A stated minimum of years: 0 is open to newcomers, more requires experience."""
    if years_min is None:
        return None
    return ENTRY if years_min <= 0 else EXPERIENCED


def experience_of(
    *,
    title: str,
    stated: str | None = None,
    experience: str | None = None,
    years_min: int | None = None,
    years_max: int | None = None,
) -> Experience:
    """The level and years of a posting: structured fields first, the title last."""
    years = (years_min, years_max) if (years_min, years_max) != (None, None) else None
    level = (stated if stated in LEVELS else None) or level_of_years(years_min)
    for text in (experience, title):
        read = years_of(text)
        level = level or level_of_years(read[0]) or level_of(text)
        # Years read from words count only where they agree with the level found.
        if years is None and read != (None, None) and level_of_years(read[0]) == level:
            years = read
    low, high = years or (None, None)
    return Experience(level, low, high)


def job_level(levels: Iterable[str | None]) -> str | None:
    """A job's level from its postings': entry if any is, else experienced if any is."""
    found = set(levels)
    if ENTRY in found:
        return ENTRY
    return EXPERIENCED if EXPERIENCED in found else None
