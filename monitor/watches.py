"""Watches: the new jobs that match a ``[[watches]]`` table, "the day the right job appears".

A job matches a watch when it carries any of the watch's terms (a tag, or an ad-hoc term by
the tagger's rules, as in ``query``) on a posting that passes the watch's filters, and was
first seen in the window asked about. First seen, not "new" by the numbers' first-run rule: a
board added today brings its open jobs into the numbers as old, but a watch has never told you
of them, and a matching one is exactly what it is for. Each job is listed once, newest first,
however many terms or boards it matches.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from monitor.clock import Clock
from monitor.errors import UsageError
from monitor.numbers.listing import Filters, JobRow, jobs
from monitor.runs import DEFAULT_STALE_DAYS

if TYPE_CHECKING:
    from collections.abc import Mapping

    from monitor.config import WatchConfig
    from monitor.taxonomy import TagDef

# What `watch check` looks back over by default, and a daily or immediate digest at most.
LOOK_BACK = timedelta(days=7)


def watch_filters(watch: WatchConfig) -> Filters:
    return Filters(
        sources=tuple(watch.sources),
        countries=tuple(watch.country),
        level=watch.level,
        companies=tuple(watch.companies),
    )


def find_watch(watches: tuple[WatchConfig, ...], name: str) -> WatchConfig:
    for watch in watches:
        if watch.name == name:
            return watch
    known = ", ".join(w.name for w in watches) or "none configured"
    raise UsageError(f"There is no watch named {name!r} (configured: {known}).")


def matches(
    session: Session,
    clock: Clock,
    taxonomy: Mapping[str, TagDef],
    watch: WatchConfig,
    since: date,
    *,
    until: date | None = None,
    stale_after_days: int = DEFAULT_STALE_DAYS,
) -> list[JobRow]:
    """The jobs first seen from ``since`` to ``until`` (default: today) that match ``watch``,
    newest first."""
    today = clock.today() if until is None else min(until, clock.today())
    found: dict[int, JobRow] = {}
    for term in dict.fromkeys(watch.terms):
        rows = jobs(
            session,
            clock,
            term=term,
            taxonomy=taxonomy,
            start=since,
            end=today,
            filters=watch_filters(watch),
            stale_after_days=stale_after_days,
        )
        try:
            for row in rows:
                if since <= clock.local_day(row.first_seen) <= today:
                    found.setdefault(row.job_id, row)
        finally:
            rows.close()
    return sorted(found.values(), key=lambda r: (r.first_seen, r.job_id), reverse=True)
