"""Posting experience in years: ``years_min`` and ``years_max`` beside ``level``.

A board's structured experience fields (Wanted ``annual_from``/``annual_to``, Jumpit
``minCareer``/``maxCareer``, Saramin ``experience-level``, JSON-LD ``monthsOfExperience``)
give the years a posting asks; ``monitor.level`` reads them, the title being the fallback.
Stored postings get their years, and their level read by the current rules, when next seen
with a changed level or years (ingest compares them, not only the text).

The columns are added and dropped with plain ``ALTER TABLE`` on both dialects (SQLite has
had ``DROP COLUMN`` since 3.35): a batch copy of ``posting`` would lose the triggers of its
text index.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("posting", sa.Column("years_min", sa.Integer(), nullable=True))
    op.add_column("posting", sa.Column("years_max", sa.Integer(), nullable=True))


def downgrade() -> None:
    op.drop_column("posting", "years_max")
    op.drop_column("posting", "years_min")
