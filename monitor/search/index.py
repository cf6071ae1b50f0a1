"""Ad-hoc terms: which postings mention a term that is not a tag.

A term that folds to one Latin word ("diffusion", "VLM") is answered by the word index alone
(``posting_words``, migration 0005): it holds only the words of the parts that count for a
term (the title, and the description less its benefits, equal-opportunity, legal and
application text and company text that does not say what the company builds; migration 0009
derived them again), so the postings holding that word or its plural are exactly those the
matcher accepts (``matcher.term_words``), and no text is read.

Any other term (spaces, dashes, Hangul, symbols): a text index finds candidates (SQLite FTS5
trigram, PostgreSQL pg_trgm), then the tagger's own matcher decides, so a term matches exactly
as an alias would (case, NFKC, word boundaries for Latin, inside words for Hangul). The index is
asked for the longest run of the term without spaces or hyphens (every spelling variant the
matcher accepts contains it). A run of 3+ characters is the AND of its trigrams (the index
keeps no positions). A run of 2 (the common Korean two-syllable words 의료, 로봇) is the union
of the indexed trigrams that begin with it: every indexed text ends in a space, so every
occurrence begins one (migration 0003). Anything else, and PostgreSQL's short terms, scan the
stored text.

The matches are remembered (table ``term_match``, migration 0004) with the state of the data
they were found in: the newest run and posting. Postings are only written by runs, so until
the next run a repeated query of the term (another period, filter or chart) reads the ids
instead of searching again.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from datetime import UTC, datetime

from sqlalchemy import ColumnElement, delete, false, func, insert, or_, select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from monitor.parts import PARTS_VERSION
from monitor.search.matcher import term_anchor, term_key, term_matcher, term_words
from monitor.search.words import fts_quoted, word_query
from monitor.storage.db import SQLITE_BUSY_TIMEOUT_MS, in_batches
from monitor.storage.idlist import id_in
from monitor.storage.models import Posting, ScrapeRun, TermMatch

log = logging.getLogger(__name__)

# Bumped when the matcher's rules change, so matches remembered under the old ones are found
# afresh (any run does that too); the parts' rules (monitor/parts.py) are part of them.
RULES = f"3.{PARTS_VERSION}"
# Terms whose matches are remembered (the most recently searched).
REMEMBERED = 100
# How long remembering waits for a database another process is writing to.
REMEMBER_WAIT_MS = 200


def index_chunk(term: str) -> str:
    """What the text index is asked for: the term's anchor (see ``matcher.term_anchor``)."""
    return term_anchor(term)


def _escape_like(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _fts_match(session: Session, expression: str) -> list[int]:
    rows = session.scalars(
        text("SELECT rowid FROM posting_fts WHERE posting_fts MATCH :expression"),
        {"expression": expression},
    )
    return list(rows.all())


def _fts_candidates(session: Session, chunk: str) -> list[int] | None:
    """Posting ids from the FTS5 index, or None where it cannot answer (scan instead)."""
    try:
        if len(chunk) >= 3:
            # Every trigram of the chunk (the index keeps no positions for a phrase query).
            parts = dict.fromkeys(chunk[i : i + 3] for i in range(len(chunk) - 2))
            return _fts_match(session, " AND ".join(fts_quoted(t) for t in parts))
        # The trigrams that begin with the two characters, read off the index's vocabulary.
        trigrams = session.scalars(
            text("SELECT term FROM posting_fts_terms WHERE term >= :low AND term < :high"),
            {"low": chunk, "high": chunk + "\U0010ffff"},
        ).all()
        if not trigrams:
            return []
        return _fts_match(session, " OR ".join(fts_quoted(t) for t in trigrams))
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


def _word_postings(session: Session, words: Sequence[str]) -> list[int]:
    """Postings holding any of ``words`` (folded words, as ``matcher.text_words`` gives them)."""
    statement, parameters = word_query(session.get_bind().dialect.name, words)
    return list(session.scalars(text(statement), parameters).all())


def _search(session: Session, term: str) -> list[int]:
    """Postings matching ``term``, found afresh: from the word index where it answers, else
    the text index's candidates, then the matcher."""
    words = term_words(term)
    if words:
        return _word_postings(session, words)
    chunk = index_chunk(term)
    if not chunk:
        return []
    found = _candidate_filter(session, chunk)
    if isinstance(found, list):
        if not found:
            return []
        found = id_in(Posting.id, found, session.get_bind().dialect.name)
    matcher = term_matcher(term)
    rows = session.connection().execute(
        select(Posting.id, Posting.title, Posting.description).where(found)
    )
    return [
        posting for posting, title, description in in_batches(rows) if matcher(title, description)
    ]


def _stamp(session: Session) -> str:
    """The state of the postings: they change only in runs, which add a run row."""
    run = session.scalar(select(func.max(ScrapeRun.id)))
    posting = session.scalar(select(func.max(Posting.id)))
    return f"{RULES}:{run or 0}:{posting or 0}"


def _remember(session: Session, key: str, stamp: str, ids: list[int]) -> None:
    """Store a term's matches, in the session's transaction (they go if it rolls back).

    Remembering is a courtesy: a database that is busy (a run writing) or read-only is not
    waited for, and the answer stands either way."""
    sqlite = session.get_bind().dialect.name == "sqlite"
    try:
        with session.begin_nested():
            if sqlite:
                session.execute(text(f"PRAGMA busy_timeout={REMEMBER_WAIT_MS}"))
            session.execute(delete(TermMatch).where(TermMatch.term == key))
            session.execute(
                insert(TermMatch).values(
                    term=key,
                    stamp=stamp,
                    posting_ids=json.dumps(ids),
                    computed_at=datetime.now(UTC),
                )
            )
            newest = select(TermMatch.term).order_by(TermMatch.computed_at.desc()).limit(REMEMBERED)
            session.execute(delete(TermMatch).where(TermMatch.term.not_in(newest)))
    except DBAPIError as exc:
        log.info("the matches of %r were not stored: %s", key, exc.orig)
    finally:
        if sqlite:
            session.execute(text(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}"))


def forget_matches(session: Session) -> None:
    """Drop every remembered match (after the postings' words were derived again)."""
    session.execute(delete(TermMatch))


def matched_ids(session: Session, term: str) -> list[int]:
    """Ids (ascending) of the postings whose title or description contain ``term`` by the
    tagger's rules, remembered until the next run (``term_match``)."""
    needle = term.strip()
    key = term_key(needle)
    if not key:
        return []
    stamp = _stamp(session)
    stored = session.execute(
        select(TermMatch.stamp, TermMatch.posting_ids).where(TermMatch.term == key)
    ).first()
    if stored is not None and stored.stamp == stamp:
        ids: list[int] = json.loads(stored.posting_ids)
        return ids
    ids = sorted(_search(session, needle))
    _remember(session, key, stamp, ids)
    return ids


def term_condition(session: Session, term: str) -> ColumnElement[bool]:
    """A SQL condition holding for exactly the postings that match ``term``."""
    ids = matched_ids(session, term)
    if not ids:
        return false()
    return id_in(Posting.id, ids, session.get_bind().dialect.name)


def matching_postings(
    session: Session, term: str, conditions: Sequence[ColumnElement[bool]] = ()
) -> list[int]:
    """Ids of the stored postings whose title or description contain ``term`` by the tagger's
    rules, among those meeting ``conditions``."""
    ids = matched_ids(session, term)
    if not ids:
        return []
    dialect = session.get_bind().dialect.name
    wanted = select(Posting.id).where(id_in(Posting.id, ids, dialect), *conditions)
    return list(session.scalars(wanted.order_by(Posting.id)))
