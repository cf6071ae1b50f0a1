"""Posting experience in years, and JSON-LD postings keyed by a registration number re-keyed.

Posting experience in years: ``years_min`` and ``years_max`` beside ``level``.

A board's structured experience fields (Wanted ``annual_from``/``annual_to``, Jumpit
``minCareer``/``maxCareer``, Saramin ``experience-level``, JSON-LD ``monthsOfExperience``)
give the years a posting asks; ``monitor.level`` reads them, the title being the fallback.
Stored postings get their years, and their level read by the current rules, when next seen
with a changed level or years (ingest compares them, not only the text).

It also re-keys JSON-LD postings stored under a company's business registration number
(Linkareer's ``identifier``, "104-86-39742"): the jsonld kind now keys such a posting by its
page URL and position, so the stored row takes the id the next run gives it (``url`` + "#1",
the page's first posting) and no new and no closed events follow. That guess holds for a page
with one JobPosting and no ``url`` of its own, as on Linkareer; a row whose URL already has a
fragment, or whose new id is taken, keeps its id (the next run then closes it and stores the
posting anew). Postings of one company that the wrong id had merged were never stored, and
show up as new. The downgrade leaves the ids as they are.

The columns are added and dropped with plain ``ALTER TABLE`` on both dialects (SQLite has
had ``DROP COLUMN`` since 3.35): a batch copy of ``posting`` would lose the triggers of its
text index.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01
"""

from __future__ import annotations

import re

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


# Korean business registration numbers: 3-2-5 digits.
REGISTRATION_NUMBER = re.compile(r"^\d{3}-\d{2}-\d{5}$")


def _rekey_registration_numbers(connection: sa.Connection) -> None:
    source = sa.table("source", sa.column("id"), sa.column("kind"))
    posting = sa.table(
        "posting",
        sa.column("id"),
        sa.column("source_id"),
        sa.column("external_id"),
        sa.column("url"),
    )
    rows = connection.execute(
        sa.select(posting.c.id, posting.c.source_id, posting.c.external_id, posting.c.url)
        .join(source, source.c.id == posting.c.source_id)
        .where(source.c.kind == "jsonld", posting.c.external_id.like("___-__-_____"))
    ).all()
    for row in rows:
        if not REGISTRATION_NUMBER.match(row.external_id) or not row.url or "#" in row.url:
            continue
        new_id = f"{row.url}#1"
        taken = connection.execute(
            sa.select(posting.c.id).where(
                posting.c.source_id == row.source_id, posting.c.external_id == new_id
            )
        ).first()
        if taken is None:
            connection.execute(
                sa.update(posting).where(posting.c.id == row.id).values(external_id=new_id)
            )


def upgrade() -> None:
    op.add_column("posting", sa.Column("years_min", sa.Integer(), nullable=True))
    op.add_column("posting", sa.Column("years_max", sa.Integer(), nullable=True))
    _rekey_registration_numbers(op.get_bind())


def downgrade() -> None:
    op.drop_column("posting", "years_max")
    op.drop_column("posting", "years_min")
