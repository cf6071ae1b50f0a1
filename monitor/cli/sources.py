"""``jobtrend sources``: the kinds, the configured sources, and parsing a saved response."""

from __future__ import annotations

import dataclasses
import tomllib
import typing
from pathlib import Path
from typing import Any

import click

from monitor.cli.app import App, console, print_json
from monitor.errors import ConfigError, UsageError


@click.group()
def sources() -> None:
    """Source kinds and configured sources."""


@sources.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_obj
def list_sources(app: App, as_json: bool) -> None:
    """List the source kinds (with their options) and the configured sources."""
    from rich.table import Table
    from rich.text import Text

    from scrapers.base import describe_options, kinds, source_class

    kind_rows: list[dict[str, Any]] = []
    for kind in kinds():
        cls = source_class(kind)
        options = [
            {
                "name": name,
                "type": tp,
                "default": None if default is dataclasses.MISSING else default,
            }
            for name, tp, default in describe_options(cls)
        ]
        kind_rows.append(
            {
                "kind": kind,
                "description": cls.description,
                "options": options,
                "query_filtered": cls.query_filtered,
                "default_schedule": cls.default_schedule,
            }
        )
    configured: list[dict[str, Any]] = [
        {
            "name": src.name,
            "kind": src.kind,
            "enabled": src.enabled,
            "schedule": src.schedule,
            "query_filtered": src.build().is_query_filtered(),
            "options": dataclasses.asdict(src.options),
        }
        for src in app.config.sources
    ]
    if as_json:
        print_json({"kinds": kind_rows, "sources": configured})
        return
    out = console()
    table = Table(title="source kinds")
    table.add_column("kind")
    table.add_column("description")
    table.add_column("options")
    for row in kind_rows:
        opts = ", ".join(
            f"{o['name']}" + ("" if o["default"] is None else f"={o['default']!r}")
            for o in row["options"]
        )
        table.add_row(str(row["kind"]), str(row["description"]), Text(opts or "-"))
    out.print(table)
    if configured:
        mine = Table(title=f"configured in {app.config.path}")
        for column in ("name", "kind", "enabled", "schedule", "options"):
            mine.add_column(column)
        for src in configured:
            opts = ", ".join(f"{k}={v!r}" for k, v in src["options"].items())
            mine.add_row(
                Text(str(src["name"])),
                str(src["kind"]),
                str(src["enabled"]),
                str(src["schedule"]),
                Text(opts),
            )
        out.print(mine)
    else:
        out.print("No sources configured yet: see config.example.toml or run `jobtrend init`.")


def _option_value(text: str) -> Any:
    try:
        return tomllib.loads(f"v = {text}")["v"]
    except tomllib.TOMLDecodeError:
        return text


def _kind_options(
    kind: str, pairs: tuple[str, ...], page_url: str | None = None, zone: str | None = None
) -> Any:
    from scrapers.base import build_options, is_kind, source_class

    if not is_kind(kind):
        raise UsageError(f"Unknown kind {kind!r}; `jobtrend sources list` shows the kinds.")
    cls = source_class(kind)
    # A kind may name stand-in options that let a saved file parse (work24 needs a filter).
    raw: dict[str, Any] = dict(getattr(cls.Options, "parse_placeholder", {}))
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise UsageError(f"--option {pair!r} must look like key=value.")
        raw[key.strip()] = _option_value(value.strip())
    # Parsing a saved file needs no board name: fill required text options with a blank, and
    # give page kinds (rss, jsonld, html) the page's address when none was named.
    hints = typing.get_type_hints(cls.Options)
    names = {f.name for f in dataclasses.fields(cls.Options)}
    if "timezone" in names and "timezone" not in raw and zone:
        raw["timezone"] = zone  # naive times in the configured zone, as a configured source
    if "url" in names and not raw.keys() & {"url", "urls", "sitemap"}:
        raw["url"] = page_url or "https://saved-page.invalid/"
    for field in dataclasses.fields(cls.Options):
        required = (
            field.default is dataclasses.MISSING and field.default_factory is dataclasses.MISSING
        )
        if required and field.name not in raw and hints[field.name] is str:
            raw[field.name] = ""
    try:
        return cls, build_options(cls, raw)
    except ConfigError as exc:
        raise UsageError(f"--option {exc.key}: {exc}.") from None


