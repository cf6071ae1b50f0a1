"""The report's numbers are the filtered queries' numbers, however they are computed.

On a history with every split the report makes (Korea, abroad, remote, unknown places; entry,
experienced and unknown levels, one job whose boards disagree; a query-filtered board, a board
added late, a stale board, a repost), each figure of ``build_content`` is checked against the
query that defines it: ``trend`` with one filter for the regions, levels and the change's
sources, the job listing for the new jobs, and the postings' sources for each side.
"""

from __future__ import annotations

from runs import MIXED_PRESENT, MIXED_WEEK, mixed_clock
from sqlalchemy import select
from sqlalchemy.orm import Session

from monitor.numbers.filters import LEVELS, REGIONS, region_condition
from monitor.numbers.listing import jobs
from monitor.numbers.periods import Period
from monitor.numbers.shares import TOO_FEW, Row
from monitor.numbers.trends import TrendQuery, trend
from monitor.runs import lifetime_between
from monitor.storage.db import Database
from monitor.storage.models import Posting, Source
from monitor.taxonomy import builtin_tags
from reports.content import BEFORE, NEW_JOBS, WEEKS, ReportContent, build_content, parse_week

TERMS = ["llm", "medical", "diffusion", "로봇"]


_clock = mixed_clock


def _content(session: Session) -> ReportContent:
    return build_content(session, _clock(), builtin_tags(), TERMS, parse_week(MIXED_WEEK))


def _trend(session: Session, term: str, start: Period, end: Period, **kw: object) -> list[Row]:
    query = TrendQuery(terms=TERMS, start=start.start, end=end.end, by="week", **kw)  # type: ignore[arg-type]
    return [r for r in trend(session, _clock(), builtin_tags(), query) if r.term == term]


def test_regions_and_levels_are_the_filtered_trends(mixed: Database) -> None:
    with mixed.session() as session:
        content = _content(session)
        week = content.period
        assert len(content.weeks) == WEEKS
        for report in content.terms:
            for region in REGIONS:
                expected = _trend(session, report.term, content.weeks[0], week, region=region)
                assert list(report.regions[region]) == expected, (report.term, region)
            for level in LEVELS:
                rows = _trend(session, report.term, week, week, level=level)
                assert report.levels[level] == (rows[0].active if rows else 0.0)
        # The history has something on each side of each split.
        llm = content.terms[0]
        assert all(llm.regions[r][-1].active > 0 for r in REGIONS)
        assert all(llm.levels[lv] > 0 for lv in LEVELS)


def test_the_change_is_over_the_sources_present_in_all_five_weeks(mixed: Database) -> None:
    with mixed.session() as session:
        content = _content(session)
        span = content.weeks[-(BEFORE + 1) :]
        changes = 0
        for report in content.terms:
            rows = _trend(session, report.term, span[0], span[-1], sources=list(MIXED_PRESENT))
            this, before = rows[-1], rows[:-1]
            assert [r.period for r in rows] == [p.label for p in span]
            if this.active < TOO_FEW or sum(r.active for r in before) / BEFORE < TOO_FEW:
                assert report.change is None
                continue
            assert this.share is not None
            mean = sum(r.share or 0.0 for r in before) / BEFORE
            assert report.change == round((this.share - mean) * 100, 2)
            changes += 1
        assert changes >= 2


def test_new_jobs_are_the_listings_jobs_new_this_week(mixed: Database) -> None:
    with mixed.session() as session:
        content = _content(session)
        week = content.period
        for report in content.terms:
            expected = [
                row
                for row in jobs(
                    session,
                    _clock(),
                    term=report.term,
                    taxonomy=builtin_tags(),
                    start=week.start,
                    end=week.end,
                )
                if row.new_on is not None and week.start <= row.new_on <= week.end
            ][:NEW_JOBS]
            assert list(report.new_jobs) == expected, report.term
        # Medical jobs open every other day: four this week; more than five of the others.
        assert [len(r.new_jobs) for r in content.terms] == [NEW_JOBS, 4, NEW_JOBS, 4]


def test_each_side_names_the_sources_of_its_postings_this_week(mixed: Database) -> None:
    with mixed.session() as session:
        content = _content(session)
        week = content.period
        for side in ("kr", "elsewhere"):
            names = session.scalars(
                select(Source.name)
                .distinct()
                .join(Posting, Posting.source_id == Source.id)
                .where(region_condition(side), *lifetime_between(_clock(), week.start, week.end))
            )
            assert content.region_sources[side] == tuple(sorted(names))
        assert content.region_sources["kr"] == ("kr-board", "stale", "world")
        assert content.region_kinds_differ
