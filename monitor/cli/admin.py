"""Set-up and upkeep: ``init``, ``status``, ``db upgrade``, ``db rebuild-counts``, ``demo``."""

from __future__ import annotations

from contextlib import nullcontext
from datetime import UTC, datetime
from importlib.resources import files
from pathlib import Path
from typing import Any

import click

from monitor.cli.app import App, console, print_json
from monitor.errors import UsageError


def _iso(value: datetime | None) -> str | None:
    """UTC ISO 8601 with a Z, as status --json promises."""
    if value is None:
        return None
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


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
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(
        files("monitor").joinpath("starter.toml").read_text(encoding="utf-8"), encoding="utf-8"
    )
    config = load(target)
    db = Database(config.database_url)
    db.dispose()
    click.echo(f"wrote {target}", err=True)
    click.echo(f"database ready at {redact(config.database_url)}", err=True)
    click.echo("next: edit the [[sources]] in it, then run `jobtrend scrape`.", err=True)


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON (times in UTC).")
@click.pass_obj
def status(app: App, as_json: bool) -> None:
    """Last run per source, health, database, daemon and next runs."""
    from monitor.daemon import live_daemon
    from monitor.runs import all_health
    from monitor.schedule import next_run
    from monitor.storage.db import redact
    from monitor.storage.models import ReportRun

    config, clock = app.config, app.clock
    now = clock.now()
    schedules = {src.name: src for src in config.sources}
    with app.db.session() as session:
        health = {h.name: h for h in all_health(session, now, config.http.stale_after_days)}
        from sqlalchemy import select

        last_report = session.scalar(
            select(ReportRun.period).order_by(ReportRun.sent_at.desc()).limit(1)
        )
    names = list(schedules) + [name for name in health if name not in schedules]
    rows: list[dict[str, Any]] = []
    for name in names:
        h = health.get(name)
        src = schedules.get(name)
        run = h.last_run if h else None
        rows.append(
            {
                "name": name,
                "kind": src.kind if src else (h.kind if h else None),
                "health": h.health if h else None,
                "last_run": None
                if run is None
                else {
                    "started_at": _iso(run.started_at),
                    "ended_at": _iso(run.ended_at),
                    "status": run.status,
                    "returned": run.returned,
                    "new": run.new,
                    "closed": run.closed,
                    "error": run.error,
                },
                "median_returned": h.median_returned if h else None,
                "consecutive_failures": h.consecutive_failures if h else 0,
                "failing_since": _iso(h.failing_since) if h else None,
                "next_run_at": _iso(next_run(src.schedule, config.zone, now))
                if src and src.enabled
                else None,
            }
        )
    report_next = next_run(config.report.schedule, config.zone, now)
    daemon = live_daemon(app.db, now)
    payload = {
        "database": {"url": redact(app.db.url), "size_bytes": app.db.size_bytes()},
        "daemon": {
            "running": daemon is not None,
            "pid": daemon.pid if daemon else None,
            "heartbeat_at": _iso(daemon.heartbeat_at) if daemon else None,
        },
        "sources": rows,
        "report": {"last_sent_period": last_report, "next_run_at": _iso(report_next)},
    }
    if as_json:
        print_json(payload)
        return
    _print_status(payload)


def _print_status(payload: dict[str, Any]) -> None:
    from rich.table import Table
    from rich.text import Text

    out = console()
    db = payload["database"]
    size = f"{db['size_bytes'] / 1e6:.1f} MB" if db["size_bytes"] is not None else "?"
    out.print(f"database: {db['url']} ({size})")
    daemon = payload["daemon"]
    if daemon["running"]:
        out.print(f"daemon: running (pid {daemon['pid']}, heartbeat {daemon['heartbeat_at']})")
    else:
        out.print("daemon: not running")
    table = Table(title="sources")
    for column in (
        "source",
        "kind",
        "health",
        "last run (UTC)",
        "status",
        "returned",
        "new",
        "closed",
        "next run (UTC)",
        "error",
    ):
        table.add_column(column, overflow="fold")
    styles = {"ok": "green", "failing": "bold red", "suspect": "yellow", "stale": "red"}
    for row in payload["sources"]:
        run = row["last_run"] or {}
        health = row["health"] or "never run"
        table.add_row(
            Text(row["name"]),
            row["kind"] or "",
            Text(health, style=styles.get(health, "dim")),
            (run.get("started_at") or "")[:16],
            run.get("status") or "",
            str(run.get("returned", "")),
            str(run.get("new", "")),
            str(run.get("closed", "")),
            (row["next_run_at"] or "")[:16],
            Text(run.get("error") or ""),
        )
    out.print(table)
    report = payload["report"]
    last = report["last_sent_period"] or "never"
    out.print(f"report: last sent {last}, next {report['next_run_at'] or '-'}")


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
    """Recompute the daily counts from the stored postings."""
    from monitor.numbers.daily import rebuild_counts

    err = console(stderr=True)
    busy = err.status("rebuilding the daily counts") if err.is_terminal else nullcontext()
    with busy, app.db.session() as session:
        rows = rebuild_counts(session, app.clock, app.config.http.stale_after_days)
    err.print(f"rebuilt daily counts: {rows} rows")


@click.command()
@click.option("--weeks", default=3, show_default=True, help="Weeks of history to simulate.")
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("demo-out"),
    show_default=True,
    help="Where the database and chart go.",
)
@click.pass_obj
def demo(app: App, weeks: int, out_dir: Path) -> None:
    """Run the whole pipeline offline against simulated job boards on 127.0.0.1."""
    from monitor.demo.runner import run_demo

    if weeks < 1:
        raise UsageError("--weeks must be at least 1.")
    run_demo(out_dir, days=weeks * 7, echo=click.echo)


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
    for command in (init, status, db, demo, run):
        group.add_command(command)
