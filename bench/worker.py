"""Runs one benchmark group in this process and writes its rows as JSON (``python -m
bench.worker GROUP [--quick] --out FILE``): the parent measures each group's peak RSS apart."""

from __future__ import annotations

import argparse
import json
import time
import traceback
from collections.abc import Callable
from pathlib import Path

from bench.common import Result, human, log, sizes
from monitor.process import tune_gc


def fixture_rows(quick: bool) -> list[Result]:
    from bench import fixture

    n = sizes(quick).query
    cached = fixture.path_for(n).exists() and fixture.path_for(n).with_suffix(".json").exists()
    start = time.perf_counter()
    fx = fixture.build(n)
    seconds = time.perf_counter() - start
    info = fx.info
    phases = ", ".join(f"{k} {v:.0f} s" for k, v in info["phases_seconds"].items())
    counts = info["counts"]
    note = (
        f"{'cached' if cached else 'built now'}: {fx.path.name}, {info['size_mb']:.0f} MB; "
        f"built in {info['build_seconds']:.0f} s ({phases}); {counts['posting']} postings, "
        f"{counts['job']} jobs, {counts['posting_tag']} tags, {counts['open']} open"
    )
    return [
        Result(
            "fixture",
            f"query fixture {human(n)} ({'cached' if cached else 'build'})",
            seconds,
            "s",
            peer_label="(information)",
            note=note,
            extra=info,
        )
    ]


def groups() -> dict[str, Callable[[bool], list[Result]]]:
    from bench import adhoc, daemon, discover, export, ingest, query, report, tagging

    return {
        "fixture": fixture_rows,
        "tagging": tagging.run,
        "ingest": ingest.run,
        "query": query.run,
        "adhoc": adhoc.run,
        "export": export.run,
        "report": report.run,
        "discover": discover.run,
        "daemon": daemon.run,
    }


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.worker")
    parser.add_argument("group")
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    tune_gc()  # as the CLI does: the in-process figures are the commands' own
    try:
        rows = groups()[args.group](args.quick)
    except Exception as exc:
        log(traceback.format_exc())
        rows = [Result(args.group, args.group, None, "", passed=False, note=f"crashed: {exc!r}")]
    args.out.write_text(json.dumps([r.as_dict() for r in rows], ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
