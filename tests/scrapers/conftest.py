"""Fixtures the scraper tests share: recorded responses, HTTP clients and stored postings.

- ``fixture(name)``: the bytes of a recorded response of the test module's kind, from
  tests/fixtures/<kind>/ (test_ashby.py reads fixtures/ashby/); ``fixture.path(name)`` is
  its path, for the CLI.
- ``policy``: the HTTP policy of the module's clients, ``local_policy()`` (no waits, no
  retries); a module that needs another one overrides this fixture.
- ``client(sleeps=None, **options)``: an HttpClient with that policy that never really
  sleeps: its sleeps go into the list ``sleeps`` when one is given. ``options`` go to
  HttpClient: ``transport=httpx.MockTransport(handler)`` answers from a function, and a
  source whose ``base_url`` is the ``board_server``'s talks to the local board server.
- ``stored(name, *columns)``: those columns of every posting of the source ``name`` in the
  test's database, ordered by external id, each row ending with the posting's sorted tags.

``utc`` and the types of these fixtures are in tests/helpers.py.
"""

from __future__ import annotations

from typing import Any

import pytest
from helpers import ClientFactory, Recorded, StoredRows, local_policy
from sqlalchemy import select

from monitor.storage.db import Database
from monitor.storage.models import Posting, PostingTag, Source
from scrapers.http import HttpClient, HttpPolicy


@pytest.fixture
def fixture(request: pytest.FixtureRequest) -> Recorded:
    return Recorded(request.path.stem.removeprefix("test_"))


@pytest.fixture
def policy() -> HttpPolicy:
    return local_policy()


@pytest.fixture
def client(policy: HttpPolicy) -> ClientFactory:
    def connect(sleeps: list[float] | None = None, **options: Any) -> HttpClient:
        sleep = sleeps.append if sleeps is not None else lambda _: None
        return HttpClient(policy, sleep=sleep, **options)

    return connect


@pytest.fixture
def stored(database_url: str) -> StoredRows:
    def rows(name: str, *columns: Any) -> list[tuple[Any, ...]]:
        db = Database(database_url)
        try:
            with db.session() as session:
                found = session.execute(
                    select(Posting.id, *columns)
                    .join(Source, Source.id == Posting.source_id)
                    .where(Source.name == name)
                    .order_by(Posting.external_id)
                ).all()
                tags: dict[int, list[str]] = {}
                for posting_id, tag in session.execute(
                    select(PostingTag.posting_id, PostingTag.tag)
                ):
                    tags.setdefault(posting_id, []).append(tag)
        finally:
            db.dispose()
        return [(*row[1:], sorted(tags.get(row[0], []))) for row in found]

    return rows
