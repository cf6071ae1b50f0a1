"""Ad-hoc terms over the 1M-posting fixture: trend() for a term that is no tag, in-process.

"diffusion" (one Latin word: the word index answers it without reading text) and 로봇 (a
Korean two-syllable word, which matches inside words: trigram candidates, then the matcher).
Neither is a built-in tag alias. The bench calls the product's public ``trend()``, so it
measures whatever the product does for them.

Each term has two rows: its first query, with nothing remembered (the bench empties the
product's ``term_match`` table first; an untimed run before warms the OS page cache), and the
best of the next three, which read the matches the first remembered (valid until the next
run). The notes say how long searching afresh takes and how, and, for the short term, what a
bare sqlite3 scan of all texts costs.

One more row, for information: the cost of keeping the text index, as raw inserts of 2000 more
postings into the big database with and without the FTS5 triggers (rolled back).
"""

from __future__ import annotations

import importlib
import sqlite3
import time
from typing import Any

from bench import fixture
from bench.common import QUERY_TAGS, Result, best_of, goal_row, human, log, sizes
from bench.fixture import fts_only_triggers, fts_tables
from bench.ingest import connect
from bench.query import clock, count_rows, rebuild_counts, trend_query

GROUP = "adhoc"
TERMS = (("diffusion", 200.0), ("로봇", 1000.0))
REPEAT = 3


def _matching(session: Any, term: str) -> tuple[int, float]:
    """How many postings match (the product's own search), and its seconds."""
    try:
        module = importlib.import_module("monitor.search.index")
    except ImportError:  # before monitor.search.index existed
        module = importlib.import_module("monitor.numbers.trends")
    matching_postings = module.matching_postings
    start = time.perf_counter()
    found = matching_postings(session, term)
    return len(found), time.perf_counter() - start


def forget_matches(fx: fixture.Fixture) -> int:
    """Empty the product's remembered matches (``term_match``, where it exists), so that a
    term's first query searches: returns how many terms were remembered."""
    conn = sqlite3.connect(fx.path)
    try:
        if not conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'term_match'").fetchone():
            return 0
        count = int(conn.execute("SELECT count(*) FROM term_match").fetchone()[0])
        conn.execute("DELETE FROM term_match")
        conn.commit()
        return count
    finally:
        conn.close()


def _fresh_search(session: Any, term: str) -> float:
    """Seconds of searching afresh (text index, then the matcher), where the product has it."""
    search = importlib.import_module("monitor.search.index")
    fresh = getattr(search, "_search", None)
    if fresh is None:
        return _matching(session, term)[1]
    start = time.perf_counter()
    fresh(session, term)
    return time.perf_counter() - start


def _how(term: str) -> str:
    """How the product searches ``term`` afresh (the word index where it has one)."""
    try:
        from monitor.search.matcher import term_words
    except ImportError:  # before the word index existed
        return "text index, then the matcher on every candidate"
    if term_words(term):
        return "the word index alone, no text read"
    return "text index, then the matcher on every candidate"


def _term_rows(fx: fixture.Fixture, session: Any, term: str, goal: float) -> list[Result]:
    """The term's first query (nothing remembered) and the best of the next ``REPEAT``."""
    from monitor.numbers.trends import trend
    from monitor.taxonomy import builtin_tags

    taxonomy = builtin_tags()
    query = trend_query([term])
    # Untimed: the OS page cache then holds the rows the term reads, as for the other rows;
    # its matches are forgotten again so that the timed first query searches.
    trend(session, clock(), taxonomy, query)
    forget_matches(fx)
    times = []
    rows: list[Any] = []
    for _ in range(1 + REPEAT):
        start = time.perf_counter()
        rows = trend(session, clock(), taxonomy, query)
        times.append(time.perf_counter() - start)
    first, again = times[0], min(times[1:])
    matches, _ = _matching(session, term)
    search_s = _fresh_search(session, term)
    n = fx.info["postings"]
    peak = max((r.active for r in rows), default=0.0)
    floor = ""
    if len(term) < 3:
        floor = (
            f"; a bare sqlite3 LIKE scan of all titles and descriptions takes "
            f"{scan_floor(fx, term) * 1000:.0f} ms"
        )
    common = f"{matches} matching postings ({matches / n:.1%}); peak weekly active {peak:.0f}"
    return [
        goal_row(
            GROUP,
            f"ad-hoc {term!r} weekly, {human(n)}, first query",
            first * 1000,
            "ms",
            goal,
            note=f"{common}; nothing remembered: searching ({_how(term)}) took "
            f"{search_s * 1000:.0f} ms of it" + floor,
            extra={"seconds": first, "matches": matches, "search_seconds": search_s},
        ),
        goal_row(
            GROUP,
            f"ad-hoc {term!r} weekly, {human(n)}, asked again",
            again * 1000,
            "ms",
            goal,
            note=f"{common}; its matches remembered until the next run; runs "
            + ", ".join(f"{t * 1000:.0f}" for t in times[1:])
            + " ms",
            extra={"seconds": times[1:], "matches": matches},
        ),
    ]


