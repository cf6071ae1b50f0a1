"""Which sighting spans carry a term in a range of days: what ``jobtrend postings`` lists
(``monitor.numbers.listing``) and ``query --group-by company`` counts per company.

A job carries a term in a range when one of its postings is active on a day of the range
(current span or an earlier one kept in ``posting_span``; a stale source's open postings stop
at its last healthy day) and carries the term: by ``posting_tag`` when the term names a tag,
else by the tagger's matcher on title and description.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, case, func, literal, select, true, union_all
from sqlalchemy.orm import Session

from monitor.clock import Clock
from monitor.errors import UsageError
from monitor.runs import active_between, lifetime_between, span_active_between, stale_cuts
from monitor.search.index import matching_postings
from monitor.storage.idlist import id_in
from monitor.storage.models import Posting, PostingSpan, PostingTag
from monitor.tagging import resolve_term
from monitor.taxonomy import TagDef


@dataclass(frozen=True)
class Hits:
    """SQL conditions for a current span (``current``) and an earlier span (``span``) to be
    in the range and carry the term; ``matched``: an ad-hoc term's matching postings."""

    current: list[ColumnElement[bool]]
    span: list[ColumnElement[bool]]
    matched: set[int] | None


def hit_conditions(
    session: Session,
    clock: Clock,
    conditions: Sequence[ColumnElement[bool]],
    term: str | None,
    taxonomy: Mapping[str, TagDef],
    start: date | None,
    end: date | None,
    stale_after_days: int,
) -> Hits | None:
    """The hits of ``term`` (None: any job) on ``start``..``end`` (``end`` None: no range)
    among the postings meeting ``conditions``; None when an ad-hoc term matches nothing."""
    tag: str | None = None
    matched: set[int] | None = None
    if term is not None:
        needle = term.strip()
        if not needle:
            raise UsageError("The search term is empty; give a tag or a word to look for.")
        tag = resolve_term(needle, taxonomy)
        if tag is None:
            lifetime = list(conditions)
            if end is not None:  # windowed
                lifetime += lifetime_between(clock, start, end)
            matched = set(matching_postings(session, needle, lifetime))
            if not matched:
                return None

    current_hit: list[ColumnElement[bool]] = []
    span_hit: list[ColumnElement[bool]] = []
    if end is not None:
        cuts = stale_cuts(session, clock, stale_after_days)
        current_hit.append(active_between(clock, start, end, cuts=cuts))
        span_hit.append(span_active_between(clock, start, end))
    if tag is not None:
        has_tag = (
            select(PostingTag.posting_id)
            .where(PostingTag.posting_id == Posting.id, PostingTag.tag == tag)
            .exists()
        )
        current_hit.append(has_tag)
        span_hit.append(has_tag)
    if matched is not None:
        # Any number of ids, bound as one parameter (monitor.storage.idlist).
        ids = id_in(Posting.id, matched, session.get_bind().dialect.name)
        current_hit.append(ids)
        span_hit.append(ids)
    return Hits(current_hit, span_hit, matched)


def units(
    conditions: Sequence[ColumnElement[bool]],
    current_hit: Sequence[ColumnElement[bool]],
    span_hit: Sequence[ColumnElement[bool]],
    scope: tuple[Sequence[ColumnElement[bool]], Sequence[ColumnElement[bool]]] = ((), ()),
    *,
    only_hits: bool,
) -> Select[Any]:
    """Every sighting span of the filtered postings: current spans and earlier ones.

    ``hit`` is 1 where the span is in the range and its posting carries the term. With
    ``only_hits`` just those rows, with the conditions inside each branch so indexes apply.
    ``scope`` narrows the current and the earlier spans to some jobs (``listing``'s
    ``_job_scope``).
    """
    current_flag = and_(*current_hit) if current_hit else true()
    span_flag = and_(*span_hit) if span_hit else true()
    # A posting without a job (none in practice) is a job of its own, keyed apart from ids.
    job = func.coalesce(Posting.job_id, -Posting.id)
    current = select(
        job.label("job"),
        Posting.id.label("posting_id"),
        Posting.active_from.label("start"),
        Posting.last_seen_at.label("last"),
        Posting.closed_at.label("closed"),
        Posting.new_on.label("new_on"),
        (case((current_flag, 1), else_=0) if current_hit else literal(1)).label("hit"),
    ).where(*conditions, *scope[0])
    earlier = (
        select(
            PostingSpan.job_id,
            PostingSpan.posting_id,
            PostingSpan.start_at,
            PostingSpan.end_at,
            PostingSpan.closed_at,
            PostingSpan.new_on,
            case((span_flag, 1), else_=0) if span_hit else literal(1),
        )
        .join(Posting, Posting.id == PostingSpan.posting_id)
        .where(*conditions, *scope[1])
    )
    if only_hits:
        current = current.where(current_flag)
        earlier = earlier.where(span_flag)
    return union_all(current, earlier)  # type: ignore[return-value]


def jobs_per_company(
    session: Session,
    clock: Clock,
    conditions: Sequence[ColumnElement[bool]],
    term: str,
    taxonomy: Mapping[str, TagDef],
    start: date,
    end: date,
    stale_after_days: int,
) -> dict[str, set[int]]:
    """Per company (as stored), the jobs carrying ``term`` on some day of ``start``..``end``:
    the jobs ``postings TERM`` lists for that range with ``--company`` set to it. A job whose
    postings name two companies counts under each."""
    found = hit_conditions(session, clock, conditions, term, taxonomy, start, end, stale_after_days)
    if found is None:
        return {}
    hits = units(conditions, found.current, found.span, only_hits=True).subquery("hits")
    statement = (
        select(Posting.company, hits.c.job)
        .join(Posting, Posting.id == hits.c.posting_id)
        .distinct()
    )
    out: dict[str, set[int]] = {}
    for company, job in session.execute(statement):
        out.setdefault(company, set()).add(job)
    return out
