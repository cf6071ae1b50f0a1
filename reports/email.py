"""The report as an e-mail, and sending it through ``smtplib``.

The message is ``multipart/alternative``: the plain text, then ``multipart/related`` holding
the HTML (styles inlined) and its charts, referenced as ``cid:``. Headers carry only what we
write (the subject from the report's own words and the period) and the configured addresses;
nothing scraped goes into a header. The password is read from the variable named by
``[smtp] password_env`` when sending and never written, logged or put in an error.
"""

from __future__ import annotations

import base64
import logging
import os
import smtplib
import ssl
import uuid
from collections.abc import Sequence
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import formatdate, make_msgid, parseaddr
from typing import cast

from monitor.config import SmtpConfig
from monitor.errors import ConfigError, SendError
from reports.content import ReportContent
from reports.html import inline_styles, render_html
from reports.picture import Picture
from reports.text import render_text
from reports.words import words

log = logging.getLogger(__name__)

TIMEOUT_S = 30.0


def subject(content: ReportContent) -> str:
    period = content.period
    return words(content.language)["subject"].format(
        period=period.label, start=period.start, end=period.end
    )


def address(value: str, key: str) -> str:
    if any(c in value for c in "\r\n\x00"):
        raise ConfigError(f"[smtp]/[report] {key} {value!r} holds a line break; give one address.")
    name, addr = parseaddr(value)
    if "@" not in addr:
        raise ConfigError(f"{key} {value!r} is not an e-mail address such as you@example.com.")
    return str(Address(display_name=name, addr_spec=addr)) if name else addr


def build_message(
    content: ReportContent,
    pictures: Sequence[Picture],
    *,
    sender: str,
    to: Sequence[str],
) -> EmailMessage:
    """The whole message, images inline; ``sender`` and ``to`` come from the config."""
    message = EmailMessage(policy=SMTP)
    message["Subject"] = subject(content)
    message["From"] = address(sender, "from")
    message["To"] = ", ".join(address(a, "to") for a in to)
    message["Date"] = formatdate(content.generated_at.timestamp(), usegmt=True)
    message["Message-ID"] = make_msgid("report", domain="jobtrend.local")
    message.set_content(render_text(content), subtype="plain", charset="utf-8")

    # Short ids, so the Content-ID header is never folded across lines.
    token = uuid.uuid4().hex[:12]
    cids = {p.name: f"<{p.name.replace('.', '-')}.{token}@jobtrend>" for p in pictures}
    page = render_html(content, pictures, lambda p: "cid:" + cids[p.name][1:-1])
    message.add_alternative(inline_styles(page), subtype="html", charset="utf-8")
    html_part = cast(EmailMessage, message.get_payload()[1])  # type: ignore[index]
    for picture in pictures:
        subtype = "svg+xml" if picture.path.suffix == ".svg" else "png"
        html_part.add_related(
            picture.path.read_bytes(),
            maintype="image",
            subtype=subtype,
            cid=cids[picture.name],
            filename=picture.name,
            disposition="inline",
        )
    return message


def check_settings(smtp: SmtpConfig, to: Sequence[str]) -> str:
    """The password (empty without a username), or ConfigError naming what is missing; run
    before a period is claimed, so a config mistake does not use up a send."""
    if not smtp.host:
        raise ConfigError("[smtp] host is empty; set the mail server to send the report.")
    if not to:
        raise ConfigError("[report] to is empty; name at least one recipient to send to.")
    password = ""
    if smtp.username:
        password = os.environ.get(smtp.password_env, "")
        if not password:
            raise ConfigError(
                f"[smtp] username is set but ${smtp.password_env} is empty; "
                "export the password in that variable."
            )
    return password


def send(message: EmailMessage, smtp: SmtpConfig, to: Sequence[str]) -> None:
    """Send through ``[smtp]``: starttls, ssl or none; login when a username is set;
    certificates always verified (``ca_file`` adds a CA). Raises SendError in one sentence."""
    password = check_settings(smtp, to)
    context = ssl.create_default_context()
    if smtp.ca_file:
        try:
            context.load_verify_locations(cafile=smtp.ca_file)
        except (OSError, ssl.SSLError) as exc:
            raise ConfigError(f"[smtp] ca_file {smtp.ca_file} cannot be read: {exc}.") from None
    where = f"{smtp.host}:{smtp.port}"
    try:
        client: smtplib.SMTP
        if smtp.security == "ssl":
            client = smtplib.SMTP_SSL(smtp.host, smtp.port, timeout=TIMEOUT_S, context=context)
        else:
            client = smtplib.SMTP(smtp.host, smtp.port, timeout=TIMEOUT_S)
        with client:
            if smtp.security == "starttls":
                client.starttls(context=context)
            if smtp.username:
                _login(client, smtp.username, password)
            client.send_message(message, to_addrs=list(to))
    except smtplib.SMTPAuthenticationError:
        raise SendError(
            f"The mail server {where} refused the login of {smtp.username!r}; "
            f"check [smtp] username and ${smtp.password_env}."
        ) from None
    except smtplib.SMTPNotSupportedError as exc:
        raise SendError(
            f"The mail server {where} does not support {_first_line(exc)}; "
            "check [smtp] security (starttls, ssl or none)."
        ) from None
    except ssl.SSLCertVerificationError as exc:
        raise SendError(
            f"The certificate of the mail server {where} could not be verified "
            f"({exc.verify_message}); set [smtp] ca_file for a private CA."
        ) from None
    except smtplib.SMTPRecipientsRefused as exc:
        raise SendError(
            f"The mail server {where} refused the recipients {', '.join(exc.recipients)}."
        ) from None
    except smtplib.SMTPException as exc:
        raise SendError(f"Sending through {where} failed: {_first_line(exc)}.") from None
    except OSError as exc:  # refused, unreachable, timed out, TLS failed
        raise SendError(
            f"The mail server {where} cannot be reached: {_first_line(exc)}; check [smtp] host "
            "and port."
        ) from None
    log.info("report sent through %s to %d recipients", where, len(to))


def _login(client: smtplib.SMTP, username: str, password: str) -> None:
    """AUTH PLAIN in UTF-8 where the server offers it, else smtplib's ``login``.

    smtplib encodes credentials as ASCII (a non-ASCII password fails with UnicodeEncodeError)
    and, after a refusal, tries the next mechanism, which some servers answer by waiting:
    one refused login must be one clear error, not a timeout.
    """
    client.ehlo_or_helo_if_needed()
    if "plain" not in client.esmtp_features.get("auth", "").lower().split():
        client.login(username, password)
        return
    token = base64.b64encode(f"\0{username}\0{password}".encode()).decode("ascii")
    code, reply = client.docmd("AUTH", f"PLAIN {token}")
    if code != 235:
        raise smtplib.SMTPAuthenticationError(code, reply)


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    line = text.splitlines()[0]
    return line.rstrip(".")
