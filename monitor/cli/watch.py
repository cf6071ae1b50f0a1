"""``jobtrend watch``: the configured watches, and the new jobs that match them (not sent)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click

from monitor.cli.app import App, console, print_json

if TYPE_CHECKING:
    from monitor.numbers.listing import JobRow


@click.group()
def watch() -> None:
    """Watches: tell me the day the right job appears ([[watches]] in the config)."""


@watch.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_obj
def list_watches(app: App, as_json: bool) -> None:
    """The configured watches: terms, filters, how and when they notify."""

    rows: list[dict[str, Any]] = [
        {
            "name": w.name,
            "terms": list(w.terms),
            "country": list(w.country),
            "level": w.level,
            "companies": list(w.companies),
            "sources": list(w.sources),
            "notify": w.notify,
            "notify_at": w.notify_at if w.notify == "daily" else None,
            # A weekly watch is a section of the report, so it goes where the report goes.
            "to": list(
                app.config.report.to if w.notify == "weekly" else w.to or app.config.report.to
            ),
        }
        for w in app.config.watches
    ]
    if as_json:
        print_json(rows)
        return
    out = console()
    if not rows:
        out.print("No watches configured: add a [[watches]] table (see config.example.toml).")
        return
    for row in rows:
        filters = [
            f"{key} {', '.join(row[key]) if isinstance(row[key], list) else row[key]}"
            for key in ("country", "level", "companies", "sources")
            if row[key]
        ]
        when = row["notify"] + (f" at {row['notify_at']}" if row["notify_at"] else "")
        if row["notify"] == "weekly":
            when += " (a section of the report)"
        out.print(
            f"{row['name']}: {' | '.join(row['terms'])}"
            + (f" ({'; '.join(filters)})" if filters else "")
            + f", {when}, to {', '.join(row['to']) or '(nobody: set [report] to)'}"
        )


@watch.command("check")
@click.argument("name", required=False)
@click.option(
    "--since", metavar="DATE", help="First day a job may be first seen (default: 7 days ago)."
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_obj
def check(app: App, name: str | None, since: str | None, as_json: bool) -> None:
    """The new jobs that match each watch (or NAME), printed, not sent; each says whether the
    watch has already mailed it."""
    from rich.text import Text

    from monitor.cli.cells import cut
    from monitor.numbers.periods import parse_bound
    from monitor.storage.watches import sent_jobs
    from monitor.watches import LOOK_BACK, find_watch, matches

    config, clock = app.config, app.clock
    chosen = [find_watch(config.watches, name)] if name else list(config.watches)
    if not chosen:
        raise click.UsageError("No watches configured: add a [[watches]] table to the config.")
    start = parse_bound(since, "--since")[0] if since else clock.today() - LOOK_BACK
    results: list[tuple[str, list[tuple[JobRow, bool]]]] = []
    with app.db.session() as session:
        for w in chosen:
            found = matches(
                session, clock, config.tags, w, start, stale_after_days=config.http.stale_after_days
            )
            sent = sent_jobs(app.db, w.name)
            results.append((w.name, [(job, job.job_id in sent) for job in found]))
    if as_json:
        print_json(
            [
                {
                    "watch": watch_name,
                    "since": start.isoformat(),
                    "jobs": [{**job.as_dict(), "notified": notified} for job, notified in listed],
                }
                for watch_name, listed in results
            ]
        )
        return
    out = console()
    for watch_name, listed in results:
        out.print(Text(f"{watch_name}: {len(listed)} new jobs since {start.isoformat()}"))
        for job, notified in listed:
            where = job.location or job.country or ("remote" if job.remote else "")
            bits = (job.title, job.company, where, job.level or "")
            line = cut(" · ".join(bit for bit in bits if bit), max(20, out.width - 22))
            day = clock.local_day(job.first_seen).isoformat()
            out.print(Text(f"  {day}  {line}" + ("  (sent)" if notified else "")))
            for url in job.urls:
                out.print(Text(f"      {url}"))


def register(group: click.Group) -> None:
    group.add_command(watch)
