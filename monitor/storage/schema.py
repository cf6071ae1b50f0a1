"""Facts of the stored schema that readers need without importing SQLAlchemy.

``monitor.numbers.fastquery`` answers the common query with ``sqlite3`` alone (importing
SQLAlchemy costs more than the query), so what it must agree on with the models lives here.
"""

from __future__ import annotations

# The newest migration; a test checks it against Alembic's head.
SCHEMA_REVISION = "0010"
# daily_count rows that total over sources or over tags use these keys.
ALL_SOURCES = 0
ALL_TAGS = "*"
