"""Export memory: `jobtrend export --format jsonl -o /dev/null` over the 1M-posting fixture.

Peak RSS of the whole export against that of one source's export (about a fifth of the
postings): memory that stays flat gives a ratio near 1; one that holds the rows grows with
them. Skipped, with the code kept, where the command does not exist yet.
"""

from __future__ import annotations

from bench import fixture
from bench.common import DATA, Result, human, jobtrend_bin, log, run_child, sizes, skipped
from bench.corpus import SOURCES

GROUP = "export"
SUBSET_SOURCE = SOURCES[-1]
LIMIT = 1.5


def run(quick: bool) -> list[Result]:
    n = sizes(quick).query
    name = f"export jsonl {human(n)}: peak RSS"
    probe = run_child([jobtrend_bin(), "export", "--help"])
    if probe.returncode != 0:
        return [skipped(GROUP, name, "command not available (`jobtrend export` is missing)")]
    fx = fixture.build(n)
    base = [jobtrend_bin(), "--config", str(fx.config), "export", "--format", "jsonl"]
    err = DATA / "export.stderr"
    log("export: all postings")
    full = run_child([*base, "-o", "/dev/null"], env=fx.env(), stderr=err, timeout=1200)
    if full.returncode != 0:
        tail = err.read_text(errors="replace").strip()[-300:]
        why = "timed out" if full.timed_out else f"exit {full.returncode}"
        return [Result(GROUP, name, full.max_rss_mb, "MB", passed=False, note=f"{why}: {tail}")]
    log(f"export: --source {SUBSET_SOURCE}")
    part = run_child(
        [*base, "--source", SUBSET_SOURCE, "-o", "/dev/null"],
        env=fx.env(),
        stderr=err,
        timeout=1200,
    )
    rate = n / full.seconds
    note = f"{full.seconds:.1f} s ({rate:,.0f} postings/s)"
    if part.returncode != 0:
        tail = err.read_text(errors="replace").strip()[-200:]
        return [
            Result(
                GROUP,
                name,
                full.max_rss_mb,
                "MB",
                peer_label="(subset export failed)",
                note=f"{note}; --source {SUBSET_SOURCE} failed: {tail}",
            )
        ]
    ratio = full.max_rss_mb / part.max_rss_mb
    return [
        Result(
            GROUP,
            name,
            full.max_rss_mb,
            "MB",
            peer=part.max_rss_mb,
            peer_label=f"one source {part.max_rss_mb:.0f} MB",
            ratio=ratio,
            limit=LIMIT,
            passed=ratio <= LIMIT,
            note=f"{note}; one source ({SUBSET_SOURCE}, ~1/5 of the postings): "
            f"{part.seconds:.1f} s; flat means a ratio near 1 (limit {LIMIT})",
            extra={
                "seconds": full.seconds,
                "rss_mb": full.max_rss_mb,
                "subset_seconds": part.seconds,
                "subset_rss_mb": part.max_rss_mb,
            },
        )
    ]
