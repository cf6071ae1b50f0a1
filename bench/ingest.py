"""Ingest: 200k postings through the project's store path against raw sqlite3 executemany.

Project: ``monitor.storage.ingest.write_run`` with a ``RunOutcome`` of normalised postings per
source (five sources), all in one ``Database.session()`` transaction, on a fresh SQLite file.

Peer: a fresh SQLite file with the project's schema (made by ``monitor.storage.db.Database``, so the
same tables, indexes and triggers), opened with ``sqlite3`` and the same PRAGMAs, then one
transaction: the same derived values (``dedup_key``, ``Tagger.tags_for``, ``text_words``, a job
per distinct key) and ``executemany`` into ``source``, ``scrape_run``, ``job``, ``posting``,
``posting_tag`` and ``posting_words``. Deriving is in the peer's timed region too, so the ratio
is the store's overhead, not the tagger's; the note gives the peer's insert-only time as well.
"""

from __future__ import annotations

import sqlite3
import time
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bench import corpus
from bench.common import DATA, SEOUL, Result, human, log, sizes
from bench.fixture import fts_only_triggers, fts_tables
from monitor.clock import Clock
from monitor.identity import dedup_key
from monitor.normalise import Posting as NormalPosting
from monitor.normalise import normalise
from monitor.posting import RawPosting
from monitor.search.matcher import text_words
from monitor.storage.db import Database
from monitor.storage.ingest import RunOutcome, ensure_source, write_run
from monitor.tagging import Tagger, builtin_tags

GROUP = "ingest"
NOW = datetime(2026, 1, 5, 0, 0, tzinfo=UTC)  # 09:00 in Seoul
POSTING_COLUMNS = (
    "id",
    "source_id",
    "external_id",
    "url",
    "title",
    "company",
    "location",
    "country",
    "remote",
    "employment_type",
    "description",
    "posted_at",
    "first_seen_at",
    "active_from",
    "last_seen_at",
    "closed_at",
    "new_on",
    "dedup_key",
    "job_id",
    "content_hash",
    "deadline_at",
    "closes_at",
    "level",
)


def sql_time(value: datetime | None) -> str | None:
    """SQLAlchemy's SQLite storage of a UTC instant (naive, with microseconds)."""
    if value is None:
        return None
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


def fresh_db(path: Path) -> Database:
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    return Database(f"sqlite:///{path}")


def prepared(n: int) -> tuple[dict[str, list[NormalPosting]], float]:
    """Normalised postings by source (as a fetch would hand them over) and the seconds spent."""
    by_source: dict[str, list[NormalPosting]] = defaultdict(list)
    start = time.perf_counter()
    for p in corpus.load(n):
        raw = RawPosting(
            external_id=p.external_id,
            title=p.title,
            url=f"https://jobs.example.com/{p.source}/{p.external_id}",
            company=p.company,
            location=p.location,
            description=p.description,
            description_format="text",
            posted_at=NOW - timedelta(days=p.posted_days_ago),
        )
        by_source[p.source].append(normalise(raw, company=None, fallback_company=p.source))
    return dict(sorted(by_source.items())), time.perf_counter() - start


def drop_text_index_triggers(path: Path) -> None:
    conn = sqlite3.connect(path)
    try:
        for name, _ in fts_only_triggers(conn, fts_tables(conn)):
            conn.execute(f'DROP TRIGGER "{name}"')
        conn.commit()
    finally:
        conn.close()


def project(
    path: Path,
    by_source: dict[str, list[NormalPosting]],
    tagger: Tagger,
    *,
    text_index: bool = True,
) -> float:
    """Seconds for write_run of every source in one session (``text_index=False``: on a copy
    of the schema without the triggers that feed FTS5 tables, to see the store's own cost)."""
    db = fresh_db(path)
    if not text_index:
        db.dispose()
        drop_text_index_triggers(path)
        db = Database(f"sqlite:///{path}")
    clock = Clock(SEOUL, NOW)
    try:
        start = time.perf_counter()
        with db.session() as session:
            for name, postings in by_source.items():
                source = ensure_source(session, name, "greenhouse", False, NOW)
                outcome = RunOutcome(
                    status="ok", started_at=NOW, ended_at=NOW, postings=postings, requests=1
                )
                write_run(session, source, outcome, tagger=tagger, clock=clock)
        return time.perf_counter() - start
    finally:
        db.dispose()


