"""``jobtrend export``: every job (or a range's) with its tags, streamed.

CSV in UTF-8 with a BOM (so Excel shows Korean) or JSON Lines, read from
:func:`monitor.numbers.listing.jobs`, which counts by the rules of the numbers. The CSV and
output helpers here serve ``jobtrend postings`` too.

Scraped text is untrusted: CSV cells that a spreadsheet would read as a formula are
neutralised.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import sys
from collections.abc import Callable, Iterable, Iterator
from itertools import chain
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

import click

from monitor.cli.app import App, console, filter_options
from monitor.errors import UsageError

if TYPE_CHECKING:
    from datetime import date

    from monitor.numbers.listing import JobRow

# A cell starting with one of these is a formula (or starts one) in Excel, LibreOffice and
# Google Sheets; a leading apostrophe makes it text. Tab and CR are OWASP's additions.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# Separators of list fields inside one CSV cell (URLs never contain a space).
JOINERS = {"urls": " "}
DEFAULT_JOINER = "; "


def neutralise(cell: str) -> str:
    """The cell as text a spreadsheet will not evaluate."""
    return "'" + cell if cell.startswith(FORMULA_START) else cell


def csv_cells(row: JobRow) -> list[str]:
    """One CSV record: empty for None, true/false, list fields joined, formulas neutralised."""
    cells = []
    for name, value in row.as_dict().items():
        if value is None:
            text = ""
        elif isinstance(value, bool):
            text = "true" if value else "false"
        elif isinstance(value, list):
            text = JOINERS.get(name, DEFAULT_JOINER).join(value)
        else:
            text = str(value)
        cells.append(neutralise(text))
    return cells


def write_csv(stream: IO[str], rows: Iterable[JobRow], tick: Callable[[], None]) -> int:
    from monitor.numbers.listing import FIELDS

    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow(FIELDS)
    count = 0
    for row in rows:
        writer.writerow(csv_cells(row))
        count += 1
        tick()
    return count


def write_jsonl(stream: IO[str], rows: Iterable[JobRow], tick: Callable[[], None]) -> int:
    count = 0
    for row in rows:
        stream.write(json.dumps(row.as_dict(), ensure_ascii=False) + "\n")
        count += 1
        tick()
    return count


@contextlib.contextmanager
def open_output(path: str | None, encoding: str) -> Iterator[IO[str]]:
    """A text stream to FILE or stdout in ``encoding``.

    A file is written under a temporary name and renamed at the end, so an export that fails
    half-way leaves no truncated file that looks complete.
    """
    if path is None or path == "-":
        # Through the byte stream: the BOM and UTF-8 must not depend on the terminal's locale.
        sys.stdout.flush()  # anything already written as text goes first
        stream = io.TextIOWrapper(sys.stdout.buffer, encoding=encoding, newline="")
        try:
            yield stream
            stream.flush()
        finally:
            stream.detach()  # leave stdout itself open
        return
    target = Path(path)
    partial = target.with_name(target.name + ".part")
    try:
        handle = partial.open("w", encoding=encoding, newline="")
    except OSError as exc:
        raise UsageError(f"Cannot write {path}: {exc.strerror or exc}.") from None
    try:
        with handle:
            yield handle
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)


@contextlib.contextmanager
def _progress(enabled: bool) -> Iterator[Callable[[], None]]:
    """A callable to call once per row: a live count on stderr when enabled, else nothing."""
    if not enabled:
        yield lambda: None
        return
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    columns = (
        SpinnerColumn(),
        TextColumn("exporting: {task.completed} jobs"),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=console(stderr=True), transient=True) as progress:
        task = progress.add_task("export", total=None)
        yield lambda: progress.advance(task)


def _range(since: str | None, until: str | None) -> tuple[date | None, date | None]:
    from monitor.numbers.periods import parse_bound

    start = parse_bound(since, "--since")[0] if since else None
    end = parse_bound(until, "--until")[1] if until else None
    if start is not None and end is not None and start > end:
        raise UsageError(f"--since {since} is after --until {until}.")
    return start, end


def listing_filters(values: dict[str, Any]) -> Any:
    from monitor.numbers.listing import Filters

    return Filters(
        sources=list(values.get("sources", ())),
        countries=list(values.get("countries", ())),
        level=values.get("level"),
        companies=list(values.get("companies", ())),
    )


@click.command()
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["csv", "jsonl"]),
    help="csv (UTF-8 with BOM, for Excel) or jsonl (default: from -o's suffix, else csv).",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, allow_dash=True),
    help="Write to FILE instead of stdout.",
)
@filter_options
@click.option(
    "--since", metavar="PERIOD", help="Only jobs active from: YYYY-MM-DD, YYYY-Www or YYYY-MM."
)
@click.option("--until", metavar="PERIOD", help="Only jobs active until (inclusive), same forms.")
@click.pass_obj
def export(
    app: App,
    fmt: str | None,
    output: str | None,
    since: str | None,
    until: str | None,
    **filters: Any,
) -> None:
    """Export every job with its tags (default: all history), streamed.

    One row per job, not per posting: a job on two boards has both sources and both links.
    JSONL lines carry `title` and `description`, so `jobtrend tags explain --file` reads them.
    """
    from monitor.numbers.listing import jobs

    if fmt is None:
        suffix = Path(output).suffix.lower() if output and output != "-" else ""
        fmt = "jsonl" if suffix in (".jsonl", ".ndjson", ".json") else "csv"
    start, end = _range(since, until)
    to_file = output is not None and output != "-"
    # Progress only where someone watches it and it cannot mix with the data on the terminal.
    show = sys.stderr.isatty() and (to_file or not sys.stdout.isatty())
    encoding = "utf-8-sig" if fmt == "csv" else "utf-8"  # the BOM is for Excel only
    writer = write_csv if fmt == "csv" else write_jsonl
    with app.db.session() as session:
        rows = jobs(
            session,
            app.clock,
            start=start,
            end=end,
            filters=listing_filters(filters),
            stale_after_days=app.config.http.stale_after_days,
        )
        # The first row before any output: a bad option (an unknown source) then fails with
        # nothing written, not after a CSV header.
        first = next(rows, None)
        items = rows if first is None else chain([first], rows)
        with open_output(output, encoding) as stream, _progress(show) as tick:
            count = writer(stream, items, tick)
    if to_file:
        console(stderr=True).print(f"wrote {count} jobs to {output}")


def register(group: click.Group) -> None:
    group.add_command(export)
