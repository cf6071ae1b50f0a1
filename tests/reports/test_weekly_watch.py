"""A weekly watch is a section of the weekly report: its matches first seen in the report's
week, in HTML and text, recorded as sent for the watch when the report is mailed (a real
SMTP server on 127.0.0.1), so a job is in one week's report only."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from email import message_from_bytes, policy
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from monitor.clock import Clock
from monitor.config import load
from monitor.daemon import WATCH_JOB, Daemon
from monitor.posting import RawPosting
from monitor.storage.claims import REPORT_JOB
from monitor.storage.db import Database
from reports.digest import notify
from tests.helpers import run_cli
from tests.reports.conftest import PASSWORD, Mailbox
from tests.runs import DAY1, SEOUL, raw, run

WATCH = """
[[watches]]
name = "mm-kr-entry"
terms = ["멀티모달 LLM", "VLM"]
country = ["KR"]
level = "entry"
notify = "{notify}"
"""

OLD = [raw("backend", "백엔드 개발자 (신입)", country="KR")]
DAY3 = [  # Wednesday 2026-03-04, ISO week 10: one match, one that misses the level
    raw("mm-1", "멀티모달 LLM 연구원 (신입)", country="KR", location="서울 강남구"),
    raw("mm-senior", "멀티모달 LLM 연구원 (경력 5년 이상)", country="KR"),
]
DAY4 = [raw("vlm-1", "VLM Research Intern", country="KR", location="판교")]
# Tuesday 2026-03-10, week 11 (a title with a character HTML must escape).
DAY9 = [raw("vlm-2", "VLM & Vision Engineer (신입)", country="KR", location="서울")]


def _history(db: Database, days: int) -> None:
    today: list[RawPosting] = list(OLD)
    for day in range(1, days + 1):
        today += {3: DAY3, 4: DAY4, 9: DAY9}.get(day, [])
        run(db, day, today, source="kr-board")


def _config(tmp_path: Path, database_url: str, mailbox: Mailbox, notify: str = "weekly") -> Path:
    path = tmp_path / "config.toml"
    path.write_text(
        f'timezone = "Asia/Seoul"\n[database]\nurl = "{database_url}"\n'
        f'[report]\nto = ["reader@example.com"]\ntags = ["llm"]\n'
        f"{mailbox.smtp_table()}\n{WATCH.format(notify=notify)}",
        encoding="utf-8",
    )
    return path


def _section(text: str) -> list[str]:
    """The watches' section of a report.txt, up to the next section."""
    lines = text.splitlines()
    start = lines.index("== 알림 조건 (매주) ==")
    end = next(i for i in range(start + 1, len(lines)) if lines[i].startswith("== "))
    return lines[start:end]


def _report(config: Path, out: Path, period: str, *extra: str, now: str) -> tuple[str, str]:
    result = run_cli(config, "report", "--period", period, "--out", str(out), *extra, now=now)
    assert result.exit_code == 0, result.output
    return (out / "report.txt").read_text("utf-8"), (out / "index.html").read_text("utf-8")


def _notified(config: Path, now: str) -> dict[str, bool]:
    result = run_cli(config, "watch", "check", "--since", "2026-03-01", "--json", now=now)
    return {job["title"]: job["notified"] for job in json.loads(result.stdout)[0]["jobs"]}


