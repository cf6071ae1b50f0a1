"""The counting of daily figures from sighting spans, free of any database library.

``monitor.numbers.daily.compute_daily`` reads the spans with SQLAlchemy (any database); the
sqlite3 fast path (``monitor.numbers.fastquery``) reads the same rows with ``sqlite3``. Both
turn the rows into spans and count them here, so there is one counting.

A row of a posting's current sighting is (id, job_id, source_id, active_from, last_seen_at,
closed_at, new_on); a row of an earlier span (``posting_span``) is (posting_id, job_id,
start_at, end_at, closed_at, new_on); instants and days as SQLite stores them (ISO text) or as
PostgreSQL returns them (``LocalDays`` reads both).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from monitor.clock import Clock
from monitor.numbers.shares import Counts, Key
from monitor.storage.schema import ALL_SOURCES, ALL_TAGS


@dataclass(slots=True)
class Span:
    """One sighting span of one posting, in local days counted from the range's first day."""

    job: int
    source: int
    posting: int
    first: int
    last: int
    closed: int | None  # the day it closed, if it did
    new_on: int | None


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


def merge(intervals: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for lo, hi in sorted(intervals):
        if merged and lo <= merged[-1][1] + 1:
            if hi > merged[-1][1]:
                merged[-1] = (merged[-1][0], hi)
        else:
            merged.append((lo, hi))
    return merged


def posting_spans(
    rows: Iterable[tuple[Any, ...]],
    local: LocalDays,
    today: date,
    cuts: Mapping[int, date],
) -> list[Span]:
    """Spans of postings' current sightings: closed ones end on their last sighting's day,
    open ones today, or on their source's cut day when it is stale (``runs.stale_cuts``)."""
    today_at = local.offset(today)
    cut_at = {source: local.offset(day) for source, day in cuts.items()}
    out: list[Span] = []
    days = local  # a dict: one lookup per value in this loop, which runs once per posting
    for posting, job, source, active_from, last_seen, closed_at, new_on in rows:
        if closed_at is None:
            last, closed = cut_at.get(source, today_at), None
        else:
            last, closed = days[last_seen], days[closed_at]
        out.append(
            Span(job or posting, source, posting, days[active_from], last, closed, days[new_on])
        )
    return out


def history_spans(
    rows: Iterable[tuple[Any, ...]], owners: Mapping[int, int], local: LocalDays
) -> list[Span]:
    """Earlier spans of reposted postings, of the postings in ``owners`` (id -> source id)."""
    out: list[Span] = []
    for posting, job, start_at, end_at, closed_at, new_on in rows:
        source = owners.get(posting)
        if source is not None:
            first, last, closed = local[start_at], local[end_at], local[closed_at]
            out.append(Span(job, source, posting, first, last, closed, local[new_on]))
    return out


def count_spans(
    spans: Iterable[Span],
    start: date,
    end: date,
    *,
    posting_tags: Mapping[int, set[str]],
    per_source: bool,
    left_out_of_all: Collection[int] = (),
    origin: date | None = None,
) -> Counts:
    """Distinct jobs active, new and closed per day over ``start``..``end``, per tag of
    ``posting_tags`` and under ``ALL_TAGS``; per source too with ``per_source``. A job counts
    once per day under each key, from the union of its postings' spans; it is new on its first
    new day and closed on the day its last posting closed. The ``ALL_SOURCES`` + ``ALL_TAGS``
    count leaves out the postings of ``left_out_of_all`` (query-filtered sources).

    The spans' days are offsets from ``origin`` (default ``start``): spans read once for a
    longer range count for a part of it (``monitor.numbers.sweep``)."""
    span = (end - start).days + 1
    shift = 0 if origin is None else (start - origin).days
    # Group spans: per (job, source) for the per-source rows, per job for the all-source ones.
    groups: dict[tuple[int, int], list[Span]] = defaultdict(list)
    for s in spans:
        if per_source:
            groups[(s.job, s.source)].append(s)
        groups[(s.job, ALL_SOURCES)].append(s)

    diff: dict[Key, list[int]] = defaultdict(lambda: [0] * (span + 1))
    new: dict[Key, list[int]] = defaultdict(lambda: [0] * span)
    closed: dict[Key, list[int]] = defaultdict(lambda: [0] * span)

    # Offsets from ``origin``: the range's days are shift..shift + last_day.
    first_day, last_day = shift, shift + span - 1

    def add(key: Key, members: list[Span]) -> None:
        if len(members) == 1:  # most jobs: one posting seen once
            s = members[0]
            a, b = max(s.first, first_day), min(s.last, last_day)
            if a <= b:
                series = diff[key]
                series[a - shift] += 1
                series[b + 1 - shift] -= 1
            if s.new_on is not None and first_day <= s.new_on <= last_day:
                new[key][s.new_on - shift] += 1
            if s.closed is not None and first_day <= s.closed <= last_day:
                closed[key][s.closed - shift] += 1
            return
        for lo, hi in merge([(s.first, s.last) for s in members]):
            a, b = max(lo, first_day), min(hi, last_day)
            if a <= b:
                diff[key][a - shift] += 1
                diff[key][b + 1 - shift] -= 1
        new_days = [
            s.new_on for s in members if s.new_on is not None and first_day <= s.new_on <= last_day
        ]
        if new_days:
            new[key][min(new_days) - shift] += 1
        closes = [s.closed for s in members]
        if None not in closes:
            last_close = max(c for c in closes if c is not None)
            if first_day <= last_close <= last_day:
                closed[key][last_close - shift] += 1

    for (_job, source), members in groups.items():
        if posting_tags:
            job_tags = set().union(*(posting_tags.get(s.posting, ()) for s in members))
            for tag in job_tags:
                add((tag, source), members)
        counted = members
        if source == ALL_SOURCES and left_out_of_all:
            counted = [s for s in members if s.source not in left_out_of_all]
        if counted:
            add((ALL_TAGS, source), counted)

    active: dict[Key, list[int]] = {}
    for key, series in diff.items():
        running, out = 0, []
        for delta in series[:span]:
            running += delta
            out.append(running)
        active[key] = out
    return Counts(start, end, active, dict(new), dict(closed))
