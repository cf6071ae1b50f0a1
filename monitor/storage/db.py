"""Database engine, connection settings and migrations.

SQLite (the default) gets WAL, a busy timeout and foreign keys on every connection; PostgreSQL
is reached through psycopg 3. The schema is always brought up to date by Alembic: explicitly by
``jobtrend db upgrade``, and automatically the first time a command opens the database.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, Result, create_engine, event, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, OperationalError, ProgrammingError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.sql import Executable

from monitor.errors import ConfigError, DatabaseError
from monitor.storage.schema import SCHEMA_REVISION

log = logging.getLogger(__name__)

MIGRATIONS = Path(__file__).with_name("migrations")
SQLITE_BUSY_TIMEOUT_MS = 30_000
FETCH_BATCH = 5000


def in_batches(result: Result[*tuple[Any, ...]]) -> Iterator[Any]:
    """A result's rows, fetched ``FETCH_BATCH`` at a time (row by row is slower with sqlite3)."""
    for batch in result.partitions(FETCH_BATCH):
        yield from batch


def driver_rows(session: Session, statement: Executable) -> list[tuple[Any, ...]]:
    """All rows of ``statement`` as the driver returns them: plain tuples, without SQLAlchemy's
    result processing (for reads of many rows whose columns are read raw anyway)."""
    result = session.connection().execute(statement)
    try:
        return list(result.cursor.fetchall())
    finally:
        result.close()


def _normalise_url(url: str) -> str:
    # "postgresql://" alone would pick psycopg2, which jobtrend does not depend on.
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def redact(url: str) -> str:
    """The URL with any password hidden, for status output and errors."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return url


def _on_sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _sqlite_directory(directory: Path) -> None:
    """Create the SQLite file's directory; one that cannot be made or written is the
    config's fault (exit 2), said in one sentence."""
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ConfigError(
            f"The database directory {directory} cannot be created ({exc.strerror}); "
            "set [database] url to a writable place."
        ) from None
    if not os.access(directory, os.W_OK | os.X_OK):
        raise ConfigError(
            f"The database directory {directory} is not writable; "
            "set [database] url to a writable place."
        )


def make_engine(url: str) -> Engine:
    """An engine for ``url``; for SQLite the file's directory is created."""
    url = _normalise_url(url)
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise ConfigError(
            f"The database URL {url!r} is not valid; use sqlite:///PATH or "
            "postgresql+psycopg://USER@HOST/DB."
        ) from None
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            _sqlite_directory(Path(parsed.database).expanduser().parent)
        engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000})
        event.listen(engine, "connect", _on_sqlite_connect)
        return engine
    if parsed.get_backend_name() == "postgresql":
        return create_engine(url, pool_pre_ping=True)
    raise ConfigError(
        f"The database URL {redact(url)!r} names an unsupported database; use SQLite or PostgreSQL."
    )


def _alembic_config(engine: Engine, connection: Any) -> Any:
    from alembic.config import Config as AlembicConfig

    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["connection"] = connection
    return cfg


def upgrade(engine: Engine) -> None:
    """Bring the schema to the newest migration."""
    from alembic import command

    try:
        with engine.begin() as connection:
            command.upgrade(_alembic_config(engine, connection), "head")
    except OperationalError as exc:
        raise DatabaseError(
            f"The database at {redact(str(engine.url))} cannot be opened: {exc.orig}."
        ) from None


def current_revision(engine: Engine) -> str | None:
    from alembic.migration import MigrationContext

    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    script = ScriptDirectory(str(MIGRATIONS))
    head = script.get_current_head()
    assert head is not None
    return head


def _stored_revision(engine: Engine) -> str | None:
    try:
        with engine.connect() as connection:
            value = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
    except (OperationalError, ProgrammingError):
        return None  # no alembic_version table yet
    return str(value) if value is not None else None


class Database:
    """An engine plus a session factory, migrated on first use."""

    def __init__(
        self,
        url: str,
        *,
        auto_upgrade: bool = True,
        on_upgrade: Callable[[str, str], None] | None = None,
    ) -> None:
        """``on_upgrade(from, to)`` is told before an existing database is migrated (a new
        one is created silently): some migrations rework every stored posting."""
        self.url = _normalise_url(url)
        self._on_upgrade = on_upgrade
        self.engine = make_engine(self.url)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        if auto_upgrade:
            self.ensure_schema()

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def ensure_schema(self) -> None:
        try:
            # The usual case, an up-to-date database, is one query and no Alembic import.
            if _stored_revision(self.engine) == SCHEMA_REVISION:
                return
            from monitor.storage.locks import migration_lock

            # One process migrates; another waits, then finds the schema current.
            with migration_lock(self.engine):
                has_version = inspect(self.engine).has_table("alembic_version")
                before = current_revision(self.engine) if has_version else None
                head = head_revision()
                if before != head:
                    log.info("upgrading the database schema at %s", redact(self.url))
                    if before is not None and self._on_upgrade is not None:
                        self._on_upgrade(before, head)
                    upgrade(self.engine)
        except OperationalError as exc:
            raise DatabaseError(
                f"The database at {redact(self.url)} cannot be opened: {exc.orig}."
            ) from None

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session in one transaction: committed on success, rolled back on error."""
        session = self._sessions()
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    def size_bytes(self) -> int | None:
        """The database's size on disk, where it can be known."""
        url = make_url(self.url)
        if self.dialect == "sqlite":
            if not url.database or url.database == ":memory:":
                return None
            path = Path(url.database)
            return sum(
                p.stat().st_size
                for p in (path, Path(f"{path}-wal"), Path(f"{path}-shm"))
                if p.exists()
            )
        with self.engine.connect() as connection:
            size = connection.execute(text("SELECT pg_database_size(current_database())"))
            return int(size.scalar_one())

    def dispose(self) -> None:
        self.engine.dispose()
