"""Ad-hoc terms: the text index finds candidates, the tagger's matcher decides."""

from __future__ import annotations

import json
import sqlite3
import time
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from runs import SEOUL, raw, run, run_in
from sqlalchemy import delete, event, func, select
from sqlalchemy import inspect as sa_inspect

from monitor.clock import Clock
from monitor.numbers.trends import TrendQuery, trend
from monitor.search import index as search_module
from monitor.search.index import _candidate_filter, index_chunk, matching_postings
from monitor.storage.db import SQLITE_BUSY_TIMEOUT_MS, Database, head_revision
from monitor.storage.models import Posting, PostingTag, PostingWords, TermMatch
from monitor.taxonomy import builtin_tags

TEXTS = {
    "a": ("Research Scientist", "Stable Diffusion and video generation."),
    "b": ("ML Engineer", "diffusion-based image models, DIFFUSION at scale"),
    "c": ("Physicist", "Diffusional processes in membranes."),  # not the word "diffusion"
    "d": ("의료기기 소프트웨어 개발자", "의료기기 인허가 경험 우대"),
    "e": ("플랫폼 엔지니어", "원격의료 서비스 백엔드를 개발합니다."),
    "f": ("Backend Engineer", "Self driving simulation tools."),
    "g": ("Designer", "Nothing relevant here."),
    "h": ("협동 로봇", "제어 소프트웨어"),  # a two-syllable word that ends the title
    "i": ("Platform Engineer", "Maintain our AI"),  # AI ends the text; "maintain" holds "ai"
    "j": ("로봇청소기 펌웨어", "임베디드 C"),
    "k": ("Scattered", "dif iff ffu fus usi sio ion"),  # every trigram of diffusion, apart
}


def ids(db: Database, found: list[int]) -> set[str]:
    with db.session() as session:
        rows = session.execute(select(Posting.id, Posting.external_id)).all()
    names = dict(rows)
    return {names[i] for i in found}


def search(db: Database, term: str) -> set[str]:
    with db.session() as session:
        return ids(db, matching_postings(session, term))


@pytest.fixture
def corpus(db: Database) -> Database:
    run(db, 1, [raw(key, title, body) for key, (title, body) in TEXTS.items()])
    return db


@pytest.mark.parametrize(
    ("term", "expected"),
    [
        ("diffusion", {"a", "b"}),
        ("Diffusion", {"a", "b"}),
        ("의료", {"d", "e"}),  # Hangul matches inside words (원격의료)
        ("의료기기", {"d"}),
        ("self-driving", {"f"}),  # the matcher's spelling variants, found through "driving"
        ("nothing", {"g"}),
        ("quantum", set()),
        ('C"++', set()),  # quotes cannot break the index query
        # Two characters: the index's trigrams that begin with them, then the matcher.
        ("로봇", {"h", "j"}),
        ("AI", {"i"}),
        ("ai", {"i"}),
        ("의료 AI", set()),  # both parts are two characters; neither posting has the phrase
        ("봇", {"h", "j"}),  # one character: a scan
    ],
)
def test_matching_postings(corpus: Database, term: str, expected: set[str]) -> None:
    assert search(corpus, term) == expected


def test_the_index_follows_changed_text(corpus: Database) -> None:
    run(
        db=corpus,
        day=2,
        postings=[
            raw(key, title, "transformers only" if key == "a" else body)
            for key, (title, body) in TEXTS.items()
        ],
    )
    assert search(corpus, "diffusion") == {"b"}
    assert search(corpus, "transformers") == {"a"}


