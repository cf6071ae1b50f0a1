"""weekly_phrases: each ISO week's candidate-phrase counts, stored.

``jobtrend trending`` and the weekly report's rising section compare a week's phrases with the
8 weeks before it; each read the postings of those nine weeks and their phrases (about a second
on the bench's 1M-posting fixture). This revision creates the table, empty: the next refresh of
the counts (after any scrape, or ``jobtrend db rebuild-counts``) fills every week, and until
then the phrases are counted from the postings as before.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "weekly_phrases",
        sa.Column("week", sa.Date(), nullable=False),
        sa.Column("tag", sa.String(length=100), nullable=False),
        sa.Column("through", sa.Date(), nullable=False),
        sa.Column("jobs", sa.Integer(), nullable=False),
        sa.Column("job_ids", sa.LargeBinary(), nullable=True),
        sa.Column("phrase_ids", sa.LargeBinary(), nullable=False),
        sa.Column("counts", sa.LargeBinary(), nullable=False),
        sa.Column("companies", sa.LargeBinary(), nullable=True),
        sa.Column("hashes", sa.LargeBinary(), nullable=True),
        sa.PrimaryKeyConstraint("week", "tag", name=op.f("pk_weekly_phrases")),
    )


def downgrade() -> None:
    op.drop_table("weekly_phrases")
