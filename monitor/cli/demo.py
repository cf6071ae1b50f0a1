"""``jobtrend demo``: the whole pipeline offline, against simulated boards on 127.0.0.1."""

from __future__ import annotations

from pathlib import Path

import click

from monitor.cli.app import App
from monitor.errors import UsageError


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
    from monitor.cli.tables import print_table
    from monitor.demo.runner import DEMO_TERMS

    rows = run_demo(out_dir, days=weeks * 7, echo=click.echo)
    print_table(rows, list(DEMO_TERMS), "share")


def register(group: click.Group) -> None:
    group.add_command(demo)
