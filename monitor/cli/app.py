"""What every command shares: the loaded config, clock, database and error handling."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from functools import cached_property
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


def print_json(value: Any) -> None:
    """JSON on stdout, Korean kept readable."""
    sys.stdout.write(json.dumps(value, ensure_ascii=False, indent=2, default=str) + "\n")


def console(stderr: bool = False) -> Any:
    from rich.console import Console

    # Nothing printed is markup: a scraped title or a typed term "[/x]" is shown as written.
    return Console(stderr=stderr, highlight=False, soft_wrap=True, markup=False, emoji=False)


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
