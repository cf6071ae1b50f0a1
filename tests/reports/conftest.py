"""Fixtures for the report: a few weeks of history, a config, and a real SMTP server."""

from __future__ import annotations

import dataclasses
import socket
import ssl
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from monitor.storage.db import Database
from tests.runs import raw, run

# Day 1 of tests.runs is Monday 2026-03-02 (2026-W10); six weeks of runs end on 2026-04-12,
# and "now" is the Tuesday after, so the last complete week is 2026-W15.
NOW = "2026-04-14T10:00:00+09:00"
WEEK = "2026-W15"
PASSWORD = "s3cret-pässword"
HOSTILE_TITLE = (
    '<script>alert("x")</script> LLM Engineer" onerror="alert(1)\r\nBcc: victim@evil.test'
)
HOSTILE_URL = "javascript:alert(document.cookie)"


def build_history(db: Database, days: int = 42) -> None:
    """Two boards: one in Korea, one abroad; LLM and medical jobs open and close daily."""
    for day in range(1, days + 1):
        kr, world = [], []
        for opened in range(max(1, day - 20), day + 1):  # each job stays open 21 days
            topic = "LLM 엔지니어" if opened % 2 else "의료 영상 연구원"
            kr.append(raw(f"kr{opened}", f"{topic} {opened}", country="KR", location="서울"))
            kr.append(raw(f"kr-other{opened}", f"백엔드 개발자 {opened}", country="KR"))
            title = "LLM Engineer" if opened % 3 == 0 else "Account Executive"
            world.append(raw(f"us{opened}", f"{title} {opened}", country="US", location="NYC"))
        if day >= 41:
            hostile = raw(
                "hostile",
                HOSTILE_TITLE,
                country="KR",
                location="서울\r\nX-Injected: yes",
            )
            company = '<img src=x onerror="alert(2)">'
            kr.append(dataclasses.replace(hostile, url=HOSTILE_URL, company=company))
        run(db, day, kr, source="kr-board")
        run(db, day, world, source="world")


def report_config(
    path: Path, database_url: str, out_dir: Path, smtp: str = "", to: str = '["reader@example.com"]'
) -> Path:
    path.write_text(
        f"""timezone = "Asia/Seoul"

[database]
url = "{database_url}"

[report]
language = "ko"
tags = ["llm", "medical", "Kubernetes"]
to = {to}
out_dir = "{out_dir}"

{smtp}
""",
        encoding="utf-8",
    )
    return path


@pytest.fixture
def history(db: Database, tmp_path: Path, database_url: str) -> Path:
    """A config on a database with six weeks of history."""
    build_history(db)
    return report_config(tmp_path / "config.toml", database_url, tmp_path / "reports")


# --- a real SMTP server on 127.0.0.1 ----------------------------------------------------------


@dataclass
class Mailbox:
    host: str
    port: int
    ca_file: Path
    username: str = "reader"
    password: str = PASSWORD
    messages: list[bytes] = field(default_factory=list)
    logins: list[str] = field(default_factory=list)

    def smtp_table(self, *, password_env: str = "JOBTREND_SMTP_PASSWORD") -> str:
        return f"""[smtp]
host = "{self.host}"
port = {self.port}
security = "starttls"
username = "{self.username}"
password_env = "{password_env}"
from = "jobtrend <jobtrend@example.com>"
ca_file = "{self.ca_file}"
"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def mailbox(tmp_path: Path) -> Iterator[Mailbox]:
    """aiosmtpd with STARTTLS (a certificate from a trustme test CA) and required login."""
    import trustme
    from aiosmtpd.controller import Controller
    from aiosmtpd.smtp import AuthResult, LoginPassword

    ca = trustme.CA()
    cert = ca.issue_cert("127.0.0.1", "localhost")
    server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    cert.configure_cert(server_context)
    ca_file = tmp_path / "test-ca.pem"
    ca.cert_pem.write_to_path(str(ca_file))
    box = Mailbox("127.0.0.1", _free_port(), ca_file)

    class Handler:
        async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
            box.messages.append(envelope.original_content or envelope.content)
            return "250 OK"

    def authenticator(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> Any:
        ok = (
            isinstance(data, LoginPassword)
            and data.login.decode() == box.username
            and data.password.decode() == box.password
        )
        if ok:
            box.logins.append(data.login.decode())
        return AuthResult(success=ok, handled=False)  # handled=False: aiosmtpd answers 535

    controller = Controller(
        Handler(),
        hostname=box.host,
        port=box.port,
        tls_context=server_context,
        require_starttls=True,
        authenticator=authenticator,
        auth_required=True,
        auth_require_tls=True,
    )
    controller.start()
    try:
        yield box
    finally:
        controller.stop()
