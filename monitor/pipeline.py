"""One scrape pass: fetch each source, normalise, then store, tag and aggregate.

Steps, each a function with one job: ``fetch_source`` (network only, never touches the
database) → ``normalise`` → ``store.write_run`` (one short transaction per source, with the
tags and the daily counts it changed). A source that fails records a failed run and never
stops the others.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, replace
from datetime import date

import httpx
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from monitor.clock import Clock
from monitor.config import Config, SourceConfig
from monitor.errors import NotModified, SourceError, UsageError
from monitor.normalise import clean_message, normalise
from monitor.numbers.refresh import refresh_counts
from monitor.posting import RawPosting
from monitor.runs import DEFAULT_STALE_DAYS, RunStatus
from monitor.storage.db import Database
from monitor.storage.ingest import RunOutcome, SourceTraits, ensure_source, known_ids, write_run
from monitor.storage.locks import source_lock
from monitor.storage.models import HttpCache, ScrapeRun
from monitor.storage.models import Source as SourceRow
from monitor.tagging import Tagger
from scrapers.base import Source
from scrapers.http import HttpClient, HttpPolicy, Validators, mask_secrets

log = logging.getLogger(__name__)

MAX_PARALLEL_SOURCES = 4


@dataclass(frozen=True)
class SourceResult:
    """One source's run, as the summary table shows it."""

    name: str
    kind: str
    status: str
    returned: int
    new: int
    closed: int
    skipped: int
    requests: int
    seconds: float
    error: str | None


def http_policy(config: Config) -> HttpPolicy:
    http = config.http
    return HttpPolicy(
        user_agent=http.user_agent,
        timeout_s=http.timeout_s,
        per_host_concurrency=http.per_host_concurrency,
        min_interval_s=http.min_interval_s,
        max_body_bytes=int(http.max_body_mb * 1024 * 1024),
        max_retries=http.max_retries,
        backoff_s=http.backoff_s,
        retry_after_cap_s=http.retry_after_cap_s,
        obey_robots=http.obey_robots,
        request_deadline_s=http.request_deadline_s,
        run_deadline_s=http.run_deadline_s,
    )


def select_sources(config: Config, names: Sequence[str]) -> list[SourceConfig]:
    if names:
        return [config.source(name) for name in dict.fromkeys(names)]
    chosen = [src for src in config.sources if src.enabled]
    if not chosen:
        where = config.path or "the built-in defaults"
        raise UsageError(
            f"No sources are configured in {where}; add [[sources]] tables "
            "(see config.example.toml) or run `jobtrend init`."
        )
    return chosen


def _secrets_of(source_config: SourceConfig) -> tuple[str, ...]:
    """The API keys a source sends (read from the variable its ``key_env`` names): masked in
    whatever of its errors is logged or stored, wherever a board quotes them."""
    name = getattr(source_config.options, "key_env", None)
    value = os.environ.get(name, "").strip() if isinstance(name, str) else ""
    return (value,) if len(value) >= 4 else ()


def fetch_source(
    source_config: SourceConfig,
    client: HttpClient,
    clock: Clock,
    known: frozenset[str] = frozenset(),
    fetch: Callable[[Source, HttpClient], Iterable[RawPosting]] | None = None,
    validators: Mapping[str, Validators] | None = None,
) -> RunOutcome:
    """Fetch and normalise one source's whole listing; never raises for a source failure."""
    view = client.view(validators)
    started = clock.now()
    source = source_config.build()
    source.known_ids = known
    fallback_company = source_config.name
    secrets = _secrets_of(source_config)
    postings = []
    try:
        for raw in fetch(source, view) if fetch else source.fetch(view):
            try:
                postings.append(
                    normalise(raw, company=source_config.company, fallback_company=fallback_company)
                )
            except ValueError as exc:  # one bad posting is skipped, never its whole source
                source.skipped.append(f"posting {raw.external_id!r}: {exc}")
    except NotModified:
        return RunOutcome(
            status=RunStatus.UNCHANGED,
            started_at=started,
            ended_at=clock.now(),
            requests=view.requests,
            bytes=view.bytes_received,
        )
    except SourceError as exc:
        error = clean_message(mask_secrets(str(exc), *secrets)) or type(exc).__name__
        log.warning("source %s failed: %s", source_config.name, error)
        return RunOutcome(
            status=RunStatus.FAILED,
            started_at=started,
            ended_at=clock.now(),
            requests=view.requests,
            bytes=view.bytes_received,
            error_kind=exc.kind,
            error=error,
        )
    except Exception as exc:  # a bug in a parser must not take the other sources down
        log.exception("source %s crashed", source_config.name)
        return RunOutcome(
            status=RunStatus.FAILED,
            started_at=started,
            ended_at=clock.now(),
            requests=view.requests,
            bytes=view.bytes_received,
            error_kind="bug",
            error=clean_message(mask_secrets(f"{type(exc).__name__}: {exc}", *secrets)),
        )
    return RunOutcome(
        status=RunStatus.PARTIAL if source.skipped else RunStatus.OK,
        started_at=started,
        ended_at=clock.now(),
        postings=postings,
        requests=view.requests,
        bytes=view.bytes_received,
        skipped=[clean_message(mask_secrets(item, *secrets)) for item in source.skipped],
        validators={url: (v.etag, v.last_modified) for url, v in view.new_validators.items()},
    )


def load_validators(db: Database) -> dict[str, Validators]:
    with db.session() as session:
        return {
            row.url: Validators(row.etag, row.last_modified)
            for row in session.scalars(select(HttpCache))
        }


