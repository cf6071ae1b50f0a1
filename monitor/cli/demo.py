"""``jobtrend demo``: the whole pipeline offline, against a simulated job market on 127.0.0.1."""

from __future__ import annotations

import logging
from pathlib import Path

import click

from monitor.cli.app import App, RunFailed
from monitor.errors import UsageError


@click.command()
@click.option("--weeks", default=12, show_default=True, help="Weeks of history to simulate.")
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("demo-out"),
    show_default=True,
    help="Where the config, the database (replaced at each run) and the report go.",
)
@click.pass_obj
def demo(app: App, weeks: int, out_dir: Path) -> None:
    """Run the whole pipeline offline against a simulated job market on 127.0.0.1.

    Ten boards of nine kinds serve a seeded market (LLM rising, multimodal LLM rare but
    rising, reposts, duplicates across boards, a board that breaks for a week and one that
    dies); one scrape a simulated day, then the weekly report of the last complete week and
    a check of every weekly figure against the market's own count. Exit 1 if they differ.
    """
    if weeks < 1 or weeks > 52:
        raise UsageError("--weeks must be between 1 and 52.")
    from monitor.cli.tables import print_table
    from monitor.demo.runner import DEMO_TERMS, KNOWN_DIFFERENCES, run_demo

    # A failing board is part of the story: its runs are counted below, not logged one by one.
    logging.getLogger("monitor.pipeline").setLevel(logging.ERROR)
    result = run_demo(out_dir, weeks=weeks, echo=click.echo)
    recent = {row.period for row in result.rows}
    last = sorted(recent)[-5:]
    print_table([r for r in result.rows if r.period in last], list(DEMO_TERMS), "share")
    runs = ", ".join(f"{n} {status}" for status, n in sorted(result.runs.items()))
    click.echo(f"runs: {runs}")
    click.echo(f"config:   {result.config}")
    click.echo(f"database: {result.database}")
    if result.report is not None:
        click.echo(f"report:   {result.report} (report.txt, report.eml and the charts beside it)")
    for term, found in result.known.items():
        click.echo(
            f"known difference: {term} ({len(found)} figures), {KNOWN_DIFFERENCES[term]}; "
            f"first: {found[0]}"
        )
    if result.differences:
        click.echo(f"figures differ from the market: {result.differences[0]}")
        for difference in result.differences[1:5]:
            click.echo(f"  {difference}")
        raise RunFailed(f"{len(result.differences)} figures differ from the market.")
    checked = "all jobs and " + ", ".join(t for t in DEMO_TERMS if t not in result.known)
    click.echo(f"figures agree with the market ({checked}, every week).")
    click.echo(f'try: jobtrend --config {result.config} query "멀티모달 LLM" --group-by country')


def register(group: click.Group) -> None:
    group.add_command(demo)
