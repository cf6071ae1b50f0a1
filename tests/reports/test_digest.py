"""Watches: the new jobs matching a [[watches]] table, listed by `watch check` and mailed once
each to a real SMTP server on 127.0.0.1 (aiosmtpd, STARTTLS with a test CA, login)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

import pytest

from monitor.clock import Clock
from monitor.config import load
from monitor.daemon import Daemon
from monitor.demo.server import BoardServer
from monitor.demo.shapes.greenhouse import greenhouse_job, set_greenhouse
from monitor.errors import SendError
from monitor.storage.db import Database
from reports.digest import notify
from tests.helpers import run_cli, write_config
from tests.reports.conftest import PASSWORD, Mailbox
from tests.runs import DAY1, SEOUL, raw, run

WATCH = """
[[watches]]
name = "mm-kr-entry"
terms = ["멀티모달 LLM", "VLM"]
country = ["KR"]
level = "entry"
notify = "daily"
"""

OLD = [
    raw("old-mm", "멀티모달 LLM 리드 (경력 10년)", country="KR", location="서울"),
    raw("backend", "백엔드 개발자 (신입)", country="KR"),
]
# Day 3: one job for the watch, and three that miss one of its filters each.
DAY3 = [
    raw("mm-1", "멀티모달 LLM 연구원 (신입)", country="KR", location="서울 강남구"),
    raw("mm-senior", "멀티모달 LLM 연구원 (경력 5년 이상)", country="KR"),
    raw("mm-us", "Multimodal LLM Engineer, New Grad", country="US"),
    raw("llm-kr", "LLM 엔지니어 (신입)", country="KR"),
]
DAY4 = [raw("vlm-1", "VLM Research Intern", country="KR", location="판교")]


def _config(tmp_path: Path, database_url: str, mailbox: Mailbox | None = None) -> Path:
    smtp = mailbox.smtp_table() if mailbox else ""
    path = tmp_path / "config.toml"
    path.write_text(
        f'timezone = "Asia/Seoul"\n[database]\nurl = "{database_url}"\n'
        f'[report]\nto = ["reader@example.com"]\n{smtp}\n{WATCH}',
        encoding="utf-8",
    )
    return path


def _history(db: Database, days: int) -> None:
    today: list = list(OLD)
    for day in range(1, days + 1):
        if day == 3:
            today += DAY3
        if day == 4:
            today += DAY4
        run(db, day, today, source="kr-board")


def _clock(day: int) -> Clock:
    return Clock(SEOUL, DAY1 + timedelta(days=day - 1, hours=3))


def _messages(mailbox: Mailbox) -> list[EmailMessage]:
    out = []
    for raw_bytes in mailbox.messages:
        message = message_from_bytes(raw_bytes, policy=policy.default)
        assert isinstance(message, EmailMessage)
        out.append(message)
    return out


def _plain(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain",))
    assert part is not None
    return str(part.get_content())  # type: ignore[attr-defined]


def test_watch_check_lists_the_new_matching_jobs(
    db: Database, tmp_path: Path, database_url: str
) -> None:
    _history(db, 4)
    config = _config(tmp_path, database_url)
    result = run_cli(
        config, "watch", "check", "--since", "2026-03-03", "--json", now="2026-03-05T12:00"
    )
    assert result.exit_code == 0, result.output
    (listed,) = json.loads(result.stdout)
    assert listed["watch"] == "mm-kr-entry" and listed["since"] == "2026-03-03"
    assert [(j["title"], j["level"], j["notified"]) for j in listed["jobs"]] == [
        ("VLM Research Intern", "entry", False),
        ("멀티모달 LLM 연구원 (신입)", "entry", False),
    ]
    assert listed["jobs"][1]["urls"] == ["https://jobs.example.com/mm-1"]
    text = run_cli(
        config,
        "watch",
        "check",
        "mm-kr-entry",
        "--since",
        "2026-03-03",
        now="2026-03-05T12:00",
        COLUMNS="100",
    )
    assert text.output.splitlines() == [
        "mm-kr-entry: 2 new jobs since 2026-03-03",
        "  2026-03-05  VLM Research Intern · Acme · 판교 · entry",
        "      https://jobs.example.com/vlm-1",
        "  2026-03-04  멀티모달 LLM 연구원 (신입) · Acme · 서울 강남구 · entry",
        "      https://jobs.example.com/mm-1",
    ]


def test_watch_list_and_a_wrong_name(db: Database, tmp_path: Path, database_url: str) -> None:
    config = _config(tmp_path, database_url)
    listed = run_cli(config, "watch", "list")
    assert listed.output.strip() == (
        "mm-kr-entry: 멀티모달 LLM | VLM (country KR; level entry), daily at 08:00, "
        "to reader@example.com"
    )
    wrong = run_cli(config, "watch", "check", "nope")
    assert wrong.exit_code == 2
    assert "There is no watch named 'nope' (configured: mm-kr-entry)." in wrong.output


@pytest.mark.parametrize(
    ("line", "says"),
    [
        ('level = "senior"', "key 'level': must be 'entry' or 'experienced'"),
        ('notify = "hourly"', "key 'notify': must be 'immediate' or 'daily' or 'weekly'"),
        ('notify_at = "8am"', "key 'notify_at': must be a time HH:MM, not '8am'"),
        ('country = "KR"', "key 'country': must be"),
        ("every = 3", "key 'every': unknown key"),
    ],
)
def test_a_wrong_watch_is_one_sentence(tmp_path: Path, line: str, says: str) -> None:
    config = tmp_path / "c.toml"
    config.write_text(f'[[watches]]\nname = "w"\nterms = ["llm"]\n{line}\n', encoding="utf-8")
    result = run_cli(config, "watch", "list")
    assert result.exit_code == 2
    assert result.output.startswith("Error: ") and says in result.output
    assert "Traceback" not in result.output


def test_blank_terms_and_twin_names_are_refused(tmp_path: Path) -> None:
    config = tmp_path / "c.toml"
    config.write_text('[[watches]]\nname = "w"\nterms = []\n', encoding="utf-8")
    assert (
        "key 'terms': must list at least one tag or term" in run_cli(config, "watch", "list").output
    )
    twice = '[[watches]]\nname = "w"\nterms = ["llm"]\n' * 2
    config.write_text(twice, encoding="utf-8")
    assert "two [[watches]] tables are named 'w'" in run_cli(config, "watch", "list").output


def test_each_new_match_is_mailed_once(
    db: Database,
    tmp_path: Path,
    database_url: str,
    mailbox: Mailbox,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("JOBTREND_SMTP_PASSWORD", PASSWORD)
    config = load(_config(tmp_path, database_url, mailbox))
    (watch,) = config.watches
    _history(db, 2)
    assert notify(db, config, _clock(2), watch) == 0  # nothing new matched: no mail
    assert mailbox.messages == []

    _history(db, 3)
    assert notify(db, config, _clock(3), watch) == 1
    assert notify(db, config, _clock(3), watch) == 0  # asked again: nothing twice
    (first,) = _messages(mailbox)
    assert first["Subject"] == "jobtrend 알림 'mm-kr-entry': 새 공고 1건"
    assert first["To"] == "reader@example.com"
    assert _plain(first).splitlines()[2:4] == [
        "- 멀티모달 LLM 연구원 (신입) · Acme · 서울 강남구 · 신입 가능",
        "  https://jobs.example.com/mm-1",
    ]

    _history(db, 4)
    assert notify(db, config, _clock(4), watch) == 1  # only the VLM intern is new
    second = _messages(mailbox)[1]
    assert "VLM Research Intern" in _plain(second) and "mm-1" not in _plain(second)
    html = second.get_body(preferencelist=("html",))
    assert html is not None
    assert '<a href="https://jobs.example.com/vlm-1">VLM Research Intern</a>' in str(
        html.get_content()  # type: ignore[attr-defined]
    )

    _history(db, 5)
    assert notify(db, config, _clock(5), watch) == 0
    assert len(mailbox.messages) == 2
    checked = run_cli(
        _config(tmp_path, database_url, mailbox),
        *("watch", "check", "--since", "2026-03-01", "--json"),
        now="2026-03-06T12:00",
    )
    assert {j["title"]: j["notified"] for j in json.loads(checked.stdout)[0]["jobs"]} == {
        "VLM Research Intern": True,
        "멀티모달 LLM 연구원 (신입)": True,
    }


def test_a_failed_send_leaves_the_jobs_for_the_next_try(
    db: Database,
    tmp_path: Path,
    database_url: str,
    mailbox: Mailbox,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    config = load(_config(tmp_path, database_url, mailbox))
    (watch,) = config.watches
    _history(db, 3)
    monkeypatch.setenv("JOBTREND_SMTP_PASSWORD", "wrong")
    with pytest.raises(SendError, match="refused the login"):
        notify(db, config, _clock(3), watch)
    monkeypatch.setenv("JOBTREND_SMTP_PASSWORD", PASSWORD)
    assert notify(db, config, _clock(3), watch) == 1
    assert len(mailbox.messages) == 1


def test_the_daemon_mails_an_immediate_watch_after_a_scrape_once(
    tmp_path: Path,
    database_url: str,
    mailbox: Mailbox,
    board_server: BoardServer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The day the right job appears: the scrape that first sees it mails it; the next
    scrape of the same board mails nothing."""
    monkeypatch.setenv("JOBTREND_SMTP_PASSWORD", PASSWORD)
    set_greenhouse(
        board_server,
        "alpha",
        [
            greenhouse_job(1, "멀티모달 LLM 연구원 (신입)", company="Alpha"),
            greenhouse_job(2, "Payroll Specialist", company="Alpha"),
        ],
    )
    watch = (
        '[[watches]]\nname = "mm"\nterms = ["멀티모달 LLM"]\nlevel = "entry"\n'
        'notify = "immediate"\n'
    )
    extra = f'[report]\nto = ["reader@example.com"]\n{mailbox.smtp_table()}\n{watch}'
    config = load(write_config(tmp_path / "c.toml", board_server.url, database_url, extra=extra))
    db = Database(database_url)
    daemon = Daemon(config, db)
    now = datetime.now(UTC)
    assert daemon.fire("scrape:alpha", now=now)
    (message,) = _messages(mailbox)
    assert message["Subject"] == "jobtrend 알림 'mm': 새 공고 1건"
    assert "멀티모달 LLM 연구원 (신입) · Alpha · Seoul, South Korea · 신입 가능" in _plain(message)
    assert daemon.fire("scrape:beta", now=now)  # another scrape: nothing new for the watch
    assert len(mailbox.messages) == 1
    db.dispose()


def test_a_daily_watch_is_one_scheduled_job_run_once_across_daemons(
    db: Database,
    tmp_path: Path,
    database_url: str,
    mailbox: Mailbox,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("JOBTREND_SMTP_PASSWORD", PASSWORD)
    _history(db, 3)
    config = load(_config(tmp_path, database_url, mailbox))
    first, second = Daemon(config, db), Daemon(config, Database(database_url))
    second.owner = "other-host:1"
    first.clock = second.clock = _clock(3)  # the history's days, not today's (as JOBTREND_NOW)
    # 08:00:05 in Seoul on day 3 (2026-03-04): the watch's notify_at slot.
    at = datetime(2026, 3, 3, 23, 0, 5, tzinfo=UTC)
    assert first.fire("watch:mm-kr-entry", now=at)
    assert not second.fire("watch:mm-kr-entry", now=at)  # the slot is taken
    (message,) = _messages(mailbox)
    assert "멀티모달 LLM 연구원 (신입)" in _plain(message)
    second.db.dispose()