def connect(path: Path) -> sqlite3.Connection:
    """sqlite3 with the PRAGMAs the project sets on its connections."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA busy_timeout=30000")
    conn.execute("PRAGMA foreign_keys=ON")
    conn.execute("PRAGMA synchronous=NORMAL")
    return conn


def raw_peer(
    path: Path,
    by_source: dict[str, list[NormalPosting]],
    tagger: Tagger,
    *,
    text_index: bool = True,
) -> tuple[float, float]:
    """Seconds for the whole peer, and for its inserts alone.

    ``text_index=False`` drops the triggers that feed FTS5 tables first: what the same inserts
    cost without keeping the text index.
    """
    fresh_db(path).dispose()
    if not text_index:
        drop_text_index_triggers(path)
    conn = connect(path)
    now, today = sql_time(NOW), Clock(SEOUL, NOW).today().isoformat()
    try:
        start = time.perf_counter()
        conn.execute("BEGIN")
        derive = 0.0
        jobs: dict[str, int] = {}
        posting_id = 0
        for source_id, (name, postings) in enumerate(by_source.items(), start=1):
            conn.execute(
                "INSERT INTO source (id, name, kind, query_filtered, created_at) "
                "VALUES (?, ?, 'greenhouse', 0, ?)",
                (source_id, name, now),
            )
            t0 = time.perf_counter()
            rows: list[tuple[Any, ...]] = []
            tag_rows: list[tuple[int, str]] = []
            word_rows: list[tuple[int, str]] = []
            new_jobs: list[tuple[int, str, str | None]] = []
            for p in postings:
                posting_id += 1
                key = dedup_key(p.company, p.title, p.location)
                job = jobs.get(key)
                new_on = None
                if job is None:
                    job = jobs[key] = len(jobs) + 1
                    new_jobs.append((job, key, now))
                    posted = p.posted_at
                    if posted is not None and posted.astimezone(SEOUL).date().isoformat() == today:
                        new_on = today  # a first run: new only if posted that day
                rows.append(
                    (
                        posting_id,
                        source_id,
                        p.external_id,
                        p.url,
                        p.title,
                        p.company,
                        p.location,
                        p.country,
                        p.remote,
                        p.employment_type,
                        p.description,
                        sql_time(p.posted_at),
                        now,
                        now,
                        now,
                        None,
                        new_on,
                        key,
                        job,
                        p.content_hash,
                        sql_time(p.deadline_at),
                        sql_time(p.closes_at),
                        p.level,
                    )
                )
                tag_rows += [
                    (posting_id, tag) for tag in sorted(tagger.tags_for(p.title, p.description))
                ]
                word_rows.append((posting_id, text_words(p.title, p.description)))
            derive += time.perf_counter() - t0
            conn.executemany(
                "INSERT INTO job (id, dedup_key, created_at) VALUES (?, ?, ?)", new_jobs
            )
            marks = ", ".join("?" * len(POSTING_COLUMNS))
            conn.executemany(
                f"INSERT INTO posting ({', '.join(POSTING_COLUMNS)}) VALUES ({marks})", rows
            )
            conn.executemany("INSERT INTO posting_tag (posting_id, tag) VALUES (?, ?)", tag_rows)
            conn.executemany(
                "INSERT INTO posting_words (posting_id, words) VALUES (?, ?)", word_rows
            )
            conn.execute(
                "INSERT INTO scrape_run (source_id, started_at, ended_at, status, requests, bytes, "
                "returned, new, closed, skipped) VALUES (?, ?, ?, 'ok', 1, 0, ?, 0, 0, 0)",
                (source_id, now, now, len(postings)),
            )
        conn.execute("COMMIT")
        total = time.perf_counter() - start
        return total, total - derive
    finally:
        conn.close()


def table_counts(path: Path) -> dict[str, int]:
    conn = sqlite3.connect(path)
    try:
        return {
            table: conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            for table in ("posting", "posting_tag", "posting_words", "job")
        }
    finally:
        conn.close()


def run(quick: bool) -> list[Result]:
    n = sizes(quick).ingest
    by_source, normalise_s = prepared(n)
    tagger = Tagger(builtin_tags())
    tagger.tags("warm up")
    product_path = DATA / "ingest-project.sqlite"
    peer_path = DATA / "ingest-raw.sqlite"
    repeat = 3 if quick else 1  # a full attempt is minutes: once
    project_times, peer_times = [], []
    for attempt in range(repeat):
        log(f"ingest: {human(n)} postings, attempt {attempt + 1}/{repeat}")
        project_times.append(project(product_path, by_source, tagger))
        peer_times.append(raw_peer(peer_path, by_source, tagger))
        log(f"ingest: project {project_times[-1]:.1f} s, raw {peer_times[-1][0]:.1f} s")
    project_s = min(project_times)
    peer_s, peer_insert_s = min(peer_times)
    ours, theirs = table_counts(product_path), table_counts(peer_path)
    log("ingest: both again without the text index's triggers")
    bare_project_s = project(product_path, by_source, tagger, text_index=False)
    bare_peer_s, bare_insert_s = raw_peer(peer_path, by_source, tagger, text_index=False)
    log(f"ingest: without them, project {bare_project_s:.1f} s, raw {bare_peer_s:.1f} s")
    for suffix in ("", "-wal", "-shm"):
        Path(f"{product_path}{suffix}").unlink(missing_ok=True)
        Path(f"{peer_path}{suffix}").unlink(missing_ok=True)
    same = "same rows" if ours == theirs else f"ROW COUNTS DIFFER: project {ours}, raw {theirs}"
    ratio = project_s / peer_s
    derive_s = peer_s - peer_insert_s
    note = (
        f"{human(n)} postings, 5 sources; raw = derive (dedup_key, tags_for, text_words) "
        f"{derive_s:.1f} s + "
        f"inserts {peer_insert_s:.1f} s (of which the FTS5 triggers: "
        f"{peer_insert_s - bare_insert_s:.1f} s: executemany runs the INSERT once per row, "
        "and FTS5 writes out its pending terms at every statement; the store sends 500 rows "
        f"per INSERT); normalise() beforehand (untimed) "
        f"{normalise_s:.1f} s; {same} "
        f"({ours['posting']} postings, {ours['posting_tag']} tags, {ours['job']} jobs)"
    )
    bare_ratio = bare_project_s / bare_peer_s
    without = Result(
        GROUP,
        f"ingest {human(n)} without FTS5 triggers",
        bare_project_s,
        "s",
        peer=bare_peer_s,
        peer_label=f"raw sqlite3 {bare_peer_s:.1f} s",
        ratio=bare_ratio,
        note="information: the same two paths on a schema without the triggers that feed the "
        f"text index: the store's own overhead ({bare_ratio:.1f}x raw, of which the raw side "
        f"spends {bare_peer_s - bare_insert_s:.1f} s deriving keys and tags)",
        extra={"project_seconds": bare_project_s, "raw_seconds": bare_peer_s},
    )
    return [
        Result(
            GROUP,
            f"ingest {human(n)}: store.write_run",
            project_s,
            "s",
            peer=peer_s,
            peer_label=f"raw sqlite3 {peer_s:.1f} s",
            ratio=ratio,
            limit=2.0,
            passed=ratio <= 2.0,
            note=note,
            extra={
                "project_seconds": project_times,
                "raw_seconds": [t for t, _ in peer_times],
                "raw_insert_seconds": [i for _, i in peer_times],
                "raw_insert_without_text_index_seconds": bare_insert_s,
                "normalise_seconds": normalise_s,
                "project_counts": ours,
                "raw_counts": theirs,
            },
        ),
        without,
    ]
