"""One week's report written and mailed once: shared by ``jobtrend report`` and the daemon.

``write_week`` builds the files; ``send_once`` claims the period's ``report_run`` row
(``monitor.storage.reports``), mails, and records the outcome, so a crontab, a hand and any
number of daemons never mail a week twice, and every attempt is recorded. A sent report also
records its weekly watches' jobs in ``watch_sent``, as a watch's digest does.
"""

from __future__ import annotations

import contextlib
import importlib
import threading
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from monitor.clock import Clock
from monitor.config import Config, data_dir
from monitor.errors import ConfigError, SendError
from monitor.numbers.periods import Period
from monitor.storage.db import Database
from reports.content import build_content

if TYPE_CHECKING:
    from reports.build import BuiltReport

SENT = "sent"
ALREADY_SENT = "already sent"
BUSY = "busy"
FAILED = "failed"


@dataclass(frozen=True)
class SendOutcome:
    status: str  # sent | already sent | busy | failed
    message: str  # one sentence for the user or the log
    sent_at: datetime | None = None


def archive_root(config: Config) -> Path:
    return Path(config.report.out_dir or data_dir() / "reports").expanduser()


def write_week(
    config: Config,
    db: Database,
    clock: Clock,
    week: Period,
    folder: Path,
    language: str,
    *,
    svg_copies: bool = False,
    drawing_process: bool = False,
) -> BuiltReport:
    """The week's report into ``folder``. The drawing side (matplotlib, its font list: about
    half a second) loads while the numbers are read: with ``drawing_process`` in a process of
    its own (``reports.drawer``: for one command, whose start-up that is), else on a thread
    (the database driver lets go of the interpreter while SQLite works)."""
    with contextlib.ExitStack() as stack:
        drawer = None
        if drawing_process:
            from reports.drawer import drawing_process as start_drawing

            drawer = stack.enter_context(start_drawing())
        else:
            loading = threading.Thread(target=_load_drawing, name="load-drawing", daemon=True)
            loading.start()
            stack.callback(loading.join)
        with db.session() as session:
            content = build_content(
                session,
                clock,
                config.tags,
                config.report.tags,
                week,
                language=language,
                stale_after_days=config.http.stale_after_days,
                watches=[watch for watch in config.watches if watch.notify == "weekly"],
            )
        from reports.build import write_report

        return write_report(
            content,
            folder,
            sender=config.smtp.from_,
            to=config.report.to,
            svg_copies=svg_copies,
            drawer=drawer,
        )


def _load_drawing() -> None:
    # A failure here is raised again where the main thread imports the module.
    with contextlib.suppress(Exception):
        importlib.import_module("reports.build")


def write_archived(config: Config, db: Database, clock: Clock, week: Period) -> BuiltReport:
    """The week into ``out_dir/YYYY-Www/``, and the archive index refreshed."""
    from reports.build import write_archive

    root = archive_root(config)
    built = write_week(config, db, clock, week, root / week.label, config.report.language)
    write_archive(root, config.report.language)
    return built


def send_once(
    config: Config, db: Database, clock: Clock, period: str, built: BuiltReport, force: bool
) -> SendOutcome:
    from monitor.storage.reports import claim_send, mark_failed, mark_sent
    from monitor.storage.watches import record_sent
    from reports.email import send as send_mail

    claim = claim_send(db, period, clock.now(), force=force)
    if not claim.won:
        if claim.status == "sent":
            when = f" at {claim.sent_at:%Y-%m-%d %H:%M} UTC" if claim.sent_at else ""
            return SendOutcome(
                ALREADY_SENT, f"The {period} report was already sent{when}; --force sends it again."
            )
        return SendOutcome(
            BUSY,
            f"The {period} report is being sent by another run; "
            "--force takes it over if that run died.",
        )
    try:
        send_mail(built.message, config.smtp, config.report.to)
    except (SendError, ConfigError) as exc:  # ConfigError: e.g. the password variable unset
        mark_failed(db, period, str(exc))
        return SendOutcome(FAILED, f"{exc} The report is kept in {built.folder}.")
    mark_sent(db, period, clock.now(), list(config.report.to))
    # Each weekly watch's jobs went with it: recorded, as a digest records its jobs.
    for section in built.content.watches:
        record_sent(db, section.name, [job.job_id for job in section.jobs], clock.now())
    return SendOutcome(SENT, f"sent the {period} report to {', '.join(config.report.to)}")
