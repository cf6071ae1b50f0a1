"""The SQL that reads the word index (``posting_words``, migration 0005), in one place.

Both readers use it: ``monitor.search.index`` through SQLAlchemy (SQLite and PostgreSQL) and
the sqlite3 fast path (``monitor.numbers.fastquery``), which imports no SQLAlchemy. The
statements take named parameters (``:name``), which both SQLAlchemy's ``text()`` and
``sqlite3`` bind.
"""

from __future__ import annotations

from collections.abc import Sequence

SQLITE_WORDS = "SELECT rowid FROM posting_words_fts WHERE posting_words_fts MATCH :expression"
# The expression of PostgreSQL's GIN index on posting_words.
POSTGRESQL_WORDS = (
    "SELECT posting_id FROM posting_words "
    "WHERE string_to_array(words, ' ') && CAST(:words AS text[])"
)


def fts_quoted(value: str) -> str:
    """``value`` as one FTS5 string (a phrase of its tokens)."""
    return '"' + value.replace('"', '""') + '"'


def word_query(dialect: str, words: Sequence[str]) -> tuple[str, dict[str, object]]:
    """The statement and its parameters giving the ids of the postings that hold any of
    ``words`` (folded words, as ``matcher.text_words`` stores them)."""
    if dialect == "sqlite":
        return SQLITE_WORDS, {"expression": " OR ".join(map(fts_quoted, words))}
    return POSTGRESQL_WORDS, {"words": list(words)}
