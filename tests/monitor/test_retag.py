"""`jobtrend tags retag`: a taxonomy change re-tags all stored history and its counts."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from helpers import cli_json, run_cli
from runs import SEOUL, raw, run
from sqlalchemy import delete, select, update

from monitor.clock import Clock
from monitor.retag import REBUILDING, RETAGGING, retag_all
from monitor.search.index import matching_postings
from monitor.storage.db import Database
from monitor.storage.models import Posting, PostingPhrases, PostingWords
from monitor.storage.phrases import phrase_texts, unpack
from monitor.tagging import Tagger, builtin_tags

CLOCK = Clock(SEOUL, datetime(2026, 3, 2, 12, tzinfo=UTC))


def _config(path: Path, database_url: str, tags: str = "") -> Path:
    path.write_text(
        f'timezone = "Asia/Seoul"\n[database]\nurl = "{database_url}"\n{tags}', encoding="utf-8"
    )
    return path


def test_retag_applies_a_new_tag_to_history(
    db: Database, database_url: str, tmp_path: Path
) -> None:
    run(db, 1, [raw("a", "Robotics Engineer", "휴머노이드 로봇 제어"), raw("b", "Designer")])
    run(db, 2, [raw("a", "Robotics Engineer", "휴머노이드 로봇 제어"), raw("b", "Designer")])
    args = ("query", "robotics", "--by", "day", "--since", "2026-03-02", "--until", "2026-03-03")
    now = "2026-03-03T12:00"
    before = _config(tmp_path / "before.toml", database_url)
    # Not a tag yet: searched as a word, found in the stored text.
    assert [r["tag"] for r in cli_json(before, *args, now=now)] == [None, None]

    after = _config(
        tmp_path / "after.toml",
        database_url,
        '[tags.robotics]\nlabel = "Robotics"\nany = ["robotics", "로봇"]\n',
    )
    result = run_cli(after, "tags", "retag", now=now)
    assert result.exit_code == 0, result.output
    assert "re-tagged 2 postings; 1 changed tags" in result.output
    rows = cli_json(after, *args, now=now)
    assert [(r["tag"], r["active"], r["jobs_total"]) for r in rows] == [
        ("robotics", 1, 2),
        ("robotics", 1, 2),
    ]
    # Removing the tag again takes it off history too.
    result = run_cli(before, "tags", "retag", now=now)
    assert "1 changed tags" in result.output
    rows = cli_json(after, *args, now=now)
    assert [r["active"] for r in rows] == [0, 0]


def test_retag_repairs_missing_and_outdated_words(
    db: Database, database_url: str, tmp_path: Path
) -> None:
    """Words lost or derived by older rules are derived again, so word searches see them."""
    run(db, 1, [raw("a", "Diffusion Engineer"), raw("b", "VLM Researcher"), raw("c", "Designer")])
    with db.session() as session:
        ids = {e: i for e, i in session.execute(select(Posting.external_id, Posting.id))}
        session.execute(delete(PostingWords).where(PostingWords.posting_id == ids["a"]))
        session.execute(
            update(PostingWords).where(PostingWords.posting_id == ids["b"]).values(words="x")
        )
        assert matching_postings(session, "diffusion") == []
    result = run_cli(_config(tmp_path / "c.toml", database_url), "tags", "retag")
    assert result.exit_code == 0, result.output
    with db.session() as session:
        assert matching_postings(session, "diffusion") == [ids["a"]]
        assert matching_postings(session, "vlm") == [ids["b"]]
        stored = session.execute(select(PostingWords.posting_id, PostingWords.words))
        words = {posting: text for posting, text in stored}
    assert words == {
        ids["a"]: "diffusion engineer",
        ids["b"]: "vlm researcher",
        ids["c"]: "designer",
    }


def test_retag_repairs_missing_and_outdated_phrases(db: Database) -> None:
    """Phrases lost or derived by older rules (or before the company's boilerplate was known)
    are derived again, so ``trending`` and ``skills`` count them."""
    run(db, 1, [raw("a", "Diffusion Engineer", "PyTorch 경험"), raw("b", "VLM Researcher")])
    with db.session() as session:
        ids = {e: i for e, i in session.execute(select(Posting.external_id, Posting.id))}
        session.execute(delete(PostingPhrases).where(PostingPhrases.posting_id == ids["a"]))
        session.execute(
            update(PostingPhrases)
            .where(PostingPhrases.posting_id == ids["b"])
            .values(ids=b"\xff\xff\x00\x00")
        )
    with db.session() as session:
        retag_all(session, Tagger(builtin_tags()), CLOCK, 14)
    with db.session() as session:
        rows = session.execute(select(PostingPhrases.posting_id, PostingPhrases.ids)).all()
        stored = {pid: value for pid, value in rows}
        texts = phrase_texts(session, (i for v in stored.values() for i in unpack(v)))
    found = {pid: sorted(texts[int(i)] for i in unpack(v)) for pid, v in stored.items()}
    assert found == {
        ids["a"]: [
            "diffusion",
            "diffusion engineer",
            "engineer",
            "pytorch",
            "pytorch 경험",
            "경험",
        ],
        ids["b"]: ["researcher", "vlm", "vlm researcher"],
    }


def test_retag_reports_its_progress(db: Database) -> None:
    run(db, 1, [raw(f"p{i}", f"Engineer {i}") for i in range(5)])
    steps: list[tuple[str, int, int | None]] = []
    with db.session() as session:
        changed, total = retag_all(
            session, Tagger(builtin_tags()), CLOCK, 14, lambda *step: steps.append(step)
        )
    assert (changed, total) == (0, 5)
    assert steps == [(RETAGGING, 0, 5), (RETAGGING, 5, 5), (REBUILDING, 0, None)]
