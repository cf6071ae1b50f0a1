"""Ad-hoc term matches remembered between runs; daily_count's tag index covers the counts.

``term_match`` holds, per ad-hoc term, the ids of the postings the matcher accepted and the
state of the data they were found in (``stamp``: the newest run and posting). Postings change
only in runs, so while the stamp holds, a repeated query of the term reads those ids instead
of asking the text index and checking every candidate's text again.

The ``(tag, source_id, day)`` index of ``daily_count`` also carries ``active`` and ``new``, so
a trend of tags reads the index alone.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "term_match",
        sa.Column("term", sa.String(length=200), nullable=False),
        sa.Column("stamp", sa.String(length=100), nullable=False),
        sa.Column("posting_ids", sa.Text(), nullable=False),
        sa.Column("computed_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("term", name=op.f("pk_term_match")),
    )
    with op.batch_alter_table("daily_count", schema=None) as batch_op:
        batch_op.drop_index("ix_daily_count_tag_source_day")
        batch_op.create_index(
            "ix_daily_count_tag_source_day", ["tag", "source_id", "day", "active", "new"]
        )


def downgrade() -> None:
    with op.batch_alter_table("daily_count", schema=None) as batch_op:
        batch_op.drop_index("ix_daily_count_tag_source_day")
        batch_op.create_index("ix_daily_count_tag_source_day", ["tag", "source_id", "day"])
    op.drop_table("term_match")