def load_known_ids(db: Database, chosen: Sequence[SourceConfig]) -> dict[str, frozenset[str]]:
    """Per source name, the external ids already stored with their details."""
    out: dict[str, frozenset[str]] = {}
    with db.session() as session:
        for src in chosen:
            row = session.scalar(select(SourceRow.id).where(SourceRow.name == src.name))
            if row is not None:
                out[src.name] = known_ids(session, row)
    return out


def store_outcome(
    db: Database,
    clock: Clock,
    tagger: Tagger,
    src: SourceConfig,
    outcome: RunOutcome,
    *,
    close_missing: bool = True,
    stale_after_days: int = DEFAULT_STALE_DAYS,
) -> SourceResult:
    """Write one source's outcome, its tags and the daily counts it changed."""
    source = src.build()
    traits = SourceTraits(
        suspect_exempt=source.suspect_exempt,
        seen_at_posted=source.seen_at_posted,
        close_missing=close_missing,
    )
    try:
        with db.session() as session:
            row = ensure_source(
                session, src.name, src.kind, source.is_query_filtered(), outcome.started_at
            )
            result = write_run(session, row, outcome, tagger=tagger, clock=clock, traits=traits)
            refresh_counts(session, clock, result.first_changed_day, stale_after_days)
            return _result(src, outcome, result.run)
    except SQLAlchemyError as exc:
        # The write rolled back; this source's run is recorded as failed on its own, and the
        # other sources of the pass go on.
        log.exception("storing %s failed", src.name)
        reason = str(getattr(exc, "orig", None) or exc).splitlines()[0]
        failed = replace(
            outcome,
            status=RunStatus.FAILED,
            postings=(),
            error_kind="store",
            error=f"Storing the run failed: {reason}",
            validators={},
        )
        try:
            with db.session() as session:
                row = ensure_source(
                    session, src.name, src.kind, source.is_query_filtered(), outcome.started_at
                )
                run = write_run(session, row, failed, tagger=tagger, clock=clock, traits=traits)
                return _result(src, failed, run.run)
        except SQLAlchemyError:
            log.exception("recording the failed run of %s failed too", src.name)
            return SourceResult(
                name=src.name,
                kind=src.kind,
                status=RunStatus.FAILED,
                returned=0,
                new=0,
                closed=0,
                skipped=0,
                requests=outcome.requests,
                seconds=(outcome.ended_at - outcome.started_at).total_seconds(),
                error=f"{failed.error} (not recorded: the database failed too)",
            )


def _result(src: SourceConfig, outcome: RunOutcome, run: ScrapeRun) -> SourceResult:
    return SourceResult(
        name=src.name,
        kind=src.kind,
        status=run.status,
        returned=run.returned,
        new=run.new,
        closed=run.closed,
        skipped=run.skipped,
        requests=run.requests,
        seconds=(outcome.ended_at - outcome.started_at).total_seconds(),
        error=run.error,
    )


def scrape(
    config: Config,
    db: Database,
    clock: Clock,
    tagger: Tagger,
    names: Sequence[str] = (),
    *,
    transport: httpx.BaseTransport | None = None,
    on_start: Callable[[int], None] | None = None,
    on_done: Callable[[SourceResult], None] | None = None,
    client: HttpClient | None = None,
) -> list[SourceResult]:
    """One pass over the chosen sources; results in the order the sources were given.

    ``client``: a long-lived client whose politeness state (robots.txt, per-host pacing and
    concurrency) outlives this pass, as the daemon's does; kept open. Without it the pass
    builds and closes its own."""
    chosen = select_sources(config, names)
    if on_start:
        on_start(len(chosen))
    results: dict[str, SourceResult] = {}
    validators = load_validators(db)
    own = client is None
    if client is None:
        client = HttpClient(http_policy(config), transport=transport)
    shared = client
    try:
        workers = max(1, min(MAX_PARALLEL_SOURCES, len(chosen)))
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="source") as pool:
            known = load_known_ids(db, chosen)
            locks = {src.name: source_lock(db.engine, src.name) for src in chosen}

            def locked_fetch(src: SourceConfig) -> RunOutcome:
                # Held from the first request to the last write: runs of one source never
                # overlap, in this process or another (released after the store below).
                locks[src.name].acquire()
                return fetch_source(
                    src, shared, clock, known.get(src.name, frozenset()), validators=validators
                )

            futures = {pool.submit(locked_fetch, src): src for src in chosen}
            for future in as_completed(futures):
                src = futures[future]
                began = time.monotonic()
                try:
                    result = store_outcome(
                        db,
                        clock,
                        tagger,
                        src,
                        future.result(),
                        stale_after_days=config.http.stale_after_days,
                    )
                finally:
                    locks[src.name].release()
                log.debug("stored %s in %.3fs", src.name, time.monotonic() - began)
                results[src.name] = result
                if on_done:
                    on_done(result)
    finally:
        if own:
            client.close()
    return [results[src.name] for src in chosen]


def backfill(
    config: Config, db: Database, clock: Clock, tagger: Tagger, name: str, since: date
) -> SourceResult:
    """Load a source's history since ``since`` (sources with ``fetch_since``, e.g. hn)."""
    src = config.source(name)
    source = src.build()
    fetch_since = getattr(source, "fetch_since", None)
    if fetch_since is None:
        raise UsageError(
            f"Source {name!r} ({src.kind}) has no history to load; backfill works for kinds "
            "with archives such as hn."
        )
    with source_lock(db.engine, src.name), HttpClient(http_policy(config)) as client:
        outcome = fetch_source(src, client, clock, fetch=lambda s, c: fetch_since(c, since))
        return store_outcome(
            db,
            clock,
            tagger,
            src,
            outcome,
            close_missing=False,
            stale_after_days=config.http.stale_after_days,
        )
