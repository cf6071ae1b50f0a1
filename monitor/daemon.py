"""``jobtrend run``: the cron-driven daemon.

Each enabled source is scraped on its own crontab schedule (APScheduler 3, in the configured
zone). A scheduled slot is claimed in ``job_claim`` first, so several daemons sharing one
database run each slot once. A heartbeat row lets ``jobtrend status`` tell whether a daemon is
alive. SIGTERM and SIGINT stop it after the running scrapes finish.
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import threading
from datetime import datetime, timedelta
from types import FrameType

from apscheduler.triggers.base import BaseTrigger
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from monitor.clock import ENV_VAR as NOW_ENV
from monitor.clock import Clock
from monitor.config import Config
from monitor.errors import UsageError
from monitor.pipeline import scrape
from monitor.schedule import Cron, parse
from monitor.storage.db import Database
from monitor.storage.models import DaemonState, JobClaim
from monitor.tagging import Tagger

log = logging.getLogger(__name__)

HEARTBEAT_S = 30
ALIVE_WITHIN = timedelta(seconds=HEARTBEAT_S * 3)
CLAIMS_KEPT = timedelta(days=30)


def owner_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def claim(db: Database, job: str, slot: datetime, now: datetime) -> bool:
    """True if this process won ``job`` at ``slot`` (a unique row); False if another did."""
    try:
        with db.session() as session:
            session.add(JobClaim(job=job, slot=slot, owner=owner_id(), claimed_at=now))
    except IntegrityError:
        return False
    return True


def heartbeat(db: Database, now: datetime, started_at: datetime) -> None:
    with db.session() as session:
        row = session.get(DaemonState, owner_id())
        if row is None:
            session.add(
                DaemonState(
                    owner=owner_id(), pid=os.getpid(), started_at=started_at, heartbeat_at=now
                )
            )
        else:
            row.heartbeat_at = now
        session.execute(delete(JobClaim).where(JobClaim.claimed_at < now - CLAIMS_KEPT))


def live_daemon(db: Database, now: datetime) -> DaemonState | None:
    """The most recent daemon whose heartbeat is fresh, if any."""
    with db.session() as session:
        row = session.scalars(
            select(DaemonState).order_by(DaemonState.heartbeat_at.desc()).limit(1)
        ).first()
    if row is None or now - row.heartbeat_at > ALIVE_WITHIN:
        return None
    return row


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


class Daemon:
    def __init__(self, config: Config, db: Database) -> None:
        if os.environ.get(NOW_ENV):
            raise UsageError(
                f"`jobtrend run` keeps real time; unset {NOW_ENV} (it is for one-off commands)."
            )
        enabled = [src for src in config.sources if src.enabled]
        if not enabled:
            raise UsageError("No enabled sources to schedule; add [[sources]] to the config first.")
        self.config = config
        self.db = db
        self.clock = Clock(config.zone)
        self.tagger = Tagger(config.tags)
        self.sources = enabled
        self.started_at = self.clock.now()
        self._stop = threading.Event()

    def scrape_source(self, name: str) -> None:
        now = self.clock.now()
        slot = now.replace(second=0, microsecond=0)
        if not claim(self.db, f"scrape:{name}", slot, now):
            log.info("%s at %s already taken by another daemon", name, slot)
            return
        try:
            (result,) = scrape(self.config, self.db, self.clock, self.tagger, [name])
        except Exception:
            log.exception("scrape of %s crashed", name)
            return
        log.info("%s: %s, %d returned, %d new", name, result.status, result.returned, result.new)
        from monitor.runs import RunStatus

        if result.status == RunStatus.FAILED:
            self._maybe_alert(name)

    def _maybe_alert(self, name: str) -> None:
        from monitor.runs import all_health

        with self.db.session() as session:
            for health in all_health(session, self.clock.now(), self.config.http.stale_after_days):
                if (
                    health.name == name
                    and health.consecutive_failures >= self.config.daemon.alert_after_failures
                ):
                    log.error(
                        "%s has failed %d runs in a row since %s: %s",
                        name,
                        health.consecutive_failures,
                        health.failing_since,
                        health.last_run.error if health.last_run else "",
                    )

    def run(self) -> None:
        from apscheduler.schedulers.background import BackgroundScheduler

        scheduler = BackgroundScheduler(timezone=self.config.zone)
        for src in self.sources:
            scheduler.add_job(
                self.scrape_source,
                CronTrigger(parse(src.schedule, self.config.zone)),
                args=[src.name],
                id=f"scrape:{src.name}",
                coalesce=True,
                max_instances=1,
                misfire_grace_time=3600,
            )
        previous = {
            sig: signal.signal(sig, self._on_signal) for sig in (signal.SIGTERM, signal.SIGINT)
        }
        heartbeat(self.db, self.clock.now(), self.started_at)
        scheduler.start()
        for job in scheduler.get_jobs():
            log.info("scheduled %s, next at %s", job.id, job.next_run_time)
        try:
            while not self._stop.wait(HEARTBEAT_S):
                heartbeat(self.db, self.clock.now(), self.started_at)
        finally:
            log.info("stopping: waiting for running scrapes to finish")
            scheduler.shutdown(wait=True)
            with self.db.session() as session:
                session.execute(delete(DaemonState).where(DaemonState.owner == owner_id()))
            for sig, handler in previous.items():
                signal.signal(sig, handler)

    def _on_signal(self, signum: int, _frame: FrameType | None) -> None:
        log.info("received signal %d", signum)
        self._stop.set()

    def stop(self) -> None:
        self._stop.set()
