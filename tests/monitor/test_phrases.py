"""Candidate phrases of a posting (monitor.phrases), and their storage with each posting."""

from __future__ import annotations

from runs import raw, run
from sqlalchemy import select

from monitor.phrases import posting_phrases
from monitor.storage.db import Database
from monitor.storage.models import Posting, PostingPhrases
from monitor.storage.phrases import pack, phrase_ids, phrase_texts, unpack

ENGLISH = """Responsibilities
- Train vision-language models on images and video.
- Serve models with PyTorch, Triton; own the evaluation.

Benefits
- Medical, dental and vision insurance; a yearly learning budget.

Acme is an equal opportunity employer."""


def test_english_words_and_phrases_of_the_title_and_the_role() -> None:
    assert posting_phrases("Senior ML Engineer", ENGLISH, "Acme", "Berlin, Germany") == [
        "senior",
        "ml",
        "senior ml",
        "engineer",
        "ml engineer",
        "train",
        "vision",
        "train vision",
        "language",
        "vision language",
        "models",
        "language models",
        "images",
        "video",
        "serve",
        "serve models",
        "pytorch",
        "triton",
        "evaluation",
    ]


def test_a_phrase_never_spans_punctuation_and_benefits_do_not_count() -> None:
    found = posting_phrases("Engineer", ENGLISH, "Acme")
    assert "pytorch triton" not in found  # a comma stands between them
    assert "video serve" not in found  # two lines
    assert not {"medical", "dental", "insurance", "budget", "equal"} & set(found)
    assert "acme" not in found


KOREAN = """주요 업무
- 대규모 언어모델 기반 멀티모달 AI 연구 및 개발
- 자율주행 차량의 인지 알고리즘 고도화
자격 요건
- 컴퓨터비전 관련 경험이 있으신 분
복지
- 건강검진 지원, 헬스케어 지원"""


def test_korean_is_cut_into_nouns_as_written() -> None:
    found = posting_phrases("멀티모달 LLM 연구원", KOREAN, "주식회사 누리에이아이", "서울 강남구")
    assert found == [
        "멀티모달",
        "llm",
        "멀티모달 llm",
        "연구원",
        "llm 연구원",
        "대규모",
        "언어모델",
        "대규모 언어모델",
        "기반",
        "언어모델 기반",
        "기반 멀티모달",
        "ai",
        "멀티모달 ai",
        "연구",
        "ai 연구",
        "개발",
        "자율주행",
        "차량",
        "자율주행 차량",
        "인지",
        "알고리즘",
        "인지 알고리즘",
        "고도화",
        "알고리즘 고도화",
        "컴퓨터비전",
        "경험",
    ]
    # Particles never make a word ("차량의" is 차량), headings are not phrases, perks not role.
    assert not {"주요", "업무", "자격 요건", "건강검진", "헬스케어"} & set(found)


def test_the_company_name_and_places_are_left_out() -> None:
    found = posting_phrases(
        "Nuri AI Backend Engineer, Seoul", "- Nuri payments backend in Seoul and Busan", "Nuri AI"
    )
    assert found == ["backend", "engineer", "backend engineer", "payments", "payments backend"]


def test_ids_are_stable_and_packed_sorted(db: Database) -> None:
    with db.session() as session:
        first = phrase_ids(session, ["llm", "pytorch"])
        again = phrase_ids(session, ["pytorch", "rag", "llm"])
        assert again["llm"] == first["llm"] and again["pytorch"] == first["pytorch"]
        assert phrase_texts(session, again.values()) == {v: k for k, v in again.items()}
    packed = pack([7, 3, 3, 2**32 - 1])
    assert unpack(packed).tolist() == [3, 7, 2**32 - 1]
    assert unpack(None).tolist() == []


def test_postings_are_stored_with_their_phrases_and_a_change_replaces_them(db: Database) -> None:
    run(db, 1, [raw("a", "Rust Engineer", "- Build a WASM runtime")])
    run(db, 2, [raw("a", "Rust Engineer", "- Build a Kafka pipeline")])
    with db.session() as session:
        (posting,) = session.scalars(select(Posting))
        stored = session.scalar(
            select(PostingPhrases.ids).where(PostingPhrases.posting_id == posting.id)
        )
        texts = phrase_texts(session, unpack(stored).tolist())
    assert sorted(texts.values()) == sorted(
        ["rust", "engineer", "rust engineer", "build", "kafka", "pipeline", "kafka pipeline"]
    )


def test_a_paragraph_repeated_across_a_companys_postings_is_not_role(db: Database) -> None:
    """Real Greenhouse boards open every posting with the same company paragraph before any
    heading ("transforming health systems ..."): it is company boilerplate, not the role."""
    intro = "We are transforming health systems with clinical AI for hospitals."
    run(
        db,
        1,
        [
            raw(f"p{n}", f"Role {n}", f"{intro}\n\nResponsibilities\n- Build {word} pipelines")
            for n, word in enumerate(["kafka", "spark", "flink"])
        ],
    )
    with db.session() as session:
        found = set()
        for stored in session.scalars(select(PostingPhrases.ids)):
            found |= set(phrase_texts(session, unpack(stored).tolist()).values())
    assert "hospitals" not in found and "clinical" not in found
    assert {"kafka", "spark", "flink", "pipelines"} <= found


def test_text_without_korean_does_not_load_the_korean_analyser() -> None:
    import monitor.phrases as phrases

    phrases._kiwi.cache_clear()
    phrases._own_words.cache_clear()
    found = posting_phrases(
        "Research Engineer, Multimodal",
        "<h3>Requirements</h3><p>PyTorch and computer vision</p>",
        "Acme Robotics",
        "Seoul, South Korea",
    )
    assert "computer vision" in found
    assert phrases._kiwi.cache_info().currsize == 0
