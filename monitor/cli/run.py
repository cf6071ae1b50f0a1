"""``jobtrend run``: the daemon, with its log handlers."""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

import click

from monitor.cli.app import App, BadUsage

# Loggers whose INFO lines are ours; everything else (alembic, apscheduler, httpx) stays at
# WARNING unless -v.
OWN_LOGGERS = ("monitor", "scrapers", "reports")


def setup_logging(log_file: str) -> None:
    formatter = logging.Formatter("%(asctime)s %(levelname)s %(message)s")
    handlers: list[logging.Handler] = [logging.StreamHandler(sys.stderr)]
    if log_file:
        path = Path(log_file).expanduser()
        try:
            handlers.append(logging.FileHandler(path, encoding="utf-8"))
        except OSError as exc:
            raise BadUsage(
                f"[daemon] log_file {str(path)!r} cannot be opened ({exc.strerror}); "
                "fix the path or leave it empty."
            ) from None
    root = logging.getLogger()
    for handler in handlers:
        handler.setFormatter(formatter)
    root.handlers = handlers
    verbose = root.level <= logging.INFO  # -v or -vv on the command line
    if not verbose:
        root.setLevel(logging.WARNING)
    for name in OWN_LOGGERS:
        logging.getLogger(name).setLevel(min(root.level, logging.INFO))


@click.command()
@click.pass_obj
def run(app: App) -> None:
    """Run the daemon: each source on its schedule until SIGTERM or Ctrl-C.

    The weekly report is mailed on [report] schedule when [smtp] host and [report] to are set
    (a failed send is retried hourly). One line is logged per run (stderr, and [daemon]
    log_file if set). SIGHUP reloads the config. On SQLite one daemon may use a database; on
    PostgreSQL several may share it and each scheduled run still happens once.
    """
    from monitor.config import load
    from monitor.daemon import Daemon

    setup_logging(app.config.daemon.log_file)
    daemon = Daemon(app.config, app.db, reload=lambda: load(app.config_path))
    logging.getLogger("monitor.daemon").info(
        "jobtrend daemon %s: %d sources scheduled in %s",
        daemon.owner,
        len(daemon.sources),
        app.config.timezone,
    )
    if not daemon.run():
        # Jobs still running after shutdown_grace_s: leave now, their writes roll back.
        logging.shutdown()
        os._exit(0)


def register(group: click.Group) -> None:
    group.add_command(run)
