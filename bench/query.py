"""`query` over the 1M-posting fixture: rebuild-counts, trend() in-process, the CLI, --help.

* ``jobtrend db rebuild-counts`` (``monitor.numbers.refresh.rebuild_counts``) as a subprocess: how
  long a full rebuild of ``daily_count`` takes on the fixture, and its peak RSS. Should it fail
  or time out, ``daily_count`` is filled by the bench's own difference arrays instead (noted).
* ``monitor.numbers.trends.trend()`` for the four built-in tags, weekly, over the two years, warm,
  in-process: the query time (best of 5); and ``monitor.numbers.fastquery.fast_trend`` where it
  exists (the CLI's sqlite3-only path for tags without filters), whose rows must equal those.
* ``jobtrend --config CFG query llm multimodal_llm autonomous_driving medical --since 2024-01
  --json`` as a subprocess with ``JOBTREND_NOW`` set: the whole command (best of 5); its JSON
  must equal the in-process rows.
* ``jobtrend --help`` (best of 5).
"""

from __future__ import annotations

import json
import os
import sqlite3
import sys
from collections import defaultdict
from datetime import date, datetime
from pathlib import Path
from typing import Any

from bench import fixture
from bench.common import (
    DATA,
    FIXTURE_NOW,
    FIXTURE_SINCE,
    QUERY_TAGS,
    SEOUL,
    Result,
    best_of,
    goal_row,
    human,
    jobtrend_bin,
    log,
    run_child,
    sizes,
    skipped,
)

GROUP = "query"
RUN_ID_ENV = "BENCH_RUN_ID"


def clock() -> Any:
    from monitor.clock import Clock

    return Clock(SEOUL, datetime.fromisoformat(FIXTURE_NOW))


def trend_query(terms: tuple[str, ...] | list[str]) -> Any:
    """The TrendQuery the CLI builds for ``query TERMS --since 2024-01`` (weekly)."""
    from monitor.numbers.periods import default_window, parse_bound
    from monitor.numbers.trends import TrendQuery

    today = clock().today()
    start = parse_bound(FIXTURE_SINCE, "--since")[0]
    end = max(default_window(today, "week")[1], start)
    return TrendQuery(terms=list(terms), start=start, end=end, by="week")


def rebuild_counts(fx: fixture.Fixture, timeout: float) -> Result:
    """Time ``jobtrend db rebuild-counts`` (once per bench run: reused when just measured)."""
    meta = fx.path.with_suffix(".json")
    info = json.loads(meta.read_text())
    run_id = os.environ.get(RUN_ID_ENV, "")
    previous = info.get("rebuild_counts")
    if previous and run_id and previous.get("run_id") == run_id:
        measured = previous
    else:
        log("query: jobtrend db rebuild-counts")
        err = DATA / "rebuild-counts.stderr"
        child = run_child(
            [jobtrend_bin(), "--config", str(fx.config), "db", "rebuild-counts"],
            env=fx.env(),
            stderr=err,
            timeout=timeout,
        )
        measured = {
            "run_id": run_id,
            "seconds": child.seconds,
            "rss_mb": child.max_rss_mb,
            "returncode": child.returncode,
            "timed_out": child.timed_out,
            "stderr": err.read_text(errors="replace")[-500:],
        }
        if child.returncode != 0:
            log(f"rebuild-counts failed ({measured['stderr'].strip()}); using the fallback")
            fallback_counts(fx)
            measured["fallback"] = True
        info["rebuild_counts"] = measured
        meta.write_text(json.dumps(info, indent=2))
    rows = count_rows(fx)
    n = fx.info["postings"]
    if measured["returncode"] != 0:
        why = "timed out" if measured["timed_out"] else f"exit {measured['returncode']}"
        return Result(
            GROUP,
            f"db rebuild-counts {human(n)}",
            measured["seconds"],
            "s",
            passed=False,
            note=f"{why}: {measured['stderr'].strip()[-200:]}; daily_count filled by the "
            f"bench's fallback ({rows} rows)",
        )
    return Result(
        GROUP,
        f"db rebuild-counts {human(n)}",
        measured["seconds"],
        "s",
        peer_label="(information)",
        note=f"peak RSS {measured['rss_mb']:.0f} MB, {rows} daily_count rows",
        extra=measured,
    )


def count_rows(fx: fixture.Fixture) -> int:
    """``daily_count``'s rows, or 0 while another stored table is empty (as after a migration
    adds one): then the counts are to be rebuilt."""
    conn = sqlite3.connect(fx.path)
    try:
        for table in ("daily_part_count", "weekly_phrases"):
            if (
                conn.execute(f"SELECT count(*) FROM (SELECT 1 FROM {table} LIMIT 1)").fetchone()[0]
                == 0
            ):
                return 0
        return int(conn.execute("SELECT count(*) FROM daily_count").fetchone()[0])
    finally:
        conn.close()


