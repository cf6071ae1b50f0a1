"""``python -m bench [--only GROUPS] [--quick]``: run the benchmarks and print the table."""

from __future__ import annotations

import argparse
import dataclasses
import json
import platform
import sqlite3
import sys
import time
from pathlib import Path
from typing import Any

from bench.common import DATA, VERSION, Result, fmt, log, run_child, sizes

GROUPS = ("tagging", "ingest", "query", "adhoc", "export", "report", "discover", "daemon")
NEEDS_FIXTURE = {"query", "adhoc", "export", "report", "discover"}
TOTAL_GOAL_S = 20 * 60
MEMORY_GOAL_MB = 5 * 1024
GROUP_TIMEOUT_S = 1800


def run_group(group: str, quick: bool, run_id: str) -> tuple[list[Result], float, float]:
    out = DATA / f"rows-{group}.json"
    out.unlink(missing_ok=True)
    argv = [sys.executable, "-m", "bench.worker", group, "--out", str(out)]
    if quick:
        argv.append("--quick")
    child = run_child(
        argv, env={"BENCH_RUN_ID": run_id}, inherit_stderr=True, timeout=GROUP_TIMEOUT_S
    )
    if out.exists():
        rows = [Result.from_dict(d) for d in json.loads(out.read_text())]
    else:
        why = "timed out" if child.timed_out else f"exit {child.returncode}"
        rows = [Result(group, group, None, "", passed=False, note=f"worker {why}")]
    return rows, child.seconds, child.max_rss_mb


def verdict(row: Result) -> str:
    if row.passed is None:
        return "skip" if row.measured is None else "info"
    return "PASS" if row.passed else "FAIL"


def ratio_text(row: Result) -> str:
    if row.ratio is None:
        return "-"
    limit = "" if row.limit is None else f" (<= {row.limit:g}x)"
    return f"{row.ratio:.2f}x{limit}"


def table(rows: list[Result]) -> str:
    header = ("name", "measured", "peer/goal", "ratio", "pass/fail")
    lines = [
        (
            r.name,
            fmt(r.measured, r.unit),
            r.peer_label or "-",
            ratio_text(r),
            verdict(r),
        )
        for r in rows
    ]
    widths = [max(len(h), *(len(line[i]) for line in lines)) for i, h in enumerate(header)]
    out = ["  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True))]
    out.append("  ".join("-" * w for w in widths))
    out += ["  ".join(c.ljust(w) for c, w in zip(line, widths, strict=True)) for line in lines]
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument(
        "--only", default=",".join(GROUPS), help=f"comma-separated groups of {', '.join(GROUPS)}"
    )
    parser.add_argument("--quick", action="store_true", help="corpora ten times smaller")
    args = parser.parse_args(argv)
    chosen = [g.strip() for g in args.only.split(",") if g.strip()]
    unknown = [g for g in chosen if g not in GROUPS]
    if unknown:
        parser.error(f"unknown group(s) {', '.join(unknown)}; choose from {', '.join(GROUPS)}")
    DATA.mkdir(parents=True, exist_ok=True)
    run_id = f"{time.time_ns()}"
    start = time.perf_counter()
    rows: list[Result] = []
    groups: dict[str, dict[str, float]] = {}
    steps = (["fixture"] if NEEDS_FIXTURE & set(chosen) else []) + [
        g for g in GROUPS if g in chosen
    ]
    for group in steps:
        log(f"group {group}")
        group_rows, seconds, rss = run_group(group, args.quick, run_id)
        rows += group_rows
        groups[group] = {"seconds": seconds, "peak_rss_mb": rss}
        log(f"group {group}: {seconds:.0f} s, peak RSS {rss:.0f} MB")
    total = time.perf_counter() - start
    peak = max((g["peak_rss_mb"] for g in groups.values()), default=0.0)
    rows.append(
        Result(
            "total",
            "whole bench: wall / peak RSS",
            total,
            "s",
            peer=TOTAL_GOAL_S,
            peer_label=f"goal < 20 min, < 5 GB (peak {peak:.0f} MB)",
            ratio=max(total / TOTAL_GOAL_S, peak / MEMORY_GOAL_MB),
            limit=1.0,
            passed=total < TOTAL_GOAL_S and peak < MEMORY_GOAL_MB,
            note="groups: "
            + ", ".join(
                f"{g} {v['seconds']:.0f} s / {v['peak_rss_mb']:.0f} MB" for g, v in groups.items()
            ),
        )
    )
    print(table(rows))
    print()
    for r in rows:
        if r.note:
            print(f"- {r.name}: {r.note}")
    results: dict[str, Any] = {
        "version": VERSION,
        "quick": args.quick,
        "sizes": dataclasses.asdict(sizes(args.quick)),
        "groups": groups,
        "total_seconds": total,
        "peak_rss_mb": peak,
        "python": sys.version.split()[0],
        "sqlite": sqlite3.sqlite_version,
        "machine": f"{platform.machine()} {platform.system()} {platform.release()}",
        "rows": [r.as_dict() for r in rows],
    }
    out = Path(DATA / "results.json")
    out.write_text(json.dumps(results, ensure_ascii=False, indent=2))
    print(f"\nresults: {out}")
    return 0 if all(r.passed is not False for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
