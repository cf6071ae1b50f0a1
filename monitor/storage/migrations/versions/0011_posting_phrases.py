"""phrase and posting_phrases: the candidate phrases ``trending`` and ``skills`` count.

Each posting's distinct words and two-word phrases of its title and role text
(``monitor.phrases``) are stored as ids of a ``phrase`` table, packed in one value per posting
(``monitor.storage.phrases``), so counting a period's phrases reads no text. This revision
creates both tables and derives the phrases of every stored posting, in batches (Korean text
goes through the morphological analyser: a large history takes minutes, logged as it goes).

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-04
"""

from __future__ import annotations

import logging

import sqlalchemy as sa
from alembic import op

from monitor.phrases import posting_phrases
from monitor.storage.phrases import store_phrases

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

BATCH = 2000
REPORT_EVERY = 50_000

log = logging.getLogger(__name__)


def _fill(connection: sa.Connection) -> None:
    posting = sa.table(
        "posting",
        sa.column("id"),
        sa.column("title"),
        sa.column("description"),
        sa.column("company"),
        sa.column("location"),
    )
    total = connection.execute(sa.select(sa.func.count()).select_from(posting)).scalar() or 0
    after = done = 0
    while True:
        rows = connection.execute(
            sa.select(
                posting.c.id,
                posting.c.title,
                posting.c.description,
                posting.c.company,
                posting.c.location,
            )
            .where(posting.c.id > after)
            .order_by(posting.c.id)
            .limit(BATCH)
        ).all()
        if not rows:
            return
        store_phrases(
            connection,
            [
                (pid, posting_phrases(title or "", text or "", company or "", where or ""))
                for pid, title, text, company, where in rows
            ],
            fresh_rows=True,
        )
        after = rows[-1][0]
        done += len(rows)
        if done % REPORT_EVERY < BATCH:
            log.info("phrases: %d of %d postings", done, total)


def upgrade() -> None:
    op.create_table(
        "phrase",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_phrase")),
        sa.UniqueConstraint("text", name=op.f("uq_phrase_text")),
    )
    op.create_table(
        "posting_phrases",
        sa.Column("posting_id", sa.Integer(), nullable=False),
        sa.Column("ids", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["posting_id"],
            ["posting.id"],
            name=op.f("fk_posting_phrases_posting_id_posting"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("posting_id", name=op.f("pk_posting_phrases")),
    )
    _fill(op.get_bind())


def downgrade() -> None:
    op.drop_table("posting_phrases")
    op.drop_table("phrase")
