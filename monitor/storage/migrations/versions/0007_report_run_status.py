"""report_run becomes a claim: status, attempts, last error, and a sent_at set only once sent.

DESIGN.md: one row per period with ``status`` (sending, sent, failed), ``attempts``,
``last_error`` and ``sent_at`` (null until sent). ``jobtrend report --send`` claims the row
before it mails, so two sends of a week never both mail. Rows from before this revision were
written only after a send, so they become ``sent`` with one attempt.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("report_run", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("status", sa.String(length=20), nullable=False, server_default="sent")
        )
        batch_op.add_column(sa.Column("attempts", sa.Integer(), nullable=False, server_default="1"))
        batch_op.add_column(sa.Column("last_error", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("claimed_at", sa.DateTime(), nullable=True))
        batch_op.alter_column("sent_at", existing_type=sa.DateTime(), nullable=True)


def downgrade() -> None:
    op.execute("DELETE FROM report_run WHERE sent_at IS NULL")
    with op.batch_alter_table("report_run", schema=None) as batch_op:
        batch_op.alter_column("sent_at", existing_type=sa.DateTime(), nullable=False)
        batch_op.drop_column("claimed_at")
        batch_op.drop_column("last_error")
        batch_op.drop_column("attempts")
        batch_op.drop_column("status")
