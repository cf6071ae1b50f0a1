"""The posting model shared by every source: what a parser returns for one job ad.

A source fills in what its payload has; ``monitor.normalise`` turns it into stored form
(plain text, UTC dates, tidy company names). Sources import this module and
``monitor.errors`` and nothing else from ``monitor``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

TextFormat = Literal["html", "text"]


@dataclass(slots=True)
class RawPosting:
    """One posting as a source saw it.

    ``posted_at`` and ``deadline_at`` must be timezone-aware (the source knows its zone);
    ``description`` is HTML or plain text as ``description_format`` says, and HTML is decoded
    exactly once by the source (Greenhouse's escaped ``content`` is unescaped by its parser).
    """

    external_id: str
    title: str
    url: str
    company: str | None = None
    location: str | None = None
    description: str = ""
    description_format: TextFormat = "text"
    posted_at: datetime | None = None
    deadline_at: datetime | None = None
    country: str | None = None
    remote: bool | None = None
    employment_type: str | None = None
    # Experience as the board states it in structured fields (monitor.level reads them; the
    # title is the fallback): ``level`` only where a flag decides it ("entry" for Wanted's
    # is_newbie, Jumpit's newcomer), ``experience`` the board's words ("신입/경력", "경력무관",
    # "경력 3~10년"), years in numbers where given.
    level: str | None = None
    experience: str | None = None
    years_min: int | None = None
    years_max: int | None = None
    # The listing carries no description and its detail page was not fetched this run (a
    # detail budget): the stored description, hash and tags are kept as they are.
    detail_missing: bool = False
    # When the posting closes by itself whatever later runs return (a Hacker News comment
    # closes at the end of its thread's month).
    closes_at: datetime | None = None
    extra: dict[str, object] = field(default_factory=dict)
