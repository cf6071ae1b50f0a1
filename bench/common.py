"""What every benchmark shares: paths, sizes, the fixed clock, timing and result rows."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "bench" / ".data"
# Bump when the corpus or the query fixture changes shape: cached files are keyed by it.
VERSION = "v1"
SEOUL = ZoneInfo("Asia/Seoul")

# The query fixture: two years of postings, the clock frozen on its last day.
FIXTURE_FIRST_DAY = datetime(2024, 1, 1, tzinfo=UTC)
FIXTURE_DAYS = 731  # 2024-01-01 .. 2025-12-31
FIXTURE_NOW = "2025-12-31T18:00:00+09:00"
FIXTURE_SINCE = "2024-01"
QUERY_TAGS = ("llm", "multimodal_llm", "autonomous_driving", "medical")

T = TypeVar("T")


@dataclass(frozen=True)
class Sizes:
    tagging: int
    ingest: int
    query: int


FULL = Sizes(tagging=100_000, ingest=200_000, query=1_000_000)
QUICK = Sizes(tagging=10_000, ingest=20_000, query=100_000)


def sizes(quick: bool) -> Sizes:
    return QUICK if quick else FULL


def human(n: int) -> str:
    """200000 -> "200k", 1000000 -> "1M"."""
    if n % 1_000_000 == 0:
        return f"{n // 1_000_000}M"
    if n % 1000 == 0:
        return f"{n // 1000}k"
    return str(n)


@dataclass
class Result:
    """One row of the table.

    ``measured`` and ``peer`` are in ``unit``; ``ratio`` is how many times worse than the peer
    (or the goal) the measurement is, so ≤ ``limit`` passes; ``passed`` None is information.
    """

    group: str
    name: str
    measured: float | None
    unit: str
    peer: float | None = None
    peer_label: str = ""
    ratio: float | None = None
    limit: float | None = None
    passed: bool | None = None
    note: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Result:
        return cls(**data)


def goal_row(
    group: str,
    name: str,
    measured: float,
    unit: str,
    goal: float,
    *,
    note: str = "",
    extra: dict[str, Any] | None = None,
) -> Result:
    """A row judged against an absolute goal: passes when ``measured <= goal``."""
    return Result(
        group,
        name,
        measured,
        unit,
        peer=goal,
        peer_label=f"goal < {fmt(goal, unit)}",
        ratio=measured / goal if goal else None,
        limit=1.0,
        passed=measured <= goal,
        note=note,
        extra=extra or {},
    )


def skipped(group: str, name: str, why: str) -> Result:
    return Result(group, name, None, "", note=why)


def fmt(value: float | None, unit: str) -> str:
    if value is None:
        return "-"
    if unit == "s" and value < 1:
        return f"{value * 1000:.0f} ms" if value >= 0.01 else f"{value * 1000:.1f} ms"
    if unit == "ms":
        return f"{value:.1f} ms" if value < 100 else f"{value:.0f} ms"
    if unit == "s":
        return f"{value:.2f} s" if value < 100 else f"{value:.0f} s"
    if unit == "MB":
        return f"{value:.0f} MB"
    if unit == "MB/s":
        return f"{value:.1f} MB/s"
    return f"{value:.3g} {unit}".strip()


def best_of(fn: Callable[[], T], repeat: int) -> tuple[float, list[float], T]:
    """Best wall-clock seconds of ``repeat`` calls, all of them, and the last return value."""
    times: list[float] = []
    value: T | None = None
    for _ in range(repeat):
        start = time.perf_counter()
        value = fn()
        times.append(time.perf_counter() - start)
    assert value is not None or repeat > 0
    return min(times), times, value  # type: ignore[return-value]


@dataclass(frozen=True)
class ChildRun:
    seconds: float
    returncode: int
    max_rss_mb: float  # this child's peak resident set (its own waited-for children included)
    timed_out: bool = False


def run_child(
    argv: Sequence[str],
    *,
    env: Mapping[str, str] | None = None,
    stdout: Path | None = None,
    stderr: Path | None = None,
    inherit_stderr: bool = False,
    timeout: float | None = None,
) -> ChildRun:
    """Run ``argv`` from the repository root; wall time and peak RSS from ``os.wait4``.

    ``wait4`` gives the rusage of exactly this child (``getrusage(RUSAGE_CHILDREN)`` would be
    the maximum over every child the bench has waited for).
    """
    full_env = dict(os.environ)
    full_env.update(env or {})
    out = stdout.open("wb") if stdout else subprocess.DEVNULL
    err: Any = stderr.open("wb") if stderr else None if inherit_stderr else subprocess.DEVNULL
    try:
        start = time.perf_counter()
        proc = subprocess.Popen(list(argv), cwd=ROOT, env=full_env, stdout=out, stderr=err)
        timer = threading.Timer(timeout, proc.kill) if timeout is not None else None
        if timer is not None:
            timer.start()
        try:
            _pid, status, usage = os.wait4(proc.pid, 0)  # blocking: no polling delay in timings
        finally:
            if timer is not None:
                timer.cancel()
        seconds = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
    finally:
        for handle in (out, err):
            if hasattr(handle, "close"):
                handle.close()
    return ChildRun(seconds, proc.returncode, usage.ru_maxrss / 1024, seconds >= (timeout or 1e9))


def jobtrend_bin() -> str:
    return str(Path(sys.executable).with_name("jobtrend"))


def self_rss_mb() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def log(message: str) -> None:
    """Progress on stderr (stdout of a worker is kept for nothing else either)."""
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)
