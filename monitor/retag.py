"""Re-tag stored history after a taxonomy change (the raw text is kept for this)."""

from __future__ import annotations

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from monitor.aggregate import rebuild_counts
from monitor.clock import Clock
from monitor.models import Posting, PostingTag
from monitor.tagging import Tagger

BATCH = 2000


def retag_all(
    session: Session, tagger: Tagger, clock: Clock, stale_after_days: int
) -> tuple[int, int]:
    """Re-tag every posting and rebuild the daily counts; returns (changed, total)."""
    changed = total = 0
    last_id = 0
    while True:
        batch = session.execute(
            select(Posting.id, Posting.title, Posting.description)
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
        for row in batch:
            new = tagger.tags_for(row.title, row.description)
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
    rebuild_counts(session, clock, stale_after_days)
    return changed, total
