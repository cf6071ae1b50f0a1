"""``jobtrend run``: the cron-driven daemon.

Each enabled source is scraped on its crontab schedule (APScheduler 3, memory job store, jobs
rebuilt from the config with stable ids ``scrape:NAME``), in the configured zone. Every run
first claims its slot, the un-jittered scheduled time, in ``job_claim`` (monitor.storage.claims),
so daemons sharing a PostgreSQL database run each slot once; on SQLite a second daemon refuses
to start. One HTTP client, and so one politeness state (robots.txt, per-host pacing and
concurrency), serves every job for the daemon's life.

Signals: SIGTERM / SIGINT take no new jobs and wait up to ``shutdown_grace_s`` for running ones;
past that the process leaves at once (``run`` returns False) and an unfinished write rolls back.
SIGHUP reloads the config; one that no longer loads is logged and the old one kept.
"""

from __future__ import annotations

import logging
import os
import signal
import threading
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from types import FrameType
from typing import Any
from urllib.parse import urlsplit

from apscheduler.triggers.base import BaseTrigger

from monitor.clock import ENV_VAR as NOW_ENV
from monitor.clock import Clock
from monitor.config import Config, SourceConfig
from monitor.errors import JobtrendError, UsageError
from monitor.pipeline import http_policy, scrape
from monitor.runs import failure_streak_change
from monitor.schedule import MISFIRE_GRACE, Cron, parse, stagger
from monitor.storage.claims import (
    HEARTBEAT_S,
    REPORT_JOB,
    claim,
    heartbeat,
    owner_id,
    scrape_job,
    sign_off,
)
from monitor.storage.db import Database
from monitor.storage.locks import DaemonLock
from monitor.tagging import Tagger
from scrapers.http import HttpClient

log = logging.getLogger(__name__)

REPORT_RETRY_S = 3600.0  # a failed report send is tried again hourly until it goes
REPORT_RETRY_JOB = "report-retry"
WATCH_JOB = "watch:"  # + the watch's name


class CronTrigger(BaseTrigger):
    """Fires ``cron`` in APScheduler, ``offset_s`` seconds after each of its times."""

    __slots__ = ("cron", "offset")

    def __init__(self, cron: Cron, offset_s: float = 0.0) -> None:
        self.cron = cron
        self.offset = timedelta(seconds=offset_s)

    def get_next_fire_time(
        self, previous_fire_time: datetime | None, now: datetime
    ) -> datetime | None:
        # As APScheduler's own triggers: the first fire after the previous one, even if it is
        # already past (the scheduler then applies the misfire grace and coalescing).
        start = now
        if previous_fire_time is not None:
            start = min(now, previous_fire_time + timedelta(microseconds=1))
        slot = self.cron.first_at_or_after(start - self.offset)
        return (slot + self.offset).astimezone(self.cron.zone) if slot else None

    def slot_of(self, fired_at: datetime) -> datetime | None:
        """The un-jittered scheduled time a run starting at ``fired_at`` belongs to."""
        return self.cron.latest_slot(fired_at - self.offset)

    def __str__(self) -> str:
        return f"cron[{self.cron.expr}]"


def source_host(src: SourceConfig) -> str:
    """The host:port a source fetches from (sources sharing one are staggered)."""
    options = src.options
    url = (
        src.base_url
        or src.build().base_url
        or getattr(options, "url", None)
        or next(iter(getattr(options, "urls", None) or []), None)
        or getattr(options, "sitemap", None)
        or src.name
    )
    parts = urlsplit(url)
    return parts.netloc or url


def compact_line(result: Any) -> str:
    """One run as one log line: source, status, returned, new, closed, seconds."""
    line = (
        f"{result.name}: {result.status}, {result.returned} returned, {result.new} new, "
        f"{result.closed} closed, {result.seconds:.1f} s"
    )
    return f"{line} ({result.error})" if result.error else line


