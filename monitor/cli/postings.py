"""``jobtrend postings``: the jobs behind a number, with links.

One term's jobs active in one period, each listed once, newest first, with every board it was
seen on: a table, JSON or CSV, read from :func:`monitor.numbers.listing.jobs`. Table cells are
``rich.text.Text``, so markup in a scraped title is printed as typed."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click

from monitor.cli.app import App, console, filter_options, print_json
from monitor.cli.export import listing_filters, open_output, write_csv

if TYPE_CHECKING:
    from monitor.numbers.listing import JobRow


@click.command()
@click.argument("term")
@click.option(
    "--period",
    metavar="PERIOD",
    help="YYYY-MM-DD, YYYY-Www or YYYY-MM (default: the current ISO week).",
)
@filter_options
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list of jobs.")
@click.option("--csv", "as_csv", is_flag=True, help="Print CSV.")
@click.option(
    "--limit", type=click.IntRange(min=1, max=10**9), help="At most N jobs (newest first)."
)
@click.pass_obj
def postings(
    app: App,
    term: str,
    period: str | None,
    as_json: bool,
    as_csv: bool,
    limit: int | None,
    **filters: Any,
) -> None:
    """The jobs behind a number: jobs active in a period that carry TERM, with links.

    TERM is a tag (key, label or alias) or any word, as in `jobtrend query`. Each job is listed
    once, newest first, with every board it was seen on.
    """
    from itertools import islice

    from monitor.numbers.listing import jobs
    from monitor.numbers.periods import parse_bound, period_of

    if as_json and as_csv:
        raise click.UsageError("Choose one of --json and --csv.")
    if period:
        start, end = parse_bound(period, "--period")
        label = period.strip()
    else:
        week = period_of(app.clock.today(), "week")
        start, end, label = week.start, week.end, week.label
    with app.db.session() as session:
        found = jobs(
            session,
            app.clock,
            term=term,
            taxonomy=app.config.tags,
            start=start,
            end=end,
            filters=listing_filters(filters),
            stale_after_days=app.config.http.stale_after_days,
        )
        rows = list(islice(found, limit))
        found.close()  # a --limit stops early: release the query now
    if as_json:
        print_json([row.as_dict() for row in rows])
    elif as_csv:
        with open_output(None, "utf-8") as stream:
            write_csv(stream, rows, lambda: None)
    elif not rows:
        console(stderr=True).print(f"No jobs with {term!r} were active in {label}.")
    else:
        _print_table(app, term, label, rows, limit)


def _print_table(app: App, term: str, label: str, rows: list[JobRow], limit: int | None) -> None:
    """One line per job in the terminal's width. Links are terminal hyperlinks where the
    terminal shows them; elsewhere each job has a number and its links follow the table whole,
    one per line, so that no link is ever broken or cut."""
    from rich import box
    from rich.table import Table
    from rich.text import Text

    from monitor.cli.app import supports_hyperlinks
    from monitor.cli.cells import fit, hyperlink
    from monitor.tagging import resolve_term

    out = console()
    tag = resolve_term(term, app.config.tags)
    what = f"{term} (tag {tag})" if tag is not None and tag != term else term
    more = " (limit reached)" if limit is not None and len(rows) == limit else ""
    linked = supports_hyperlinks(out)
    this_year = app.clock.today().year

    def day(value: object) -> str:
        local = app.clock.local_day(value)  # type: ignore[arg-type]
        return local.strftime("%m-%d") if local.year == this_year else str(local)

    headers = ["seen", "until", "title", "company", "where", "sources"]
    cells = []
    for number, row in enumerate(rows, start=1):
        last = "open" if row.closed_at is None else day(row.last_seen)
        where = row.location or row.country or ("remote" if row.remote else "")
        ref = [] if linked else [f"[{number}]"]
        cells.append(
            [*ref, day(row.first_seen), last, row.title, row.company, where, ", ".join(row.sources)]
        )
    headers = ([] if linked else ["#"]) + headers
    if linked:
        headers.append("links")
        for cell in cells:
            cell.append("x" * 24)  # the width the links take
    widths = fit(headers, cells, out.width, flexible="title", caps={"title": 60, "links": 24})
    table = Table(
        title=Text(f"{what}: {len(rows)} jobs active in {label}{more}"),
        box=box.SIMPLE_HEAD,
        pad_edge=False,
        collapse_padding=True,
    )
    for header, width in zip(headers, widths, strict=True):
        table.add_column(header, no_wrap=True, width=width)
    for cell, row in zip(cells, rows, strict=True):
        texts = [Text(value) for value in cell]
        if linked:
            texts[-1] = Text("\n").join(hyperlink(url, widths[-1]) for url in row.urls)
        table.add_row(*texts)
    out.print(table, soft_wrap=False, crop=True)
    if not linked:
        for number, row in enumerate(rows, start=1):
            for url in row.urls:
                out.print(Text(f"[{number}] {url}"))


def register(group: click.Group) -> None:
    group.add_command(postings)
