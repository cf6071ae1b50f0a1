"""The query's filters as SQL conditions on postings: sources, countries, level, region and
companies (``jobtrend query``, ``postings``, ``export`` and the report share them)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
from sqlalchemy import ColumnElement, and_, case, func, or_, select
from sqlalchemy.orm import Session, aliased

from monitor.errors import UsageError
from monitor.level import ENTRY, EXPERIENCED
from monitor.storage.db import driver_rows
from monitor.storage.idlist import id_in
from monitor.storage.models import Posting, Source

if TYPE_CHECKING:
    from monitor.numbers.trends import TrendQuery

# Korea against elsewhere (DESIGN.md): KR = country KR; elsewhere = every known country other
# than KR, and remote; unknown = neither, shown on its own.
REGIONS = ("kr", "elsewhere", "unknown")
# Levels as the report splits them: unknown is its own group, never entry or experienced.
LEVELS = ("entry", "experienced", "unknown")


# The parts of the postings whose daily counts are stored (``daily_part_count``): each region
# and each level group, as ``region_condition`` and ``level_condition`` decide them.
REGION_PARTS = tuple(f"region:{r}" for r in REGIONS)
LEVEL_PARTS = tuple(f"level:{lv}" for lv in LEVELS)
PARTS = REGION_PARTS + LEVEL_PARTS


def unfiltered(query: TrendQuery) -> bool:
    """Whether the query keeps every posting (no source, country, company, region or level)."""
    return not (query.sources or query.countries or query.companies or query.region or query.level)


def stored_part(query: TrendQuery) -> str | None:
    """The stored part a query's filters are exactly (a region or a level alone), else None."""
    if query.sources or query.countries or query.companies or query.group_by:
        return None
    if query.region and not query.level:
        return f"region:{query.region}" if query.region in REGIONS else None
    if query.level and not query.region:
        return f"level:{query.level}" if query.level in LEVELS else None
    return None


def part_condition(part: str) -> ColumnElement[bool]:
    """SQL on postings: the posting is in the stored ``part`` (one of PARTS)."""
    kind, _, value = part.partition(":")
    return region_condition(value) if kind == "region" else level_condition(value)


def region_condition(region: str) -> ColumnElement[bool]:
    """SQL on postings: the posting is in ``region`` (one of REGIONS)."""
    known_abroad = and_(Posting.country.is_not(None), Posting.country != "KR")
    not_kr = or_(Posting.country.is_(None), Posting.country != "KR")
    if region == "kr":
        return Posting.country == "KR"
    if region == "elsewhere":
        return or_(known_abroad, and_(Posting.remote.is_(True), not_kr))
    if region == "unknown":
        return and_(Posting.country.is_(None), or_(Posting.remote.is_(None), ~Posting.remote))
    raise UsageError(f"The region {region!r} is not one of {', '.join(REGIONS)}.")


def region_of() -> ColumnElement[str | None]:
    """SQL: the posting's region (REGIONS), as ``region_condition`` decides it."""
    return case(*((region_condition(region), region) for region in REGIONS))


def level_of_job() -> ColumnElement[str | None]:
    """SQL: the posting's group of LEVELS, as ``level_condition`` decides it (None for a
    posting in none: experienced, but its job has an entry posting)."""
    return case(*((level_condition(level), level) for level in LEVELS))


# Up to this many jobs, ``level_codes`` looks up their entry postings by job (the job index);
# beyond, one pass over every entry posting is quicker.
FEW_JOBS = 20_000


def level_codes(session: Session, levels: Sequence[str | None], jobs: Sequence[int | None]) -> Any:
    """``level_of_job`` for rows already read with their posting's level and job, as each
    one's index in LEVELS (-1: none). The jobs with an entry posting are read in one pass
    over the level index, instead of a look-up per experienced posting."""
    read = np.asarray(levels, dtype=object)
    codes = np.full(len(read), -1, dtype=np.int64)
    for code, level in enumerate(LEVELS):
        codes[read == (None if level == "unknown" else level)] = code
    experienced = np.flatnonzero(codes == LEVELS.index(EXPERIENCED))
    if len(experienced):
        job = np.fromiter((jobs[i] or 0 for i in experienced.tolist()), np.int64)
        entry = select(Posting.job_id).where(Posting.level == ENTRY, Posting.job_id.is_not(None))
        wanted = set(job.tolist()) - {0}
        if len(wanted) <= FEW_JOBS:  # an ad-hoc term's: looked up by job
            dialect = session.get_bind().dialect.name
            entry = entry.where(id_in(Posting.job_id, wanted, dialect))
        entry_jobs = np.fromiter((row[0] for row in driver_rows(session, entry)), np.int64)
        codes[experienced[(job != 0) & np.isin(job, entry_jobs)]] = -1
    return codes


def codes_of(values: Sequence[str | None], names: Sequence[str]) -> Any:
    """Each value's index in ``names`` (-1 for None or a value not there), compared a name at a
    time."""
    read = np.asarray(values, dtype=object)
    out = np.full(len(read), -1, dtype=np.int64)
    for code, name in enumerate(names):
        out[read == name] = code
    return out


def source_ids(session: Session, names: Sequence[str]) -> list[int]:
    rows = dict(
        session.execute(select(Source.name, Source.id).where(Source.name.in_(list(names)))).all()
    )
    missing = [name for name in names if name not in rows]
    if missing:
        raise UsageError(
            f"No source named {missing[0]!r} has been scraped yet; see `jobtrend status`."
        )
    return [rows[name] for name in names]


def level_condition(level: str) -> ColumnElement[bool]:
    """Postings of jobs at ``level`` (entry, experienced, or unknown: no level stated): a job
    is entry if any of its postings is (DESIGN.md, "Level"), so an experienced posting whose
    job has an entry posting is not experienced."""
    if level == "unknown":
        return Posting.level.is_(None)
    condition = Posting.level == level
    if level != EXPERIENCED:
        return condition
    other = aliased(Posting)
    entry_elsewhere = (
        select(other.id)
        .where(other.job_id == Posting.job_id, other.id != Posting.id, other.level == ENTRY)
        .exists()
    )
    return and_(condition, ~entry_elsewhere)


def posting_conditions(session: Session, query: TrendQuery) -> list[ColumnElement[bool]]:
    """SQL conditions on postings for the query's filters (none: use the stored counts)."""
    conditions: list[ColumnElement[bool]] = []
    if query.sources:
        conditions.append(Posting.source_id.in_(source_ids(session, query.sources)))
    if query.countries:
        codes = [c.upper() for c in query.countries if c.lower() != "remote"]
        either = [Posting.country.in_(codes)] if codes else []
        if len(codes) < len(query.countries):
            either.append(Posting.remote.is_(True))
        conditions.append(or_(*either))
    if query.level:
        conditions.append(level_condition(query.level))
    if query.region:
        conditions.append(region_condition(query.region))
    if query.companies:
        conditions.append(func.lower(Posting.company).in_([c.lower() for c in query.companies]))
    return conditions
