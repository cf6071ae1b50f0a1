"""The counting of daily figures from sighting spans, free of any database library.

``monitor.numbers.daily.compute_daily`` reads the spans with SQLAlchemy (any database); the
sqlite3 fast path (``monitor.numbers.fastquery``) reads the same rows with ``sqlite3``. Both
turn the rows into spans and count them here, so there is one counting.

A row of a posting's current sighting is (id, job_id, source_id, active_from, last_seen_at,
closed_at, new_on); a row of an earlier span (``posting_span``) is (posting_id, job_id,
start_at, end_at, closed_at, new_on); instants and days as SQLite stores them (ISO text) or as
PostgreSQL returns them (``LocalDays`` reads both).

Spans are held as columns (``Spans``), and counted with array operations: a job's spans, sorted
by their first day, are merged where they overlap or touch (a running maximum of their last
days), and each merged stretch adds one to the days it covers.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from typing import Any

import numpy as np

from monitor.clock import Clock
from monitor.numbers.arrays import distinct, starts
from monitor.numbers.shares import Counts, Key
from monitor.storage.schema import ALL_SOURCES, ALL_TAGS


class LocalDays(dict[Any, Any]):
    """Local days as offsets from ``start``, per stored instant or day as the rows hold it
    (a SQLite ISO text, a PostgreSQL datetime or date; None stays None). Runs stamp many
    postings with the same instants, so few are converted: a lookup is one dict access.
    Instants and days never share a key: SQLite's texts differ in form, and a ``date`` never
    equals a ``datetime``."""

    def __init__(self, clock: Clock, start: date) -> None:
        super().__init__()
        self._clock = clock
        self._origin = start.toordinal()

    def __missing__(self, stored: Any) -> int | None:
        day: int | None = None
        if isinstance(stored, str):
            stored_day = date.fromisoformat(stored) if len(stored) <= 10 else self._local(stored)
            day = stored_day.toordinal() - self._origin
        elif isinstance(stored, datetime):
            day = self._local(stored).toordinal() - self._origin
        elif isinstance(stored, date):
            day = stored.toordinal() - self._origin
        self[stored] = day
        return day

    def _local(self, instant: str | datetime) -> date:
        value = datetime.fromisoformat(instant) if isinstance(instant, str) else instant
        return self._clock.local_day(value.replace(tzinfo=UTC))

    def offset(self, day: date) -> int:
        return day.toordinal() - self._origin


NO_DAY = 1 << 40  # a day that is not there: an open span's close, a span never new


@dataclass(frozen=True, slots=True)
class Spans:
    """Sighting spans as columns, one entry per span of one posting, in local days counted from
    the range's first day (``NO_DAY`` where a span has not closed, or was never new).
    ``ordered``: sorted by job, then first day (what the counting needs; ``take`` keeps it)."""

    job: Any
    source: Any
    posting: Any
    first: Any
    last: Any
    closed: Any
    new_on: Any
    ordered: bool = False

    def __len__(self) -> int:
        return len(self.job)

    def take(self, which: Any) -> Spans:
        """The spans of a mask (or of ascending indices)."""
        return Spans(
            self.job[which],
            self.source[which],
            self.posting[which],
            self.first[which],
            self.last[which],
            self.closed[which],
            self.new_on[which],
            self.ordered,
        )

    def sorted(self) -> tuple[Spans, Any]:
        """These spans by job, then first day, and the order that sorts them."""
        order = np.lexsort((self.first, self.job))
        return replace(self.take(order), ordered=True), order

    @staticmethod
    def of(columns: Sequence[Any]) -> Spans:
        job, source, posting, first, last, closed, new_on = (
            np.asarray(c, dtype=np.int64) for c in columns
        )
        return Spans(job, source, posting, first, last, closed, new_on)

    @staticmethod
    def joined(parts: Sequence[Spans]) -> Spans:
        job, source, posting, first, last, closed, new_on = (
            np.concatenate([getattr(p, f) for p in parts]) for f in _COLUMNS
        )
        return Spans(job, source, posting, first, last, closed, new_on)


_COLUMNS = ("job", "source", "posting", "first", "last", "closed", "new_on")
EMPTY = Spans.of([()] * len(_COLUMNS))


def day_column(values: Sequence[Any], local: LocalDays) -> Any:
    """Stored instants or days as local day offsets (None as ``NO_DAY``), each distinct value
    converted once."""
    table = {v: NO_DAY if (d := local[v]) is None else d for v in set(values)}
    return np.fromiter(map(table.__getitem__, values), dtype=np.int64, count=len(values))


def posting_spans(
    rows: Iterable[tuple[Any, ...]],
    local: LocalDays,
    today: date,
    cuts: Mapping[int, date],
) -> Spans:
    """Spans of postings' current sightings (rows of id, job, source, active_from,
    last_seen_at, closed_at, new_on, and any further columns)."""
    columns = list(zip(*rows, strict=True))
    return spans_of_columns(columns, local, today, cuts) if columns else EMPTY


def spans_of_columns(
    columns: Sequence[Sequence[Any]],
    local: LocalDays,
    today: date,
    cuts: Mapping[int, date],
) -> Spans:
    """``posting_spans`` of rows given as columns: closed spans end on their last sighting's
    day, open ones today, or on their source's cut day when it is stale
    (``runs.stale_cuts``)."""
    posting, job, source, active_from, last_seen, closed_at, new_on = columns[:7]
    n = len(posting)
    posting_ids = np.fromiter(posting, dtype=np.int64, count=n)
    jobs = np.fromiter((j or p for j, p in zip(job, posting, strict=True)), np.int64, count=n)
    sources = np.fromiter(source, dtype=np.int64, count=n)
    closed = day_column(closed_at, local)
    last = day_column(last_seen, local)
    is_open = closed == NO_DAY
    last[is_open] = local.offset(today)
    for cut_source, day in cuts.items():
        last[is_open & (sources == cut_source)] = local.offset(day)
    return Spans(
        jobs,
        sources,
        posting_ids,
        day_column(active_from, local),
        last,
        closed,
        day_column(new_on, local),
    )


def history_spans(
    rows: Iterable[tuple[Any, ...]], owners: Mapping[int, int], local: LocalDays
) -> Spans:
    """Earlier spans of reposted postings, of the postings in ``owners`` (id -> source id)."""
    kept = [row for row in rows if row[0] in owners]
    if not kept:
        return EMPTY
    posting, job, start_at, end_at, closed_at, new_on = zip(*kept, strict=True)
    return Spans(
        np.asarray(job, dtype=np.int64),
        np.asarray([owners[p] for p in posting], dtype=np.int64),
        np.asarray(posting, dtype=np.int64),
        day_column(start_at, local),
        day_column(end_at, local),
        day_column(closed_at, local),
        day_column(new_on, local),
    )


def tag_postings(posting_tags: Mapping[int, Collection[str]]) -> dict[str, Any]:
    """Per tag, the postings (of ``posting_tags``) that carry it, as an array."""
    out: dict[str, list[int]] = defaultdict(list)
    for posting, tags in posting_tags.items():
        for tag in tags:
            out[tag].append(posting)
    return {tag: np.asarray(postings, dtype=np.int64) for tag, postings in out.items()}


def count_spans(
    spans: Spans,
    start: date,
    end: date,
    *,
    posting_tags: Mapping[int, Collection[str]] | None = None,
    tagged: Mapping[str, Any] | None = None,
    per_source: bool,
    left_out_of_all: Collection[int] = (),
) -> Counts:
    """Distinct jobs active, new and closed per day over ``start``..``end``, per tag (of
    ``posting_tags``, or ``tagged``: ``tag_postings`` of them) and under ``ALL_TAGS``; per
    source too with ``per_source``. Under a tag a job counts from the spans of its postings
    that carry the tag (a job carries a tag on a day when one of its postings active that day
    does). A job counts once per day under each key: active on a day one of its spans covers,
    new on a day one of its spans is new, closed on a day one of its spans closed while none
    other kept it open. Each day's figures depend on that day's spans alone, so a count of a
    few days (a refresh) agrees with one of the whole history (a rebuild). The
    ``ALL_SOURCES`` + ``ALL_TAGS`` count leaves out the postings of ``left_out_of_all``
    (query-filtered sources). The spans' days are offsets from ``start``."""
    days = (end - start).days + 1
    window = (0, days - 1, days)
    if tagged is None:
        tagged = tag_postings(posting_tags or {})
    if not spans.ordered:
        spans = spans.sorted()[0]
    out = Counts(start, end, {}, {}, {})
    scopes: list[tuple[int, Any]] = [(ALL_SOURCES, None)]
    if per_source:
        scopes += [(int(s), spans.source == s) for s in distinct(spans.source)]
    left_out = np.fromiter(left_out_of_all, dtype=np.int64)
    for key_source, mask in scopes:
        part = spans if mask is None else spans.take(mask)
        for tag, postings in tagged.items():
            carrying = np.isin(part.posting, postings)
            if carrying.any():
                _put(out, (tag, key_source), _count(part.take(carrying), window))
        counted = part
        if mask is None and len(left_out):
            counted = part.take(~np.isin(part.source, left_out))
        if len(counted):
            _put(out, (ALL_TAGS, key_source), _count(counted, window))
    return out


