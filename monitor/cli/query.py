"""``jobtrend query`` and ``jobtrend chart``: the numbers as a table, JSON, CSV or a chart."""

from __future__ import annotations

import csv
import re
import sys
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from monitor.cli.app import App, console, filter_options, print_json

if TYPE_CHECKING:
    from monitor.numbers.shares import Row

MAX_TOP = 10_000

FIELDS = (
    "period",
    "term",
    "tag",
    "active",
    "new",
    "share",
    "share_low",
    "share_high",
    "jobs_total",
    "too_few",
    "partial",
    "trend",
)


# The columns --group-by company adds (monitor.numbers.shares.Row).
COMPARED = ("jobs", "previous_active", "change")


def query_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """The filters shared by query and chart."""
    options = [
        click.argument("terms", nargs=-1, required=True),
        click.option(
            "--since", metavar="PERIOD", help="First period: YYYY-MM-DD, YYYY-Www or YYYY-MM."
        ),
        click.option("--until", metavar="PERIOD", help="Last period (inclusive), same forms."),
        click.option(
            "--by", type=click.Choice(["day", "week", "month"]), default="week", show_default=True
        ),
        click.option(
            "--metric",
            type=click.Choice(["share", "active", "new"]),
            default="share",
            show_default=True,
            help="The number shown in the table and chart (JSON carries all).",
        ),
        click.option(
            "--group-by",
            type=click.Choice(["country", "company", "source"]),
            help=(
                "One series per group; shares are within each group. By company: the "
                "companies with the most jobs for the terms, each with its jobs in the span "
                "against the span of the same length before it (new: none before)."
            ),
        ),
        click.option(
            "--top",
            type=click.IntRange(min=1, max=MAX_TOP),
            default=10,
            show_default=True,
            help="How many groups --group-by shows (the largest; companies: most jobs).",
        ),
    ]
    for option in reversed(options):
        func = option(func)
    return filter_options(func)


def query_span(app: App, since: str | None, until: str | None, by: str) -> tuple[date, date]:
    """The first and last day a query covers: --since/--until, else the default window."""
    from monitor.errors import UsageError
    from monitor.numbers.periods import default_window, parse_bound

    default_start, default_end = default_window(app.clock.today(), by)  # type: ignore[arg-type]
    start = parse_bound(since, "--since")[0] if since else default_start
    end = parse_bound(until, "--until")[1] if until else default_end
    if since and not until:
        end = max(end, start)
    if start > end:
        raise UsageError(f"--since {since} is after --until {until}.")
    return start, end


def run_query_with_verdicts(
    app: App,
    terms: Sequence[str],
    since: str | None,
    until: str | None,
    by: str,
    **filters: Any,
) -> list[Row]:
    """``run_query``'s rows, each carrying its term's trend verdict over the span's complete
    weeks (asked again by week, over the same days, when the rows are by day or month)."""
    from monitor.numbers.verdict import MIN_WEEKS, complete_week_count, with_verdicts

    start, end = query_span(app, since, until, by)
    rows = rows_between(app, terms, start, end, by, **filters)
    if complete_week_count(start, end, app.clock.today()) < MIN_WEEKS:
        return rows  # no verdict can be given: not worth asking by week
    weekly = rows if by == "week" else rows_between(app, terms, start, end, "week", **filters)
    return with_verdicts(rows, weekly, start, end)


def run_query(
    app: App,
    terms: Sequence[str],
    since: str | None,
    until: str | None,
    by: str,
    **filters: Any,
) -> list[Row]:
    start, end = query_span(app, since, until, by)
    return rows_between(app, terms, start, end, by, **filters)


def rows_between(
    app: App,
    terms: Sequence[str],
    start: date,
    end: date,
    by: str,
    **filters: Any,
) -> list[Row]:
    from monitor.errors import UsageError
    from monitor.numbers.fastquery import fast_trend
    from monitor.tagging import resolve_term

    if any(not term.strip() for term in terms):
        raise UsageError("A TERM is blank; give a tag (llm) or a word to search for.")

    if not any(
        filters.get(key) for key in ("sources", "countries", "level", "companies", "group_by")
    ):
        resolved = {term: resolve_term(term, app.config.tags) for term in terms}
        rows = fast_trend(
            app.config.database_url,
            app.clock,
            resolved,
            list(terms),
            start,
            end,
            by,  # type: ignore[arg-type]
            app.config.http.stale_after_days,
        )
        if rows is not None:
            return rows

    from monitor.numbers.trends import TrendQuery, trend

    query = TrendQuery(
        terms=list(terms),
        start=start,
        end=end,
        by=by,  # type: ignore[arg-type]
        sources=list(filters.get("sources", ())),
        countries=list(filters.get("countries", ())),
        level=filters.get("level"),
        companies=list(filters.get("companies", ())),
        group_by=filters.get("group_by"),
        top=filters.get("top", 10),
        stale_after_days=app.config.http.stale_after_days,
    )
    with app.db.session() as session:
        return trend(session, app.clock, app.config.tags, query)


