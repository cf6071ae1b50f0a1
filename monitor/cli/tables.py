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


def change_text(row: Row) -> str:
    """``+3``, ``-2``, ``0``; ``new`` for a company with jobs now and none before; ``–`` when
    the span before is not compared."""
    if row.change is None or row.previous_active is None:
        return "–"
    if row.previous_active == 0 and row.change > 0:
        return "new"
    return f"{row.change:+d}" if row.change else "0"


def print_company_changes(
    rows: Sequence[Row], term: str, span: str, before: str, out: Console | None = None
) -> None:
    """One line per company for ``term``: its jobs in ``span``, in ``before`` (the span of the
    same length right before), and the change; notes saying so below, wrapped to the width."""
    from rich import box
    from rich.cells import cell_len
    from rich.table import Table
    from rich.text import Text

    from monitor.cli.app import printable

    out = out or Console(highlight=False)
    firsts = list({row.group: row for row in rows if row.term == term}.values())
    headers = ["company", "jobs", "before", "change"]
    cells = [
        [
            printable(row.group or ""),
            str(row.jobs),
            "–" if row.previous_active is None else str(row.previous_active),
            change_text(row),
        ]
        for row in firsts
    ]
    # Widths in terminal cells (a Hangul syllable takes two): the numbers whole, the company
    # what is left of the line (at most 60), cut with an ellipsis.
    numbers = [max(len(h), *(len(c[i]) for c in cells)) for i, h in enumerate(headers) if i]
    longest = max([len(headers[0])] + [cell_len(c[0]) for c in cells])
    room = out.width - sum(numbers) - 2 * len(headers)
    widths = [max(7, min(longest, 60, room)), *numbers]
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, collapse_padding=True)
    for header, width in zip(headers, widths, strict=True):
        justify = "left" if header == "company" else "right"
        table.add_column(header, no_wrap=True, width=width, justify=justify)  # type: ignore[arg-type]
    for cell in cells:
        name = Text(cell[0])
        name.truncate(widths[0], overflow="ellipsis")
        table.add_row(name, *[Text(value) for value in cell[1:]])
    out.print(Text(f"{term}: jobs by company", style="bold"))
    out.print(table, soft_wrap=False, crop=True)
    notes = [
        f"jobs: distinct jobs with the term on some day of {span}; before: the same over "
        f"{before}; new: none before."
    ]
    if any(row.previous_active is None for row in firsts):
        notes.append(
            "–: the span before starts before the first run, so there is nothing to compare "
            "with; a later --since compares."
        )
    for note in notes:
        out.print(Text(note, style="dim"), soft_wrap=False)


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
