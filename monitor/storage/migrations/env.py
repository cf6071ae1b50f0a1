"""Alembic environment: runs on the connection jobtrend hands it (monitor.storage.db.upgrade)."""

from __future__ import annotations

from alembic import context

from monitor.storage.models import Base

connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - jobtrend always passes its own connection
    raise RuntimeError("run migrations through `jobtrend db upgrade`")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=True,
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
