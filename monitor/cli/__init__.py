"""The ``jobtrend`` command line: a click group whose subcommands live in this package.

Heavy modules (SQLAlchemy, httpx, matplotlib, rich) are imported inside the commands that
need them, so ``jobtrend --help`` and quick commands start fast.
"""

from __future__ import annotations

import logging
import sys
from typing import Any

import click

from monitor import __version__
from monitor.cli.app import App, JobtrendGroup

CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


@click.group(cls=JobtrendGroup, context_settings=CONTEXT_SETTINGS)
@click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False),
    help="Config file (default: $JOBTREND_CONFIG, ./config.toml, then the platform config dir).",
)
@click.option("-v", "--verbose", count=True, help="Log more (repeat for debug).")
@click.version_option(__version__, prog_name="jobtrend")
@click.pass_context
def cli(ctx: click.Context, config_path: str | None, verbose: int) -> None:
    """Watch hiring trends in public job postings.

    Scrape job boards, tag postings by topic (LLM, multimodal LLM, autonomous driving,
    medical, or your own, in English and Korean) and see each topic's share of all jobs
    week by week.
    """
    level = logging.WARNING - 10 * min(verbose, 2)
    logging.basicConfig(
        level=level, format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr
    )
    app = App(config_path)
    ctx.obj = app
    ctx.call_on_close(app.close)


def _register() -> None:
    from monitor.cli import (
        db,
        demo,
        discover,
        export,
        init,
        postings,
        query,
        report,
        run,
        scrape,
        sources,
        status,
        tags,
        watch,
    )

    for module in (
        init,
        scrape,
        query,
        postings,
        discover,
        export,
        report,
        sources,
        tags,
        status,
        watch,
        run,
        db,
        demo,
    ):
        module.register(cli)


_register()


def main(argv: list[str] | None = None) -> Any:
    from monitor.process import tune_gc

    tune_gc()
    return cli.main(args=argv, prog_name="jobtrend")


if __name__ == "__main__":  # pragma: no cover
    main()
