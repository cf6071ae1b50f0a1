"""Where a match stands (monitor/parts.py): the splitter, then tags, terms and history.

Written texts in the shape of real postings (the real ones are measured by
test_real_tagging.py and are not copied here).
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from helpers import run_cli
from runs import raw, run
from sqlalchemy import select

from monitor.parts import (
    APPLICATION,
    BENEFITS,
    COMPANY,
    EQUAL_OPPORTUNITY,
    LEGAL,
    ROLE,
    Parts,
    company_boilerplate,
)
from monitor.search.index import matching_postings
from monitor.search.matcher import term_in, text_words
from monitor.storage.db import Database
from monitor.storage.models import Posting, PostingTag, TermMatch
from monitor.tagging import Tagger, boilerplate_of, builtin_tags, fold_text

TAGGER = Tagger(builtin_tags())


def parts_of(text: str, role_until: int = 0) -> list[tuple[str, str]]:
    """(part, unit text) of every unit of a text, folded as the tagger reads it."""
    folded = fold_text(text)
    return [(u.part, folded[u.start : u.end].strip()) for u in Parts(folded, role_until).units()]


# --- the splitter ------------------------------------------------------------------------------


def test_english_headings_split_a_description() -> None:
    text = (
        "We are hiring a backend engineer.\n"
        "About Acme\n"
        "Acme builds billing software.\n"
        "What you'll do:\n"
        "• Ship APIs\n"
        "Benefits & Perks\n"
        "Medical, dental and vision\n"
        "How to apply\n"
        "Send a CV\n"
        "Privacy notice\n"
        "We keep your data for six months"
    )
    assert parts_of(text) == [
        (ROLE, "we are hiring a backend engineer."),
        (COMPANY, "about acme"),
        (COMPANY, "acme builds billing software."),
        (ROLE, "what you'll do:"),
        (ROLE, "• ship apis"),
        (BENEFITS, "benefits & perks"),
        (BENEFITS, "medical, dental and vision"),
        (APPLICATION, "how to apply"),
        (APPLICATION, "send a cv"),
        (LEGAL, "privacy notice"),
        (LEGAL, "we keep your data for six months"),
    ]


def test_korean_and_german_headings() -> None:
    korean = (
        "[주요업무]\n의료 영상 분석\n■ 자격요건\nPython\n<복지 및 혜택>\n병원 할인\n"
        "전형절차\n서류 전형"
    )
    assert [part for part, _ in parts_of(korean)] == [
        ROLE,
        ROLE,
        ROLE,
        ROLE,
        BENEFITS,
        BENEFITS,
        APPLICATION,
        APPLICATION,
    ]
    german = "Über uns\nWir sind ein Team.\nIhre Aufgaben\nSoftware bauen\nWir bieten\nJobRad"
    assert [part for part, _ in parts_of(german)] == [
        COMPANY,
        COMPANY,
        ROLE,
        ROLE,
        BENEFITS,
        BENEFITS,
    ]


def test_a_line_is_read_sentence_by_sentence() -> None:
    text = (
        "Build medical imaging pipelines. We are an equal opportunity employer. "
        "Our customers include two hospitals."
    )
    assert parts_of(text) == [
        (ROLE, "build medical imaging pipelines."),
        (EQUAL_OPPORTUNITY, "we are an equal opportunity employer."),
        (COMPANY, "our customers include two hospitals."),
    ]


def test_a_heading_is_short_and_no_sentence() -> None:
    # Start like headings, but they are sentences or long lines: the part stays the role.
    text = (
        "Responsibilities\n"
        "Benefits of our approach are many, and you will see them on your first day.\n"
        "Mission-critical services\n"
        "Build them."
    )
    assert {part for part, _ in parts_of(text)} == {ROLE}


def test_company_text_counts_only_where_it_says_what_the_company_makes() -> None:
    folded = fold_text(
        "About us\nWe build medical imaging devices.\nOur customers include hospitals.\n"
        "Our mission is better healthcare.\nWe are backed by top investors."
    )
    units = Parts(folded).units()
    assert [(u.part, u.product) for u in units] == [
        (COMPANY, False),
        (COMPANY, True),
        (COMPANY, False),
        (COMPANY, False),
        (COMPANY, False),
    ]
    assert [u.counts(True) for u in units] == [False, True, False, False, False]
    assert not any(u.counts(False) for u in units)


def test_paragraphs_repeated_in_most_of_a_companys_postings_are_its_boilerplate() -> None:
    blurb = "Team members enjoy first-class medical care and a yearly retreat in Lisbon."
    texts = [fold_text(f"Build service {i}.\n{blurb}") for i in range(5)]
    texts.append(fold_text("Build the billing service."))
    assert company_boilerplate(texts) == {fold_text(blurb)}
    assert company_boilerplate(texts[:2]) == frozenset()  # too few postings to tell
    parts = Parts(texts[0], boilerplate=company_boilerplate(texts))
    unit = parts.unit_at(texts[0].index("medical"))
    assert (unit.part, unit.why) == (COMPANY, "repeated in most of this company's postings")


def test_counting_ranges_agree_with_the_units() -> None:
    text = fold_text(
        "Title\n\nIntro line.\nBenefits\nGym. 401k\nResponsibilities\nBuild. "
        "We are an equal opportunity employer. Ship.\nAbout us\nWe build robots. "
        "Our customers include banks.\n복지\n휴가"
    )
    for company_text in (True, False):
        parts = Parts(text, role_until=5)
        inside = [False] * len(text)
        for a, b in parts.counting(company_text):
            inside[a:b] = [True] * (b - a)
        probe = Parts(text, role_until=5)
        for i, c in enumerate(text):
            if not c.isspace():
                assert probe.unit_at(i).counts(company_text) is inside[i], (i, text[i - 5 : i + 5])


# --- tags --------------------------------------------------------------------------------------

BENEFITS_BLURB = "Acme people get first-class medical care, a yearly retreat and a learning budget."
EEO_BLURB = (
    "Acme is an equal opportunity employer and considers all applicants regardless of race, "
    "pregnancy, or related medical conditions."
)


def company_postings() -> list[tuple[str, str, str]]:
    """(id, title, description): 20 jobs of one company sharing a benefits paragraph that
    says "medical" (no heading, no benefits wording: only its repetition gives it away) and an
    equal-opportunity paragraph, and one medical-imaging job."""
    jobs = [
        (f"p{i}", f"Backend Engineer {i}", f"Responsibilities\nBuild the service number {i} in Go.")
        for i in range(20)
    ]
    jobs.append(
        (
            "imaging",
            "Software Engineer",
            "Responsibilities\nBuild medical imaging pipelines for CT.",
        )
    )
    return [(key, title, f"{body}\n\n{BENEFITS_BLURB}\n\n{EEO_BLURB}") for key, title, body in jobs]


def test_twenty_postings_sharing_benefits_and_eeo_text_are_not_medical() -> None:
    jobs = company_postings()
    boilerplate = boilerplate_of(description for _, _, description in jobs)
    medical = {key for key, t, d in jobs if "medical" in TAGGER.tags_for(t, d, boilerplate)}
    assert medical == {"imaging"}
    # Without the company's other postings the benefits paragraph cannot be told apart.
    assert "medical" in TAGGER.tags_for(jobs[0][1], jobs[0][2])


def test_a_run_tags_only_the_medical_imaging_job(db: Database) -> None:
    run(db, 1, [raw(key, title, description) for key, title, description in company_postings()])
    with db.session() as session:
        tagged = session.execute(
            select(Posting.external_id).join(PostingTag).where(PostingTag.tag == "medical")
        ).scalars()
        assert set(tagged) == {"imaging"}


def test_retag_finds_the_boilerplate_over_history(
    db: Database, database_url: str, tmp_path: Path
) -> None:
    run(db, 1, [raw(key, title, description) for key, title, description in company_postings()])
    with db.session() as session:  # as if tagged by rules that did not know the parts
        session.add_all(
            PostingTag(posting_id=pid, tag="medical")
            for pid in session.scalars(select(Posting.id).where(Posting.external_id != "imaging"))
        )
    config = tmp_path / "c.toml"
    config.write_text(f'[database]\nurl = "{database_url}"\n', encoding="utf-8")
    result = run_cli(config, "tags", "retag")
    assert result.exit_code == 0, result.output
    assert "20 changed tags" in result.output
    with db.session() as session:
        tagged = session.execute(
            select(Posting.external_id).join(PostingTag).where(PostingTag.tag == "medical")
        ).scalars()
        assert set(tagged) == {"imaging"}


# --- ad-hoc terms ------------------------------------------------------------------------------

EEO_HEALTHCARE = "We do not discriminate on the basis of healthcare needs, pregnancy or disability."


@pytest.mark.parametrize("term", ["healthcare", "의료 기록", "healthcare needs"])
def test_an_adhoc_term_does_not_count_equal_opportunity_lines(term: str) -> None:
    eeo = EEO_HEALTHCARE + " 의료 기록은 차별하지 않습니다."
    assert not term_in(term, "Data Engineer", f"Build pipelines.\n{eeo}")
    assert term_in(
        term, "Data Engineer", f"Build pipelines for healthcare needs, 의료 기록.\n{eeo}"
    )
    assert term_in(term, "Healthcare needs, 의료 기록", eeo)  # the title is the role


def test_the_word_index_holds_only_counting_words() -> None:
    words = text_words(
        "Data Engineer", f"Build pipelines.\n{EEO_HEALTHCARE}\nBenefits\nGym membership"
    ).split()
    assert "pipelines" in words
    assert not {"healthcare", "discriminate", "gym", "membership"} & set(words)


def test_query_of_a_word_skips_equal_opportunity_lines(db: Database) -> None:
    run(
        db,
        1,
        [
            raw("eeo", "Data Engineer", f"Build pipelines.\n{EEO_HEALTHCARE}"),
            raw("job", "Data Engineer", "Build healthcare pipelines."),
            raw("title", "Healthcare Analyst", EEO_HEALTHCARE),
        ],
    )
    with db.session() as session:
        ids = {key: pid for key, pid in session.execute(select(Posting.external_id, Posting.id))}
        for term in ("healthcare", "healthcare pipelines", "healthcare analyst"):
            found = {key for key, pid in ids.items() if pid in matching_postings(session, term)}
            assert (
                found
                == {
                    "healthcare": {"job", "title"},
                    "healthcare pipelines": {"job"},
                    "healthcare analyst": {"title"},
                }[term]
            ), term


def test_remembered_matches_are_forgotten_by_migration_0009(tmp_path: Path) -> None:
    """Words stored by the old rules (every word) are derived again and remembered matches
    dropped, so `query healthcare` stops counting the equal-opportunity line."""
    from alembic import command

    from monitor.storage.db import _alembic_config, make_engine
    from monitor.storage.models import PostingWords

    url = f"sqlite:///{tmp_path / 'old.sqlite'}"
    db = Database(url)
    try:
        run(db, 1, [raw("eeo", "Data Engineer", f"Build pipelines.\n{EEO_HEALTHCARE}")])
        with db.session() as session:
            assert matching_postings(session, "healthcare") == []
    finally:
        db.dispose()
    engine = make_engine(url)
    with engine.begin() as connection:
        command.downgrade(_alembic_config(engine, connection), "0007")
        # What the old rules stored: every word, and a remembered match.
        connection.execute(PostingWords.__table__.update().values(words="data engineer healthcare"))
        connection.execute(
            TermMatch.__table__.insert().values(
                term="healthcare",
                stamp="x",
                posting_ids="[1]",
                computed_at=datetime(2026, 3, 2, tzinfo=UTC),
            )
        )
    engine.dispose()
    db = Database(url)
    try:
        with db.session() as session:
            assert session.scalars(select(TermMatch.term)).all() == []
            assert matching_postings(session, "healthcare") == []
            words = session.scalars(select(PostingWords.words)).one()
            assert "healthcare" not in words.split() and "pipelines" in words.split()
    finally:
        db.dispose()


def test_company_text_is_a_tag_setting() -> None:
    from monitor.errors import ConfigError
    from monitor.tagging import tagdef_from_table

    assert tagdef_from_table("x", {"any": ["robot"], "company_text": True}).company_text
    assert not tagdef_from_table("x", {"any": ["robot"]}).company_text
    with pytest.raises(ConfigError, match="'company_text' must be true or false"):
        tagdef_from_table("x", {"any": ["robot"], "company_text": "yes"})
    assert builtin_tags()["medical"].company_text and not builtin_tags()["llm"].company_text
    blurb = "About us\nWe build industrial robots.\n\nResponsibilities\nShip web apps."
    for company_text, expected in ((True, {"x"}), (False, set())):
        table = {"any": ["robots"], "company_text": company_text}
        assert Tagger({"x": tagdef_from_table("x", table)}).tags(blurb) == expected
