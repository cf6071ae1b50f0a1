"""``jobtrend status``: last run per source, health, database, daemon and next runs."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import click

from monitor.cli.app import App, console, print_json


def _iso(value: datetime | None) -> str | None:
    """UTC ISO 8601 with a Z, as status --json promises."""
    if value is None:
        return None
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON (times in UTC).")
@click.pass_obj
def status(app: App, as_json: bool) -> None:
    """Last run per source, health, database, daemon and next runs."""
    from monitor.runs import all_health
    from monitor.schedule import next_run
    from monitor.storage.claims import REPORT_JOB, live_daemons, next_runs, scrape_job
    from monitor.storage.db import redact
    from monitor.storage.reports import last_sent_period

    config, clock = app.config, app.clock
    now = clock.now()
    schedules = {src.name: src for src in config.sources}
    with app.db.session() as session:
        health = {h.name: h for h in all_health(session, now, config.http.stale_after_days)}
    last_report = last_sent_period(app.db)
    daemons = live_daemons(app.db, now)
    # The next runs live daemons recorded; without one, when the schedule would run next.
    recorded = next_runs(app.db, [d.owner for d in daemons])

    def next_at(job: str, expr: str) -> str | None:
        if daemons:
            return _iso(recorded.get(job))
        return _iso(next_run(expr, config.zone, now))

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
                "next_run_at": next_at(scrape_job(name), src.schedule)
                if src and src.enabled
                else None,
            }
        )
    daemon = daemons[0] if daemons else None
    payload = {
        "database": {"url": redact(app.db.url), "size_bytes": app.db.size_bytes()},
        "daemon": {
            "running": daemon is not None,
            "pid": daemon.pid if daemon else None,
            "heartbeat_at": _iso(daemon.heartbeat_at) if daemon else None,
        },
        "daemons": [
            {
                "owner": d.owner,
                "pid": d.pid,
                "started_at": _iso(d.started_at),
                "heartbeat_at": _iso(d.heartbeat_at),
            }
            for d in daemons
        ],
        "sources": rows,
        "report": {
            "last_sent_period": last_report,
            "next_run_at": next_at(REPORT_JOB, config.report.schedule),
        },
    }
    if as_json:
        print_json(payload)
        return
    _print_status(payload, config.zone, now)


def _print_status(payload: dict[str, Any], zone: ZoneInfo, now: datetime) -> None:
    """The payload as a person reads it in 80 columns: one line per source, times in the
    configured zone, long cells cut with an ellipsis (``--json`` has them whole)."""
    from rich import box
    from rich.table import Table
    from rich.text import Text

    from monitor.cli.cells import fit, when

    def local(value: str | None) -> str:
        return when(datetime.fromisoformat(value) if value else None, zone, now)

    out = console()
    db = payload["database"]
    size = f"{db['size_bytes'] / 1e6:.1f} MB" if db["size_bytes"] is not None else "?"
    out.print(f"database: {db['url']} ({size})")
    daemon = payload["daemon"]
    if daemon["running"]:
        for row in payload["daemons"]:
            out.print(
                f"daemon: running {row['owner']} since {local(row['started_at'])}, "
                f"heartbeat {local(row['heartbeat_at'])}"
            )
    else:
        out.print("daemon: not running")
    styles = {"ok": "green", "failing": "bold red", "suspect": "yellow", "stale": "red"}
    wide = out.width >= 100  # room for the kind, which --json always has
    headers = ["source", "kind", "health", "last run", "got", "new", "gone", "next run", "error"]
    if not wide:
        headers.remove("kind")
    rows = []
    for row in payload["sources"]:
        run = row["last_run"] or {}
        cells = {
            "source": row["name"],
            "kind": row["kind"] or "",
            "health": row["health"] or "never run",
            "last run": f"{local(run.get('started_at'))} {run.get('status') or ''}".strip(),
            "got": str(run.get("returned", "")),
            "new": str(run.get("new", "")),
            "gone": str(run.get("closed", "")),
            "next run": local(row["next_run_at"]),
            "error": " ".join((run.get("error") or "").split()),
        }
        rows.append([cells[header] for header in headers])
    table = Table(
        title=f"sources (times in {zone.key})",
        box=box.SIMPLE_HEAD,
        pad_edge=False,
        collapse_padding=True,
    )
    # One line per source; the error (whole in --json) takes what is left and is cut.
    widths = fit(headers, rows, out.width, flexible="error", caps={"last run": 22})
    for header, width in zip(headers, widths, strict=True):
        table.add_column(
            header,
            justify="right" if header in ("got", "new", "gone") else "left",
            no_wrap=True,
            width=width,
        )
    for line in rows:
        table.add_row(
            *[
                Text(cell, style=styles.get(cell, "dim") if header == "health" else "")
                for header, cell in zip(headers, line, strict=True)
            ]
        )
    out.print(table, soft_wrap=False, crop=True)
    report = payload["report"]
    last = report["last_sent_period"] or "never"
    out.print(f"report: last sent {last}, next {local(report['next_run_at']) or '-'}")


def register(group: click.Group) -> None:
    group.add_command(status)
