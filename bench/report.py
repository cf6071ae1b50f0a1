"""`jobtrend report --dry-run` over the 1M-posting fixture: four tags and two ad-hoc terms.

* In-process, the two halves apart: the numbers (``reports.content.build_content``: 26 weeks
  of shares, changes, regions, levels, new jobs, health) and the drawing and writing
  (``reports.build.write_report``: three PNG charts, index.html, report.txt, report.eml).
* The whole command as a subprocess (best of 3, after one untimed run that warms the OS page
  cache and remembers the ad-hoc terms' matches, as a second report of the week would find
  them), against the goal of 3 s.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from bench import fixture
from bench.common import (
    DATA,
    QUERY_TAGS,
    Result,
    goal_row,
    human,
    jobtrend_bin,
    log,
    run_child,
    sizes,
)
from bench.query import clock, count_rows, rebuild_counts

GROUP = "report"
TERMS = (*QUERY_TAGS, "diffusion", "로봇")
GOAL_S = 3.0
PERIOD = "2025-W52"  # the fixture's last complete ISO week (its clock: 2025-12-31)


def _config(fx: fixture.Fixture) -> Path:
    path = DATA / "report.toml"
    terms = ", ".join(f'"{t}"' for t in TERMS)
    path.write_text(
        f'timezone = "Asia/Seoul"\n\n[database]\nurl = "{fx.url}"\n\n[report]\ntags = [{terms}]\n'
    )
    return path


def in_process(fx: fixture.Fixture) -> tuple[float, float]:
    """Seconds of the numbers and of the drawing and writing, in one process (warm)."""
    from monitor.storage.db import Database
    from monitor.taxonomy import builtin_tags
    from reports.build import write_report
    from reports.content import build_content, parse_week

    db = Database(fx.url)
    try:
        with db.session() as session, tempfile.TemporaryDirectory() as tmp:
            week = parse_week(PERIOD)
            build_content(session, clock(), builtin_tags(), list(TERMS), week)  # warm
            start = time.perf_counter()
            content = build_content(session, clock(), builtin_tags(), list(TERMS), week)
            numbers = time.perf_counter() - start
            start = time.perf_counter()
            write_report(content, Path(tmp), sender="", to=())
            drawing = time.perf_counter() - start
    finally:
        db.dispose()
    return numbers, drawing


def run(quick: bool) -> list[Result]:
    n = sizes(quick).query
    fx = fixture.build(n)
    if count_rows(fx) == 0:
        rebuild_counts(fx, timeout=1200)  # as after any scrape (untimed here)
    name = f"jobtrend report --dry-run (4 tags + 2 terms, 26 weeks, {human(n)})"
    config = _config(fx)
    log("report: the whole command")
    runs = []
    with tempfile.TemporaryDirectory() as tmp:
        argv = [jobtrend_bin(), "--config", str(config), "report", "--period", PERIOD]
        argv += ["--dry-run", "--out", tmp]
        err = DATA / "report.stderr"
        runs = [run_child(argv, env=fx.env(), stderr=err, timeout=600) for _ in range(4)]
    if any(r.returncode for r in runs):
        tail = err.read_text(errors="replace").strip()[-300:]
        return [Result(GROUP, name, None, "s", passed=False, note=f"exit: {tail}")]
    log("report: numbers and drawing in-process")
    numbers, drawing = in_process(fx)
    best = min(r.seconds for r in runs[1:])
    return [
        goal_row(
            GROUP,
            name,
            best,
            "s",
            GOAL_S,
            note=f"in-process: numbers {numbers:.2f} s, drawing and writing {drawing:.2f} s; "
            f"first run {runs[0].seconds:.2f} s, then "
            + ", ".join(f"{r.seconds:.2f}" for r in runs[1:])
            + f" s; peak RSS {max(r.max_rss_mb for r in runs):.0f} MB",
            extra={
                "seconds": [r.seconds for r in runs],
                "numbers_seconds": numbers,
                "drawing_seconds": drawing,
            },
        )
    ]
