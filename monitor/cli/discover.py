"""``jobtrend trending`` and ``jobtrend skills``: what is rising, and what a term's jobs ask for.

Both read the candidate phrases stored with each posting (``monitor.phrases``): a table, JSON
or CSV. The statistics are :mod:`monitor.numbers.rising`'s and :mod:`monitor.numbers.skills`'s.
"""

from __future__ import annotations

import csv
import sys
from collections.abc import Sequence
from dataclasses import asdict
from datetime import date
from typing import Any

import click

from monitor.cli.app import App, console, filter_options, print_json, printable
from monitor.cli.export import listing_filters, neutralise

TOP = click.option(
    "--top",
    type=click.IntRange(min=1, max=1000),
    default=20,
    show_default=True,
    help="At most N rows.",
)
OUTPUT = [
    click.option("--json", "as_json", is_flag=True, help="Print a JSON list of rows."),
    click.option("--csv", "as_csv", is_flag=True, help="Print CSV."),
]


def _outputs(func: Any) -> Any:
    for option in reversed(OUTPUT):
        func = option(func)
    return func


def _period(text: str | None, default: tuple[date, date]) -> tuple[date, date, str]:
    from monitor.numbers.periods import parse_bound

    if text:
        start, end = parse_bound(text, "--period")
        return start, end, text.strip()
    start, end = default
    return start, end, f"{start}..{end}"


def _printed_as_data(
    fields: Sequence[str], rows: Sequence[Any], as_json: bool, as_csv: bool
) -> bool:
    """Print the rows as JSON or CSV when asked: whether they were."""
    if as_json:
        print_json([asdict(row) for row in rows])
    elif as_csv:
        _print_csv(fields, rows)
    return as_json or as_csv


def _table() -> Any:
    from rich import box
    from rich.table import Table

    return Table(box=box.SIMPLE_HEAD, pad_edge=False, collapse_padding=True)