def print_csv(rows: Sequence[Row]) -> None:
    """Rows as CSV; with --group-by a last column ``group``. Text cells (a term as typed, a
    scraped company name) are neutralised so that a spreadsheet never runs them."""
    from monitor.cli.export import neutralise

    grouped = any(row.group is not None for row in rows)
    fields = (*FIELDS, "group") if grouped else FIELDS
    if any(row.compared for row in rows):
        fields = (*fields, *COMPARED)
    writer = csv.DictWriter(sys.stdout, fieldnames=fields, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        cells = row.as_dict()
        writer.writerow(
            {
                key: neutralise(value) if isinstance(value, str) else value
                for key, value in cells.items()
            }
        )


@click.command()
@query_options
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list of rows.")
@click.option("--csv", "as_csv", is_flag=True, help="Print CSV rows.")
@click.pass_obj
def query(
    app: App,
    terms: tuple[str, ...],
    since: str | None,
    until: str | None,
    by: str,
    metric: str,
    as_json: bool,
    as_csv: bool,
    **filters: Any,
) -> None:
    """How many jobs mention each TERM, period by period.

    A TERM naming a tag (its key, label or an alias: llm, "멀티모달 LLM") uses the tag;
    anything else is searched in the stored text with the same matching rules. Default: the
    last 26 weeks, weekly, as a share of all jobs.

    With --group-by company each company's rows also carry jobs (its distinct jobs with the
    term on some day of the span), previous_active (the same over the span of the same
    length right before it; null when that starts before the first run) and change (jobs
    minus previous_active); the table lists them after the companies, "new" where there
    were none before.
    """
    if as_json and as_csv:
        raise click.UsageError("Choose one of --json and --csv.")
    rows = run_query_with_verdicts(app, terms, since, until, by, **filters)
    if as_json:
        print_json([row.as_dict() for row in rows])
        return
    if as_csv:
        print_csv(rows)
        return
    from rich.text import Text

    from monitor.cli.tables import print_table

    if not rows:
        console(stderr=True).print("No data yet for that range: run `jobtrend scrape` first.")
    elif filters.get("group_by"):
        for group in dict.fromkeys(row.group for row in rows):
            console().print(Text(f"{filters['group_by']}: {group}", style="bold"))
            print_table([r for r in rows if r.group == group], list(dict.fromkeys(terms)), metric)
        if filters["group_by"] == "company":
            _print_companies(app, rows, list(dict.fromkeys(terms)), since, until, by)
    else:
        print_table(rows, list(dict.fromkeys(terms)), metric)


def _print_companies(
    app: App,
    rows: Sequence[Row],
    terms: Sequence[str],
    since: str | None,
    until: str | None,
    by: str,
) -> None:
    """After the companies' period tables, each term's companies side by side: jobs in the
    span, in the span before, and the change."""
    from monitor.cli.tables import print_company_changes
    from monitor.numbers.trends import span_before

    start, end = query_span(app, since, until, by)
    counted_end = min(end, app.clock.today())
    first, last = span_before(start, end, counted_end)
    for term in terms:
        print_company_changes(rows, term, f"{start}..{counted_end}", f"{first}..{last}", console())


def default_chart_name(terms: Sequence[str]) -> str:
    slug = "-".join(re.sub(r"[^\w]+", "_", term).strip("_") for term in terms) or "chart"
    return f"jobtrend-{slug[:80]}.png"


@click.command()
@query_options
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False),
    help="PNG or SVG file (default: jobtrend-<terms>.png).",
)
@click.pass_obj
def chart(
    app: App,
    terms: tuple[str, ...],
    since: str | None,
    until: str | None,
    by: str,
    metric: str,
    output: str | None,
    **filters: Any,
) -> None:
    """Draw a trend chart of TERMs (PNG or SVG)."""
    from monitor.cli.tables import metric_value
    from monitor.tagging import resolve_term
    from reports.charts import Point, Series, render_chart
    from reports.palette import term_colours

    rows = run_query(app, terms, since, until, by, **filters)
    if not rows:
        console(stderr=True).print("No data yet for that range: run `jobtrend scrape` first.")
        raise click.exceptions.Exit(1)
    unique_terms = list(dict.fromkeys(terms))
    groups = list(dict.fromkeys(row.group for row in rows)) or [None]
    # A term keeps its colour (by its tag's place in the taxonomy) in every chart and report.
    keys = {term: resolve_term(term, app.config.tags) or term for term in unique_terms}
    colours = term_colours(list(keys.values()), list(app.config.tags))
    series = []
    for term, group in ((t, g) for g in groups for t in unique_terms):
        points = []
        for row in rows:
            if row.term != term or row.group != group:
                continue
            start = _period_start(row.period, by)
            value = metric_value(row, metric)
            points.append(
                Point(
                    period=start,
                    value=value,
                    low=row.share_low if metric == "share" else None,
                    high=row.share_high if metric == "share" else None,
                    partial=row.partial,
                    too_few=row.too_few,
                )
            )
        label = term if group is None else f"{term} · {group}"
        colour = colours[keys[term]] if group is None else None
        series.append(Series(label=label, points=tuple(points), colour=colour))
    path = Path(output or default_chart_name(unique_terms))
    sources = filters.get("sources") or ()
    subtitle_bits = [f"sources: {', '.join(sources)}" if sources else "all sources"]
    for key, name in (("countries", "country"), ("companies", "company")):
        if filters.get(key):
            subtitle_bits.append(f"{name}: {', '.join(filters[key])}")
    if filters.get("level"):
        subtitle_bits.append(f"level: {filters['level']}")
    subtitle_bits.append(f"as of {app.clock.today():%Y-%m-%d}")
    title = " / ".join(unique_terms)
    written = render_chart(
        series, path, title=title, metric=metric, by=by, subtitle=" · ".join(subtitle_bits)
    )
    console(stderr=True).print(f"wrote {written}")


def _period_start(label: str, by: str) -> Any:
    from monitor.numbers.periods import parse_bound

    return parse_bound(label, "period")[0]


def register(group: click.Group) -> None:
    group.add_command(query)
    group.add_command(chart)
