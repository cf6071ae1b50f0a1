"""daily_part_count: the daily counts of each region and level group, stored.

The weekly report splits every term by region (Korea, elsewhere, unknown) and by level (entry,
experienced, unknown), and ``query --level`` filters by level; each such number was counted
from the postings at read time (a read of every posting of 26 weeks: over two seconds on the
bench's 1M-posting fixture). This revision creates the table, empty: the next refresh of the
counts (after any scrape, or ``jobtrend db rebuild-counts``) fills every day, and until then
those numbers are counted from the postings as before.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "daily_part_count",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("part", sa.String(length=40), nullable=False),
        sa.Column("tag", sa.String(length=100), nullable=False),
        sa.Column("active", sa.Integer(), nullable=False),
        sa.Column("new", sa.Integer(), nullable=False),
        sa.Column("closed", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("day", "part", "tag", name=op.f("pk_daily_part_count")),
    )
    op.create_index(
        "ix_daily_part_count_part_tag_day",
        "daily_part_count",
        ["part", "tag", "day", "active", "new"],
    )


def downgrade() -> None:
    op.drop_index("ix_daily_part_count_part_tag_day", table_name="daily_part_count")
    op.drop_table("daily_part_count")