def fallback_counts(fx: fixture.Fixture) -> None:
    """``daily_count`` all-source rows from the fixture's postings, by difference arrays.

    Only for when rebuild-counts cannot finish: jobs active per day (a job's postings' spans
    merged), new on its first posting's ``new_on``; no closed counts, no per-source rows.
    """
    from monitor.storage.models import ALL_SOURCES, ALL_TAGS

    conn = sqlite3.connect(fx.path)
    first = date.fromisoformat(fx.info["days"][0])
    last = clock().today()
    span = (last - first).days + 1

    def day_index(stamp: str) -> int:
        return (datetime.fromisoformat(stamp + "+00:00").astimezone(SEOUL).date() - first).days

    tags: dict[int, set[str]] = defaultdict(set)
    for posting_id, tag in conn.execute("SELECT posting_id, tag FROM posting_tag"):
        tags[posting_id].add(tag)
    jobs: dict[int, list[Any]] = {}
    for pid, job, active_from, last_seen, closed_at, new_on in conn.execute(
        "SELECT id, job_id, active_from, last_seen_at, closed_at, new_on FROM posting"
    ):
        lo = day_index(active_from)
        hi = day_index(last_seen) if closed_at is not None else span - 1
        entry = jobs.setdefault(job, [[], set(), None])
        entry[0].append((lo, hi))
        entry[1] |= tags.get(pid, set())
        if new_on is not None:
            day = (date.fromisoformat(new_on) - first).days
            entry[2] = day if entry[2] is None else min(entry[2], day)
    diff: dict[str, list[int]] = defaultdict(lambda: [0] * (span + 1))
    new: dict[str, list[int]] = defaultdict(lambda: [0] * span)
    for spans, job_tags, new_day in jobs.values():
        merged: list[list[int]] = []
        for lo, hi in sorted(spans):
            if merged and lo <= merged[-1][1] + 1:
                merged[-1][1] = max(merged[-1][1], hi)
            else:
                merged.append([lo, hi])
        for tag in (ALL_TAGS, *job_tags):
            for lo, hi in merged:
                diff[tag][max(lo, 0)] += 1
                diff[tag][min(hi, span - 1) + 1] -= 1
            if new_day is not None and 0 <= new_day < span:
                new[tag][new_day] += 1
    rows = []
    for tag, series in diff.items():
        running = 0
        for offset in range(span):
            running += series[offset]
            rows.append(
                (
                    date.fromordinal(first.toordinal() + offset).isoformat(),
                    tag,
                    ALL_SOURCES,
                    running,
                    new[tag][offset],
                    0,
                )
            )
    conn.execute("DELETE FROM daily_count")
    conn.executemany(
        "INSERT INTO daily_count (day, tag, source_id, active, new, closed) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        rows,
    )
    conn.commit()
    conn.close()


def in_process(fx: fixture.Fixture) -> tuple[Result, list[dict[str, Any]], list[dict[str, Any]]]:
    """The timed ``trend()`` row, its rows, and those rows as ``query --json`` gives them (each
    with its term's trend verdict over the span)."""
    from monitor.numbers.trends import trend
    from monitor.numbers.verdict import with_verdicts
    from monitor.storage.db import Database
    from monitor.taxonomy import builtin_tags

    db = Database(fx.url)
    taxonomy = builtin_tags()
    query = trend_query(QUERY_TAGS)
    try:
        with db.session() as session:
            trend(session, clock(), taxonomy, query)  # warm: connection, caches, OS pages
            best, times, rows = best_of(lambda: trend(session, clock(), taxonomy, query), 5)
    finally:
        db.dispose()
    as_dicts = [row.as_dict() for row in rows]
    weeks = len({r["period"] for r in as_dicts})
    note = f"{len(as_dicts)} rows ({weeks} weeks x {len(QUERY_TAGS)} tags); runs " + ", ".join(
        f"{t * 1000:.0f}" for t in times
    )
    n = fx.info["postings"]
    result = goal_row(
        GROUP,
        f"trend() 4 tags weekly, {human(n)}",
        best * 1000,
        "ms",
        20.0,
        note=note,
        extra={"seconds": times},
    )
    judged = [row.as_dict() for row in with_verdicts(rows, rows, query.start, query.end)]
    return result, as_dicts, judged


def fast_path(fx: fixture.Fixture, expected: list[dict[str, Any]]) -> Result | None:
    """``monitor.numbers.fastquery.fast_trend`` (the CLI's path for tags without filters)."""
    import importlib

    from monitor.tagging import resolve_term
    from monitor.taxonomy import builtin_tags

    try:
        fast_trend = importlib.import_module("monitor.numbers.fastquery").fast_trend
    except (ImportError, AttributeError):
        return None
    query = trend_query(QUERY_TAGS)
    resolved = {term: resolve_term(term, builtin_tags()) for term in QUERY_TAGS}
    name = f"fast_trend() 4 tags weekly, {human(fx.info['postings'])}"

    def call() -> Any:
        return fast_trend(
            fx.url, clock(), resolved, list(QUERY_TAGS), query.start, query.end, "week"
        )

    try:
        call()
        best, times, rows = best_of(call, 5)
    except Exception as exc:  # its signature may move on: report, do not crash
        return skipped(GROUP, name, f"could not call it: {exc!r}")
    if rows is None:
        return skipped(GROUP, name, "returned None (the full path would answer)")
    same = [r.as_dict() for r in rows] == expected
    return goal_row(
        GROUP,
        name,
        best * 1000,
        "ms",
        20.0,
        note=("rows equal trend()'s" if same else "rows DIFFER from trend()'s")
        + "; the CLI's path for tags without filters (sqlite3 on daily_count); runs "
        + ", ".join(f"{t * 1000:.1f}" for t in times),
    )