def scan_floor(fx: fixture.Fixture, term: str) -> float:
    """Seconds of a bare sqlite3 ``LIKE`` scan of every posting's title and description."""
    conn = sqlite3.connect(f"file:{fx.path}?mode=ro", uri=True)
    try:
        pattern = f"%{term}%"
        sql = "SELECT count(*) FROM posting WHERE title LIKE ? OR description LIKE ?"
        best, _, _ = best_of(lambda: conn.execute(sql, (pattern, pattern)).fetchone(), 2)
        return best
    finally:
        conn.close()


def index_upkeep(fx: fixture.Fixture, count: int = 2000) -> Result:
    """Inserting ``count`` more postings into the big database, with and without the FTS5
    triggers (each in a transaction that is rolled back, so the fixture is unchanged)."""
    conn = connect(fx.path)
    try:
        columns = [row[1] for row in conn.execute("PRAGMA table_info(posting)")]
        id_at, ext_at = columns.index("id"), columns.index("external_id")
        rows = []
        for row in conn.execute("SELECT * FROM posting WHERE id <= ? ORDER BY id", (count,)):
            values = list(row)
            values[id_at] += 10_000_000
            values[ext_at] = f"{values[ext_at]}-again"
            rows.append(tuple(values))
        # 500 rows per statement, as the store sends them (FTS5 writes out at every statement).
        one = f"({', '.join('?' * len(columns))})"
        insert = f"INSERT INTO posting ({', '.join(columns)}) VALUES "
        seconds = {}
        for with_index in (False, True):
            conn.execute("BEGIN")
            try:
                if not with_index:
                    for name, _ in fts_only_triggers(conn, fts_tables(conn)):
                        conn.execute(f'DROP TRIGGER "{name}"')
                start = time.perf_counter()
                for at in range(0, len(rows), 500):
                    chunk = rows[at : at + 500]
                    values = [value for row in chunk for value in row]
                    conn.execute(insert + ", ".join([one] * len(chunk)), values)
                seconds[with_index] = time.perf_counter() - start
            finally:
                conn.execute("ROLLBACK")
    finally:
        conn.close()
    per_posting = seconds[True] / count * 1000
    bare = seconds[False] / count * 1000
    return Result(
        GROUP,
        f"text index upkeep: +{count} postings into {human(fx.info['postings'])}",
        per_posting,
        "ms",
        peer=bare,
        peer_label=f"without FTS5 triggers {bare:.3f} ms",
        ratio=per_posting / bare if bare else None,
        note=f"raw sqlite3 inserts of 500 rows per statement, ms per posting, rolled back; "
        f"{seconds[True]:.1f} s for "
        f"{count} postings with the text index, {seconds[False]:.2f} s without (information)",
    )


def run(quick: bool) -> list[Result]:
    from monitor.numbers.trends import trend
    from monitor.storage.db import Database
    from monitor.tagging import resolve_term
    from monitor.taxonomy import builtin_tags

    n = sizes(quick).query
    fx = fixture.build(n)
    if count_rows(fx) == 0:
        # As after any scrape, daily_count holds the tags' counts (the query group fills it
        # too; run alone, this group fills it here, untimed).
        rebuild_counts(fx, timeout=1200)
    forgotten = forget_matches(fx)
    if forgotten:
        log(f"adhoc: forgot the matches of {forgotten} terms remembered by an earlier run")
    taxonomy = builtin_tags()
    db = Database(fx.url)
    results: list[Result] = []
    try:
        with db.session() as session:
            # The stored counts are warm after this; each term's first run is its own.
            trend(session, clock(), taxonomy, trend_query(QUERY_TAGS))
            for term, goal in TERMS:
                assert resolve_term(term, taxonomy) is None, f"{term} is a tag alias"
                log(f"adhoc: {term}")
                results += _term_rows(fx, session, term, goal)
    finally:
        db.dispose()
    log("adhoc: text index upkeep")
    results.append(index_upkeep(fx))
    return results