def _print_csv(fields: Sequence[str], rows: Sequence[Any]) -> None:
    writer = csv.DictWriter(sys.stdout, fieldnames=list(fields), lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({key: _csv_cell(value) for key, value in asdict(row).items()})


def _csv_cell(value: object) -> object:
    """As ``export`` writes cells: empty for None, true/false, text neutralised."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return neutralise("; ".join(value))
    return neutralise(value) if isinstance(value, str) else value


def _percent(value: float) -> str:
    return f"{100 * value:.1f}%"


@click.command()
@click.option(
    "--period",
    metavar="PERIOD",
    help="YYYY-MM-DD, YYYY-Www or YYYY-MM (default: the last complete ISO week).",
)
@TOP
@click.option(
    "--min-jobs",
    type=click.IntRange(min=1),
    default=5,
    show_default=True,
    help="Rank only phrases in at least N of the period's jobs.",
)
@click.option(
    "--min-companies",
    type=click.IntRange(min=1),
    default=3,
    show_default=True,
    help="Rank only phrases in the jobs of at least N companies.",
)
@filter_options
@_outputs
@click.pass_obj
def trending(
    app: App,
    period: str | None,
    top: int,
    min_jobs: int,
    min_companies: int,
    as_json: bool,
    as_csv: bool,
    **filters: Any,
) -> None:
    """Words and phrases whose share of jobs rose most against the 8 weeks before.

    Candidates are the words and two-word phrases of titles and of the role part of
    descriptions (Korean cut into nouns). Rows rank by ratio_low, the lower bound of the 95%
    interval of share / share_before, and only where it is at least 1.25; is_tag says whether the
    phrase already names a tag, tag the tag that at least half of its jobs carry. Phrases of
    exactly the same jobs are one row ("mcp (+5)"; --json lists them as alike).
    """
    from monitor.numbers.periods import last_complete_week
    from monitor.numbers.rising import FIELDS, rising

    if as_json and as_csv:
        raise click.UsageError("Choose one of --json and --csv.")
    week = last_complete_week(app.clock.today())
    start, end, label = _period(period, (week.start, week.end))
    if not period:
        label = week.label
    with app.db.session() as session:
        found = rising(
            session,
            app.clock,
            app.config.tags,
            start,
            end,
            listing_filters(filters),
            top=top,
            min_jobs=min_jobs,
            min_companies=min_companies,
            stale_after_days=app.config.http.stale_after_days,
        )
    if _printed_as_data(FIELDS, found.rows, as_json, as_csv):
        return
    out = console()
    if not found.rows:
        out.print(
            f"Nothing rose beyond noise in {label}: {found.jobs} jobs, against "
            f"{found.jobs_before} in the 8 weeks before (at least {min_jobs} jobs and "
            f"{min_companies} companies per phrase)."
        )
        return
    from rich.text import Text

    out.print(
        Text(
            f"Rising in {label}: {found.jobs} jobs, against {found.jobs_before} in "
            f"{found.before_start}..{found.before_end}"
        ),
        soft_wrap=False,
    )
    table = _table()
    table.add_column("phrase", overflow="ellipsis", no_wrap=True, max_width=30)
    for header in ("jobs", "firms", "share", "before", "ratio", "low"):
        table.add_column(header, justify="right", no_wrap=True)
    table.add_column("tag", overflow="ellipsis", no_wrap=True, max_width=20)
    for row in found.rows:
        tag = "(is a tag)" if row.is_tag else row.tag or "not a tag"
        more = f" (+{len(row.alike)})" if row.alike else ""
        table.add_row(
            Text(printable(row.phrase) + more),
            str(row.jobs),
            str(row.companies),
            _percent(row.share),
            _percent(row.share_before),
            "new" if row.ratio is None else f"{row.ratio:.1f}x",
            f"{row.ratio_low:.1f}x",
            Text(tag),
        )
    out.print(table, soft_wrap=False, crop=True)


@click.command()
@click.argument("term")
@click.option(
    "--period",
    metavar="PERIOD",
    help="YYYY-MM-DD, YYYY-Www or YYYY-MM (default: the last 26 weeks).",
)
@TOP
@click.option(
    "--min-jobs",
    type=click.IntRange(min=1),
    default=2,
    show_default=True,
    help="Show only phrases in at least N of the term's jobs.",
)
@filter_options
@_outputs
@click.pass_obj
def skills(
    app: App,
    term: str,
    period: str | None,
    top: int,
    min_jobs: int,
    as_json: bool,
    as_csv: bool,
    **filters: Any,
) -> None:
    """What the jobs with TERM ask for: phrases over-represented among them.

    TERM is a tag (key, label or alias) or any word, as in `jobtrend query`. Rows rank by z,
    the log-odds ratio (with an informative Dirichlet prior, Monroe et al. 2008) of a phrase in
    TERM's jobs against the other jobs of the period, over its standard error.
    """
    from monitor.numbers.periods import default_window
    from monitor.numbers.skills import FIELDS
    from monitor.numbers.skills import skills as find_skills

    if as_json and as_csv:
        raise click.UsageError("Choose one of --json and --csv.")
    start, end, label = _period(period, default_window(app.clock.today(), "week"))
    with app.db.session() as session:
        found = find_skills(
            session,
            app.clock,
            app.config.tags,
            term,
            start,
            end,
            listing_filters(filters),
            top=top,
            min_jobs=min_jobs,
            stale_after_days=app.config.http.stale_after_days,
        )
    if _printed_as_data(FIELDS, found.rows, as_json, as_csv):
        return
    out = console()
    what = f"{term} (tag {found.tag})" if found.tag not in (None, term) else term
    if not found.rows:
        out.print(
            f"No phrase stands out among the {found.term_jobs} jobs with {what!r} in {label} "
            f"({found.jobs} jobs in all)."
        )
        return
    from rich.text import Text

    out.print(
        Text(
            f"What {found.term_jobs} jobs with {what} ask for, against all {found.jobs} jobs "
            f"of {label}"
        ),
        soft_wrap=False,
    )
    table = _table()
    table.add_column("phrase", overflow="ellipsis", no_wrap=True, max_width=30)
    for header in ("jobs", "in term", "in all", "log-odds", "z"):
        table.add_column(header, justify="right", no_wrap=True)
    for row in found.rows:
        table.add_row(
            Text(printable(row.phrase)),
            str(row.jobs_both),
            _percent(row.share_in_term),
            _percent(row.share_all),
            f"{row.log_odds:.2f}",
            f"{row.z:.1f}",
        )
    out.print(table, soft_wrap=False, crop=True)


def register(group: click.Group) -> None:
    group.add_command(trending)
    group.add_command(skills)
