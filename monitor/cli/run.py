"""``jobtrend run``: the daemon, with its log handler."""

from __future__ import annotations

from pathlib import Path

import click

from monitor.cli.app import App, console


@click.command()
@click.pass_obj
def run(app: App) -> None:
    """Run the daemon: scrape each source on its schedule until stopped (SIGTERM/Ctrl-C)."""
    import logging

    from monitor.daemon import Daemon

    log_file = app.config.daemon.log_file
    root = logging.getLogger()
    if log_file:
        handler: logging.Handler = logging.FileHandler(
            Path(log_file).expanduser(), encoding="utf-8"
        )
    else:
        handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root.handlers = [handler]
    root.setLevel(min(root.level, logging.INFO) if root.level else logging.INFO)
    daemon = Daemon(app.config, app.db)
    console(stderr=True).print(
        f"jobtrend daemon: {len(daemon.sources)} sources scheduled in {app.config.timezone}; "
        "Ctrl-C stops it."
    )
    daemon.run()


def register(group: click.Group) -> None:
    group.add_command(run)
