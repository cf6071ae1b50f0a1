"""The numbers of one weekly report, read from ``monitor.numbers``; no drawing, no HTML.

For each term of ``[report] tags`` (tags or ad-hoc terms): 26 weeks of rows (active, new,
share with its Wilson interval), the change against the 4 previous complete weeks (DESIGN.md,
"Change": only when active ≥ 5 this week and on average before, and over the sources present in
all five weeks), Korea against elsewhere (and unknown), this week's jobs by level, and a few
new jobs. Also all jobs over the 26 weeks, the sources' health, the sources used with their
credits, and chart markers where sources were added, went stale or came back.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import func, select, union
from sqlalchemy.orm import Session

from monitor.clock import Clock
from monitor.config import WatchConfig
from monitor.errors import UsageError
from monitor.numbers.filters import LEVEL_PARTS, LEVELS, REGION_PARTS, REGIONS, region_of
from monitor.numbers.listing import Filters, JobRow, jobs, jobs_of, new_in
from monitor.numbers.periods import Period, parse_bound, period_of, periods_between
from monitor.numbers.rising import RisingRow, rising
from monitor.numbers.shares import TOO_FEW, Row
from monitor.numbers.trends import TrendQuery, trend, trend_parts
from monitor.numbers.verdict import complete_weeks, share_slope
from monitor.runs import DEFAULT_STALE_DAYS, HEALTHY, RunStatus, all_health, lifetime_branches
from monitor.storage.models import Posting, ScrapeRun, Source
from monitor.storage.watches import sent_before
from monitor.tagging import resolve_term
from monitor.taxonomy import TagDef
from monitor.watches import matches
from reports.palette import term_colours
from scrapers.base import is_kind, source_class

WEEKS = 26  # weeks of history the report shows
BEFORE = 4  # previous complete weeks the change is measured against
NEW_JOBS = 5  # new jobs listed per term
RISING_TOP = 5  # rising phrases listed (``jobtrend trending`` has the rest)


@dataclass(frozen=True)
class TermReport:
    term: str  # as configured
    tag: str | None
    label: str  # the tag's label in the report's language; an ad-hoc term as typed
    colour: str
    rows: tuple[Row, ...]  # one per week with counted days, oldest first
    this: Row | None  # the report's week
    change: float | None  # percentage points; None when DESIGN.md does not allow it
    trend: str | None  # the verdict over the 26 weeks: rising | falling | flat | None
    regions: Mapping[str, tuple[Row, ...]]  # kr | elsewhere | unknown -> weekly rows
    levels: Mapping[str, float]  # entry | experienced | unknown -> active this week
    new_jobs: tuple[JobRow, ...]


@dataclass(frozen=True)
class WatchSection:
    """A weekly watch's part of the report: its matches first seen in the report's week, less
    any the watch had mailed before the week was over (while it notified daily or at once)."""

    name: str
    terms: tuple[str, ...]
    jobs: tuple[JobRow, ...]  # newest first


@dataclass(frozen=True)
class SourceUse:
    name: str
    kind: str
    query_filtered: bool
    health: str | None  # ok | failing | suspect | stale
    attribution: str  # the credit the site's terms ask for ("" when none)
    attribution_url: str


@dataclass(frozen=True)
class ChartMarker:
    day: date
    event: str  # added | stale | back
    source: str


@dataclass(frozen=True)
class ReportContent:
    period: Period
    language: str
    generated_at: datetime
    weeks: tuple[Period, ...]  # the 26 weeks, oldest first
    terms: tuple[TermReport, ...]
    totals: tuple[Row, ...]  # all jobs per week (jobs_total of the rows)
    sources: tuple[SourceUse, ...]
    markers: tuple[ChartMarker, ...]
    # Per side, the kinds of sources it draws on (search-filtered boards, whole boards).
    region_sources: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    region_kinds_differ: bool = False
    # The week's rising phrases (``monitor.numbers.rising``), and the labels of their tags.
    rising: tuple[RisingRow, ...] = ()
    tag_labels: Mapping[str, str] = field(default_factory=dict)
    watches: tuple[WatchSection, ...] = ()  # one per weekly watch, in the config's order

    @property
    def troubled(self) -> tuple[SourceUse, ...]:
        """Sources failing, suspect or stale: a drop there is not a trend."""
        return tuple(s for s in self.sources if s.health in ("failing", "suspect", "stale"))


def parse_week(text: str) -> Period:
    """``--period YYYY-Www``: the ISO week it names."""
    if "W" not in text.upper():
        raise UsageError(f"--period {text!r} is not an ISO week; use YYYY-Www such as 2026-W19.")
    start, _end = parse_bound(text, "--period")
    return period_of(start, "week")


def build_content(
    session: Session,
    clock: Clock,
    taxonomy: Mapping[str, TagDef],
    terms: Sequence[str],
    period: Period,
    *,
    language: str = "ko",
    stale_after_days: int = DEFAULT_STALE_DAYS,
    watches: Sequence[WatchConfig] = (),
) -> ReportContent:
    """Every number of the report for ``period`` (an ISO week), and a section per watch of
    ``watches`` (the weekly ones)."""
    if not terms:
        raise UsageError("[report] tags is empty; name at least one tag or term to report on.")
    weeks = tuple(periods_between(period.start - timedelta(weeks=WEEKS - 1), period.end, "week"))
    tags = dict(taxonomy)
    resolved = {term: resolve_term(term, tags) for term in terms}
    keys = [resolved[t] or t for t in terms]
    colours = term_colours(keys, list(tags))

    def query(**kw: object) -> TrendQuery:
        options: dict[str, object] = {
            "terms": list(terms),
            "start": weeks[0].start,
            "end": period.end,
            "by": "week",
            "stale_after_days": stale_after_days,
        }
        options.update(kw)
        return TrendQuery(**options)  # type: ignore[arg-type]

    # Tags' numbers and splits are stored counts (``daily_count``, ``daily_part_count``); an
    # ad-hoc term's are counted from one read of its matching postings.
    whole, split = trend_parts(session, clock, tags, query(), REGION_PARTS + LEVEL_PARTS)
    rows = _by_term(whole)
    regions = {r: _by_term(split[p]) for r, p in zip(REGIONS, REGION_PARTS, strict=True)}
    levels = {lv: _by_term(split[p]) for lv, p in zip(LEVELS, LEVEL_PARTS, strict=True)}
    changes = _changes(session, clock, tags, terms, rows, weeks, stale_after_days)
    new_jobs = jobs_of(session, new_in(session, clock, period.start, period.end))

    reports = []
    for term, key in zip(terms, keys, strict=True):
        tag = resolved[term]
        own = rows.get(term, ())
        this = next((r for r in own if r.period == period.label), None)
        reports.append(
            TermReport(
                term=term,
                tag=tag,
                label=tags[tag].label_in(language) if tag else term,
                colour=colours[key],
                rows=own,
                this=this,
                change=changes.get(term),
                trend=_verdict(own, weeks[0].start, period.end),
                regions={r: regions[r].get(term, ()) for r in REGIONS},
                levels={
                    lv: next(
                        (r.active for r in levels[lv].get(term, ()) if r.period == period.label),
                        0.0,
                    )
                    for lv in LEVELS
                },
                new_jobs=_new_jobs(session, clock, tags, term, period, stale_after_days, new_jobs),
            )
        )
    first = rows.get(terms[0], ())
    sides = _region_sources(session, clock, period)
    kinds = {side: {_kind_word(q) for _n, q in names} for side, names in sides.items()}
    return ReportContent(
        period=period,
        language=language,
        generated_at=clock.now(),
        weeks=weeks,
        terms=tuple(reports),
        totals=first,
        sources=_sources(session, clock, weeks, stale_after_days),
        markers=_markers(session, clock, weeks, stale_after_days),
        region_sources={s: tuple(sorted(n for n, _q in names)) for s, names in sides.items()},
        region_kinds_differ=bool(kinds["kr"] and kinds["elsewhere"])
        and kinds["kr"] != kinds["elsewhere"],
        rising=tuple(
            rising(
                session,
                clock,
                tags,
                period.start,
                period.end,
                Filters(),
                top=RISING_TOP,
                stale_after_days=stale_after_days,
            ).rows
        ),
        tag_labels={key: tag.label_in(language) for key, tag in tags.items()},
        watches=tuple(
            _watch_section(session, clock, tags, watch, period, stale_after_days)
            for watch in watches
        ),
    )


def _watch_section(
    session: Session,
    clock: Clock,
    tags: Mapping[str, TagDef],
    watch: WatchConfig,
    period: Period,
    stale_after_days: int,
) -> WatchSection:
    """First seen in the week, so a job is in one week's report only; a job the watch mailed
    before the week ended is left out, one it mailed later (this week's report, sent before
    and now sent again with --force) is kept."""
    found = matches(
        session,
        clock,
        tags,
        watch,
        period.start,
        until=period.end,
        stale_after_days=stale_after_days,
    )
    mailed = sent_before(session, watch.name, clock.day_end(period.end))
    return WatchSection(
        name=watch.name,
        terms=tuple(watch.terms),
        jobs=tuple(job for job in found if job.job_id not in mailed),
    )


def _verdict(rows: Sequence[Row], start: date, end: date) -> str | None:
    found = share_slope(complete_weeks(rows, start, end))
    return None if found is None else found.verdict


def _by_term(rows: Sequence[Row]) -> dict[str, tuple[Row, ...]]:
    out: dict[str, list[Row]] = defaultdict(list)
    for row in rows:
        out[row.term].append(row)
    return {term: tuple(sorted(r, key=lambda x: x.period)) for term, r in out.items()}


def _changes(
    session: Session,
    clock: Clock,
    tags: Mapping[str, TagDef],
    terms: Sequence[str],
    rows: Mapping[str, Sequence[Row]],
    weeks: Sequence[Period],
    stale_after_days: int,
) -> dict[str, float]:
    """This week's share minus the 4 previous weeks' mean, in points, where DESIGN.md allows.

    Only over sources present (a non-failed run) in all five weeks: a board added in week 3
    would otherwise move every share without any change in hiring.
    """
    span = list(weeks[-(BEFORE + 1) :])
    if len(span) < BEFORE + 1:
        return {}
    present, used = _present_sources(session, clock, span)
    if not present:
        return {}
    if present != used:
        query = TrendQuery(
            terms=list(terms),
            start=span[0].start,
            end=span[-1].end,
            by="week",
            sources=sorted(present),
            stale_after_days=stale_after_days,
        )
        rows = _by_term(trend(session, clock, dict(tags), query))
    labels = [p.label for p in span]
    out: dict[str, float] = {}
    for term in terms:
        by_label = {r.period: r for r in rows.get(term, ())}
        if any(label not in by_label for label in labels):
            continue
        this, before = by_label[labels[-1]], [by_label[label] for label in labels[:-1]]
        if this.share is None or any(r.share is None for r in before):
            continue
        if this.active < TOO_FEW or sum(r.active for r in before) / BEFORE < TOO_FEW:
            continue
        mean = sum(r.share or 0.0 for r in before) / BEFORE
        out[term] = round((this.share - mean) * 100, 2)
    return out


def _present_sources(
    session: Session, clock: Clock, weeks: Sequence[Period]
) -> tuple[set[str], set[str]]:
    """Sources with a non-failed run in every one of ``weeks``, and those with any run."""
    start, end = clock.day_start(weeks[0].start), clock.day_end(weeks[-1].end)
    runs = session.execute(
        select(Source.name, ScrapeRun.started_at)
        .join(Source, Source.id == ScrapeRun.source_id)
        .where(
            ScrapeRun.started_at >= start,
            ScrapeRun.started_at < end,
            ScrapeRun.status != RunStatus.FAILED,
        )
    ).all()
    seen: dict[str, set[str]] = defaultdict(set)
    for name, started in runs:
        seen[name].add(period_of(clock.local_day(started), "week").label)
    labels = {p.label for p in weeks}
    return {n for n, w in seen.items() if labels <= w}, set(seen)


def _new_jobs(
    session: Session,
    clock: Clock,
    tags: Mapping[str, TagDef],
    term: str,
    period: Period,
    stale_after_days: int,
    new_jobs: set[int],
) -> tuple[JobRow, ...]:
    """The first ``NEW_JOBS`` jobs of the term's listing for the week that are new in it; read
    among ``new_jobs``, those of the week's new postings (a job new in the week has one)."""
    found: list[JobRow] = []
    listing = jobs(
        session,
        clock,
        term=term,
        taxonomy=tags,
        start=period.start,
        end=period.end,
        stale_after_days=stale_after_days,
        of_jobs=new_jobs,
    )
    try:
        for row in listing:
            if row.new_on is not None and period.start <= row.new_on <= period.end:
                found.append(row)
                if len(found) == NEW_JOBS:
                    break
    finally:
        listing.close()
    return tuple(found)


