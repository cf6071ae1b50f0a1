"""``jobtrend tags``: the taxonomy, why a text matches, and re-tagging stored history."""

from __future__ import annotations

import contextlib
import json
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import click

from monitor.cli.app import App, console, print_json
from monitor.errors import UsageError


@click.group()
def tags() -> None:
    """The topic taxonomy."""


@tags.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_obj
def list_tags(app: App, as_json: bool) -> None:
    """List the tags with their aliases, groups, exclusions and implications."""
    from rich.table import Table
    from rich.text import Text

    taxonomy = app.config.tags
    rows: list[dict[str, Any]] = [
        {
            "tag": key,
            "label": tag.label,
            "any": list(tag.any),
            "all": [list(group) for group in tag.all],
            "exclude": list(tag.exclude),
            "implies": list(tag.implies),
        }
        for key, tag in sorted(taxonomy.items())
    ]
    if as_json:
        print_json(rows)
        return
    table = Table(title="tags")
    for column in ("tag", "label", "any", "all", "exclude", "implies"):
        table.add_column(column, overflow="fold")
    for row in rows:
        table.add_row(
            Text(str(row["tag"])),
            Text(str(row["label"])),
            Text(", ".join(row["any"])),
            Text(" + ".join("(" + " | ".join(g) + ")" for g in row["all"])),
            Text(", ".join(row["exclude"])),
            Text(", ".join(row["implies"])),
        )
    console().print(table)


def _explain(app: App, text: str, title_end: int = 0) -> dict[str, Any]:
    """What ``tags explain`` prints: the counted matches with their part, the occurrences left
    out and why, and how many units (lines or sentences) of each part the text has."""
    from monitor.parts import Parts
    from monitor.tagging import fold_text

    explained = app.tagger.explain_all(text, role_until=title_end)
    found = {
        key: [
            {"alias": m.alias, "start": m.start, "end": m.end, "part": m.part, "why": m.why}
            for m in hit.matches
        ]
        for key, hit in explained.tags.items()
    }
    implied = {key: hit.implied_by for key, hit in explained.tags.items() if hit.implied_by}
    ignored = [
        {
            "tag": i.tag,
            "alias": i.alias,
            "start": i.start,
            "end": i.end,
            "part": i.part,
            "why": i.why,
        }
        for i in explained.ignored
    ]
    parts: dict[str, int] = {}
    folded = fold_text(text)
    for unit in Parts(folded, len(fold_text(text[:title_end]))).units():
        name = "company (what it makes)" if unit.part == "company" and unit.product else unit.part
        parts[name] = parts.get(name, 0) + 1
    return {"tags": found, "implied_by": implied, "ignored": ignored, "parts": parts}


def _line_text(line: str, number: int, source: str) -> tuple[str, int]:
    """A JSONL line's text and where its title ends (0 for a bare text)."""
    try:
        record = json.loads(line)
    except json.JSONDecodeError:
        raise UsageError(f"{source} line {number} is not JSON.") from None
    if isinstance(record, dict) and isinstance(record.get("text"), str):
        return record["text"], 0
    if isinstance(record, dict) and isinstance(record.get("title"), str):
        return f"{record['title']}\n{record.get('description') or ''}", len(record["title"])
    raise UsageError(
        f"{source} line {number} has neither a 'text' field nor 'title' + 'description'."
    )


def _utf8_lines(stream: Any, name: str) -> Iterator[str]:
    """The lines of a text stream; bytes that are not UTF-8 are one sentence, not a traceback."""
    try:
        yield from stream
    except UnicodeDecodeError as exc:
        raise UsageError(
            f"{name} is not UTF-8 text (byte {exc.object[exc.start]:#04x}); save it as UTF-8."
        ) from None


@tags.command("explain")
@click.argument("text", required=False)
@click.option(
    "--file",
    "file",
    type=click.Path(exists=True, dir_okay=False, allow_dash=True),
    help='JSONL file: one {"text"} or {"title", "description"} per line (\'-\' for stdin).',
)
@click.option(
    "--json", "as_json", is_flag=True, help="Print JSON (one object per line with --file)."
)
@click.pass_obj
def explain(app: App, text: str | None, file: str | None, as_json: bool) -> None:
    """Show which tags TEXT matches, which alias matched where (code-point offsets) and in
    which part of the text, which occurrences were ignored and why, and how many lines or
    sentences of each part the text has (role, company, benefits, equal_opportunity, legal,
    application)."""
    if (text is None) == (file is None):
        raise UsageError("Give either a TEXT or --file FILE (one of them).")
    if file is not None:
        stream = sys.stdin if file == "-" else Path(file).open(encoding="utf-8")  # noqa: SIM115
        with stream:
            for number, line in enumerate(_utf8_lines(stream, file), start=1):
                if not line.strip():
                    continue
                result = _explain(app, *_line_text(line, number, file))
                if as_json:
                    sys.stdout.write(json.dumps(result, ensure_ascii=False) + "\n")
                else:
                    click.echo(f"{number}: {', '.join(result['tags']) or '(no tags)'}")
        return
    assert text is not None
    result = _explain(app, text)
    if as_json:
        print_json(result)
        return
    from rich.text import Text

    out = console()
    if not result["tags"]:
        out.print("no tags match")
    for key, hits in result["tags"].items():
        label = app.config.tags[key].label if key in app.config.tags else key
        if key in result["implied_by"]:
            out.print(Text(f"{key} ({label}): implied by {result['implied_by'][key]}"))
            continue
        where = "; ".join(
            f"{h['alias']!r} at {h['start']}-{h['end']} {text[h['start'] : h['end']]!r} "
            f"in {h['part']} ({h['why']})"
            for h in hits
        )
        out.print(Text(f"{key} ({label}): {where}"))
    for i in result["ignored"]:
        out.print(
            Text(
                f"ignored {i['tag']}: {i['alias']!r} at {i['start']}-{i['end']} "
                f"{text[i['start'] : i['end']]!r} in {i['part']}: {i['why']}"
            )
        )
    if result["parts"]:
        out.print(Text("parts read: " + ", ".join(f"{k} {n}" for k, n in result["parts"].items())))


@contextlib.contextmanager
def _progress(enabled: bool) -> Iterator[Callable[[str, int, int | None], None]]:
    """A progress callback: a bar on stderr when someone watches it, else nothing."""
    if not enabled:
        yield lambda _step, _done, _size: None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=console(stderr=True), transient=True) as bar:
        tasks: dict[str, Any] = {}

        def update(step: str, done: int, size: int | None) -> None:
            if step not in tasks:
                for earlier in tasks.values():
                    bar.update(earlier, visible=False)
                tasks[step] = bar.add_task(step, total=size)
            bar.update(tasks[step], completed=done)

        yield update


@tags.command("retag")
@click.pass_obj
def retag(app: App) -> None:
    """Re-tag every stored posting with the current taxonomy and rebuild the counts.

    Each posting's words (the index that answers one-word ad-hoc terms) and candidate phrases
    (what trending and skills count) are derived again too.
    """
    from monitor.retag import retag_all

    stale_after_days = app.config.http.stale_after_days
    with app.db.session() as session, _progress(sys.stderr.isatty()) as progress:
        changed, total = retag_all(session, app.tagger, app.clock, stale_after_days, progress)
    console(stderr=True).print(
        f"re-tagged {total} postings; {changed} changed tags; counts rebuilt"
    )


def register(group: click.Group) -> None:
    group.add_command(tags)
