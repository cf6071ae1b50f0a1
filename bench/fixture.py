"""The query fixture: a SQLite database of n postings over two years, built once and cached.

The schema is the project's (``monitor.storage.db.Database`` runs the migrations); rows are written
with ``sqlite3.executemany`` for speed, with every derived column as the store would fill it
(``dedup_key``, ``content_hash``, ``level``, country and remote from the location, tags from
``Tagger.tags_for``, words and candidate phrases). Each posting is seen from its day (spread
evenly over the two years, one run per source and day at 09:00 in Seoul) for a lognormal
number of days (median 30); what is still returned by the last run stays open. Postings of one
``dedup_key`` seen within 60 days of each other are one job (the same ad on two boards, or a
repost); the first is new.

Triggers on ``posting`` that only feed FTS5 tables are dropped during the load, put back with
their exact SQL, and those tables are then filled with FTS5's ``rebuild`` (the same index,
built in one pass: the per-row trigger path takes several times longer). ``daily_count`` is
left empty: the query benchmark fills it with ``jobtrend db rebuild-counts`` (timed).

Cached as ``bench/.data/query-<VERSION>-<n>-r<head revision>.sqlite`` with a ``.json`` beside
it holding the build's figures; a new migration means a new fixture.
"""

from __future__ import annotations

import json
import math
import random
import re
import sqlite3
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from bench import corpus
from bench.common import (
    DATA,
    FIXTURE_DAYS,
    FIXTURE_FIRST_DAY,
    FIXTURE_NOW,
    SEOUL,
    VERSION,
    log,
)
from monitor.geo import parse_location
from monitor.identity import dedup_key
from monitor.level import level_of
from monitor.normalise import content_hash
from monitor.phrases import posting_phrases
from monitor.search.matcher import text_words
from monitor.storage.db import Database, head_revision
from monitor.storage.phrases import pack
from monitor.tagging import Tagger, builtin_tags

SEED = 7
BATCH = 5000
REPOST_DAYS = 60
RUN_MINUTES = 5  # source k runs at 00:00 UTC + 5k minutes, every day
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
_FTS_TARGET = re.compile(r"INSERT\s+INTO\s+([\w\"]+)", re.IGNORECASE)


@dataclass(frozen=True)
class Fixture:
    path: Path
    url: str
    info: dict[str, Any]

    @property
    def config(self) -> Path:
        """A config file naming this database (for CLI subprocesses)."""
        path = self.path.with_suffix(".toml")
        path.write_text(f'timezone = "Asia/Seoul"\n\n[database]\nurl = "{self.url}"\n')
        return path

    def env(self) -> dict[str, str]:
        return {"JOBTREND_NOW": FIXTURE_NOW, "JOBTREND_DATABASE_URL": self.url}


def sql_time(value: datetime | None) -> str | None:
    """SQLAlchemy's SQLite storage of a UTC instant (naive, with microseconds)."""
    return None if value is None else value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


def path_for(n: int) -> Path:
    return DATA / f"query-{VERSION}-{n}-r{head_revision()}.sqlite"


def run_at(day: int, source: int) -> datetime:
    return FIXTURE_FIRST_DAY + timedelta(days=day, minutes=RUN_MINUTES * source)


