"""What every command shares: the loaded config, clock, database and error handling."""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Callable
from functools import cache, cached_property
from typing import TYPE_CHECKING, Any

import click

from monitor.errors import JobtrendError

if TYPE_CHECKING:
    from monitor.clock import Clock
    from monitor.config import Config
    from monitor.storage.db import Database
    from monitor.tagging import Tagger


class RunFailed(click.ClickException):
    """A run or send failed (exit code 1)."""

    exit_code = 1


class BadUsage(click.ClickException):
    """A usage or config error (exit code 2)."""

    exit_code = 2


class JobtrendGroup(click.Group):
    """Turns jobtrend's own errors into one clear line and the documented exit code."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        # Bytes that are not UTF-8 arrive as lone surrogates (surrogateescape); they cannot be
        # searched, stored or printed, so they stop here.
        for arg in args:
            if any("\ud800" <= c <= "\udfff" for c in arg):
                shown = arg.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
                raise BadUsage(f"The argument {shown!r} is not valid UTF-8; retype it.")
        return super().parse_args(ctx, args)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except JobtrendError as exc:
            error = BadUsage if exc.exit_code == 2 else RunFailed
            raise error(str(exc)) from None
        except KeyboardInterrupt:
            raise click.exceptions.Exit(130) from None
        except Exception as exc:
            # A database that is down, locked or damaged: one sentence, not a traceback.
            if type(exc).__module__.startswith("sqlalchemy"):
                reason = getattr(exc, "orig", None) or exc
                raise RunFailed(
                    f"The database failed: {str(reason).splitlines()[0]} "
                    "(check [database] url, or run `jobtrend db upgrade`)."
                ) from None
            raise


class App:
    """Lazily loaded pieces, so a command pays only for what it uses."""

    def __init__(self, config_path: str | None) -> None:
        self.config_path = config_path

    @cached_property
    def config(self) -> Config:
        from monitor.config import load

        return load(self.config_path)

    @cached_property
    def clock(self) -> Clock:
        from monitor.clock import Clock

        return Clock.from_env(self.config.zone)

    @cached_property
    def db(self) -> Database:
        from monitor.storage.db import Database

        def upgrading(before: str, after: str) -> None:
            console(stderr=True).print(
                f"Upgrading the database from revision {before} to {after} "
                "(once; on a big database this can take a few minutes)."
            )

        return Database(self.config.database_url, on_upgrade=upgrading)

    def close(self) -> None:
        """Release the database's connections (called when the command ends)."""
        if "db" in self.__dict__:
            self.db.dispose()

    @cached_property
    def tagger(self) -> Tagger:
        from monitor.tagging import Tagger

        return Tagger(self.config.tags)


# What may not reach a terminal raw: C0 (ESC, BEL...), DEL and C1 (CSI U+009B...). Stored text
# is clean already; this catches what is printed without being stored (a config's names, a
# parsed file, a message) and anything a later change forgets.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_PRINTED_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")  # keeps tab and newline
_JSON_UNESCAPED = re.compile(r"[\x7f-\x9f]")  # json.dumps escapes C0 itself, not DEL and C1


def printable(text: str) -> str:
    """``text`` without control characters but newline (a tab becomes a space)."""
    return _PRINTED_CONTROL.sub("", text.replace("\t", " "))


def print_json(value: Any) -> None:
    """JSON on stdout, Korean kept readable, no control character unescaped."""
    text = json.dumps(value, ensure_ascii=False, indent=2, default=str)
    text = _JSON_UNESCAPED.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
    sys.stdout.write(text + "\n")


def console(stderr: bool = False) -> Any:
    # Nothing printed is markup: a scraped title or a typed term "[/x]" is shown as written.
    return _safe_console()(
        stderr=stderr, highlight=False, soft_wrap=True, markup=False, emoji=False
    )


@cache
def _safe_console() -> type[Any]:
    from collections.abc import Iterable

    from rich.console import Console, RenderableType
    from rich.segment import Segment

    class SafeConsole(Console):
        """Every segment of text rendered loses its control characters (rich keeps ESC), so
        no cell, title or message can move the cursor or retitle the window; rich's own
        styles and hyperlinks are control segments or styles, and pass."""

        def render(self, renderable: RenderableType, options: Any = None) -> Iterable[Segment]:
            for segment in super().render(renderable, options):
                if segment.control is None and _CONTROL.search(segment.text.replace("\n", "")):
                    yield Segment(printable(segment.text), segment.style)
                else:
                    yield segment

    return SafeConsole


def supports_hyperlinks(out: Any) -> bool:
    """Whether ``out`` (a console) is a terminal known to show OSC 8 hyperlinks.

    There is no query for it, so this follows the common convention (the supports-hyperlinks
    package): FORCE_HYPERLINK=1 or 0 decides; otherwise terminals that say who they are."""
    import os

    forced = os.environ.get("FORCE_HYPERLINK")
    if forced is not None:
        return forced not in ("0", "")
    if not out.is_terminal or os.environ.get("TERM") == "dumb":
        return False
    program = os.environ.get("TERM_PROGRAM", "")
    if program in ("iTerm.app", "WezTerm", "vscode", "ghostty", "Hyper"):
        return True
    if any(os.environ.get(name) for name in ("WT_SESSION", "KONSOLE_VERSION", "KITTY_WINDOW_ID")):
        return True
    vte = os.environ.get("VTE_VERSION", "")
    return vte.isdigit() and int(vte) >= 5000


def filter_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """The query filters of DESIGN.md, named and worded as in ``query`` (sources, countries,
    level, companies), so ``**filters`` reads the same in every command."""
    options = [
        click.option(
            "--source",
            "sources",
            multiple=True,
            metavar="NAME",
            help="Only these sources (repeat).",
        ),
        click.option(
            "--country",
            "countries",
            multiple=True,
            metavar="CC",
            help="Only jobs in this country (ISO code such as KR, US) or 'remote' (repeat).",
        ),
        click.option(
            "--level",
            type=click.Choice(["entry", "experienced"]),
            help=(
                "entry: jobs open to entry-level applicants (신입, 신입/경력, 경력무관, 0 years, "
                "new grad, junior, intern); experienced: experience required. Read from the "
                "boards' experience fields, else the title; unknown is neither."
            ),
        ),
        click.option(
            "--company",
            "companies",
            multiple=True,
            metavar="C",
            help="Only this company, case-insensitive (repeat).",
        ),
    ]
    for option in reversed(options):
        func = option(func)
    return func
