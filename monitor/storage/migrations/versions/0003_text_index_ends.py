"""Text index for two-character terms (every indexed text ends in a space, a vocabulary table),
stored with ``detail=none``.

A trigram index cannot be asked for a two-character term such as 로봇 or AI, but every
occurrence of one is the start of a trigram when something follows it. Indexing each title
and description with one trailing space makes that always so; the ``fts5vocab`` table lists
the index's trigrams, so a search asks for those that begin with the term (a range read of
the vocabulary, then one MATCH of their union) instead of scanning every text.

The FTS5 table's external content is now a view adding the space, so ``rebuild`` and the
triggers index exactly the same text. ``detail=none`` keeps only which postings hold each
trigram, not where: the index is about six times smaller and each new posting costs about half
as much to index; a term is then asked as the AND of its trigrams (a few more candidates,
which the matcher rejects) since phrase queries need positions. PostgreSQL is unchanged
(pg_trgm cannot help a two-character term; such searches scan there).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28
"""

from __future__ import annotations

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

_DROP_0002 = [
    "DROP TRIGGER IF EXISTS posting_fts_update",
    "DROP TRIGGER IF EXISTS posting_fts_delete",
    "DROP TRIGGER IF EXISTS posting_fts_insert",
    "DROP TABLE IF EXISTS posting_fts",
]
SQLITE_UP = [
    *_DROP_0002,
    """CREATE VIEW posting_fts_source AS
        SELECT id, title || ' ' AS title, description || ' ' AS description FROM posting""",
    """CREATE VIRTUAL TABLE posting_fts USING fts5(
        title, description, content='posting_fts_source', content_rowid='id',
        tokenize='trigram', detail='none'
    )""",
    "CREATE VIRTUAL TABLE posting_fts_terms USING fts5vocab(posting_fts, 'row')",
    """CREATE TRIGGER posting_fts_insert AFTER INSERT ON posting BEGIN
        INSERT INTO posting_fts(rowid, title, description)
        VALUES (new.id, new.title || ' ', new.description || ' ');
    END""",
    """CREATE TRIGGER posting_fts_delete AFTER DELETE ON posting BEGIN
        INSERT INTO posting_fts(posting_fts, rowid, title, description)
        VALUES ('delete', old.id, old.title || ' ', old.description || ' ');
    END""",
    """CREATE TRIGGER posting_fts_update AFTER UPDATE OF title, description ON posting BEGIN
        INSERT INTO posting_fts(posting_fts, rowid, title, description)
        VALUES ('delete', old.id, old.title || ' ', old.description || ' ');
        INSERT INTO posting_fts(rowid, title, description)
        VALUES (new.id, new.title || ' ', new.description || ' ');
    END""",
    "INSERT INTO posting_fts(posting_fts) VALUES ('rebuild')",
]
SQLITE_DOWN = [
    *_DROP_0002,
    "DROP TABLE IF EXISTS posting_fts_terms",
    "DROP VIEW IF EXISTS posting_fts_source",
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


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for statement in SQLITE_UP:
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for statement in SQLITE_DOWN:
            op.execute(statement)