@sources.command("parse")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--kind", help="Parse as this kind.")
@click.option(
    "--source", "source_name", metavar="NAME", help="Parse with this configured source's options."
)
@click.option(
    "--option",
    "options",
    multiple=True,
    metavar="KEY=VALUE",
    help="An option of the kind (repeat).",
)
@click.option("--url", default=None, help="The URL the file was fetched from (for relative links).")
@click.option("--json", "as_json", is_flag=True, help="Print the postings as JSON.")
@click.pass_obj
def parse_file(
    app: App,
    file: Path,
    kind: str | None,
    source_name: str | None,
    options: tuple[str, ...],
    url: str | None,
    as_json: bool,
) -> None:
    """Parse a saved response FILE and print its postings (no network, no database)."""
    from monitor.normalise import normalise

    if bool(kind) == bool(source_name):
        raise UsageError("Give exactly one of --kind KIND or --source NAME.")
    if source_name:
        if options:
            raise UsageError("--option goes with --kind; --source uses the configured options.")
        src_config = app.config.source(source_name)
        source = src_config.build()
        company = src_config.company
        name = src_config.name
    else:
        assert kind is not None
        cls, opts = _kind_options(kind, options, url, app.config.timezone)
        source = cls("parse", opts)
        # No configured name to fall back on: a posting without a company shows none.
        company, name = None, ""
    body = file.read_bytes()
    postings, next_url = source.parse(body, url or file.resolve().as_uri())
    rows = []
    for raw in postings:
        posting = normalise(raw, company=company, fallback_company=name)
        rows.append(
            {
                "external_id": posting.external_id,
                "title": posting.title,
                "company": posting.company or None,
                "location": posting.location,
                "url": posting.url,
                "posted_at": _iso(posting.posted_at),
                "deadline_at": _iso(posting.deadline_at),
                "country": posting.country,
                "remote": posting.remote,
                "employment_type": posting.employment_type,
                "level": posting.level,
                "years_min": posting.years_min,
                "years_max": posting.years_max,
                "description": posting.description,
            }
        )
    if as_json:
        print_json(rows)
        return
    from rich.table import Table
    from rich.text import Text

    table = Table(
        title=f"{len(rows)} postings in {file.name}",
        caption=f"next page: {next_url}" if next_url else None,
    )
    for column in ("id", "title", "company", "location", "posted (UTC)"):
        table.add_column(column, overflow="fold")
    for row in rows:
        table.add_row(
            *(Text(str(row[k] or "")) for k in ("external_id", "title", "company", "location")),
            str(row["posted_at"] or ""),
        )
    console().print(table)


def _iso(value: Any) -> str | None:
    return value.isoformat().replace("+00:00", "Z") if value is not None else None


def register(group: click.Group) -> None:
    group.add_command(sources)


@sources.command("test")
@click.argument("name")
@click.option("--json", "as_json", is_flag=True, help="Print the postings as JSON.")
@click.pass_obj
def test_source(app: App, name: str, as_json: bool) -> None:
    """Fetch a configured source now and show what it returns, storing nothing."""
    from monitor.pipeline import fetch_source, http_policy
    from scrapers.http import HttpClient

    src = app.config.source(name)
    with HttpClient(http_policy(app.config)) as client:
        outcome = fetch_source(src, client, app.clock)
    rows = [
        {
            "external_id": p.external_id,
            "title": p.title,
            "company": p.company,
            "location": p.location,
            "url": p.url,
            "posted_at": _iso(p.posted_at),
            "tags": sorted(app.tagger.tags_for(p.title, p.description)),
        }
        for p in outcome.postings
    ]
    if as_json:
        print_json(
            {
                "status": outcome.status,
                "error": outcome.error,
                "skipped": outcome.skipped,
                "postings": rows,
            }
        )
    else:
        from rich.table import Table
        from rich.text import Text

        out = console()
        table = Table(
            title=f"{name}: {outcome.status}, {len(rows)} postings, {outcome.requests} requests"
        )
        for column in ("id", "title", "company", "location", "posted (UTC)", "tags"):
            table.add_column(column, overflow="fold")
        for row in rows[:50]:
            table.add_row(
                *(Text(str(row[k] or "")) for k in ("external_id", "title", "company", "location")),
                str(row["posted_at"] or ""),
                ", ".join(row["tags"]),  # type: ignore[arg-type]
            )
        out.print(table)
        if len(rows) > 50:
            out.print(f"... and {len(rows) - 50} more")
        if outcome.skipped:
            out.print(Text(f"skipped {len(outcome.skipped)}: " + "; ".join(outcome.skipped[:5])))
    from monitor.runs import RunStatus

    if outcome.status == RunStatus.FAILED:
        raise click.ClickException(outcome.error or "the fetch failed")


@sources.command("accept")
@click.argument("name")
@click.pass_obj
def accept(app: App, name: str) -> None:
    """Accept a suspect source's new level: its next run closes what it no longer returns."""
    from sqlalchemy import select

    from monitor.storage.models import Source

    with app.db.session() as session:
        row = session.scalars(select(Source).where(Source.name == name)).one_or_none()
        if row is None:
            raise UsageError(f"No source named {name!r} has been scraped yet.")
        row.accepted_at = app.clock.now()
    console(stderr=True).print(f"{name}: new level accepted; closing resumes with its next run")


@sources.command("rename")
@click.argument("old")
@click.argument("new")
@click.pass_obj
def rename(app: App, old: str, new: str) -> None:
    """Rename a source, keeping its history (then rename it in the config too)."""
    from sqlalchemy import select

    from monitor.storage.models import Source

    with app.db.session() as session:
        row = session.scalars(select(Source).where(Source.name == old)).one_or_none()
        if row is None:
            raise UsageError(f"No source named {old!r} is stored.")
        if session.scalars(select(Source).where(Source.name == new)).first() is not None:
            raise UsageError(f"A source named {new!r} already exists; choose another name.")
        row.name = new
    console(stderr=True).print(
        f'renamed {old!r} to {new!r}; now change `name = "{old}"` in your config to match'
    )