def _command_runs(
    fx: fixture.Fixture, args: list[str], stem: str, name: str
) -> tuple[list[Any], Path, Result | None]:
    """``jobtrend --config FIXTURE ARGS`` six times (the first warms the OS page cache); the
    runs, the stdout file, and a failed row if any run exited non-zero."""
    argv = [jobtrend_bin(), "--config", str(fx.config), *args]
    out, err = DATA / f"{stem}.stdout", DATA / f"{stem}.stderr"
    runs = [run_child(argv, env=fx.env(), stdout=out, stderr=err) for _ in range(6)]
    if any(r.returncode for r in runs):
        best = min(r.seconds for r in runs[1:])
        note = f"exit {runs[-1].returncode}: {err.read_text(errors='replace')[-300:]}"
        return runs, out, Result(GROUP, name, best, "s", passed=False, note=note)
    return runs, out, None


def cli_query(fx: fixture.Fixture, expected: list[dict[str, Any]]) -> Result:
    name = f"jobtrend query (4 tags, {human(fx.info['postings'])})"
    args = ["query", *QUERY_TAGS, "--since", FIXTURE_SINCE, "--json"]
    runs, out, failed = _command_runs(fx, args, "query", name)
    if failed is not None:
        return failed
    best = min(r.seconds for r in runs[1:])  # best of the warm five
    got = json.loads(out.read_text())
    same = (
        "JSON equals the in-process rows (with their verdicts)"
        if got == expected
        else "JSON DIFFERS from trend()"
    )
    return goal_row(
        GROUP,
        name,
        best,
        "s",
        0.3,
        note=f"{same}; peak RSS {max(r.max_rss_mb for r in runs):.0f} MB; runs "
        + ", ".join(f"{r.seconds * 1000:.0f}" for r in runs[1:])
        + f" ms; {_import_note(fx)}",
        extra={"seconds": [r.seconds for r in runs], "same_as_trend": got == expected},
    )


def cli_adhoc_query(fx: fixture.Fixture, term: str = "diffusion") -> Result:
    """The whole command for an ad-hoc word: one Latin word, so the word index answers it and
    the CLI's sqlite3 path counts it (``fastquery``, no SQLAlchemy import)."""
    name = f"jobtrend query {term!r} (ad-hoc, {human(fx.info['postings'])})"
    args = ["query", term, "--since", FIXTURE_SINCE, "--json"]
    runs, _, failed = _command_runs(fx, args, "query-adhoc", name)
    if failed is not None:
        return failed
    return goal_row(
        GROUP,
        name,
        min(r.seconds for r in runs[1:]),
        "s",
        0.3,
        note=f"first run {runs[0].seconds * 1000:.0f} ms (searches), then "
        + ", ".join(f"{r.seconds * 1000:.0f}" for r in runs[1:])
        + f" ms; {_import_note(fx)}",
    )


def _import_note(fx: fixture.Fixture) -> str:
    """How long the interpreter and ``import monitor.cli`` take, for reading the command's."""
    bare = min(run_child([sys.executable, "-c", "pass"]).seconds for _ in range(5))
    code = "import monitor.cli"
    cli = min(run_child([sys.executable, "-c", code]).seconds for _ in range(5))
    return f"python startup {bare * 1000:.0f} ms, +import monitor.cli {(cli - bare) * 1000:.0f} ms"


def cli_help() -> Result:
    runs = [run_child([jobtrend_bin(), "--help"]) for _ in range(6)]
    if any(r.returncode for r in runs):
        return Result(GROUP, "jobtrend --help", None, "s", passed=False, note="non-zero exit")
    best = min(r.seconds for r in runs[1:])
    return goal_row(
        GROUP,
        "jobtrend --help",
        best,
        "s",
        0.15,
        note="runs " + ", ".join(f"{r.seconds * 1000:.0f}" for r in runs[1:]) + " ms",
    )


def run(quick: bool) -> list[Result]:
    n = sizes(quick).query
    fx = fixture.build(n)
    results = [rebuild_counts(fx, timeout=300 if quick else 1200)]
    try:
        row, expected, judged = in_process(fx)
        results.append(row)
    except Exception as exc:  # keep the other rows
        results.append(skipped(GROUP, "trend() 4 tags weekly", f"failed: {exc!r}"))
        expected, judged = [], []
    fast = fast_path(fx, expected)
    if fast is not None:
        results.append(fast)
    log("query: the CLI")
    results.append(cli_query(fx, judged))
    results.append(cli_adhoc_query(fx))
    results.append(cli_help())
    return results
