"""``jobtrend init``: a starter config and the database."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

import click

from monitor.cli.app import App
from monitor.errors import UsageError


@click.command()
@click.argument("path", required=False, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Overwrite an existing file.")
@click.pass_obj
def init(app: App, path: Path | None, force: bool) -> None:
    """Write a starter config (default: the platform config dir) and create the database."""
    from monitor.config import config_dir, load
    from monitor.storage.db import Database, redact

    target = path or config_dir() / "config.toml"
    if target.exists() and not force:
        raise UsageError(f"{target} already exists; edit it, or pass --force to overwrite it.")
    starter = files("monitor").joinpath("starter.toml").read_text(encoding="utf-8")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(starter, encoding="utf-8")
    except OSError as exc:
        raise UsageError(
            f"Cannot write {target} ({exc.strerror}); give a PATH in a writable directory."
        ) from None
    config = load(target)
    db = Database(config.database_url)
    db.dispose()
    click.echo(f"wrote {target}", err=True)
    click.echo(f"database ready at {redact(config.database_url)}", err=True)
    click.echo("next: edit the [[sources]] in it, then run `jobtrend scrape`.", err=True)


def register(group: click.Group) -> None:
    group.add_command(init)
