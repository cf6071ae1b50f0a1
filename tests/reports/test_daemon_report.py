"""The daemon's report job: claimed once per slot, a failed send retried and each attempt
recorded (a real SMTP server on 127.0.0.1)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from monitor.config import load
from monitor.daemon import Daemon
from monitor.storage.claims import REPORT_JOB
from monitor.storage.db import Database
from monitor.storage.models import ReportRun
from tests.reports.conftest import PASSWORD, Mailbox

SEOUL = ZoneInfo("Asia/Seoul")


def test_report_job_sends_once_and_retries_a_failed_send(
    history: Path,
    db: Database,
    mailbox: Mailbox,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    history.write_text(history.read_text() + mailbox.smtp_table(), encoding="utf-8")
    monkeypatch.setenv("JOBTREND_SMTP_PASSWORD", "wrong")
    daemon = Daemon(load(history), db)
    monday = datetime(2026, 3, 9, 9, 0, 3, tzinfo=SEOUL)  # the "0 9 * * 1" slot, 3 s late
    assert daemon.fire(REPORT_JOB, now=monday)
    with db.session() as session:
        row = session.scalars(select(ReportRun)).one()
        assert (row.period, row.status, row.attempts) == ("2026-W10", "failed", 1)
        assert row.last_error
    assert "report 2026-W10:" in caplog.text and "Retrying every 3600 s." in caplog.text
    assert not daemon.fire(REPORT_JOB, now=monday)  # the slot is taken: no second attempt here
    monkeypatch.setenv("JOBTREND_SMTP_PASSWORD", PASSWORD)
    daemon.retry_reports()
    with db.session() as session:
        row = session.scalars(select(ReportRun)).one()
        assert (row.status, row.attempts, row.last_error) == ("sent", 2, None)
    assert len(mailbox.messages) == 1
    daemon.retry_reports()  # nothing failed any more: nothing mailed
    assert len(mailbox.messages) == 1


def test_report_send_scheduled_claims_the_slot(
    history: Path, mailbox: Mailbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.helpers import run_cli

    history.write_text(history.read_text() + mailbox.smtp_table(), encoding="utf-8")
    monkeypatch.setenv("JOBTREND_SMTP_PASSWORD", PASSWORD)
    alone = run_cli(history, "report", "--scheduled", now="2026-03-09T09:05")
    assert alone.exit_code == 2
    assert "--scheduled goes with --send" in alone.output
    sent = run_cli(history, "report", "--send", "--scheduled", now="2026-03-09T09:05")
    assert sent.exit_code == 0, sent.output
    assert "sent the 2026-W10 report" in sent.output
    again = run_cli(history, "report", "--send", "--scheduled", now="2026-03-09T09:30")
    assert again.exit_code == 0
    assert "This scheduled report slot has already been taken; nothing sent." in again.output
    late = run_cli(history, "report", "--send", "--scheduled", now="2026-03-10T10:00")
    assert late.exit_code == 0
    assert "No [report] schedule slot in the last 12 hours; nothing sent." in late.output
    assert len(mailbox.messages) == 1
