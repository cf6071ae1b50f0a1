"""The counting of spans (``monitor.numbers.counting``) holds for histories of any size."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np

from monitor.numbers.counting import NO_DAY, Spans, count_spans
from monitor.storage.schema import ALL_SOURCES, ALL_TAGS

START = date(2026, 1, 1)


def test_more_than_two_million_jobs_count_as_a_few_do() -> None:
    jobs = (1 << 21) + 1
    # Every job one span on day 0; the last also a span of days 1..5 that keeps it open on
    # day 3, when its first span (days 0..2) closes.
    n = jobs + 1
    job = np.concatenate([np.arange(jobs), [jobs - 1]])
    first = np.zeros(n, dtype=np.int64)
    first[-1] = 1
    last = np.zeros(n, dtype=np.int64)
    last[-2:] = (2, 5)
    closed = np.full(n, NO_DAY, dtype=np.int64)
    closed[-2] = 3
    never = np.full(n, NO_DAY, dtype=np.int64)
    spans = Spans.of([job, np.zeros(n), np.arange(n), first, last, closed, never])
    counts = count_spans(spans, START, START + timedelta(days=5), per_source=False)
    key = (ALL_TAGS, ALL_SOURCES)
    assert counts.active[key] == [jobs, 1, 1, 1, 1, 1]
    assert key not in counts.closed  # no day has a closed job
