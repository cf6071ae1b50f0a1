"""Word index: a posting's folded words, so single-word ad-hoc terms need no text read.

``posting_words`` holds, per posting, its distinct words as the matcher folds its title and
description (``monitor.matcher.text_words``); the store writes it with the posting. A term
that folds to one Latin word matches exactly the postings holding that word or its plural
(``monitor.matcher.term_words``), so the index answers it without reading or checking any
text. SQLite indexes the words with an external-content FTS5 table (the ``ascii`` tokenizer
splits on the spaces alone: every word is one token); PostgreSQL with a GIN index on the words
as an array. This revision fills the words of the postings already stored.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-29
"""

from __future__ import annotations

import logging

import sqlalchemy as sa
from alembic import op

from monitor.search.matcher import text_words

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

BATCH = 2000
REPORT_EVERY = 100_000

log = logging.getLogger(__name__)

SQLITE_INDEX = [
    """CREATE VIRTUAL TABLE posting_words_fts USING fts5(
        words, content='posting_words', content_rowid='posting_id',
        tokenize='ascii', detail='none'
    )""",
    """CREATE TRIGGER posting_words_fts_insert AFTER INSERT ON posting_words BEGIN
        INSERT INTO posting_words_fts(rowid, words) VALUES (new.posting_id, new.words);
    END""",
    """CREATE TRIGGER posting_words_fts_delete AFTER DELETE ON posting_words BEGIN
        INSERT INTO posting_words_fts(posting_words_fts, rowid, words)
        VALUES ('delete', old.posting_id, old.words);
    END""",
    """CREATE TRIGGER posting_words_fts_update AFTER UPDATE ON posting_words BEGIN
        INSERT INTO posting_words_fts(posting_words_fts, rowid, words)
        VALUES ('delete', old.posting_id, old.words);
        INSERT INTO posting_words_fts(rowid, words) VALUES (new.posting_id, new.words);
    END""",
    "INSERT INTO posting_words_fts(posting_words_fts) VALUES ('rebuild')",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS posting_words_fts_update",
    "DROP TRIGGER IF EXISTS posting_words_fts_delete",
    "DROP TRIGGER IF EXISTS posting_words_fts_insert",
    "DROP TABLE IF EXISTS posting_words_fts",
]
POSTGRESQL_INDEX = (
    "CREATE INDEX ix_posting_words_words ON posting_words USING gin ((string_to_array(words, ' ')))"
)


def _fill(connection: sa.Connection) -> None:
    """The words of every stored posting, in batches."""
    posting = sa.table("posting", sa.column("id"), sa.column("title"), sa.column("description"))
    words = sa.table("posting_words", sa.column("posting_id"), sa.column("words"))
    total = connection.execute(sa.select(sa.func.count()).select_from(posting)).scalar() or 0
    after = done = 0
    while True:
        rows = connection.execute(
            sa.select(posting.c.id, posting.c.title, posting.c.description)
            .where(posting.c.id > after)
            .order_by(posting.c.id)
            .limit(BATCH)
        ).all()
        if not rows:
            return
        connection.execute(
            sa.insert(words),
            [{"posting_id": i, "words": text_words(t or "", d or "")} for i, t, d in rows],
        )
        after = rows[-1][0]
        done += len(rows)
        if done % REPORT_EVERY < BATCH:
            log.info("word index: %d of %d postings", done, total)


def upgrade() -> None:
    op.create_table(
        "posting_words",
        sa.Column("posting_id", sa.Integer(), nullable=False),
        sa.Column("words", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["posting_id"],
            ["posting.id"],
            name=op.f("fk_posting_words_posting_id_posting"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("posting_id", name=op.f("pk_posting_words")),
    )
    connection = op.get_bind()
    _fill(connection)
    if connection.dialect.name == "sqlite":
        for statement in SQLITE_INDEX:
            op.execute(statement)
    else:
        op.execute(POSTGRESQL_INDEX)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for statement in SQLITE_DROP:
            op.execute(statement)
    else:
        op.execute("DROP INDEX IF EXISTS ix_posting_words_words")
    op.drop_table("posting_words")
