"""Facts of the stored schema that readers need without importing SQLAlchemy.

``monitor.numbers.fastquery`` answers the common query with ``sqlite3`` alone (importing
SQLAlchemy costs more than the query), so what it must agree on with the models lives here.
"""

from __future__ import annotations

from datetime import UTC, datetime

# The newest migration; a test checks it against Alembic's head.
SCHEMA_REVISION = "0014"
# daily_count rows that total over sources or over tags use these keys.
ALL_SOURCES = 0
ALL_TAGS = "*"


def sqlite_instant(value: datetime) -> str:
    """An aware instant as SQLite holds it (naive UTC text, SQLAlchemy's ``DateTime`` storage
    format), for comparing with stored instants in raw SQL."""
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


def read_instant(stored: str) -> datetime:
    """A stored SQLite instant back as an aware UTC datetime."""
    return datetime.fromisoformat(stored).replace(tzinfo=UTC)
