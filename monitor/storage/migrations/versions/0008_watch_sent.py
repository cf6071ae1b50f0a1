"""watch_sent: each job is notified once per watch.

DESIGN.md: ``watch_sent`` - ``(watch, job)``. A digest claims its jobs (``sending``) before it
is mailed and marks them ``sent`` after, so two daemons never both mail a job and a failed
send leaves them to the next try.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "watch_sent",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("watch", sa.String(length=200), nullable=False),
        sa.Column("job_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("claimed_at", sa.DateTime(), nullable=False),
        sa.Column("sent_at", sa.DateTime(), nullable=True),
        sa.UniqueConstraint("watch", "job_id", name="uq_watch_sent_watch_job"),
    )


def downgrade() -> None:
    op.drop_table("watch_sent")
