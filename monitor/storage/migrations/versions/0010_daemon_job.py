"""daemon_job: each live daemon's jobs and their next run, for ``jobtrend status``.

A daemon rewrites its own rows with every heartbeat and deletes them when it stops, so
``status`` shows the next runs that some live daemon will actually make (DESIGN.md: "the daemon
records its heartbeat and each job's next run").

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "daemon_job",
        sa.Column("owner", sa.String(length=200), nullable=False),
        sa.Column("job", sa.String(length=200), nullable=False),
        sa.Column("next_run_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("owner", "job", name=op.f("pk_daemon_job")),
    )


def downgrade() -> None:
    op.drop_table("daemon_job")