def _region_sources(
    session: Session, clock: Clock, period: Period
) -> dict[str, list[tuple[str, bool]]]:
    """Per side (kr, elsewhere), the sources of its postings whose life touches the week."""
    used = union(
        *(
            select(Posting.source_id, region_of().label("region")).where(*branch)
            for branch in lifetime_branches(clock, period.start, period.end)
        )
    )
    sides: dict[int, set[str]] = defaultdict(set)
    for source_id, region in session.execute(used):
        sides[source_id].add(region or "")
    out: dict[str, list[tuple[str, bool]]] = {"kr": [], "elsewhere": []}
    for source_id, name, filtered in session.execute(
        select(Source.id, Source.name, Source.query_filtered).order_by(Source.name)
    ):
        for side in out:
            if side in sides.get(source_id, ()):
                out[side].append((name, bool(filtered)))
    return out


def _kind_word(query_filtered: bool) -> str:
    return "kind_search" if query_filtered else "kind_board"


def _sources(
    session: Session, clock: Clock, weeks: Sequence[Period], stale_after_days: int
) -> tuple[SourceUse, ...]:
    start, end = clock.day_start(weeks[0].start), clock.day_end(weeks[-1].end)
    used = set(
        session.scalars(
            select(ScrapeRun.source_id).where(
                ScrapeRun.started_at >= start, ScrapeRun.started_at < end
            )
        )
    )
    out = []
    for health in all_health(session, clock.now(), stale_after_days):
        if health.source_id not in used:
            continue
        cls = source_class(health.kind) if is_kind(health.kind) else None
        source = session.get(Source, health.source_id)
        out.append(
            SourceUse(
                name=health.name,
                kind=health.kind,
                query_filtered=bool(source and source.query_filtered),
                health=health.health,
                attribution=cls.attribution if cls else "",
                attribution_url=cls.attribution_url if cls else "",
            )
        )
    return tuple(out)


