"""The word index holds only the words of the parts that count; remembered matches forgotten.

Matches in benefits, equal-opportunity, legal and application text, and in company text that
does not say what the company builds or sells, no longer count for ad-hoc terms
(``monitor.parts``). The word index answers one-word terms without reading text, so
``posting_words`` now holds the title's words and only the counting parts' words of the
description (``monitor.search.matcher.text_words``). The table, its columns and its indexes
are unchanged; this revision derives every posting's words again and drops the remembered term
matches (``term_match``), which were found under the old rules. Tags are not touched here (they
depend on the configured taxonomy): ``jobtrend tags retag`` applies the parts to tag history.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-04
"""

from __future__ import annotations

import logging

import sqlalchemy as sa
from alembic import op

from monitor.search.matcher import text_words

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

BATCH = 2000
REPORT_EVERY = 100_000

log = logging.getLogger(__name__)


def _refill(connection: sa.Connection) -> None:
    """Every posting's words derived again, in batches; only changed rows are written."""
    posting = sa.table("posting", sa.column("id"), sa.column("title"), sa.column("description"))
    words = sa.table("posting_words", sa.column("posting_id"), sa.column("words"))
    total = connection.execute(sa.select(sa.func.count()).select_from(posting)).scalar() or 0
    after = done = 0
    update = (
        sa.update(words)
        .where(words.c.posting_id == sa.bindparam("pid"))
        .values(words=sa.bindparam("new_words"))
    )
    while True:
        rows = connection.execute(
            sa.select(posting.c.id, posting.c.title, posting.c.description, words.c.words)
            .select_from(posting.outerjoin(words, words.c.posting_id == posting.c.id))
            .where(posting.c.id > after)
            .order_by(posting.c.id)
            .limit(BATCH)
        ).all()
        if not rows:
            return
        changed, missing = [], []
        for pid, title, description, old in rows:
            new = text_words(title or "", description or "")
            if old is None:
                missing.append({"posting_id": pid, "words": new})
            elif new != old:
                changed.append({"pid": pid, "new_words": new})
        if changed:
            connection.execute(update, changed)
        if missing:
            connection.execute(sa.insert(words), missing)
        after = rows[-1][0]
        done += len(rows)
        if done % REPORT_EVERY < BATCH:
            log.info("word index: %d of %d postings", done, total)


def upgrade() -> None:
    _refill(op.get_bind())
    op.execute("DELETE FROM term_match")


def downgrade() -> None:
    # The words of the old rules (every word of title and description) are not derived again:
    # an older jobtrend repairs them with `jobtrend tags retag`.
    op.execute("DELETE FROM term_match")