def _remove(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def fts_tables(conn: sqlite3.Connection) -> list[str]:
    rows = conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'table'").fetchall()
    return [
        name
        for name, sql in rows
        if sql
        and re.search(r"USING\s+fts5\s*\(", sql, re.IGNORECASE)
        and re.search(r"content\s*=\s*'?\"?posting", sql, re.IGNORECASE)
    ]


def fts_only_triggers(conn: sqlite3.Connection, fts: list[str]) -> list[tuple[str, str]]:
    """AFTER INSERT triggers (on posting, posting_words) whose every INSERT targets an FTS5
    table."""
    rows = conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'").fetchall()
    out = []
    for name, sql in rows:
        targets = {t.strip('"') for t in _FTS_TARGET.findall(sql)}
        if re.search(r"AFTER\s+INSERT", sql, re.IGNORECASE) and targets and targets <= set(fts):
            out.append((name, sql))
    return out


class _Builder:
    def __init__(self, n: int) -> None:
        self.n = n
        self.rng = random.Random(SEED)
        self.tagger = Tagger(builtin_tags())
        self.jobs: dict[str, tuple[int, int]] = {}  # dedup_key -> (job id, its last day)
        self.source_ids = {name: i + 1 for i, name in enumerate(corpus.SOURCES)}
        self.counts = {"posting": 0, "posting_tag": 0, "job": 0, "open": 0}
        self.phrases: dict[str, int] = {}  # phrase text -> its id (the phrase table)

    def phrase_row(self, p: corpus.CorpusPosting, posting_id: int) -> tuple[int, bytes]:
        found = posting_phrases(p.title, p.description, p.company, p.location)
        known = self.phrases
        return posting_id, pack(known.setdefault(text, len(known) + 1) for text in found)

    def rows(
        self, postings: list[corpus.CorpusPosting]
    ) -> tuple[
        list[tuple[Any, ...]],
        list[tuple[int, str]],
        list[tuple[int, str]],
        list[tuple[Any, ...]],
        list[tuple[int, bytes]],
    ]:
        posting_rows: list[tuple[Any, ...]] = []
        phrase_rows: list[tuple[int, bytes]] = []
        tag_rows: list[tuple[int, str]] = []
        word_rows: list[tuple[int, str]] = []
        job_rows: list[tuple[Any, ...]] = []
        last_day = FIXTURE_DAYS - 1
        for p in postings:
            source = self.source_ids[p.source]
            day = p.index * FIXTURE_DAYS // self.n
            seen_days = max(1, min(180, round(self.rng.lognormvariate(math.log(30), 0.8))))
            end_day = day + seen_days - 1
            first_seen = run_at(day, source)
            if end_day >= last_day:  # still returned by the last run
                last_seen, closed = run_at(last_day, source), None
                end_day = last_day
                self.counts["open"] += 1
            else:
                last_seen, closed = run_at(end_day, source), run_at(end_day + 1, source)
            key = dedup_key(p.company, p.title, p.location)
            known = self.jobs.get(key)
            new_on: str | None = None
            if known is not None and day <= known[1] + REPOST_DAYS:
                job = known[0]
                self.jobs[key] = (job, max(known[1], end_day))
            else:
                job = self.counts["job"] + 1
                self.counts["job"] = job
                self.jobs[key] = (job, end_day)
                job_rows.append((job, key, sql_time(first_seen)))
                new_on = first_seen.astimezone(SEOUL).date().isoformat()
            posting_id = p.index + 1
            url = f"https://jobs.example.com/{p.source}/{p.external_id}"
            place = parse_location(p.location)
            posting_rows.append(
                (
                    posting_id,
                    source,
                    p.external_id,
                    url,
                    p.title,
                    p.company,
                    p.location,
                    place.country,
                    True if place.remote else None,
                    None,
                    p.description,
                    sql_time(first_seen - timedelta(days=p.posted_days_ago)),
                    sql_time(first_seen),
                    sql_time(first_seen),
                    sql_time(last_seen),
                    sql_time(closed),
                    new_on,
                    key,
                    job,
                    content_hash(p.title, p.company, p.location, p.description, url),
                    None,
                    None,
                    level_of(p.title),
                )
            )
            word_rows.append((posting_id, text_words(p.title, p.description)))
            phrase_rows.append(self.phrase_row(p, posting_id))
            tag_rows += [
                (posting_id, t) for t in sorted(self.tagger.tags_for(p.title, p.description))
            ]
        self.counts["posting"] += len(posting_rows)
        self.counts["posting_tag"] += len(tag_rows)
        return posting_rows, tag_rows, word_rows, job_rows, phrase_rows


def _batches(n: int) -> Iterator[list[corpus.CorpusPosting]]:
    batch: list[corpus.CorpusPosting] = []
    for posting in corpus.load(n):
        batch.append(posting)
        if len(batch) == BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def _runs(per_run: int) -> Iterator[tuple[Any, ...]]:
    for day in range(FIXTURE_DAYS):
        for source in range(1, len(corpus.SOURCES) + 1):
            start = run_at(day, source)
            yield (
                source,
                sql_time(start),
                sql_time(start + timedelta(minutes=2)),
                "ok",
                40,
                4_000_000,
                per_run,
                per_run // 30,
                per_run // 30,
                0,
            )


def build(n: int) -> Fixture:
    """The cached fixture of ``n`` postings, built if missing."""
    path = path_for(n)
    meta = path.with_suffix(".json")
    url = f"sqlite:///{path}"
    if path.exists() and meta.exists():
        return Fixture(path, url, json.loads(meta.read_text()))
    corpus.ensure(n)
    DATA.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".building")
    _remove(tmp)
    log(f"building the query fixture of {n} postings -> {path.name}")
    phases: dict[str, float] = {}
    start = time.perf_counter()
    Database(f"sqlite:///{tmp}").dispose()  # the project's schema, every migration applied
    conn = sqlite3.connect(tmp, isolation_level=None)
    conn.execute("PRAGMA journal_mode=OFF")
    conn.execute("PRAGMA synchronous=OFF")
    conn.execute("PRAGMA cache_size=-400000")
    fts = fts_tables(conn)
    dropped = fts_only_triggers(conn, fts)
    for name, _ in dropped:
        conn.execute(f'DROP TRIGGER "{name}"')
    phases["schema"] = time.perf_counter() - start

    builder = _Builder(n)
    conn.execute("BEGIN")
    first = sql_time(FIXTURE_FIRST_DAY)
    conn.executemany(
        "INSERT INTO source (id, name, kind, query_filtered, created_at) VALUES (?, ?, ?, 0, ?)",
        [(i, name, name.split("-")[0], first) for name, i in builder.source_ids.items()],
    )
    per_run = n * 35 // FIXTURE_DAYS // len(corpus.SOURCES)
    conn.executemany(
        "INSERT INTO scrape_run (source_id, started_at, ended_at, status, requests, bytes, "
        "returned, new, closed, skipped) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        _runs(per_run),
    )
    marks = ", ".join("?" * len(POSTING_COLUMNS))
    insert_posting = f"INSERT INTO posting ({', '.join(POSTING_COLUMNS)}) VALUES ({marks})"
    derive = insert = 0.0
    for index, batch in enumerate(_batches(n)):
        t0 = time.perf_counter()
        posting_rows, tag_rows, word_rows, job_rows, phrase_rows = builder.rows(batch)
        t1 = time.perf_counter()
        conn.executemany("INSERT INTO job (id, dedup_key, created_at) VALUES (?, ?, ?)", job_rows)
        conn.executemany(insert_posting, posting_rows)
        conn.executemany("INSERT INTO posting_tag (posting_id, tag) VALUES (?, ?)", tag_rows)
        conn.executemany("INSERT INTO posting_words (posting_id, words) VALUES (?, ?)", word_rows)
        conn.executemany("INSERT INTO posting_phrases (posting_id, ids) VALUES (?, ?)", phrase_rows)
        derive += t1 - t0
        insert += time.perf_counter() - t1
        if index % 40 == 39:
            log(f"fixture: {(index + 1) * BATCH} postings")
    conn.executemany(
        "INSERT INTO phrase (id, text) VALUES (?, ?)",
        ((i, text) for text, i in builder.phrases.items()),
    )
    builder.counts["phrase"] = len(builder.phrases)
    conn.execute("COMMIT")
    phases["derive (keys, hashes, tags, words, phrases)"] = derive
    phases["insert"] = insert

    t0 = time.perf_counter()
    for _, sql in dropped:
        conn.execute(sql)
    for table in fts:
        log(f"fixture: rebuilding {table}")
        conn.execute(f'INSERT INTO "{table}"("{table}") VALUES (\'rebuild\')')
    phases["fts rebuild"] = time.perf_counter() - t0
    conn.execute("PRAGMA journal_mode=WAL")
    conn.close()
    tmp.replace(path)
    info: dict[str, Any] = {
        "postings": n,
        "counts": builder.counts,
        "fts_tables": fts,
        "fts_triggers_replayed_by_rebuild": [name for name, _ in dropped],
        "phases_seconds": phases,
        "build_seconds": time.perf_counter() - start,
        "size_mb": path.stat().st_size / 1e6,
        "head_revision": head_revision(),
        "days": [FIXTURE_FIRST_DAY.date().isoformat(), _last_day().isoformat()],
    }
    meta.write_text(json.dumps(info, indent=2))
    log(f"fixture built in {info['build_seconds']:.0f} s ({info['size_mb']:.0f} MB)")
    return Fixture(path, url, info)


def _last_day() -> date:
    return (FIXTURE_FIRST_DAY + timedelta(days=FIXTURE_DAYS - 1)).date()