def _count(spans: Spans, window: tuple[int, int, int]) -> tuple[Any, Any, Any]:
    """Active, new and closed distinct jobs per day of the window (first day, last day as
    offsets, days), from spans ordered by job and first day."""
    first_day, last_day, days = window
    job, first, last = spans.job, spans.first, spans.last
    job_start = starts(job)
    # Each span's job as a multiple of a unit wider than every day the spans and the window
    # hold: job and day then make one sortable 64-bit key, for any number of jobs.
    unit = 2
    if len(job):
        unit += max(int(last.max()), last_day) - min(int(first.min()), first_day)
    spread = (np.cumsum(job_start) - 1) * unit
    lo, hi = _stretches(job_start, spread, first, last)
    lo, hi = np.maximum(lo, first_day), np.minimum(hi, last_day)
    on = lo <= hi
    diff = np.bincount(lo[on] - first_day, minlength=days + 1)
    diff -= np.bincount(hi[on] + 1 - first_day, minlength=days + 1)
    active = np.cumsum(diff[:days])
    inside = (spans.new_on >= first_day) & (spans.new_on <= last_day)
    new = _per_day(spread[inside] + spans.new_on[inside], days, unit)
    # A span closed on day C leaves its job open that day only if another span keeps it open:
    # one covering C that did not close on C (a span keeps its job open up to the day before
    # it closed).
    shut = (spans.closed >= first_day) & (spans.closed <= last_day)
    events = spread[shut] + spans.closed[shut]
    keeps = np.minimum(last, spans.closed - 1)
    kept_lo, kept_hi = _stretches(job_start, spread, first, keeps, skip=keeps < first)
    at = np.searchsorted(kept_lo, events, side="right") - 1
    covered = (at >= 0) & (kept_hi[np.maximum(at, 0)] >= events) if len(kept_hi) else at >= 0
    closed = _per_day(events[~covered], days, unit)
    return active, new, closed


