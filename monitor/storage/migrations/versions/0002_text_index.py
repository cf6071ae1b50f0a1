"""Text index for ad-hoc terms: SQLite FTS5 trigram, PostgreSQL pg_trgm.

The index only finds candidate postings for a term of 3+ characters; the tagger's matcher
decides. SQLite keeps an external-content FTS5 table in step with triggers; PostgreSQL a GIN
trigram index on title and description (skipped with a warning where pg_trgm cannot be
created, searches then scan).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28
"""

from __future__ import annotations

import logging

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

log = logging.getLogger(__name__)

SQLITE_UP = [
    """CREATE VIRTUAL TABLE posting_fts USING fts5(
        title, description, content='posting', content_rowid='id', tokenize='trigram'
    )""",
    """CREATE TRIGGER posting_fts_insert AFTER INSERT ON posting BEGIN
        INSERT INTO posting_fts(rowid, title, description)
        VALUES (new.id, new.title, new.description);
    END""",
    """CREATE TRIGGER posting_fts_delete AFTER DELETE ON posting BEGIN
        INSERT INTO posting_fts(posting_fts, rowid, title, description)
        VALUES ('delete', old.id, old.title, old.description);
    END""",
    """CREATE TRIGGER posting_fts_update AFTER UPDATE OF title, description ON posting BEGIN
        INSERT INTO posting_fts(posting_fts, rowid, title, description)
        VALUES ('delete', old.id, old.title, old.description);
        INSERT INTO posting_fts(rowid, title, description)
        VALUES (new.id, new.title, new.description);
    END""",
    "INSERT INTO posting_fts(posting_fts) VALUES ('rebuild')",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS posting_fts_update",
    "DROP TRIGGER IF EXISTS posting_fts_delete",
    "DROP TRIGGER IF EXISTS posting_fts_insert",
    "DROP TABLE IF EXISTS posting_fts",
]
PG_INDEX = (
    "CREATE INDEX IF NOT EXISTS ix_posting_text_trgm ON posting "
    "USING gin ((title || ' ' || description) gin_trgm_ops)"
)


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        for statement in SQLITE_UP:
            op.execute(statement)
    elif bind.dialect.name == "postgresql":
        savepoint = bind.begin_nested()
        try:
            op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
            op.execute(PG_INDEX)
            savepoint.commit()
        except Exception as exc:  # no right to create the extension: searches scan instead
            savepoint.rollback()
            log.warning("no trigram index for ad-hoc terms (pg_trgm unavailable: %s)", exc)


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        for statement in SQLITE_DOWN:
            op.execute(statement)
    elif bind.dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_posting_text_trgm")
