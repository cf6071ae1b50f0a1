"""The common query answered with ``sqlite3`` alone, without SQLAlchemy.

Importing SQLAlchemy takes 0.25-0.35 s, longer than the query, so ``jobtrend query`` without
filters asks this path first:

- tags are read from the pre-aggregated ``daily_count`` rows;
- an ad-hoc term that the word index answers (one Latin word: "diffusion", "VLM"; see
  ``monitor.search.matcher.term_words``) is counted from its postings, with the word index's
  own SQL (``monitor.search.words``) and the same rows-to-spans and counting as
  ``compute_daily`` (``monitor.numbers.counting``), so one counting serves both paths.

Both share the arithmetic (``monitor.numbers.shares``). Anything this path cannot answer
exactly (another database, filters, other ad-hoc terms, a schema to upgrade, days not
aggregated yet) returns None and the full path runs instead.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Mapping, Sequence
from datetime import date
from pathlib import Path

from monitor.clock import Clock
from monitor.numbers.counting import LocalDays, Spans, count_spans, history_spans, posting_spans
from monitor.numbers.periods import By
from monitor.numbers.shares import Counts, Row, period_rows
from monitor.runstatus import DEFAULT_STALE_DAYS, HEALTHY, Freshness, RunStatus, cut_days
from monitor.search.matcher import term_words
from monitor.search.words import word_query
from monitor.storage.schema import (
    ALL_SOURCES,
    ALL_TAGS,
    SCHEMA_REVISION,
    read_instant,
    sqlite_instant,
)

# A term's postings whose current sighting overlaps the range or that closed or turned new in
# it: ``runs.active_between(events=True)`` without cuts, as ``compute_daily`` reads them.
_TERM_POSTINGS = (
    "SELECT id, job_id, source_id, active_from, last_seen_at, closed_at, new_on FROM posting "
    "WHERE id IN (SELECT value FROM json_each(:ids)) AND active_from < :end_at "
    "AND (closed_at IS NULL OR last_seen_at >= :start_at OR closed_at >= :start_at "
    "OR new_on >= :start)"
)
# Their earlier spans (reposts) that closed in the range or later:
# ``runs.span_active_between(events=True)``.
_TERM_HISTORY = (
    "SELECT posting_id, job_id, start_at, end_at, closed_at, new_on FROM posting_span "
    "WHERE posting_id IN (SELECT value FROM json_each(:ids)) "
    "AND start_at < :end_at AND closed_at >= :start_at"
)


def sqlite_path(url: str) -> Path | None:
    """The file of a plain ``sqlite:///PATH`` URL, else None."""
    prefix = "sqlite:///"
    if not url.startswith(prefix) or "?" in url:
        return None
    path = url[len(prefix) :]
    if not path or path == ":memory:":
        return None
    return Path(path)


def _connect(url: str) -> sqlite3.Connection | None:
    """A read-only connection to the SQLite file of ``url``, or None."""
    path = sqlite_path(url)
    if path is None or not path.is_file():
        return None
    try:
        return sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5)
    except sqlite3.Error:
        return None


def fast_trend(
    url: str,
    clock: Clock,
    resolved: Mapping[str, str | None],
    terms: Sequence[str],
    first: date,
    last: date,
    by: By,
    stale_after_days: int = DEFAULT_STALE_DAYS,
) -> list[Row] | None:
    """Rows for tags and word-index terms without filters, or None when the full path must
    answer."""
    if any(tag is None and not term_words(term.strip()) for term, tag in resolved.items()):
        return None
    connection = _connect(url)
    if connection is None:
        return None
    try:
        return _answer(connection, clock, resolved, terms, first, last, by, stale_after_days)
    except sqlite3.Error:
        return None
    finally:
        connection.close()


def fast_term_counts(
    url: str,
    clock: Clock,
    term: str,
    start: date,
    end: date,
    stale_after_days: int = DEFAULT_STALE_DAYS,
) -> Counts | None:
    """A word-index term's daily counts (``compute_daily(matches=term, per_source=False)``),
    or None where this path cannot answer."""
    if not term_words(term.strip()):
        return None
    connection = _connect(url)
    if connection is None:
        return None
    try:
        cuts = _stale_cuts(connection, clock, stale_after_days)
        return _term_counts(connection, clock, term, start, end, cuts)
    except sqlite3.Error:
        return None
    finally:
        connection.close()