def _stretches(
    job_start: Any, spread: Any, first: Any, last: Any, skip: Any = None
) -> tuple[Any, Any]:
    """The days covered by each job's spans (ordered by job and first day), merged where they
    overlap or touch: each stretch's first and last day, as keys (``spread`` added) when
    ``skip`` (spans to leave out) is given, else as days."""
    if skip is not None:
        keep = ~skip
        job_start = starts(spread[keep])
        spread, first, last = spread[keep], first[keep], last[keep]
    # Within a job, a span starts a new stretch when it begins after the days covered so far.
    covered = np.maximum.accumulate(last + spread) - spread
    stretch = job_start.copy()
    stretch[1:] |= first[1:] > covered[:-1] + 1
    heads = np.flatnonzero(stretch)
    lo, hi = first[heads], np.maximum.reduceat(last, heads) if len(heads) else last[heads]
    if skip is not None:
        return lo + spread[heads], hi + spread[heads]
    return lo, hi


def _per_day(keys: Any, days: int, unit: int) -> Any:
    """Per day of the window, how many distinct (job, day) keys (job times ``unit``, plus the
    day) fall on it. The keys come in runs already sorted (by job, and mostly by day within
    one), which a stable sort (timsort) passes through quickly."""
    ordered = np.sort(keys, kind="stable")
    return np.bincount(ordered[starts(ordered)] % unit, minlength=days)


def _put(out: Counts, key: Key, found: tuple[Any, Any, Any]) -> None:
    """Store the key's series where it has any (as the stored counts have no empty rows)."""
    for series, values in zip((out.active, out.new, out.closed), found, strict=True):
        if values.any():
            series[key] = values.tolist()
