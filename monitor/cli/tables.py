"""Query rows as a rich table: one row per period, one column per term, sparklines below."""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import Console

from monitor.numbers.shares import Row
from reports.sparks import SPARKS as SPARKS
from reports.sparks import sparkline


def _format(row: Row, metric: str) -> str:
    if metric == "share":
        text = "-" if row.share is None else f"{row.share * 100:.1f}%"
    elif metric == "active":
        text = f"{row.active:.1f}"
    else:
        text = str(row.new)
    if row.too_few and metric == "share" and row.share is not None:
        text += "*"
    return text


def metric_value(row: Row, metric: str) -> float | None:
    return {"share": row.share, "active": row.active, "new": float(row.new)}[metric]


def print_table(
    rows: Sequence[Row], terms: Sequence[str], metric: str, out: Console | None = None
) -> None:
    """A period-by-term table of ``metric`` with a sparkline row per term."""
    from rich.table import Table
    from rich.text import Text

    periods = list(dict.fromkeys(row.period for row in rows))
    by_key = {(row.period, row.term): row for row in rows}
    title = {"share": "share of all jobs", "active": "jobs active (daily mean)", "new": "new jobs"}
    table = Table(title=title[metric], caption=_caption(rows, metric))
    table.add_column("period")
    for term in terms:
        table.add_column(Text(term), justify="right")
    table.add_column("all jobs", justify="right", style="dim")
    for period in periods:
        cells = [Text(_format(by_key[(period, term)], metric)) for term in terms]
        first = by_key[(period, terms[0])]
        label = period + (" (so far)" if first.partial else "")
        table.add_row(label, *cells, f"{first.jobs_total:.0f}")
    if len(periods) > 1:
        sparks = [
            sparkline([metric_value(by_key[(p, term)], metric) for p in periods]) for term in terms
        ]
        table.add_section()
        table.add_row("trend", *[Text(s, style="cyan") for s in sparks], "")
    verdicts = [by_key[(periods[-1], term)].trend for term in terms] if periods else []
    if any(v is not None for v in verdicts):
        table.add_row("verdict", *[Text(VERDICT_WORDS.get(v or "", "–")) for v in verdicts], "")
    (out or Console(highlight=False)).print(table)


VERDICT_WORDS = {"rising": "↑ rising", "falling": "↓ falling", "flat": "no clear change"}


def _caption(rows: Sequence[Row], metric: str) -> str | None:
    notes = []
    if any(row.trend is not None for row in rows):
        notes.append(
            "verdict: the weekly share's weighted least-squares slope over complete weeks, "
            "rising or falling when its 95% interval excludes zero (– fewer than 8 weeks or "
            "5 jobs)"
        )
    if metric == "share" and any(row.too_few for row in rows):
        notes.append("* fewer than 5 jobs: too few to read as a trend")
    return "; ".join(notes) or None
