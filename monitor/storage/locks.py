"""Locks between processes that share one database: migrations, and each source's runs.

Two ``jobtrend scrape`` at once (a crontab and a hand, or two daemons on PostgreSQL) must
not migrate a new database twice, nor interleave two runs of one source (an older listing
written after a newer one would move ``last_seen_at`` back and close what the newer found).
So a migration, and a source's run from its first request to its last write, hold a lock:

- PostgreSQL: a session-level advisory lock (``pg_advisory_lock``) on a connection of its own,
  keyed by a 64-bit hash of the lock's name;
- SQLite: ``flock`` on a file beside the database (``<db>.<name>.lock``), which the kernel
  releases if the process dies.

The second comes in when the first is done: waiting is what a user expects of two commands
typed at once, and the work of neither is lost.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, text

log = logging.getLogger(__name__)

try:
    import fcntl
except ImportError:  # pragma: no cover - not on Linux/macOS: SQLite's own locking only
    fcntl = None  # type: ignore[assignment]


def _key(name: str) -> int:
    """A signed 64-bit advisory lock key for ``name``."""
    return int.from_bytes(
        hashlib.blake2b(name.encode(), digest_size=8).digest(), "big", signed=True
    )


class ProcessLock:
    """An exclusive lock named ``name`` on ``engine``'s database; ``acquire`` waits for it.

    It may be acquired in one thread and released in another (a source is fetched in a
    worker and written in the main thread)."""

    def __init__(self, engine: Engine, name: str) -> None:
        self.engine = engine
        self.name = name
        self._held: Any = None

    def acquire(self) -> None:
        if self.engine.dialect.name == "postgresql":
            connection = self.engine.connect()
            connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": _key(self.name)})
            connection.commit()
            self._held = connection
        elif fcntl is not None and (path := _lock_file(self.engine, self.name)) is not None:
            handle = path.open("a")
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
            self._held = handle

    def release(self) -> None:
        held, self._held = self._held, None
        if held is None:
            return
        if self.engine.dialect.name == "postgresql":
            try:
                held.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": _key(self.name)})
                held.commit()
            finally:
                held.close()
        else:
            try:
                fcntl.flock(held.fileno(), fcntl.LOCK_UN)
            finally:
                held.close()

    def __enter__(self) -> ProcessLock:
        self.acquire()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.release()


def _lock_file(engine: Engine, name: str) -> Path | None:
    database = engine.url.database
    if not database or database == ":memory:":
        return None
    safe = re.sub(r"[^A-Za-z0-9_.-]", "_", name)[:60] + f"-{_key(name) & 0xFFFFFFFF:08x}"
    path = Path(os.path.expanduser(database))
    return path.with_name(f"{path.name}.{safe}.lock")


def migration_lock(engine: Engine) -> ProcessLock:
    return ProcessLock(engine, "jobtrend-migrations")


def source_lock(engine: Engine, source: str) -> ProcessLock:
    """Held by one run of ``source`` from its first request to its last write."""
    return ProcessLock(engine, f"jobtrend-source-{source}")


class DaemonLock:
    """On SQLite, only one ``jobtrend run`` per database: ``flock`` on ``<db>.daemon.lock``,
    taken without waiting (the kernel drops it if the daemon dies). PostgreSQL needs none:
    several daemons may share it, the claims keep each run once."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._handle: Any = None

    def try_acquire(self) -> bool:
        if self.engine.dialect.name != "sqlite" or fcntl is None:
            return True
        path = _lock_file(self.engine, "daemon")
        if path is None:
            return True
        handle = path.open("a")
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            handle.close()
            return False
        self._handle = handle
        return True

    def release(self) -> None:
        handle, self._handle = self._handle, None
        if handle is not None:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
            handle.close()
