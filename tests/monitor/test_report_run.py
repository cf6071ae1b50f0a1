"""The report_run claim: a period is mailed once, a failed send can be claimed again."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from monitor.storage.db import Database
from monitor.storage.reports import claim_send, last_sent_period, mark_failed, mark_sent

NOW = datetime(2026, 5, 11, 0, 0, tzinfo=UTC)


def test_a_period_is_claimed_once_until_it_fails(db: Database) -> None:
    assert claim_send(db, "2026-W19", NOW).won
    second = claim_send(db, "2026-W19", NOW)
    assert not second.won and second.status == "sending"
    mark_failed(db, "2026-W19", "the server said no")
    retry = claim_send(db, "2026-W19", NOW + timedelta(minutes=5))
    assert retry.won and retry.attempts == 2
    mark_sent(db, "2026-W19", NOW + timedelta(minutes=6), ["a@example.com"])
    again = claim_send(db, "2026-W19", NOW + timedelta(hours=1))
    assert not again.won and again.status == "sent"
    assert again.sent_at == NOW + timedelta(minutes=6)
    assert last_sent_period(db) == "2026-W19"


def test_force_takes_a_sent_period_again(db: Database) -> None:
    assert claim_send(db, "2026-W19", NOW).won
    mark_sent(db, "2026-W19", NOW, [])
    forced = claim_send(db, "2026-W19", NOW, force=True)
    assert forced.won and forced.attempts == 2
    assert last_sent_period(db) is None  # not sent again yet
    assert claim_send(db, "2026-W20", NOW).won  # another period is its own row
