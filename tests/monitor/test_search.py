"""Ad-hoc terms: the text index finds candidates, the tagger's matcher decides."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from runs import SEOUL, raw, run
from sqlalchemy import select

from monitor.clock import Clock
from monitor.db import Database
from monitor.metrics import TrendQuery, trend
from monitor.models import Posting
from monitor.search import index_chunk, matching_postings
from monitor.taxonomy import builtin_tags

TEXTS = {
    "a": ("Research Scientist", "Stable Diffusion and video generation."),
    "b": ("ML Engineer", "diffusion-based image models, DIFFUSION at scale"),
    "c": ("Physicist", "Diffusional processes in membranes."),  # not the word "diffusion"
    "d": ("의료기기 소프트웨어 개발자", "의료기기 인허가 경험 우대"),
    "e": ("플랫폼 엔지니어", "원격의료 서비스 백엔드를 개발합니다."),
    "f": ("Backend Engineer", "Self driving simulation tools."),
    "g": ("Designer", "Nothing relevant here."),
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
        ("diffusion", None): (2, 7),
        ("원격", None): (1, 7),
        ("의료", "medical"): (2, 7),
    }
