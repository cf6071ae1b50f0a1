"""Ad-hoc terms: which postings mention a term that is not a tag.

A text index finds candidates (SQLite FTS5 trigram, PostgreSQL pg_trgm), then the tagger's own
matcher decides, so a term matches exactly as an alias would (case, NFKC, word boundaries for
Latin, inside words for Hangul). The index is asked for the longest run of the term without
spaces or hyphens (every spelling variant the matcher accepts contains it). A run of 3+
characters is the AND of its trigrams (the index keeps no positions). A run of 2 (the common
Korean two-syllable words 의료, 로봇; AI, ML) is the union of the indexed trigrams that begin
with it: every indexed text ends in a space, so every occurrence begins one (migration 0003).
Anything else, and PostgreSQL's short terms, scan the stored text.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, or_, select, text
from sqlalchemy.orm import Session

from monitor.idlist import id_in
from monitor.models import Posting
from monitor.tagging import term_anchor, term_matcher

log = logging.getLogger(__name__)


def index_chunk(term: str) -> str:
    """What the text index is asked for: the term's anchor (see ``tagging.term_anchor``)."""
    return term_anchor(term)


def _escape_like(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _fts_match(session: Session, expression: str) -> list[int]:
    rows = session.execute(
        text("SELECT rowid FROM posting_fts WHERE posting_fts MATCH :expression"),
        {"expression": expression},
    )
    return [row[0] for row in rows]


def _quoted(value: str) -> str:
    return '"' + value.replace('"', '""') + '"'


def _fts_candidates(session: Session, chunk: str) -> list[int] | None:
    """Posting ids from the FTS5 index, or None where it cannot answer (scan instead)."""
    try:
        if len(chunk) >= 3:
            # Every trigram of the chunk (the index keeps no positions for a phrase query).
            parts = dict.fromkeys(chunk[i : i + 3] for i in range(len(chunk) - 2))
            return _fts_match(session, " AND ".join(_quoted(t) for t in parts))
        # The trigrams that begin with the two characters, read off the index's vocabulary.
        trigrams = session.scalars(
            text("SELECT term FROM posting_fts_terms WHERE term >= :low AND term < :high"),
            {"low": chunk, "high": chunk + "\U0010ffff"},
        ).all()
        if not trigrams:
            return []
        return _fts_match(session, " OR ".join(_quoted(t) for t in trigrams))
    except Exception as exc:  # an index older than migration 0003, or none: scan instead
        log.warning("no usable text index (%s); scanning", exc)
        return None


def _candidate_filter(session: Session, chunk: str) -> ColumnElement[bool] | list[int]:
    """Either candidate ids from an index or a SQL condition that scans."""
    pattern = f"%{_escape_like(chunk)}%"
    dialect = session.get_bind().dialect.name
    if len(chunk) >= 2 and dialect == "sqlite":
        ids = _fts_candidates(session, chunk)
        if ids is not None:
            return ids
    if dialect == "postgresql":
        # The same expression as the pg_trgm index, so ILIKE can use it.
        combined = Posting.title + " " + Posting.description
        return combined.ilike(pattern, escape="\\")
    return or_(
        Posting.title.ilike(pattern, escape="\\"),
        Posting.description.ilike(pattern, escape="\\"),
    )


@dataclass(frozen=True)
class TermFilter:
    """An ad-hoc term as a filter on postings.

    ``condition`` narrows postings to candidates in SQL (None: no posting can match);
    ``accepts`` decides from the values of ``columns`` (title, description) by the tagger's
    rules. ``monitor.aggregate.compute_daily`` takes it as its ``keep`` argument.
    """

    term: str
    condition: ColumnElement[bool] | None
    columns: tuple[Any, ...] = field(default=(Posting.title, Posting.description))

    def accepts(self, title: str, description: str) -> bool:
        matcher = term_matcher(self.term)
        return matcher(title) or matcher(description)


def term_filter(session: Session, term: str) -> TermFilter:
    """The filter for ``term``: candidates from the text index where there is one."""
    needle = term.strip()
    chunk = index_chunk(needle)
    if not chunk:
        return TermFilter(needle, None)
    found = _candidate_filter(session, chunk)
    if isinstance(found, list):
        if not found:
            return TermFilter(needle, None)
        return TermFilter(needle, id_in(Posting.id, found, session.get_bind().dialect.name))
    return TermFilter(needle, found)


def matching_postings(
    session: Session, term: str, conditions: Sequence[ColumnElement[bool]] = ()
) -> list[int]:
    """Ids of postings whose title or description contain ``term`` by the tagger's rules."""
    wanted = term_filter(session, term)
    if wanted.condition is None:
        return []
    rows = session.connection().execute(
        select(Posting.id, *wanted.columns).where(wanted.condition, *conditions)
    )
    return [row[0] for row in rows if wanted.accepts(*row[1:])]