def test_a_single_word_term_is_answered_by_the_word_index_alone(corpus: Database) -> None:
    """No text is read for "diffusion" (the word index decides); "self-driving" needs it."""
    statements: list[str] = []

    def seen(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        statements.append(statement)

    event.listen(corpus.engine, "before_cursor_execute", seen)
    try:
        with corpus.session() as session:
            assert ids(corpus, search_module._search(session, "Diffusion")) == {"a", "b"}
            assert not [s for s in statements if "description" in s]
            assert ids(corpus, search_module._search(session, "self-driving")) == {"f"}
            assert [s for s in statements if "description" in s]
    finally:
        event.remove(corpus.engine, "before_cursor_execute", seen)


def test_the_word_index_keeps_accented_words_whole(db: Database) -> None:
    """Accented Latin words are one token each (the index must not split "café" at "é")."""
    postings = {
        "cafe": ("Café Manager", "Runs two CAFÉS."),
        "plain": ("Cafe Cook", "No accent here."),
        "street": ("Kurier", "Hauptstraße 1"),
        "inside": ("Baker", "Cafégarten and xcafé"),
    }
    run(db, 1, [raw(key, title, body) for key, (title, body) in postings.items()])
    assert search(db, "café") == {"cafe"}
    assert search(db, "CAFE") == {"plain"}
    assert search(db, "hauptstrasse") == {"street"}
    assert search(db, "Hauptstraße") == {"street"}


def test_two_character_terms_are_answered_by_the_index(corpus: Database) -> None:
    if corpus.dialect != "sqlite":
        pytest.skip("pg_trgm cannot help a two-character term; PostgreSQL scans")
    with corpus.session() as session:
        found = _candidate_filter(session, "로봇")
        scattered = _candidate_filter(session, "diffusion")
    assert isinstance(found, list)  # ids from the index, not a scanning condition
    assert ids(corpus, found) == {"h", "j"}
    # The index keeps no positions: scattered trigrams are a candidate the matcher rejects.
    assert isinstance(scattered, list) and "k" in ids(corpus, scattered)


def test_two_character_search_follows_changed_and_removed_text(corpus: Database) -> None:
    changed = {"h": ("협동 로봇 팔", "제어"), "j": ("펌웨어", "임베디드 C")}
    run(
        db=corpus,
        day=2,
        postings=[raw(key, *changed.get(key, texts)) for key, texts in TEXTS.items()],
    )
    assert search(corpus, "로봇") == {"h"}
    with corpus.session() as session:
        session.execute(delete(PostingTag))
        session.execute(delete(Posting).where(Posting.external_id == "h"))
    assert search(corpus, "로봇") == set()
    assert search(corpus, "로봇 팔") == set()


def test_upgrading_from_an_older_index_rebuilds_both_indexes(tmp_path: Path) -> None:
    """Postings stored, the schema taken back to 0002 (no trailing space, no vocabulary, no
    word index), then upgraded: the trigram index is rebuilt and every posting's words filled,
    so both kinds of term find what they did."""
    from alembic import command

    from monitor.storage.db import _alembic_config, make_engine

    url = f"sqlite:///{tmp_path / 'old.sqlite'}"
    told: list[tuple[str, str]] = []
    db = Database(url, on_upgrade=lambda before, after: told.append((before, after)))
    assert told == []  # a new database is made silently
    try:
        run(db, 1, [raw(key, title, body) for key, (title, body) in TEXTS.items()])
    finally:
        db.dispose()
    engine = make_engine(url)
    with engine.begin() as connection:
        command.downgrade(_alembic_config(engine, connection), "0002")
        assert not sa_inspect(connection).has_table("posting_words")
    engine.dispose()
    db = Database(url, on_upgrade=lambda before, after: told.append((before, after)))
    try:
        assert told == [("0002", head_revision())]
        assert search(db, "로봇") == {"h", "j"}
        assert search(db, "diffusion") == {"a", "b"}
        with db.session() as session:
            assert isinstance(_candidate_filter(session, "로봇"), list)
            assert session.scalar(select(func.count()).select_from(PostingWords)) == len(TEXTS)
    finally:
        db.dispose()


def test_index_chunk() -> None:
    assert index_chunk("self-driving") == "driving"
    assert index_chunk("대규모 언어 모델") == "대규모"
    assert index_chunk("ＶＬＭ") == "vlm"
    assert index_chunk("  ") == ""


def test_adhoc_trend_counts_matching_jobs(corpus: Database) -> None:
    clock = Clock(SEOUL, datetime(2026, 3, 2, 12, tzinfo=UTC))
    # "의료" names the medical tag; "원격" (remote) is no tag: a two-syllable ad-hoc term.
    query = TrendQuery(
        terms=["diffusion", "원격", "의료"], start=date(2026, 3, 2), end=date(2026, 3, 2), by="day"
    )
    with corpus.session() as session:
        rows = trend(session, clock, builtin_tags(), query)
    figures = {(r.term, r.tag): (r.active, r.jobs_total) for r in rows}
    assert figures == {
        ("diffusion", None): (2, 11),
        ("원격", None): (1, 11),
        ("의료", "medical"): (2, 11),
    }


# --- remembered matches ------------------------------------------------------------------------


def remembered(db: Database) -> dict[str, list[int]]:
    with db.session() as session:
        rows = session.execute(select(TermMatch.term, TermMatch.posting_ids)).all()
    return {term: json.loads(found) for term, found in rows}


def test_a_repeated_search_reads_the_remembered_matches(
    corpus: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert search(corpus, "Diffusion") == {"a", "b"}
    assert set(remembered(corpus)) == {"diffusion"}  # the key is the folded term

    def no_search(*_: object) -> list[int]:
        raise AssertionError("searched again")

    monkeypatch.setattr(search_module, "_search", no_search)
    assert search(corpus, "DIFFUSION") == {"a", "b"}
    assert search(corpus, "diffusion") == {"a", "b"}


def test_a_run_makes_the_next_search_look_again(corpus: Database) -> None:
    assert search(corpus, "diffusion") == {"a", "b"}
    assert search(corpus, "로봇") == {"h", "j"}
    # Day 2: "a" no longer says diffusion, "g" now does; no posting is added.
    changed = {"a": ("Research Scientist", "Video generation."), "g": ("Designer", "Diffusion!")}
    run(corpus, 2, [raw(key, *changed.get(key, texts)) for key, texts in TEXTS.items()])
    assert search(corpus, "diffusion") == {"b", "g"}
    # Day 3: a new posting.
    run(corpus, 3, [*(raw(k, *t) for k, t in TEXTS.items()), raw("m", "로봇 엔지니어", "")])
    assert search(corpus, "로봇") == {"h", "j", "m"}


def test_matches_seen_in_a_run_that_rolls_back_are_not_kept(corpus: Database) -> None:
    changed = {"g": ("Designer", "Diffusion!")}
    postings = [raw(key, *changed.get(key, texts)) for key, texts in TEXTS.items()]
    with pytest.raises(RuntimeError), corpus.session() as session:
        run_in(session, 2, postings)
        assert ids(corpus, matching_postings(session, "diffusion")) == {"a", "b"} | {"g"}
        raise RuntimeError("the run failed")
    assert remembered(corpus) == {}
    # The run that lands instead (on SQLite it gets the same run id) changes nothing.
    run(corpus, 2, [raw(key, *texts) for key, texts in TEXTS.items()])
    assert search(corpus, "diffusion") == {"a", "b"}


def test_only_the_newest_terms_are_remembered(
    corpus: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(search_module, "REMEMBERED", 2)
    for term in ("diffusion", "로봇", "AI"):
        search(corpus, term)
    assert set(remembered(corpus)) == {"로봇", "ai"}


def test_a_database_busy_with_a_run_is_not_waited_for(tmp_path: Path) -> None:
    """Another process holds the write lock: the search answers, remembering nothing."""
    path = tmp_path / "busy.sqlite"
    db = Database(f"sqlite:///{path}")
    try:
        run(db, 1, [raw(key, title, body) for key, (title, body) in TEXTS.items()])
        writer = sqlite3.connect(path)
        writer.execute("BEGIN IMMEDIATE")
        try:
            started = time.monotonic()
            assert search(db, "diffusion") == {"a", "b"}
            waited = time.monotonic() - started
        finally:
            writer.rollback()
            writer.close()
        assert remembered(db) == {}
        assert waited < SQLITE_BUSY_TIMEOUT_MS / 1000  # gave up well before the usual wait
        assert search(db, "diffusion") == {"a", "b"}
        assert set(remembered(db)) == {"diffusion"}
    finally:
        db.dispose()


def test_every_migration_goes_down_and_up_again(database_url: str) -> None:
    """Down to an empty schema and back to head; the text index and remembered matches work."""
    from alembic import command
    from sqlalchemy import inspect

    from monitor.storage.db import _alembic_config, make_engine

    engine = make_engine(database_url)
    try:
        for target in ("head", "base", "head"):
            with engine.begin() as connection:
                step = command.upgrade if target == "head" else command.downgrade
                step(_alembic_config(engine, connection), target)
            if target == "base":
                assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
                assert inspect(engine).get_view_names() == []
    finally:
        engine.dispose()
    db = Database(database_url)
    try:
        run(db, 1, [raw(key, title, body) for key, (title, body) in TEXTS.items()])
        assert search(db, "로봇") == {"h", "j"}
        assert search(db, "diffusion") == {"a", "b"}
        assert set(remembered(db)) == {"로봇", "diffusion"}
    finally:
        db.dispose()
