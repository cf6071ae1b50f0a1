"""Stored candidate phrases (``phrase``, ``posting_phrases``; migration 0011).

Each phrase text has one id for good (rows are never deleted or renumbered), and each posting
keeps its distinct phrases as one value: their ids sorted and packed as little-endian unsigned
32-bit integers (``pack``), so ``trending`` and ``skills`` count a period's phrases by reading
one narrow column, without text or per-phrase rows. New texts get their ids with an
``INSERT ... ON CONFLICT DO NOTHING``, so two writers adding the same phrase agree on its id.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
from sqlalchemy import Connection, delete, insert, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from monitor.storage.idlist import chunks, id_in, text_in
from monitor.storage.models import Phrase, PostingPhrases

ID_TYPE = np.dtype("<u4")


def pack(ids: Iterable[int]) -> bytes:
    """Phrase ids as stored: distinct, sorted, little-endian 32-bit."""
    return np.unique(np.fromiter(ids, dtype=np.int64)).astype(ID_TYPE).tobytes()


def unpack(value: bytes | None) -> np.ndarray[Any, np.dtype[np.uint32]]:
    """The stored ids of ``pack`` (an empty array for a posting without phrases)."""
    return np.frombuffer(value or b"", dtype=ID_TYPE)


def phrase_ids(db: Session | Connection, texts: Iterable[str]) -> dict[str, int]:
    """The id of every text, adding the texts not stored yet."""
    wanted = set(texts)
    if not wanted:
        return {}
    dialect = db.get_bind().dialect.name if isinstance(db, Session) else db.dialect.name
    found = _lookup(db, wanted, dialect)
    missing = sorted(wanted - found.keys())
    if missing:
        upsert: Any = (postgresql_insert if dialect == "postgresql" else sqlite_insert)(Phrase)
        for part in chunks(missing, 500):
            db.execute(
                upsert.values([{"text": text} for text in part]).on_conflict_do_nothing(
                    index_elements=[Phrase.text]
                )
            )
        found.update(_lookup(db, set(missing), dialect))
    return found


def _lookup(db: Session | Connection, texts: set[str], dialect: str) -> dict[str, int]:
    rows = db.execute(select(Phrase.text, Phrase.id).where(text_in(Phrase.text, texts, dialect)))
    return {text: pid for text, pid in rows}


def store_phrases(
    db: Session | Connection,
    rows: Sequence[tuple[int, Sequence[str]]],
    *,
    fresh_rows: bool = False,
) -> None:
    """Replace the stored phrases of postings, given as (posting id, phrases) pairs;
    ``fresh_rows`` when none has phrases yet."""
    if not rows:
        return
    ids = phrase_ids(db, (text for _, phrases in rows for text in phrases))
    _write(db, [(pid, pack(ids[text] for text in phrases)) for pid, phrases in rows], fresh_rows)


def refresh_phrases(
    db: Session | Connection, rows: Sequence[tuple[int, Sequence[str], bytes | None]]
) -> int:
    """Store the phrases of postings, given as (posting id, phrases, the stored value or None),
    where the stored value differs; returns how many were written."""
    ids = phrase_ids(db, (text for _, phrases, _ in rows for text in phrases))
    changed = []
    for pid, phrases, stored in rows:
        value = pack(ids[text] for text in phrases)
        if value != stored:
            changed.append((pid, value))
    _write(db, changed, fresh_rows=False)
    return len(changed)


def _write(db: Session | Connection, values: Sequence[tuple[int, bytes]], fresh_rows: bool) -> None:
    if not fresh_rows:
        for stale in chunks([pid for pid, _ in values]):
            db.execute(delete(PostingPhrases).where(PostingPhrases.posting_id.in_(stale)))
    for part in chunks(values, 1000):
        db.execute(insert(PostingPhrases), [{"posting_id": p, "ids": v} for p, v in part])


def phrase_texts(db: Session | Connection, ids: Iterable[int]) -> dict[int, str]:
    """The texts of phrase ids."""
    wanted = {int(i) for i in ids}
    if not wanted:
        return {}
    dialect = db.get_bind().dialect.name if isinstance(db, Session) else db.dialect.name
    rows = db.execute(select(Phrase.id, Phrase.text).where(id_in(Phrase.id, wanted, dialect)))
    return {pid: text for pid, text in rows}