def _markers(
    session: Session, clock: Clock, weeks: Sequence[Period], stale_after_days: int
) -> tuple[ChartMarker, ...]:
    """Where a source was added, went stale (no healthy run for ``stale_after_days``) or came
    back, inside the charted weeks: each moves the numbers without any change in hiring."""
    first_day, last_day = weeks[0].start, min(weeks[-1].end, clock.today())
    firsts = dict(
        session.execute(
            select(Source.name, func.min(ScrapeRun.started_at))
            .join(Source, Source.id == ScrapeRun.source_id)
            .group_by(Source.name)
        ).all()
    )
    since = clock.day_start(first_day - timedelta(days=stale_after_days))
    healthy = session.execute(
        select(Source.name, ScrapeRun.started_at)
        .join(Source, Source.id == ScrapeRun.source_id)
        .where(ScrapeRun.status.in_(HEALTHY), ScrapeRun.started_at >= since)
        .order_by(Source.name, ScrapeRun.started_at)
    ).all()
    out: list[ChartMarker] = []
    # Sources that started with the history itself changed nothing: there is no before.
    start_of_history = min((clock.local_day(f) for f in firsts.values()), default=None)
    for name, first in firsts.items():
        day = clock.local_day(first)
        if first_day < day <= last_day and day != start_of_history:
            out.append(ChartMarker(day, "added", name))
    gap = timedelta(days=stale_after_days)
    for name, group in itertools.groupby(healthy, key=lambda r: r[0]):
        days = sorted({clock.local_day(r[1]) for r in group})
        for before, after in itertools.pairwise(days):
            if after - before > gap:
                if first_day <= before + gap <= last_day:
                    out.append(ChartMarker(before + gap, "stale", name))
                if first_day <= after <= last_day:
                    out.append(ChartMarker(after, "back", name))
        if days and first_day <= days[-1] + gap <= last_day:
            out.append(ChartMarker(days[-1] + gap, "stale", name))
    return tuple(sorted(out, key=lambda m: (m.day, m.source)))
