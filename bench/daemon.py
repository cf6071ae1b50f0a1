"""The daemon's resident memory: idle, and after 100 scheduled scrapes of the local board server
spread over 20 sources (goals: under 150 MB; less than 5 MB growth from the 50th to the 100th).

A real ``jobtrend run`` subprocess, every source on a 2-second schedule (the seconds field), is
sampled from ``/proc/PID/status`` (VmRSS) as the number of recorded runs passes 50 and 100.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.common import Result, goal_row, log
from monitor.demo.server import BoardServer
from monitor.demo.shapes.greenhouse import greenhouse_job, set_greenhouse

SOURCES = 20
RSS_GOAL_MB = 150.0
GROWTH_GOAL_MB = 5.0
WAIT_S = 600.0
CLI = "from monitor.cli import main; main()"


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")


def runs(db: Path) -> int:
    try:
        with sqlite3.connect(db, timeout=5) as connection:
            return int(connection.execute("SELECT count(*) FROM scrape_run").fetchone()[0])
    except sqlite3.Error:
        return 0


def run(quick: bool) -> list[Result]:
    folder = Path(tempfile.mkdtemp(prefix="jobtrend-bench-daemon-"))
    db = folder / "j.db"
    with BoardServer() as server:
        tables = []
        for i in range(SOURCES):
            jobs = [greenhouse_job(i * 100 + k, f"LLM Engineer {k}") for k in range(30)]
            set_greenhouse(server, f"b{i}", jobs, company=f"Company {i}")
            tables.append(
                f'[[sources]]\nname = "b{i}"\nkind = "greenhouse"\nboard = "b{i}"\n'
                f'base_url = "{server.url}"\nschedule = "*/2 * * * * *"\n'
            )
        config = folder / "c.toml"
        config.write_text(
            f'timezone = "Asia/Seoul"\n[database]\nurl = "sqlite:///{db}"\n'
            "[http]\nmin_interval_s = 0\nper_host_concurrency = 4\n" + "\n".join(tables),
            encoding="utf-8",
        )
        env = {k: v for k, v in os.environ.items() if k != "JOBTREND_NOW"}
        proc = subprocess.Popen(
            [sys.executable, "-c", CLI, "--config", str(config), "run"],
            env=env,
            stderr=subprocess.DEVNULL,
        )
        try:
            time.sleep(1.0)  # started, schedule built, nothing fired yet (first slot ahead)
            idle = rss_mb(proc.pid)
            samples: dict[int, float] = {}
            deadline = time.monotonic() + WAIT_S
            while time.monotonic() < deadline and len(samples) < 2:
                count = runs(db)
                for mark in (50, 100):
                    if count >= mark and mark not in samples:
                        samples[mark] = rss_mb(proc.pid)
                        log(f"daemon: {count} runs, RSS {samples[mark]:.1f} MB")
                time.sleep(0.2)
        finally:
            proc.send_signal(signal.SIGTERM)
            proc.wait(60)
    if len(samples) < 2:
        return [Result("daemon", "daemon RSS", None, "MB", passed=False, note="too few runs")]
    growth = samples[100] - samples[50]
    return [
        goal_row("daemon", "daemon RSS idle", idle, "MB", RSS_GOAL_MB),
        goal_row(
            "daemon", "daemon RSS after 100 scrapes (20 sources)", samples[100], "MB", RSS_GOAL_MB
        ),
        goal_row(
            "daemon",
            "daemon RSS growth, 50th to 100th scrape",
            max(growth, 0.0),
            "MB",
            GROWTH_GOAL_MB,
            note=f"{growth:+.1f} MB",
        ),
    ]
