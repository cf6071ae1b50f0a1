"""``jobtrend db``: migrations and the daily counts' rebuild."""

from __future__ import annotations

from contextlib import nullcontext

import click

from monitor.cli.app import App, console


@click.group()
def db() -> None:
    """Database upkeep."""


@db.command("upgrade")
@click.pass_obj
def db_upgrade(app: App) -> None:
    """Apply the database migrations (also done automatically on first use)."""
    from monitor.storage.db import Database, current_revision, redact, upgrade

    database = Database(app.config.database_url, auto_upgrade=False)
    try:
        before = current_revision(database.engine)
        upgrade(database.engine)
        after = current_revision(database.engine)
    finally:
        database.dispose()
    state = "already up to date" if before == after else f"upgraded from {before or 'empty'}"
    console(stderr=True).print(f"{redact(database.url)}: {state} (revision {after})")


@db.command("rebuild-counts")
@click.pass_obj
def db_rebuild_counts(app: App) -> None:
    """Recompute the daily counts and the weekly phrases from the stored postings."""
    from monitor.numbers.refresh import rebuild_counts

    err = console(stderr=True)
    busy = (
        err.status("rebuilding the daily counts and weekly phrases")
        if err.is_terminal
        else nullcontext()
    )
    with busy, app.db.session() as session:
        rows = rebuild_counts(session, app.clock, app.config.http.stale_after_days)
    err.print(f"rebuilt daily counts: {rows} rows")


def register(group: click.Group) -> None:
    group.add_command(db)
