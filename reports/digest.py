"""A watch's digest: the new jobs that match it, mailed once each.

``notify`` finds the watch's matches first seen since its look-back, claims the ones never
mailed (``monitor.storage.watches``), mails them as one short message (title, company, where,
level, link; plain text and escaped HTML) and marks them sent; a failed send releases them
for the next try and raises. Nothing new: nothing is mailed.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import formatdate, make_msgid

from monitor.clock import Clock
from monitor.config import Config, WatchConfig
from monitor.normalise import one_line
from monitor.numbers.listing import JobRow
from monitor.storage.db import Database
from monitor.storage.watches import claim_jobs, mark_sent, release
from monitor.watches import LOOK_BACK, matches
from reports.email import address, send
from reports.html import CSS, esc, job_item
from reports.text import job_lines
from reports.words import words

log = logging.getLogger(__name__)

DIGEST_WORDS = {
    "ko": {
        "subject": "jobtrend 알림 '{watch}': 새 공고 {count}건",
        "intro": "'{watch}' 조건({terms})에 맞는 새 공고입니다.",
        "footer": "각 공고는 이 알림에서 한 번만 보냅니다.",
    },
    "en": {
        "subject": "jobtrend watch '{watch}': {count} new jobs",
        "intro": "New jobs matching '{watch}' ({terms}).",
        "footer": "Each job is sent once per watch.",
    },
}


@dataclass(frozen=True)
class Digest:
    watch: str
    jobs: tuple[JobRow, ...]
    to: tuple[str, ...]


def recipients(config: Config, watch: WatchConfig) -> tuple[str, ...]:
    """Who a watch's jobs go to: its ``to``, else ``[report] to``; a weekly watch is a section
    of the report, so always the report's."""
    if watch.notify == "weekly":
        return tuple(config.report.to)
    return tuple(watch.to or config.report.to)


def build_digest(
    watch: WatchConfig,
    jobs: Sequence[JobRow],
    *,
    language: str,
    sender: str,
    to: Sequence[str],
    clock: Clock,
) -> EmailMessage:
    w, d = words(language), DIGEST_WORDS[language]
    terms = ", ".join(watch.terms)
    message = EmailMessage(policy=SMTP)
    # The subject holds only the watch's own name (from the config) and a count.
    message["Subject"] = d["subject"].format(watch=one_line(watch.name), count=len(jobs))
    message["From"] = address(sender or "jobtrend@localhost", "from")
    message["To"] = ", ".join(address(a, "to") for a in to)
    message["Date"] = formatdate(clock.now().timestamp(), usegmt=True)
    message["Message-ID"] = make_msgid("watch", domain="jobtrend.local")
    lines = [d["intro"].format(watch=watch.name, terms=terms), ""]
    for job in jobs:
        lines += job_lines(job, language)
    lines += ["", d["footer"]]
    message.set_content("\n".join(lines) + "\n", subtype="plain", charset="utf-8")
    items = [job_item(job, language) for job in jobs]
    page = (
        f'<!DOCTYPE html>\n<html lang="{esc(language)}"><head><meta charset="utf-8">'
        f"<title>{esc(w['title'])}</title><style>{CSS}</style></head><body><div class='page'>"
        f"<p>{esc(d['intro'].format(watch=watch.name, terms=terms))}</p><ul>{''.join(items)}</ul>"
        f"<p class='muted'>{esc(d['footer'])}</p></div></body></html>\n"
    )
    message.add_alternative(page, subtype="html", charset="utf-8")
    return message


def notify(
    db: Database, config: Config, clock: Clock, watch: WatchConfig, *, since: date | None = None
) -> int:
    """Mail ``watch``'s matches never mailed before; return how many jobs went (0: no mail).

    Raises ConfigError when ``[smtp]`` or the recipients are missing, SendError when the
    mail server refused (the jobs are then released for the next try)."""
    from reports.email import check_settings

    to = recipients(config, watch)
    check_settings(config.smtp, to)  # before anything is claimed
    start = since or clock.today() - LOOK_BACK
    with db.session() as session:
        found = matches(
            session,
            clock,
            config.tags,
            watch,
            start,
            stale_after_days=config.http.stale_after_days,
        )
    if not found:
        return 0
    won = set(claim_jobs(db, watch.name, [job.job_id for job in found], clock.now()))
    fresh = [job for job in found if job.job_id in won]
    if not fresh:
        return 0
    ids = [job.job_id for job in fresh]
    message = build_digest(
        watch,
        fresh,
        language=config.report.language,
        sender=config.smtp.from_,
        to=to,
        clock=clock,
    )
    try:
        send(message, config.smtp, to)
    except BaseException:
        release(db, watch.name, ids)
        raise
    mark_sent(db, watch.name, ids, clock.now())
    log.info("watch %s: mailed %d new jobs to %d recipients", watch.name, len(ids), len(to))
    return len(ids)
