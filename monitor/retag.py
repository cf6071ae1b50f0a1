"""Re-tag stored history after a taxonomy change (the raw text is kept for this).

Each company's boilerplate (paragraphs repeated in most of its stored postings,
``monitor.parts``) is read off all its stored postings first, so the parts decide over the
whole history as they do in a run. The postings' words (the word index of ad-hoc terms) are
derived again on the way, so a change in how texts are folded or split into parts, or words
missing for postings written behind jobtrend's back, are repaired by the same command."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import Session

from monitor.clock import Clock
from monitor.numbers.refresh import rebuild_counts
from monitor.phrases import posting_phrases
from monitor.search.index import forget_matches
from monitor.search.matcher import text_words
from monitor.storage.db import in_batches
from monitor.storage.ingest import store_words
from monitor.storage.models import Posting, PostingPhrases, PostingTag, PostingWords
from monitor.storage.phrases import refresh_phrases
from monitor.tagging import Tagger, boilerplate_of

BATCH = 2000
RETAGGING = "re-tagging postings"
REBUILDING = "rebuilding the daily counts"


# Told what is being done: a step's name, how far it is and its size (None when unknown).
Progress = Callable[[str, int, int | None], None]


def _silent(_step: str, _done: int, _size: int | None) -> None:
    pass


def retag_all(
    session: Session,
    tagger: Tagger,
    clock: Clock,
    stale_after_days: int,
    progress: Progress = _silent,
) -> tuple[int, int]:
    """Re-tag every posting and rebuild the daily counts; returns (changed, total)."""
    changed = total = 0
    last_id = 0
    size = session.scalar(select(func.count()).select_from(Posting)) or 0
    progress(RETAGGING, 0, size)
    boilerplate = company_boilerplate(session)
    none: frozenset[str] = frozenset()
    while True:
        batch = session.execute(
            select(
                Posting.id,
                Posting.title,
                Posting.description,
                Posting.company,
                Posting.location,
                PostingWords.words,
                PostingPhrases.ids,
            )
            .outerjoin(PostingWords, PostingWords.posting_id == Posting.id)
            .outerjoin(PostingPhrases, PostingPhrases.posting_id == Posting.id)
            .where(Posting.id > last_id)
            .order_by(Posting.id)
            .limit(BATCH)
        ).all()
        if not batch:
            break
        ids = [row.id for row in batch]
        old: dict[int, set[str]] = {pid: set() for pid in ids}
        for pid, tag in session.execute(
            select(PostingTag.posting_id, PostingTag.tag).where(PostingTag.posting_id.in_(ids))
        ):
            old[pid].add(tag)
        _refresh_words(session, batch)
        refresh_phrases(
            session,
            [
                (
                    row.id,
                    posting_phrases(
                        row.title,
                        row.description,
                        row.company or "",
                        row.location or "",
                        boilerplate.get(row.company, none),
                    ),
                    row.ids,
                )
                for row in batch
            ],
        )
        for row in batch:
            new = tagger.tags_for(row.title, row.description, boilerplate.get(row.company, none))
            total += 1
            if new == old[row.id]:
                continue
            changed += 1
            session.execute(delete(PostingTag).where(PostingTag.posting_id == row.id))
            if new:
                session.execute(
                    insert(PostingTag), [{"posting_id": row.id, "tag": tag} for tag in sorted(new)]
                )
        last_id = ids[-1]
        progress(RETAGGING, total, size)
    forget_matches(session)
    progress(REBUILDING, 0, None)
    rebuild_counts(session, clock, stale_after_days)
    return changed, total


def company_boilerplate(session: Session) -> dict[str, frozenset[str]]:
    """Company -> its boilerplate over all its stored postings, read one company at a time."""
    out: dict[str, frozenset[str]] = {}
    rows = session.execute(
        select(Posting.company, Posting.description).order_by(Posting.company, Posting.id)
    )
    for company, group in itertools.groupby(in_batches(rows), key=lambda row: row[0]):
        found = boilerplate_of(description for _, description in group)
        if found:
            out[company] = found
    return out


def _refresh_words(session: Session, batch: Sequence[Any]) -> None:
    """Store the words of postings whose stored words differ from their text's, or are missing."""
    derived = ((row.id, row.words, text_words(row.title, row.description)) for row in batch)
    store_words(session, [(pid, new) for pid, old, new in derived if new != old])