class Daemon:
    def __init__(
        self,
        config: Config,
        db: Database,
        *,
        reload: Callable[[], Config] | None = None,
        heartbeat_s: float = HEARTBEAT_S,
        report_retry_s: float = REPORT_RETRY_S,
    ) -> None:
        if os.environ.get(NOW_ENV):
            raise UsageError(
                f"`jobtrend run` keeps real time; unset {NOW_ENV} (it is for one-off commands)."
            )
        self.db = db
        self.clock = Clock(config.zone)
        self.owner = owner_id()
        self.started_at = self.clock.now()
        self._reload_config = reload
        self._heartbeat_s = heartbeat_s
        self._report_retry_s = report_retry_s
        self._lock = DaemonLock(db.engine)
        self._wake = threading.Event()
        self._stopping = False
        self._reload_wanted = False
        self._running: dict[str, float] = {}  # job id -> monotonic start
        self._running_lock = threading.Condition()
        self._clients: list[HttpClient] = []
        self._triggers: dict[str, CronTrigger] = {}
        self._scheduler: Any = None
        self._apply(config)

    # -- configuration ---------------------------------------------------------------------

    def _apply(self, config: Config) -> None:
        sources = [src for src in config.sources if src.enabled]
        mails_report = bool(config.smtp.host and config.report.to)
        if not sources and not mails_report:
            raise UsageError(
                "Nothing to schedule: add [[sources]] (or [smtp] host and [report] to for the "
                "weekly report) to the config first."
            )
        if not self._clients or http_policy(config) != self._clients[-1].policy:
            self._clients.append(HttpClient(http_policy(config)))
        self.config = config
        self.sources = sources
        self.tagger = Tagger(config.tags)
        crons = {scrape_job(s.name): parse(s.schedule, config.zone) for s in sources}
        hosts = {scrape_job(s.name): source_host(s) for s in sources}
        offsets = stagger(hosts, crons, self.clock.now())
        self._triggers = {job: CronTrigger(crons[job], offsets[job]) for job in crons}
        self.mails_report = mails_report
        if self.mails_report:
            self._triggers[REPORT_JOB] = CronTrigger(parse(config.report.schedule, config.zone))
        # Watches: immediate ones after each scrape; daily at notify_at. A weekly one is a
        # section of the report (reports.content), so it has no job of its own.
        for watch in config.watches:
            if watch.notify == "daily":
                hour, minute = watch.hour_minute
                cron = parse(f"{minute} {hour} * * *", config.zone)
                self._triggers[WATCH_JOB + watch.name] = CronTrigger(cron)
        for watch in config.watches:
            if watch.notify == "weekly" and watch.to and list(watch.to) != list(config.report.to):
                log.warning(
                    "watch %s is weekly: it is a section of the report, mailed to [report] to, "
                    "not to its own `to`",
                    watch.name,
                )
        if config.watches and not config.smtp.host:
            log.warning("[[watches]] are configured but [smtp] host is empty: nothing is mailed")

    @property
    def client(self) -> HttpClient:
        return self._clients[-1]

    def _schedule_jobs(self) -> None:
        scheduler = self._scheduler
        scheduler.remove_all_jobs()
        for job_id, trig in self._triggers.items():
            scheduler.add_job(
                self.fire,
                trig,
                args=[job_id],
                id=job_id,
                name=job_id,
                coalesce=True,
                max_instances=1,
                misfire_grace_time=int(MISFIRE_GRACE.total_seconds()),
                replace_existing=True,
            )
        if self.mails_report:
            scheduler.add_job(
                self.retry_reports,
                "interval",
                seconds=self._report_retry_s,
                id=REPORT_RETRY_JOB,
                name=REPORT_RETRY_JOB,
                coalesce=True,
                max_instances=1,
                replace_existing=True,
            )

    def reload(self) -> None:
        """SIGHUP: read the config again; keep the running one if the new one fails."""
        if self._reload_config is None:
            return
        try:
            config = self._reload_config()
            if config.database_url != self.config.database_url:
                log.warning(
                    "config reload: [database] url changed; restart the daemon to use it "
                    "(keeping %s for now)",
                    self.db.url,
                )
            self._apply(config)
        except JobtrendError as exc:
            log.error("config reload failed, keeping the running config: %s", exc)
            return
        if self._scheduler is not None:
            self._schedule_jobs()
        log.info("config reloaded: %d sources scheduled", len(self.sources))

    # -- jobs --------------------------------------------------------------------------------

    def fire(self, job_id: str, now: datetime | None = None) -> bool:
        """Run ``job_id`` for its current slot if this daemon wins the claim; True if it ran."""
        if self._stopping:
            return False
        trig = self._triggers.get(job_id)
        if trig is None:
            return False
        now = now or self.clock.now()
        slot = trig.slot_of(now)
        if slot is None:
            log.warning("%s woke outside its schedule's misfire grace; skipped", job_id)
            return False
        if not claim(self.db, job_id, slot, now, self.owner):
            log.info("%s at %s: already run by another daemon", job_id, slot.isoformat())
            return False
        with self._running_lock:
            self._running[job_id] = time.monotonic()
        try:
            if job_id == REPORT_JOB:
                self._report(slot)
            elif job_id.startswith(WATCH_JOB):
                self._notify(job_id.removeprefix(WATCH_JOB))
            else:
                self._scrape(job_id.removeprefix("scrape:"))
        except Exception:
            log.exception("%s crashed", job_id)
        finally:
            with self._running_lock:
                self._running.pop(job_id, None)
                self._running_lock.notify_all()
        return True

    def _scrape(self, name: str) -> None:
        config = self.config
        (result,) = scrape(config, self.db, self.clock, self.tagger, [name], client=self.client)
        log.info("%s", compact_line(result))
        with self.db.session() as session:
            change = failure_streak_change(session, name, config.daemon.alert_after_failures)
        if change == "crossed":
            log.error(
                "%s has failed %d runs in a row: %s",
                name,
                config.daemon.alert_after_failures,
                result.error,
            )
        elif change == "recovered":
            log.warning("%s recovered: %s after failing runs in a row", name, result.status)
        for watch in config.watches:
            if watch.notify == "immediate":
                self._notify(watch.name)

    def _notify(self, name: str) -> None:
        """Mail a watch's new matches (each job once, whichever daemon gets there first)."""
        from reports.digest import notify

        watch = next((w for w in self.config.watches if w.name == name), None)
        if watch is None or not self.config.smtp.host:
            return
        try:
            sent = notify(self.db, self.config, self.clock, watch)
        except JobtrendError as exc:  # refused, unreachable: the jobs wait for the next try
            log.error("watch %s: %s", name, exc)
            return
        if sent:
            log.info("watch %s: mailed %d new jobs", name, sent)

    def _report(self, slot: datetime) -> None:
        from monitor.numbers.periods import last_complete_week

        week = last_complete_week(self.clock.local_day(slot))
        self._send_report(week.label)

    def _send_report(self, period: str) -> None:
        from reports.content import parse_week
        from reports.weekly import FAILED, SENT, send_once, write_archived

        config = self.config
        built = write_archived(config, self.db, self.clock, parse_week(period))
        outcome = send_once(config, self.db, self.clock, period, built, force=False)
        if outcome.status == FAILED:
            log.error(
                "report %s: %s Retrying every %g s.", period, outcome.message, self._report_retry_s
            )
        elif outcome.status == SENT:
            log.info("report %s: %s", period, outcome.message)
        else:
            log.info("report %s: %s", period, outcome.message)

    def retry_reports(self) -> None:
        """Send again every recent week whose last attempt failed (each attempt recorded)."""
        from monitor.storage.reports import failed_periods

        if self._stopping:
            return
        for period in failed_periods(self.db):
            try:
                self._send_report(period)
            except Exception:
                log.exception("report %s: retry crashed", period)

    def next_runs(self) -> dict[str, datetime | None]:
        if self._scheduler is None:
            return {}
        return {job.id: job.next_run_time for job in self._scheduler.get_jobs()}

    # -- the loop ----------------------------------------------------------------------------

    def run(self, *, install_signals: bool = True) -> bool:
        """Run until stopped; False if running jobs had to be abandoned after the grace."""
        from apscheduler.schedulers.background import BackgroundScheduler

        if not self._lock.try_acquire():
            raise UsageError(
                f"Another `jobtrend run` is already using {self.db.url}; stop it first "
                "(one daemon per SQLite database; several may share a PostgreSQL one)."
            )
        previous: dict[int, Any] = {}
        try:
            self._scheduler = BackgroundScheduler(timezone=self.config.zone)
            self._schedule_jobs()
            if install_signals:
                for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
                    previous[sig] = signal.signal(sig, self._on_signal)
            self._scheduler.start()
            for job in self._scheduler.get_jobs():
                log.info("scheduled %s, next at %s", job.id, job.next_run_time.isoformat())
            heartbeat(self.db, self.owner, self.clock.now(), self.started_at, self.next_runs())
            while True:
                self._wake.wait(self._heartbeat_s)
                self._wake.clear()
                if self._stopping:
                    break
                if self._reload_wanted:
                    self._reload_wanted = False
                    self.reload()
                try:
                    heartbeat(
                        self.db, self.owner, self.clock.now(), self.started_at, self.next_runs()
                    )
                except Exception as exc:  # the database away for a moment: try next beat
                    log.warning("heartbeat failed: %s", str(exc).splitlines()[0])
            return self._shut_down()
        finally:
            for signum, handler in previous.items():
                signal.signal(signum, handler)
            self._lock.release()

    def _shut_down(self) -> bool:
        grace = self.config.daemon.shutdown_grace_s
        log.info("stopping: no new jobs; waiting up to %g s for running ones", grace)
        self._scheduler.shutdown(wait=False)
        deadline = time.monotonic() + grace
        with self._running_lock:
            while self._running and time.monotonic() < deadline:
                self._running_lock.wait(max(0.0, deadline - time.monotonic()))
            left = sorted(self._running)
        try:
            sign_off(self.db, self.owner)
        except Exception as exc:
            log.warning("could not sign off: %s", str(exc).splitlines()[0])
        if left:
            log.warning(
                "stopped with %s still running after shutdown_grace_s = %g s; "
                "its unfinished write rolls back",
                ", ".join(left),
                grace,
            )
            return False
        for client in self._clients:
            client.close()
        log.info("stopped")
        return True

    def _on_signal(self, signum: int, _frame: FrameType | None) -> None:
        if signum == signal.SIGHUP:
            self._reload_wanted = True
        else:
            self._stopping = True
        self._wake.set()

    def stop(self) -> None:
        self._stopping = True
        self._wake.set()

    def request_reload(self) -> None:
        self._reload_wanted = True
        self._wake.set()
