"""Shared pytest fixtures."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from monitor.demo.server import BoardServer
from monitor.storage.db import Database


@pytest.fixture
def board_server() -> Iterator[BoardServer]:
    """A started local job-board server (real HTTP on 127.0.0.1), stopped afterwards."""
    with BoardServer() as server:
        yield server


# --- databases: every storage test runs on SQLite and on PostgreSQL -------------------------

PG_ENV = "JOBTREND_TEST_DATABASE_URL"
REQUIRE_PG_ENV = "JOBTREND_REQUIRE_POSTGRES"


def _postgres_url() -> str:
    url = os.environ.get(PG_ENV)
    if not url:
        pytest.skip(
            f"PostgreSQL tests need {PG_ENV} (e.g. postgresql+psycopg://postgres@127.0.0.1/test)"
        )
    return url


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty database: a SQLite file, or a private schema on the PostgreSQL server."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'jobtrend.db'}"
        return
    base = _postgres_url()
    from sqlalchemy import create_engine, text

    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base)
    try:
        with admin.begin() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    except Exception as exc:  # the server is down or the URL is wrong
        admin.dispose()
        if os.environ.get(REQUIRE_PG_ENV):
            pytest.fail(f"PostgreSQL at {base} is required but unusable: {exc}")
        pytest.skip(f"PostgreSQL at {base} is unusable: {exc}")
    separator = "&" if "?" in base else "?"
    try:
        yield f"{base}{separator}options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture
def db(database_url: str) -> Iterator[Database]:
    """A migrated Database on each backend."""
    database = Database(database_url)
    yield database
    database.dispose()


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No test reads the developer's config, database or frozen clock."""
    for name in ("JOBTREND_CONFIG", "JOBTREND_DATABASE_URL", "JOBTREND_NOW"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    monkeypatch.chdir(tmp_path)


@pytest.fixture
def mixed(db: Database) -> Database:
    """``db`` holding the mixed history of ``runs.build_mixed_history``."""
    from runs import build_mixed_history

    build_mixed_history(db)
    return db
