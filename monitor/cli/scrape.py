"""``jobtrend scrape``: one pass over the sources with a progress bar and a summary table."""

from __future__ import annotations

import click

from monitor.cli.app import App, console, print_json


@click.command()
@click.option("--source", "names", multiple=True, metavar="NAME", help="Only this source (repeat).")
@click.option(
    "--scheduled",
    is_flag=True,
    help="For a crontab: scrape each source only for its latest scheduled slot (within "
    "12 hours) not yet run by a daemon or another --scheduled run.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the run results as JSON.")
@click.pass_obj
def scrape(app: App, names: tuple[str, ...], scheduled: bool, as_json: bool) -> None:
    """Scrape the configured sources once (or only --source NAME ...).

    Exits 1 when any source failed; the others are stored all the same.
    """
    if scheduled:
        names = claim_slots(app, names)
        if not names:
            return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
    from rich.table import Table
    from rich.text import Text

    from monitor.runs import RunStatus

    status_style: dict[str, str] = {
        RunStatus.OK: "green",
        RunStatus.PARTIAL: "yellow",
        RunStatus.UNCHANGED: "cyan",
        RunStatus.SUSPECT: "yellow",
        RunStatus.FAILED: "bold red",
    }
    from monitor.pipeline import SourceResult
    from monitor.pipeline import scrape as run_scrape

    err = console(stderr=True)
    progress = Progress(
        TextColumn("[bold]scraping"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.description}"),
        TimeElapsedColumn(),
        console=err,
        transient=True,
        disable=as_json or not err.is_terminal,
    )
    task = progress.add_task("", total=None)

    def started(total: int) -> None:
        progress.update(task, total=total)

    def done(result: SourceResult) -> None:
        progress.update(task, advance=1, description=f"{result.name}: {result.status}")
        if not err.is_terminal and not as_json:
            err.print(f"{result.name}: {result.status}")

    with progress:
        results = run_scrape(
            app.config, app.db, app.clock, app.tagger, names, on_start=started, on_done=done
        )

    if as_json:
        print_json([result.__dict__ for result in results])
    else:
        table = Table(title=f"scrape at {app.clock.now():%Y-%m-%d %H:%M} UTC")
        for column in ("source", "kind", "status"):
            table.add_column(column)
        for column in ("returned", "new", "closed", "skipped"):
            table.add_column(column, justify="right")
        table.add_column("error", overflow="fold")
        for r in results:
            style = status_style.get(r.status, "")
            table.add_row(
                Text(r.name),
                r.kind,
                Text(r.status, style=style),
                str(r.returned),
                str(r.new),
                str(r.closed),
                str(r.skipped),
                Text(r.error or ""),
            )
        console().print(table)
    failed = [r.name for r in results if r.status == RunStatus.FAILED]
    if failed:
        raise click.exceptions.Exit(1)


@click.command()
@click.argument("source")
@click.option("--since", required=True, metavar="YYYY-MM", help="First month to load.")
@click.pass_obj
def backfill(app: App, source: str, since: str) -> None:
    """Load a source's history since a month (the monthly Hacker News threads)."""
    from monitor.numbers.periods import parse_bound
    from monitor.pipeline import backfill as run_backfill
    from monitor.runs import RunStatus

    start = parse_bound(since, "--since")[0]
    result = run_backfill(app.config, app.db, app.clock, app.tagger, source, start)
    console(stderr=True).print(
        f"{result.name}: {result.status}, {result.returned} postings loaded since {start:%Y-%m}"
        + (f" ({result.error})" if result.error else "")
    )
    if result.status == RunStatus.FAILED:
        raise click.exceptions.Exit(1)


def claim_slots(app: App, names: tuple[str, ...]) -> tuple[str, ...]:
    """The chosen sources whose latest scheduled slot this run won (others said why)."""
    from monitor.pipeline import select_sources
    from monitor.schedule import MISFIRE_GRACE, parse
    from monitor.storage.claims import claim, scrape_job

    err = console(stderr=True)
    now = app.clock.now()
    won = []
    hours = MISFIRE_GRACE.total_seconds() / 3600
    for src in select_sources(app.config, names):
        slot = parse(src.schedule, app.config.zone).latest_slot(now)
        if slot is None:
            err.print(f"{src.name}: no scheduled slot in the last {hours:g} hours; skipped")
        elif not claim(app.db, scrape_job(src.name), slot, now):
            when = slot.astimezone(app.config.zone)
            err.print(f"{src.name}: the {when:%m-%d %H:%M} slot has already run; skipped")
        else:
            won.append(src.name)
    return tuple(won)


def register(group: click.Group) -> None:
    group.add_command(scrape)
    group.add_command(backfill)
