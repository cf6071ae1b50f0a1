"""`jobtrend trending` and `jobtrend skills` over the 1M-posting fixture, against their goals
(under 3 s and under 2 s).

Both count the candidate phrases stored with the postings (``posting_phrases``, filled by the
fixture as the store fills it). Each command runs as a subprocess, best of 3 after one untimed
run that warms the OS page cache; the in-process seconds of the counting alone are in the note.
"""

from __future__ import annotations

import time
from pathlib import Path

from bench import fixture
from bench.common import DATA, Result, goal_row, human, jobtrend_bin, log, run_child, sizes
from bench.query import clock

GROUP = "discover"
PERIOD = "2025-W52"  # the fixture's last complete ISO week (its clock: 2025-12-31)
COMMANDS = (
    ("trending", ("trending", "--period", PERIOD), 3.0),
    ("skills multimodal_llm, 26 weeks", ("skills", "multimodal_llm"), 2.0),
    (
        "skills '멀티모달 LLM' --country KR, 26 weeks",
        ("skills", "멀티모달 LLM", "--country", "KR"),
        2.0,
    ),
)
REPEAT = 3


def _config(fx: fixture.Fixture) -> Path:
    path = DATA / "discover.toml"
    path.write_text(f'timezone = "Asia/Seoul"\n\n[database]\nurl = "{fx.url}"\n')
    return path


def in_process(fx: fixture.Fixture) -> tuple[float, float]:
    """Seconds of ``rising`` for the week and ``skills`` for 26 weeks, in one process (warm)."""
    from monitor.numbers.listing import Filters
    from monitor.numbers.periods import default_window, parse_bound
    from monitor.numbers.rising import rising
    from monitor.numbers.skills import skills
    from monitor.storage.db import Database
    from monitor.taxonomy import builtin_tags

    db = Database(fx.url)
    tags, at = builtin_tags(), clock()
    week = parse_bound(PERIOD, "--period")
    window = default_window(at.today(), "week")
    try:
        with db.session() as session:
            rising(session, at, tags, *week, Filters())  # warm
            start = time.perf_counter()
            rising(session, at, tags, *week, Filters())
            trending_s = time.perf_counter() - start
            start = time.perf_counter()
            skills(session, at, tags, "multimodal_llm", *window, Filters())
            skills_s = time.perf_counter() - start
    finally:
        db.dispose()
    return trending_s, skills_s


def run(quick: bool) -> list[Result]:
    n = sizes(quick).query
    fx = fixture.build(n)
    config = _config(fx)
    rows = []
    for label, args, goal in COMMANDS:
        name = f"jobtrend {label} ({human(n)})"
        log(f"discover: {label}")
        argv = [jobtrend_bin(), "--config", str(config), *args]
        err = DATA / "discover.stderr"
        runs = [run_child(argv, env=fx.env(), stderr=err, timeout=600) for _ in range(1 + REPEAT)]
        if any(r.returncode for r in runs):
            tail = err.read_text(errors="replace").strip()[-300:]
            rows.append(Result(GROUP, name, None, "s", passed=False, note=f"exit: {tail}"))
            continue
        best = min(r.seconds for r in runs[1:])
        rows.append(
            goal_row(
                GROUP,
                name,
                best,
                "s",
                goal,
                note=f"first run {runs[0].seconds:.2f} s, then "
                + ", ".join(f"{r.seconds:.2f}" for r in runs[1:])
                + f" s; peak RSS {max(r.max_rss_mb for r in runs):.0f} MB",
                extra={"seconds": [r.seconds for r in runs]},
            )
        )
    log("discover: in-process")
    trending_s, skills_s = in_process(fx)
    info = fx.info
    rows.append(
        Result(
            GROUP,
            f"counting alone, in-process ({human(n)})",
            trending_s,
            "s",
            note=f"rising() {trending_s:.2f} s, skills() {skills_s:.2f} s; fixture "
            f"{info['size_mb']:.0f} MB, built in {info['build_seconds']:.0f} s, "
            f"{info['counts'].get('phrase', 0)} phrases",
        )
    )
    return rows
