"""Helpers shared by tests: a config pointing at the local board server, and CLI calls.

Also what the scraper tests import at module level (pytest fixtures cannot be used in a
``parametrize`` list, and conftest.py is no module to import from): ``utc``, the types of the
fixtures in tests/scrapers/conftest.py, and ``REALDATA``.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from click.testing import CliRunner, Result
from sqlalchemy import select

from monitor.cli import cli
from monitor.storage.db import Database
from monitor.storage.models import Posting, PostingTag
from scrapers.http import HttpClient, HttpPolicy

FIXTURES = Path(__file__).resolve().parent / "fixtures"
# Real responses collected from the live sites, shared across the project (not in the repo).
REALDATA = Path(__file__).resolve().parents[1].parent / "shared" / "realdata"


def write_config(
    path: Path, server_url: str, database_url: str, sources: str | None = None, extra: str = ""
) -> Path:
    """A config with fast, polite-enough HTTP settings for a local server."""
    if sources is None:
        sources = f"""
[[sources]]
name = "alpha"
kind = "greenhouse"
board = "alpha"
base_url = "{server_url}"

[[sources]]
name = "beta"
kind = "lever"
site = "beta"
base_url = "{server_url}"
"""
    path.write_text(
        f"""timezone = "Asia/Seoul"

[database]
url = "{database_url}"

[http]
user_agent = "jobtrend-tests/0.1 (+mailto:tests@example.com)"
min_interval_s = 0
max_retries = 0
backoff_s = 0
timeout_s = 5
{sources}
{extra}
""",
        encoding="utf-8",
    )
    return path


def run_cli(config: Path | None, *args: str, now: str | None = None, **env: str) -> Result:
    """Invoke ``jobtrend`` in-process; ``now`` sets JOBTREND_NOW for this call only."""
    runner = CliRunner()
    environment = dict(env)
    if now is not None:
        environment["JOBTREND_NOW"] = now
    argv = (["--config", str(config)] if config else []) + list(args)
    return runner.invoke(cli, argv, env=environment, catch_exceptions=False)


def cli_json(config: Path, *args: str, now: str | None = None) -> Any:
    result = run_cli(config, *args, "--json", now=now)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def local_policy(**changes: Any) -> HttpPolicy:
    """An HTTP policy for local servers: no waiting between requests, no retries."""
    policy = HttpPolicy(
        user_agent="jobtrend-test/0.1 (+mailto:test@example.com)",
        timeout_s=5.0,
        per_host_concurrency=2,
        min_interval_s=0.0,
        max_body_bytes=1024 * 1024,
        max_retries=0,
        backoff_s=0.0,
        retry_after_cap_s=30.0,
        obey_robots=True,
    )
    return dataclasses.replace(policy, **changes)


def stored_postings(database_url: str) -> tuple[dict[str, Posting], dict[int, set[str]]]:
    """Every stored posting by external id, and the tags of each by posting id."""
    db = Database(database_url)
    try:
        with db.session() as session:
            postings = {p.external_id: p for p in session.scalars(select(Posting))}
            tags: dict[int, set[str]] = {}
            for posting_id, tag in session.execute(select(PostingTag.posting_id, PostingTag.tag)):
                tags.setdefault(posting_id, set()).add(tag)
    finally:
        db.dispose()
    return postings, tags


def utc(text: str) -> datetime:
    """The ISO 8601 time ``text`` (without an offset) in UTC."""
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


class Recorded:
    """The recorded responses of one source kind, in tests/fixtures/<kind>/."""

    def __init__(self, kind: str) -> None:
        self.folder = FIXTURES / kind

    def __call__(self, name: str) -> bytes:
        """The bytes of the response saved as ``name``."""
        return self.path(name).read_bytes()

    def path(self, name: str) -> Path:
        return self.folder / name


# client(sleeps=None, **HttpClient options): see the `client` fixture.
ClientFactory = Callable[..., HttpClient]
# stored(source name, *columns): see the `stored` fixture.
StoredRows = Callable[..., list[tuple[Any, ...]]]