def _answer(
    connection: sqlite3.Connection,
    clock: Clock,
    resolved: Mapping[str, str | None],
    terms: Sequence[str],
    first: date,
    last: date,
    by: By,
    stale_after_days: int,
) -> list[Row] | None:
    version = connection.execute("SELECT version_num FROM alembic_version").fetchone()
    if version is None or version[0] != SCHEMA_REVISION:
        return None
    today = clock.today()
    filled = connection.execute("SELECT max(day) FROM daily_count").fetchone()[0]
    if filled is None or date.fromisoformat(filled) < min(last, today):
        return None  # days after the last run: the full path computes them
    started = connection.execute(
        "SELECT min(started_at) FROM scrape_run WHERE status != ?", (RunStatus.FAILED.value,)
    ).fetchone()[0]
    if started is None:
        return []
    first_run = clock.local_day(read_instant(started))
    start, end = max(first, first_run), min(last, today)
    if start > end:
        return []
    tags = sorted({tag for tag in resolved.values() if tag is not None})
    counts = Counts(start, end, {}, {}, {})
    marks = ", ".join("?" * (len(tags) + 1))
    rows = connection.execute(
        "SELECT day, tag, active, new FROM daily_count "
        f"WHERE source_id = ? AND tag IN ({marks}) AND day >= ? AND day <= ?",
        (ALL_SOURCES, *tags, ALL_TAGS, start.isoformat(), end.isoformat()),
    )
    origin = start.toordinal()
    for day_text, tag, active, new in rows:
        offset = date.fromisoformat(day_text).toordinal() - origin
        counts.put((tag, ALL_SOURCES), offset, active, new)
    adhoc: dict[str, Counts] = {}
    cuts: dict[int, date] | None = None
    for term, tag in resolved.items():
        if tag is None and term not in adhoc:
            if cuts is None:
                cuts = _stale_cuts(connection, clock, stale_after_days)
            adhoc[term] = _term_counts(connection, clock, term, start, end, cuts)
    return period_rows(counts, adhoc, resolved, terms, first, last, by, start, end, today)


def _stale_cuts(
    connection: sqlite3.Connection, clock: Clock, stale_after_days: int
) -> dict[int, date]:
    """``runs.stale_cuts``: the freshness of each source from its runs, then the stale rule."""
    healthy = sorted(HEALTHY)
    marks = ", ".join("?" * len(healthy))
    last_healthy = dict(
        connection.execute(
            f"SELECT source_id, max(started_at) FROM scrape_run WHERE status IN ({marks}) "
            "GROUP BY source_id",
            healthy,
        ).fetchall()
    )
    freshness = {
        source_id: Freshness(
            read_instant(first_run),
            read_instant(last_healthy[source_id]) if source_id in last_healthy else None,
        )
        for source_id, first_run in connection.execute(
            "SELECT source_id, min(started_at) FROM scrape_run GROUP BY source_id"
        )
    }
    return cut_days(freshness, clock, stale_after_days)


def _term_counts(
    connection: sqlite3.Connection,
    clock: Clock,
    term: str,
    start: date,
    end: date,
    cuts: Mapping[int, date],
) -> Counts:
    """``compute_daily(matches=term, per_source=False)`` for a term the word index answers."""
    statement, parameters = word_query("sqlite", term_words(term.strip()))
    ids = json.dumps(sorted({row[0] for row in connection.execute(statement, parameters)}))
    bounds = {
        "ids": ids,
        "start": start.isoformat(),
        "start_at": sqlite_instant(clock.day_start(start)),
        "end_at": sqlite_instant(clock.day_end(end)),
    }
    local = LocalDays(clock, start)
    spans = posting_spans(connection.execute(_TERM_POSTINGS, bounds), local, clock.today(), cuts)
    history = connection.execute(_TERM_HISTORY, bounds).fetchall()
    if history:
        owners = dict(
            connection.execute(
                "SELECT id, source_id FROM posting WHERE id IN (SELECT value FROM json_each(?))",
                (json.dumps(sorted({row[0] for row in history})),),
            ).fetchall()
        )
        spans = Spans.joined([spans, history_spans(history, owners, local)])
    return count_spans(spans, start, end, posting_tags={}, per_source=False)
