"""The common query answered straight from SQLite's daily_count, without SQLAlchemy.

``jobtrend query llm multimodal_llm ...`` over tags with no filters only reads pre-aggregated
rows. Importing SQLAlchemy alone takes about 0.25 s, so this path uses ``sqlite3`` and the same
arithmetic (``monitor.numbers.shares``) and answers in a few milliseconds. Anything it cannot answer
exactly (another database, filters, ad-hoc terms, a schema to upgrade, days not aggregated
yet) returns None and the full path runs instead.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime
from pathlib import Path

from monitor.clock import Clock
from monitor.numbers.periods import By
from monitor.numbers.shares import Counts, Row, period_rows
from monitor.storage.schema import ALL_SOURCES, ALL_TAGS, SCHEMA_REVISION


def sqlite_path(url: str) -> Path | None:
    """The file of a plain ``sqlite:///PATH`` URL, else None."""
    prefix = "sqlite:///"
    if not url.startswith(prefix) or "?" in url:
        return None
    path = url[len(prefix) :]
    if not path or path == ":memory:":
        return None
    return Path(path)


def fast_trend(
    url: str,
    clock: Clock,
    resolved: Mapping[str, str | None],
    terms: Sequence[str],
    first: date,
    last: date,
    by: By,
) -> list[Row] | None:
    """Rows for tag terms without filters, or None when the full path must answer."""
    path = sqlite_path(url)
    if path is None or not path.is_file() or any(tag is None for tag in resolved.values()):
        return None
    try:
        connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5)
    except sqlite3.Error:
        return None
    try:
        return _answer(connection, clock, resolved, terms, first, last, by)
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
) -> list[Row] | None:
    version = connection.execute("SELECT version_num FROM alembic_version").fetchone()
    if version is None or version[0] != SCHEMA_REVISION:
        return None
    today = clock.today()
    filled = connection.execute("SELECT max(day) FROM daily_count").fetchone()[0]
    if filled is None or date.fromisoformat(filled) < min(last, today):
        return None  # days after the last run: the full path computes them
    started = connection.execute(
        "SELECT min(started_at) FROM scrape_run WHERE status != 'failed'"
    ).fetchone()[0]
    if started is None:
        return []
    first_run = clock.local_day(datetime.fromisoformat(started).replace(tzinfo=UTC))
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
    return period_rows(counts, {}, resolved, terms, first, last, by, start, end, today)
