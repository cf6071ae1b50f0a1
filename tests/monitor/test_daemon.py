"""The daemon: claims, the SQLite lock, signals, reload, logs, status (both backends)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select

from monitor.config import load
from monitor.daemon import Daemon
from monitor.demo.server import BoardServer
from monitor.demo.shapes.greenhouse import greenhouse_job, set_greenhouse
from monitor.errors import UsageError
from monitor.runs import failure_streak_change
from monitor.storage.claims import claim, live_daemons, scrape_job
from monitor.storage.db import Database
from monitor.storage.models import JobClaim, ScrapeRun
from tests.helpers import run_cli, write_config

ROOT = Path(__file__).resolve().parents[2]
DEADLINE_S = 60  # generous bounds for waiting on a subprocess, never a speed assertion


def one_source(server: BoardServer, schedule: str = "0 */6 * * *") -> str:
    set_greenhouse(server, "alpha", [greenhouse_job(1, "LLM Engineer", company="Alpha")])
    return f"""
[[sources]]
name = "alpha"
kind = "greenhouse"
board = "alpha"
base_url = "{server.url}"
schedule = "{schedule}"
"""


def runs_of(db: Database) -> int:
    with db.session() as session:
        return int(session.scalar(select(func.count()).select_from(ScrapeRun)) or 0)


def test_two_daemons_racing_for_one_slot_run_it_once(
    tmp_path: Path, database_url: str, board_server: BoardServer
) -> None:
    path = write_config(
        tmp_path / "c.toml", board_server.url, database_url, one_source(board_server)
    )
    config = load(path)
    dbs = [Database(database_url), Database(database_url)]
    daemons = [Daemon(config, db) for db in dbs]
    daemons[1].owner = "other-host:1"
    now = datetime(2026, 12, 4, 3, 0, 5, tzinfo=UTC)  # 12:00:05 in Seoul: the 12:00 slot
    barrier = threading.Barrier(2)
    won: list[bool] = []

    def race(daemon: Daemon) -> None:
        barrier.wait()
        won.append(daemon.fire(scrape_job("alpha"), now=now))

    threads = [threading.Thread(target=race, args=(d,)) for d in daemons]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(DEADLINE_S)
    assert sorted(won) == [False, True]
    assert runs_of(dbs[0]) == 1
    with dbs[0].session() as session:
        (row,) = session.scalars(select(JobClaim)).all()
        # The slot is the scheduled time, not the second the job started.
        assert (row.job, row.slot) == ("scrape:alpha", datetime(2026, 12, 4, 3, 0, tzinfo=UTC))
    # The next slot is a new claim.
    assert daemons[1].fire(scrape_job("alpha"), now=datetime(2026, 12, 4, 9, 0, 1, tzinfo=UTC))
    for db in dbs:
        db.dispose()


def test_claim_is_once_per_job_and_slot(db: Database) -> None:
    slot = datetime(2026, 12, 4, 3, 0, tzinfo=UTC)
    assert claim(db, "scrape:a", slot, slot, "h:1")
    assert not claim(db, "scrape:a", slot, slot, "h:2")
    assert claim(db, "scrape:b", slot, slot, "h:2")


def test_a_second_daemon_on_one_sqlite_database_refuses(
    tmp_path: Path, board_server: BoardServer
) -> None:
    url = f"sqlite:///{tmp_path / 'j.db'}"
    config = load(
        write_config(tmp_path / "c.toml", board_server.url, url, one_source(board_server))
    )
    db = Database(url)
    first = Daemon(config, db, heartbeat_s=0.05)
    thread = threading.Thread(target=first.run, kwargs={"install_signals": False})
    thread.start()
    try:
        deadline = time.monotonic() + DEADLINE_S
        while not live_daemons(db, datetime.now(UTC)) and time.monotonic() < deadline:
            time.sleep(0.05)
        with pytest.raises(UsageError) as info:
            Daemon(config, db).run(install_signals=False)
        assert str(info.value).startswith("Another `jobtrend run` is already using sqlite:///")
    finally:
        first.stop()
        thread.join(DEADLINE_S)
    assert not live_daemons(db, datetime.now(UTC))  # signed off
    db.dispose()


def test_run_refuses_jobtrend_now(tmp_path: Path, board_server: BoardServer) -> None:
    url = f"sqlite:///{tmp_path / 'j.db'}"
    path = write_config(tmp_path / "c.toml", board_server.url, url, one_source(board_server))
    result = run_cli(path, "run", now="2026-03-02T09:00")
    assert result.exit_code == 2
    assert "`jobtrend run` keeps real time; unset JOBTREND_NOW" in result.output


def test_reload_keeps_the_old_config_when_the_new_one_fails(
    tmp_path: Path, board_server: BoardServer, caplog: pytest.LogCaptureFixture
) -> None:
    url = f"sqlite:///{tmp_path / 'j.db'}"
    path = write_config(tmp_path / "c.toml", board_server.url, url, one_source(board_server))
    db = Database(url)
    daemon = Daemon(load(path), db, reload=lambda: load(path))
    path.write_text(path.read_text() + '\n[daemon]\nshutdown_grace_s = "soon"\n')
    daemon.reload()
    assert "config reload failed, keeping the running config:" in caplog.text
    assert [s.name for s in daemon.sources] == ["alpha"]
    path.write_text(
        path.read_text().replace('shutdown_grace_s = "soon"', "shutdown_grace_s = 2")
        + one_source(board_server).replace('"alpha"', '"gamma"', 1)
    )
    daemon.reload()
    assert [s.name for s in daemon.sources] == ["alpha", "gamma"]
    assert daemon.config.daemon.shutdown_grace_s == 2
    db.dispose()


def test_failure_alert_once_on_crossing_and_once_on_recovery(
    tmp_path: Path, database_url: str, board_server: BoardServer
) -> None:
    path = write_config(
        tmp_path / "c.toml",
        board_server.url,
        database_url,
        one_source(board_server),
        extra="[daemon]\nalert_after_failures = 2\n",
    )
    run_cli(path, "scrape")
    board_server.fault("/v1/boards/alpha", "500")
    changes = []
    db = Database(database_url)
    for _ in range(4):
        run_cli(path, "scrape")
        with db.session() as session:
            changes.append(failure_streak_change(session, "alpha", 2))
    board_server.clear_faults()
    for _ in range(2):
        run_cli(path, "scrape")
        with db.session() as session:
            changes.append(failure_streak_change(session, "alpha", 2))
    assert changes == [None, "crossed", None, None, "recovered", None]
    db.dispose()


def test_scrape_scheduled_claims_the_latest_slot(
    tmp_path: Path, database_url: str, board_server: BoardServer
) -> None:
    path = write_config(
        tmp_path / "c.toml", board_server.url, database_url, one_source(board_server)
    )
    first = run_cli(path, "scrape", "--scheduled", now="2026-12-04T12:07")
    assert first.exit_code == 0, first.output
    again = run_cli(path, "scrape", "--scheduled", now="2026-12-04T12:20")
    assert again.exit_code == 0, again.output
    assert "alpha: the 12-04 12:00 slot has already run; skipped" in again.output
    later = run_cli(path, "scrape", "--scheduled", now="2026-12-04T18:01")
    assert later.exit_code == 0
    db = Database(database_url)
    assert runs_of(db) == 2
    db.dispose()


def test_jobtrend_run_in_a_subprocess_scrapes_and_stops_on_sigterm(
    tmp_path: Path, board_server: BoardServer
) -> None:
    url = f"sqlite:///{tmp_path / 'j.db'}"
    log_file = tmp_path / "daemon.log"
    path = write_config(
        tmp_path / "c.toml",
        board_server.url,
        url,
        one_source(board_server, schedule="*/2 * * * * *"),  # every 2 seconds
        extra=f'[daemon]\nshutdown_grace_s = 5\nlog_file = "{log_file}"\n',
    )
    env = {k: v for k, v in os.environ.items() if k != "JOBTREND_NOW"}
    process = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "from monitor.cli import main; main()",
            "--config",
            str(path),
            "run",
        ],
        cwd=ROOT,
        env=env,
        stderr=subprocess.PIPE,
        text=True,
    )
    db = Database(url)
    try:
        deadline = time.monotonic() + DEADLINE_S
        while time.monotonic() < deadline and (not db.engine or _safe_runs(db) < 2):
            time.sleep(0.2)
        status = run_cli(path, "status", "--json")
        payload = json.loads(status.stdout)
        assert payload["daemon"]["running"] is True
        assert [d["pid"] for d in payload["daemons"]] == [process.pid]
        assert payload["sources"][0]["next_run_at"] is not None
        process.send_signal(signal.SIGTERM)
        _out, err = process.communicate(timeout=DEADLINE_S)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0, err
    assert _safe_runs(db) >= 2
    assert "alpha: ok, 1 returned, 0 new, 0 closed, " in err
    assert "alembic" not in err and "apscheduler" not in err.lower().replace("jobtrend", "")
    assert "alpha: " in log_file.read_text(encoding="utf-8")
    assert "stopped" in err
    assert not live_daemons(db, datetime.now(UTC))
    db.dispose()


def _safe_runs(db: Database) -> int:
    try:
        return runs_of(db)
    except Exception:  # the daemon is still creating the database
        return 0


def test_a_slow_download_does_not_outlive_the_shutdown_grace(
    tmp_path: Path, board_server: BoardServer
) -> None:
    # Issue 17: a server answering slowly kept the daemon alive 95 s with a 5 s grace.
    url = f"sqlite:///{tmp_path / 'j.db'}"
    path = write_config(
        tmp_path / "c.toml",
        board_server.url,
        url,
        one_source(board_server, schedule="*/2 * * * * *"),
        extra="[daemon]\nshutdown_grace_s = 0.5\n",
    )
    board_server.fault("/v1/boards/alpha", "slow", delay_s=600)
    env = {k: v for k, v in os.environ.items() if k != "JOBTREND_NOW"}
    process = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "from monitor.cli import main; main()",
            "--config",
            str(path),
            "run",
        ],
        cwd=ROOT,
        env=env,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + DEADLINE_S
        while time.monotonic() < deadline and not any(
            r.startswith("/v1/boards/alpha") for r in board_server.requests
        ):
            time.sleep(0.1)
        process.send_signal(signal.SIGTERM)
        _out, err = process.communicate(timeout=DEADLINE_S)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0, err
    assert "stopped with scrape:alpha still running after shutdown_grace_s = 0.5 s" in err


@pytest.mark.postgres
def test_two_daemons_on_one_postgresql_database_run_every_slot_once(
    tmp_path: Path, board_server: BoardServer
) -> None:
    from tests.conftest import _postgres_url

    base = _postgres_url()
    from sqlalchemy import create_engine, text

    schema = f"t_two_{os.getpid()}"
    admin = create_engine(base)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = f"{base}{'&' if '?' in base else '?'}options=-csearch_path%3D{schema}"
    try:
        path = write_config(
            tmp_path / "c.toml",
            board_server.url,
            url,
            one_source(board_server, schedule="* * * * * *"),  # every second
        )
        config = load(path)
        dbs = [Database(url), Database(url)]
        daemons = [Daemon(config, db, heartbeat_s=0.2) for db in dbs]
        daemons[0].owner, daemons[1].owner = "host-a:1", "host-b:2"
        threads = [
            threading.Thread(target=d.run, kwargs={"install_signals": False}) for d in daemons
        ]
        for thread in threads:
            thread.start()
        deadline = time.monotonic() + DEADLINE_S
        while time.monotonic() < deadline and runs_of(dbs[0]) < 6:
            time.sleep(0.1)
        for daemon in daemons:
            daemon.stop()
        for thread in threads:
            thread.join(DEADLINE_S)
        with dbs[0].session() as session:
            claims = session.scalars(select(JobClaim)).all()
        slots = [c.slot for c in claims]
        assert len(slots) == len(set(slots)) >= 6
        assert runs_of(dbs[0]) == len(slots)  # every claimed slot ran, and only once
        for db in dbs:
            db.dispose()
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()
