"""The report mailed to a real SMTP server on 127.0.0.1 (aiosmtpd): STARTTLS with a test CA,
login, the message as it arrived, and each week sent once."""

from __future__ import annotations

import re
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

import pytest

from tests.helpers import run_cli
from tests.reports.conftest import NOW, PASSWORD, WEEK, Mailbox, report_config


@pytest.fixture
def mail_config(db: object, history: Path, tmp_path: Path, mailbox: Mailbox) -> Path:
    text = history.read_text(encoding="utf-8")
    url = re.search(r'url = "([^"]+)"', text)
    assert url is not None
    return report_config(
        tmp_path / "mail.toml", url[1], tmp_path / "reports", smtp=mailbox.smtp_table()
    )


def send(config: Path, *args: str, password: str = PASSWORD) -> object:
    return run_cli(config, "report", "--send", *args, now=NOW, JOBTREND_SMTP_PASSWORD=password)


def arrived(mailbox: Mailbox) -> EmailMessage:
    assert len(mailbox.messages) == 1
    message = message_from_bytes(mailbox.messages[0], policy=policy.default)
    assert isinstance(message, EmailMessage)
    return message


def test_the_report_arrives_over_starttls_with_login(mail_config: Path, mailbox: Mailbox) -> None:
    result = send(mail_config)
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    assert mailbox.logins == ["reader"]
    message = arrived(mailbox)
    assert message["Subject"] == f"jobtrend 주간 채용 동향 {WEEK} (2026-04-06 ~ 2026-04-12)"
    assert message["To"] == "reader@example.com"
    assert message.get_content_type() == "multipart/alternative"
    plain, related = message.get_payload()  # type: ignore[misc]
    assert plain.get_content_type() == "text/plain"
    assert "이번 주 요약" in plain.get_content()
    assert related.get_content_type() == "multipart/related"
    html_part, *images = related.get_payload()
    assert html_part.get_content_type() == "text/html"
    page = html_part.get_content()
    assert "<style" not in page and 'style="' in page  # inlined for mail clients
    cids = set(re.findall(r'src="cid:([^"]+)"', page))
    assert len(cids) == 3
    assert {img["Content-ID"].strip().strip("<>") for img in images} == cids
    assert all(img.get_content_type() == "image/png" for img in images)
    assert all(img.get_content()[:8] == b"\x89PNG\r\n\x1a\n" for img in images)


def test_a_week_is_sent_once_unless_forced(mail_config: Path, mailbox: Mailbox) -> None:
    assert send(mail_config).exit_code == 0  # type: ignore[attr-defined]
    again = send(mail_config)
    assert again.exit_code == 0  # type: ignore[attr-defined]
    assert "already sent" in again.output  # type: ignore[attr-defined]
    assert len(mailbox.messages) == 1
    forced = send(mail_config, "--force")
    assert forced.exit_code == 0, forced.output  # type: ignore[attr-defined]
    assert len(mailbox.messages) == 2
    status = run_cli(mail_config, "status", "--json", now=NOW)
    assert f'"last_sent_period": "{WEEK}"' in status.stdout


def test_a_wrong_password_is_one_sentence_and_recorded(
    mail_config: Path, mailbox: Mailbox, tmp_path: Path
) -> None:
    result = send(mail_config, password="wrong-password")
    output = result.output  # type: ignore[attr-defined]
    assert result.exit_code == 1  # type: ignore[attr-defined]
    assert "refused the login of 'reader'" in output and "JOBTREND_SMTP_PASSWORD" in output
    assert "Traceback" not in output and "wrong-password" not in output
    assert len(output.strip().splitlines()) <= 3
    assert mailbox.messages == []
    assert (tmp_path / "reports" / WEEK / "index.html").is_file()  # kept on disk
    retry = send(mail_config)  # a failed week can be sent again
    assert retry.exit_code == 0, retry.output  # type: ignore[attr-defined]
    assert len(mailbox.messages) == 1


def test_an_unknown_ca_is_refused(mail_config: Path, mailbox: Mailbox) -> None:
    text = mail_config.read_text(encoding="utf-8")
    mail_config.write_text(re.sub(r'ca_file = ".*"', 'ca_file = ""', text), encoding="utf-8")
    result = send(mail_config)
    assert result.exit_code == 1  # type: ignore[attr-defined]
    assert "could not be verified" in result.output  # type: ignore[attr-defined]
    assert mailbox.messages == []


def test_no_password_in_the_environment_is_a_config_error(mail_config: Path) -> None:
    result = send(mail_config, password="")
    assert result.exit_code == 2  # type: ignore[attr-defined]
    assert "$JOBTREND_SMTP_PASSWORD is empty" in result.output  # type: ignore[attr-defined]