@pytest.fixture
def sending(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JOBTREND_SMTP_PASSWORD", PASSWORD)


@pytest.mark.usefixtures("sending")
def test_the_report_lists_the_weeks_matches_and_records_them_when_sent(
    db: Database, tmp_path: Path, database_url: str, mailbox: Mailbox
) -> None:
    _history(db, 9)
    config = _config(tmp_path, database_url, mailbox)
    now = "2026-03-11T12:00"
    text, page = _report(config, tmp_path / "dry", "2026-W10", "--send", "--dry-run", now=now)
    assert _section(text) == [
        "== 알림 조건 (매주) ==",
        "'mm-kr-entry' 조건(멀티모달 LLM, VLM)에 맞는, 이번 주 처음 본 공고입니다.",
        "  - VLM Research Intern · Acme · 판교 · 신입 가능",
        "    https://jobs.example.com/vlm-1",
        "  - 멀티모달 LLM 연구원 (신입) · Acme · 서울 강남구 · 신입 가능",
        "    https://jobs.example.com/mm-1",
        "",
    ]
    assert (
        '<li><a href="https://jobs.example.com/mm-1">멀티모달 LLM 연구원 (신입)</a><br>'
        '<span class="muted">Acme · 서울 강남구 · 신입 가능</span></li>'
    ) in page
    assert mailbox.messages == []
    assert _notified(config, now) == {  # a dry run records nothing
        "VLM & Vision Engineer (신입)": False,
        "VLM Research Intern": False,
        "멀티모달 LLM 연구원 (신입)": False,
    }

    sent_text, _page = _report(config, tmp_path / "w10", "2026-W10", "--send", now=now)
    assert _section(sent_text) == _section(text)
    (mail,) = [message_from_bytes(m, policy=policy.default) for m in mailbox.messages]
    assert "https://jobs.example.com/mm-1" in mail.get_body(("plain",)).get_content()
    assert _notified(config, now) == {
        "VLM & Vision Engineer (신입)": False,
        "VLM Research Intern": True,
        "멀티모달 LLM 연구원 (신입)": True,
    }

    # Week 11's report lists only the job first seen in week 11, escaped in HTML.
    text11, page11 = _report(config, tmp_path / "w11", "2026-W11", "--send", now="2026-03-16T12:00")
    assert _section(text11)[2:4] == [
        "  - VLM & Vision Engineer (신입) · Acme · 서울 · 신입 가능",
        "    https://jobs.example.com/vlm-2",
    ]
    assert len(_section(text11)) == 5
    assert ">VLM &amp; Vision Engineer (신입)</a>" in page11 and "VLM & Vision" not in page11
    assert "mm-1" not in page11.split("알림 조건")[1]

    # --force sends week 10 again: the same week's report, with the same jobs.
    again, _page = _report(
        config, tmp_path / "w10b", "2026-W10", "--send", "--force", now="2026-03-16T13:00"
    )
    assert _section(again) == _section(text)
    assert len(mailbox.messages) == 3


@pytest.mark.usefixtures("sending")
def test_a_job_mailed_before_the_week_ended_is_left_out(
    db: Database, tmp_path: Path, database_url: str, mailbox: Mailbox
) -> None:
    """A watch that was daily and is weekly now: the report leaves out what it mailed."""
    _history(db, 3)
    daily = load(_config(tmp_path, database_url, mailbox, notify="daily"))
    assert notify(db, daily, Clock(SEOUL, DAY1 + timedelta(days=2, hours=3)), daily.watches[0])
    _history(db, 7)
    config = _config(tmp_path, database_url, mailbox)
    text, _page = _report(config, tmp_path / "w10", "2026-W10", now="2026-03-09T12:00")
    assert _section(text)[2:] == [
        "  - VLM Research Intern · Acme · 판교 · 신입 가능",
        "    https://jobs.example.com/vlm-1",
        "",
    ]


def test_english_and_an_empty_week(
    db: Database, tmp_path: Path, database_url: str, mailbox: Mailbox
) -> None:
    _history(db, 2)
    config = _config(tmp_path, database_url, mailbox)
    result = run_cli(
        config,
        "report",
        "--period",
        "2026-W10",
        "--out",
        str(tmp_path / "r"),
        "--lang",
        "en",
        now="2026-03-09T12:00",
    )
    assert result.exit_code == 0, result.output
    text = (tmp_path / "r" / "report.txt").read_text("utf-8")
    assert (
        "== Weekly watches ==\n"
        "Jobs first seen this week matching 'mm-kr-entry' (멀티모달 LLM, VLM).\n"
        "  No new jobs matched this week.\n"
    ) in text
    page = (tmp_path / "r" / "index.html").read_text("utf-8")
    assert "<h2>Weekly watches</h2>\n<h3>mm-kr-entry</h3>" in page


def test_a_report_without_weekly_watches_has_no_such_section(
    db: Database, tmp_path: Path, database_url: str, mailbox: Mailbox
) -> None:
    _history(db, 7)
    config = _config(tmp_path, database_url, mailbox, notify="daily")
    text, page = _report(config, tmp_path / "r", "2026-W10", now="2026-03-09T12:00")
    assert "알림 조건" not in text and "알림 조건" not in page


@pytest.mark.usefixtures("sending")
def test_the_daemon_mails_a_weekly_watch_only_inside_the_report(
    db: Database, tmp_path: Path, database_url: str, mailbox: Mailbox
) -> None:
    _history(db, 7)
    config = load(_config(tmp_path, database_url, mailbox))
    daemon = Daemon(config, db)
    daemon.clock = Clock(SEOUL, DAY1 + timedelta(days=7, hours=1))
    assert WATCH_JOB + "mm-kr-entry" not in daemon._triggers  # no mail of its own
    monday = datetime(2026, 3, 9, 9, 0, 3, tzinfo=ZoneInfo("Asia/Seoul"))
    assert daemon.fire(REPORT_JOB, now=monday)
    (mail,) = [message_from_bytes(m, policy=policy.default) for m in mailbox.messages]
    assert mail["Subject"].startswith("jobtrend 주간 채용 동향 2026-W10")
    body = mail.get_body(("plain",)).get_content()
    assert "  - 멀티모달 LLM 연구원 (신입) · Acme · 서울 강남구 · 신입 가능" in body
    notified = _notified(_config(tmp_path, database_url, mailbox), "2026-03-09T12:00")
    assert notified == {"VLM Research Intern": True, "멀티모달 LLM 연구원 (신입)": True}


def test_watch_list_says_a_weekly_watch_goes_with_the_report(
    db: Database,
    tmp_path: Path,
    database_url: str,
    mailbox: Mailbox,
    caplog: pytest.LogCaptureFixture,
) -> None:
    config = _config(tmp_path, database_url, mailbox)
    config.write_text(config.read_text() + 'to = ["other@example.com"]\n', encoding="utf-8")
    listed = run_cli(config, "watch", "list")
    assert listed.output.strip() == (
        "mm-kr-entry: 멀티모달 LLM | VLM (country KR; level entry), weekly (a section of the "
        "report), to reader@example.com"
    )
    Daemon(load(config), db)
    assert "watch mm-kr-entry is weekly: it is a section of the report" in caplog.text
