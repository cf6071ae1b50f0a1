"""The tagger: built-in taxonomy cases from tests/data/tagging_cases.toml, then the rules."""

from __future__ import annotations

import random
import tomllib
import unicodedata
from pathlib import Path
from typing import Any

import pytest

from monitor.errors import ConfigError
from monitor.search.matcher import (
    term_anchor,
    term_in,
    term_matches,
    term_tagdef,
    term_words,
    text_words,
)
from monitor.tagging import (
    Match,
    TagDef,
    Tagger,
    TagHit,
    builtin_tags,
    fold_text,
    resolve_term,
    tagdef_from_table,
)

CASES_FILE = Path(__file__).parents[1] / "data" / "tagging_cases.toml"
CASES: list[dict[str, Any]] = tomllib.loads(CASES_FILE.read_text(encoding="utf-8"))["case"]
BUILTIN = Tagger(builtin_tags())


def case_text(case: dict[str, Any]) -> str:
    text: str = case["text"]
    return unicodedata.normalize(case["form"], text) if "form" in case else text


def tagger(*tags: TagDef) -> Tagger:
    return Tagger({t.key: t for t in tags})


def spans(hit: TagHit, text: str) -> list[tuple[str, str]]:
    return [(m.alias, text[m.start : m.end]) for m in hit.matches]


# --- the data file -----------------------------------------------------------------------------


def test_the_cases_file_is_big_and_bilingual() -> None:
    assert len(CASES) >= 60
    hangul = [c for c in CASES if any("\uac00" <= ch <= "\ud7a3" for ch in c["text"])]
    assert len(hangul) >= 20
    assert len(CASES) - len(hangul) >= 20
    assert sum(1 for c in CASES if "spans" in c) >= 5
    known = set(builtin_tags())
    for case in CASES:
        assert set(case) <= {"text", "expect", "form", "spans", "why"}, case
        assert set(case["expect"]) <= known, case


@pytest.mark.parametrize("case", CASES, ids=[c["text"][:40] or "empty" for c in CASES])
def test_case(case: dict[str, Any]) -> None:
    text = case_text(case)
    assert BUILTIN.tags(text) == set(case["expect"]), case.get("why", "")
    explained = BUILTIN.explain(text)
    assert list(explained) == sorted(case["expect"])
    for span in case.get("spans", []):
        found = [(m.alias, m.start, m.end) for m in explained[span["tag"]].matches]
        assert (span["alias"], span["start"], span["end"]) in found


def test_tags_is_set_of_explain_over_all_cases() -> None:
    for case in CASES:
        text = case_text(case)
        assert BUILTIN.tags(text) == set(BUILTIN.explain(text)), text
        # As a description (a title is the role whatever it says).
        assert BUILTIN.tags_for("", text) == BUILTIN.tags(text), text
        assert BUILTIN.tags_for("", text) == BUILTIN.tags(text), text


def test_every_match_covers_its_alias_in_the_original_text() -> None:
    for case in CASES:
        text = case_text(case)
        for hit in BUILTIN.explain(text).values():
            for m in hit.matches:
                assert 0 <= m.start < m.end <= len(text)
                original = " ".join(fold_text(text[m.start : m.end]).split())
                alias = " ".join(fold_text(m.alias).split())
                assert original.replace(" ", "").replace("-", "") == alias.replace(" ", "").replace(
                    "-", ""
                ), (text, m)


# --- normalisation and offsets -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "surface"),
    [
        ("ＬＬＭ エンジニア", "ＬＬＭ"),
        ("ﬁne-tuned LLM", "LLM"),  # the ligature grows by one character
        ("Straße team, LLM", "LLM"),  # casefold: ß -> ss
        ("Cafe\u0301 team, LLM", "LLM"),  # NFD accent: two code points become one
        ("İstanbul LLM", "LLM"),  # casefold: İ -> i + combining dot
        ("ㄱㅏ LLM", "LLM"),  # compatibility jamo compose under NFKC
        ("½ and ㍿ then LLM", "LLM"),
        ("x\u0f73 LLM", "LLM"),  # a Tibetan vowel that decomposes into two marks
        ("🙂🙂 𝐋𝐋𝐌", "𝐋𝐋𝐌"),  # outside the BMP: still code points
        (unicodedata.normalize("NFD", "의료영상 LLM"), "LLM"),
    ],
)
def test_offsets_point_into_the_original_text(text: str, surface: str) -> None:
    (hit,) = [h for k, h in BUILTIN.explain(text).items() if k == "llm"]
    assert [text[m.start : m.end] for m in hit.matches] == [surface]


def test_offsets_for_decomposed_hangul() -> None:
    text = "연구: " + unicodedata.normalize("NFD", "자율주행을 위한 의료 영상")
    hits = BUILTIN.explain(text)
    assert spans(hits["autonomous_driving"], text) == [
        ("자율주행", unicodedata.normalize("NFD", "자율주행"))
    ]
    assert spans(hits["medical"], text) == [
        ("의료 영상", unicodedata.normalize("NFD", "의료 영상"))
    ]


def test_fold_text() -> None:
    assert fold_text("ＬＬＭ") == "llm"
    assert fold_text(unicodedata.normalize("NFD", "자율주행")) == "자율주행"
    assert fold_text("Straße") == "strasse"


# --- boundaries --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("LLM", True),
        ("LLMs", True),
        ("LLMs.", True),
        ("LLM-based", True),
        ("LLM엔지니어", True),
        ("(LLM)", True),
        ("멀티모달LLM", True),
        ("LLM2", False),
        ("ALLMAN", False),
        ("LLMNR", False),
        ("LLMss", False),
        ("xLLM", False),
        ("éLLM", False),  # accented Latin letters are letters too
        ("Ω LLM", True),
    ],
)
def test_latin_alias_boundaries(text: str, expected: bool) -> None:
    t = tagger(TagDef("t", "T", any=("LLM",)))
    assert (t.tags(text) == {"t"}) is expected


def test_boundaries_follow_each_end_of_the_alias() -> None:
    cpp = tagger(TagDef("cpp", "C++", any=("C++",)))
    assert cpp.tags("Modern C++ developer") == {"cpp"}
    assert cpp.tags("C++17 and C++20") == {"cpp"}  # '+' ends the alias: no rule after it
    assert cpp.tags("ObjC++ only") == set()  # 'C' starts it: a letter before is not allowed
    three_d = tagger(TagDef("3d", "3D", any=("3D",)))
    assert three_d.tags("3D vision") == {"3d"}
    assert three_d.tags("3Ds and more") == {"3d"}
    assert three_d.tags("13D") == set()
    assert three_d.tags("3DGS") == set()
    assert three_d.tags("3D비전") == {"3d"}


def test_hangul_aliases_match_inside_words() -> None:
    t = tagger(TagDef("med", "Medical", any=("의료",)))
    assert t.tags("의료기기") == {"med"}
    assert t.tags("디지털의료를") == {"med"}
    assert t.tags("xyz의료abc") == {"med"}


def test_spelling_variants() -> None:
    t = tagger(
        TagDef("sd", "SD", any=("self-driving",)),
        TagDef("ko", "KO", any=("대규모 언어 모델",)),
        TagDef("en", "EN", any=("large language model",)),
    )
    for text in [
        "self-driving",
        "self driving",
        "selfdriving",
        "self\u2010driving",
        "self\u2011driving",
    ]:
        assert t.tags(text) == {"sd"}, text
    assert t.tags("self  driving") == set()  # one space or line break, never two
    for text in ["대규모 언어 모델", "대규모언어모델", "대규모 언어모델", "대규모\n언어 모델"]:
        assert t.tags(text) == {"ko"}, text
    assert t.tags("large\nlanguage model") == {"en"}
    assert t.tags("largelanguage model") == set()  # only spaces next to Hangul are optional


# --- all / exclude / implies -------------------------------------------------------------------


def test_all_groups_must_each_match() -> None:
    t = tagger(TagDef("intern", "LLM intern", any=("LLM",), all=(("intern", "인턴"),)))
    assert t.tags("LLM research intern") == {"intern"}
    assert t.tags("인턴 모집: LLM") == {"intern"}
    assert t.tags("LLM engineer") == set()
    assert t.tags("Research intern") == set()


def test_all_without_any() -> None:
    t = tagger(TagDef("x", "X", all=(("robot", "로봇"), ("LLM",))))
    assert t.tags("로봇 LLM") == {"x"}
    assert t.tags("robot") == set()
    hit = t.explain("robots with LLMs")["x"]
    assert [(m.alias, m.start, m.end) for m in hit.matches] == [("robot", 0, 5), ("LLM", 12, 15)]


def test_exclude_cancels_only_occurrences_inside_its_match() -> None:
    t = tagger(TagDef("apple", "Apple", any=("apple",), exclude=("apple pie",)))
    assert t.tags("apple pie") == set()
    text = "apple pie, then an apple"
    assert t.tags(text) == {"apple"}
    assert [(m.start, m.end) for m in t.explain(text)["apple"].matches] == [(19, 24)]


def test_exclude_belongs_to_its_own_tag() -> None:
    t = tagger(
        TagDef("a", "A", any=("apple",), exclude=("apple pie",)),
        TagDef("b", "B", any=("apple",)),
    )
    assert t.tags("apple pie") == {"b"}


def test_exclude_also_cancels_all_group_matches() -> None:
    t = tagger(TagDef("x", "X", any=("LLM",), all=(("intern",),), exclude=("intern pool",)))
    assert t.tags("LLM intern pool") == set()
    assert t.tags("LLM intern") == {"x"}


def test_builtin_medical_benefits_exclude() -> None:
    text = "Medical imaging engineer. Benefits: medical, dental and vision"
    assert spans(BUILTIN.explain(text)["medical"], text) == [("medical imaging", "Medical imaging")]
    assert BUILTIN.tags("We offer medical, dental and vision insurance") == set()
    assert BUILTIN.tags("의료비 지원") == set()


def test_implies_transitively_with_cycles() -> None:
    t = tagger(
        TagDef("a", "A", any=("alpha",), implies=("b",)),
        TagDef("b", "B", any=("beta",), implies=("c",)),
        TagDef("c", "C", any=("gamma",), implies=("a",)),
    )
    assert t.tags("alpha") == {"a", "b", "c"}
    hits = t.explain("alpha")
    assert list(hits) == ["a", "b", "c"]
    assert hits["a"].implied_by is None and hits["a"].matches
    assert (hits["b"].implied_by, hits["b"].matches) == ("a", ())
    assert hits["c"].implied_by == "b"
    both = t.explain("alpha and gamma")  # c matched directly: not reported as implied
    assert both["c"].implied_by is None
    assert both["b"].implied_by == "a"


def test_tagger_rejects_an_alias_that_folds_to_nothing() -> None:
    with pytest.raises(ConfigError) as info:
        tagger(TagDef("a", "A", any=("alpha",), exclude=("\u3000",)))
    assert info.value.key == "exclude"


def test_implies_unknown_tag_is_a_config_error() -> None:
    with pytest.raises(ConfigError) as info:
        tagger(TagDef("a", "A", any=("alpha",), implies=("nope",)))
    assert info.value.key == "implies"


def test_builtin_multimodal_implies_llm() -> None:
    hits = BUILTIN.explain("VLM 연구원")
    assert hits["llm"] == TagHit("llm", (), implied_by="multimodal_llm")
    assert hits["multimodal_llm"].matches == (Match("VLM", 0, 3),)


def test_explain_hides_matches_inside_a_longer_match_of_the_same_tag() -> None:
    text = "large language models"
    assert spans(BUILTIN.explain(text)["llm"], text) == [
        ("large language model", "large language model")
    ]


def test_explain_without_matches_and_empty_taxonomy() -> None:
    assert BUILTIN.explain("nothing to see here") == {}
    empty = Tagger({})
    assert empty.tags("LLM") == set()
    assert empty.explain("LLM") == {}


def test_tags_for_never_spans_title_and_description() -> None:
    t = tagger(
        TagDef("dl", "DL", any=("deep learning",)),
        TagDef("x", "X", any=("LLM",), all=(("intern",),)),
    )
    assert t.tags("deep\nlearning") == {"dl"}
    assert t.tags_for("deep", "learning") == set()
    assert t.tags_for("Research intern", "Work on LLMs") == {"x"}  # all groups span both
    assert BUILTIN.tags_for("LLM Engineer", "의료 AI 팀") == {"llm", "medical"}


# --- the built-in taxonomy ---------------------------------------------------------------------


def test_builtin_tags_shape() -> None:
    tags = builtin_tags()
    assert set(tags) == {"llm", "multimodal_llm", "autonomous_driving", "medical"}
    assert {t.label for t in tags.values()} == {
        "LLM",
        "Multimodal LLM",
        "Autonomous driving",
        "Medical",
    }
    assert tags["multimodal_llm"].implies == ("llm",)
    tags.clear()
    assert builtin_tags(), "builtin_tags() hands out a copy"


def test_every_builtin_alias_tags_itself_and_no_exclude_does() -> None:
    for key, tag in builtin_tags().items():
        for alias in tag.any:
            assert key in BUILTIN.tags(alias), (key, alias)
        for phrase in tag.exclude:
            assert key not in BUILTIN.tags(phrase), (key, phrase)


def test_builtin_korean_aliases_exist() -> None:
    tags = builtin_tags()
    for tag in tags.values():
        assert any("\uac00" <= c <= "\ud7a3" for a in tag.any for c in a), tag.key
    assert "멀티모달 LLM" in tags["multimodal_llm"].any


# --- tagdef_from_table -------------------------------------------------------------------------


def test_tagdef_from_table() -> None:
    tag = tagdef_from_table(
        "llm_intern",
        {
            "label": "LLM intern",
            "any": ["LLM"],
            "all": [["intern", "인턴"]],
            "exclude": ["LLM degree"],
            "implies": ["llm"],
        },
    )
    assert tag == TagDef(
        "llm_intern",
        "LLM intern",
        any=("LLM",),
        all=(("intern", "인턴"),),
        exclude=("LLM degree",),
        implies=("llm",),
    )
    assert tagdef_from_table("의료", {"any": ["의료"]}).label == "의료"


@pytest.mark.parametrize(
    ("table", "key", "words"),
    [
        ({"any": "LLM"}, "any", "'any' must be a list of strings"),
        ({"any": ["LLM", 3]}, "any", "'any' must be a list of strings"),
        ({"any": ["LLM", " "]}, "any", "empty"),
        ({"label": 3, "any": ["LLM"]}, "label", "'label' must be a non-empty string"),
        ({"any": ["LLM"], "all": ["intern"]}, "all", "'all' must be a list of lists of strings"),
        ({"any": ["LLM"], "all": [[]]}, "all", "non-empty"),
        ({"any": ["LLM"], "exclude": "x"}, "exclude", "'exclude' must be a list of strings"),
        ({"any": ["LLM"], "implies": [1]}, "implies", "'implies' must be a list of strings"),
        ({"any": ["LLM"], "alias": ["x"]}, "alias", "unknown key 'alias'"),
        ({"label": "X"}, None, "neither"),
        ({"any": [], "all": []}, None, "neither"),
    ],
)
def test_tagdef_from_table_errors(table: dict[str, Any], key: str | None, words: str) -> None:
    with pytest.raises(ConfigError) as info:
        tagdef_from_table("x", table)
    assert info.value.key == key
    assert words in str(info.value)
    assert not str(info.value).endswith(".")  # the config loader adds file, table and stop


@pytest.mark.parametrize("name", ["", "*", "a b", "_x"])
def test_tagdef_from_table_rejects_bad_names(name: str) -> None:
    with pytest.raises(ConfigError):
        tagdef_from_table(name, {"any": ["x"]})


# --- resolve_term and term_matches -------------------------------------------------------------


@pytest.mark.parametrize(
    ("term", "expected"),
    [
        ("llm", "llm"),
        ("LLM", "llm"),
        ("ＬＬＭ", "llm"),
        ("large language model", "llm"),
        ("멀티모달 LLM", "multimodal_llm"),
        ("멀티모달LLM", "multimodal_llm"),
        ("  Multimodal   LLM ", "multimodal_llm"),
        ("Multimodal LLM", "multimodal_llm"),
        ("VLM", "multimodal_llm"),
        ("Autonomous driving", "autonomous_driving"),
        ("autonomous_driving", "autonomous_driving"),
        ("자율주행", "autonomous_driving"),
        ("자율 주행", "autonomous_driving"),
        ("self driving", "autonomous_driving"),
        ("의료", "medical"),
        ("medical", "medical"),
        ("LLM engineer", None),
        ("robot", None),
        ("", None),
        ("   ", None),
    ],
)
def test_resolve_term(term: str, expected: str | None) -> None:
    assert resolve_term(term, builtin_tags()) == expected


def test_resolve_term_prefers_a_key_over_an_alias() -> None:
    tags = {
        "gpt": TagDef("gpt", "GPT models", any=("GPT-4",)),
        "llm": TagDef("llm", "LLM", any=("GPT", "LLM")),
    }
    assert resolve_term("GPT", tags) == "gpt"
    assert resolve_term("gpt models", tags) == "gpt"
    assert resolve_term("llm", tags) == "llm"


def test_term_matches_korean_two_syllable_word() -> None:
    text = "의료기기와 의료영상, 그리고 의료비"
    assert term_matches("의료", text) == [
        Match("의료", 0, 2),
        Match("의료", 6, 8),
        Match("의료", 16, 18),
    ]
    nfd = unicodedata.normalize("NFD", "의료 로봇")
    assert [nfd[m.start : m.end] for m in term_matches("의료", nfd)] == [
        unicodedata.normalize("NFD", "의료")
    ]


def test_term_matches_latin_term_with_boundaries() -> None:
    text = "GPUs, eGPU, GPU-bound, GPUDirect, ＧＰＵ"
    got = term_matches("GPU", text)
    assert [(m.alias, text[m.start : m.end]) for m in got] == [
        ("GPU", "GPU"),
        ("GPU", "GPU"),
        ("GPU", "ＧＰＵ"),
    ]
    assert [m.start for m in got] == [0, 12, 34]


def test_term_matches_edge_cases() -> None:
    assert term_matches("", "anything") == []
    assert term_matches("  ", "anything") == []
    assert term_matches("robot", "") == []
    assert term_matches("Robot arm", "ROBOT\nARM") == [Match("Robot arm", 0, 9)]


def test_term_anchor() -> None:
    assert term_anchor("self-driving") == "driving"
    assert term_anchor("대규모 언어 모델") == "대규모"
    assert term_anchor("ＶＬＭ") == "vlm"
    assert term_anchor("C/C++") == "c++"
    assert term_anchor(" - ") == ""


TERMS = [
    "diffusion",
    "Diffusion",
    "GPU",
    "self-driving",
    "robot arm",
    "의료",
    "자율 주행",
    "AI",
    "c++",
    "로봇",
]
PIECES = [
    "diffusion",
    "Diffusions",
    "DIFFUSIONAL",
    "xdiffusion",
    "GPU",
    "GPUs",
    "eGPU",
    "ＧＰＵ",
    "self-driving",
    "self driving",
    "selfdriving",
    "self\ndriving",
    "self‐driving",
    "robot",
    "arm",
    "ROBOT\nARM",
    "의료",
    "원격의료",
    "자율",
    "주행",
    "자율주행",
    "AI",
    "ai",
    "maintain",
    "c++",
    "C++17",
    "로봇",
    "로봇청소기",
    "협동",
    " ",
    " ",
    "\n",
    "\n\n",
    "-",
    ",",
    "s",
    "é",
    unicodedata.normalize("NFD", "의료"),
    "ﬁ",
    "ß",
    # Characters that change the letter before them when folded (a combining acute accent, a
    # final consonant jamo that joins 로보 into 로봇) or fold into ASCII (Kelvin sign, long s).
    "Diffusion",
    "Ai",
    "로보",
    "\u0301",
    "\u11ba",
    "\u212a",
    "ſ",
    # Parts (monitor/parts.py): headings, an equal-opportunity sentence, company text.
    "\nBenefits\n",
    "\n복지\n",
    "\nResponsibilities\n",
    "\nAbout us\n",
    " equal opportunity employer",
    " we build ",
    " our customers include ",
    ". ",
    " 401k ",
]


@pytest.mark.parametrize("seed", range(4))
def test_term_in_agrees_with_tagging_the_whole_posting(seed: int) -> None:
    """term_in scans only near the term's anchor; it must say what full tagging says."""
    rng = random.Random(seed)
    for _ in range(1500):
        term = rng.choice(TERMS)
        title = "".join(rng.choice(PIECES) for _ in range(rng.randint(0, 6)))
        body = "".join(rng.choice(PIECES) for _ in range(rng.randint(0, 12)))
        whole = Tagger({"term": term_tagdef(term)})
        expected = bool(whole.tags_for(title, body))
        assert term_in(term, title, body) is expected, (term, title, body)


@pytest.mark.parametrize("seed", range(4))
def test_a_single_word_term_matches_where_the_text_has_its_word(seed: int) -> None:
    """The word index answers single-word terms without reading texts: it must say what the
    matcher says, and other terms must be left to the matcher."""
    rng = random.Random(seed)
    checked = 0
    for _ in range(1500):
        term = rng.choice([*TERMS, "é", "s", "Straße", "ﬁ"])
        title = "".join(rng.choice(PIECES) for _ in range(rng.randint(0, 6)))
        body = "".join(rng.choice(PIECES) for _ in range(rng.randint(0, 12)))
        words = term_words(term)
        if not words:
            continue
        checked += 1
        found = bool(set(words) & set(text_words(title, body).split()))
        assert found is term_in(term, title, body), (term, title, body)
    assert checked > 500


@pytest.mark.parametrize(
    ("term", "words"),
    [
        ("Diffusion", ("diffusion", "diffusions")),
        ("ＶＬＭ", ("vlm", "vlms")),
        ("Straße", ("strasse", "strasses")),
        ("로봇", ()),
        ("self-driving", ()),
        ("robot arm", ()),
        ("C++", ()),
        ("  ", ()),
    ],
)
def test_term_words(term: str, words: tuple[str, ...]) -> None:
    assert term_words(term) == words


def test_text_words_are_the_folded_latin_words_once_each() -> None:
    text = "Diffusion models; LLMs, diffusion-based ＶＬＭ at the École (로봇을) x_y"
    assert text_words(text, "Straße DIFFUSION") == (
        "diffusion models llms based vlm at the école x y strasse"
    )
    assert text_words("", "") == ""


@pytest.mark.parametrize(
    ("term", "text", "expected"),
    [
        ("AI", "Applied AI team", True),
        ("AI", "AI\u0301 (an accent joins the I: aí)", False),
        ("AI", "AIs and ML", True),
        ("diffusion", "xDiffusion", False),
        ("diffusion", "DIFFUSION-based", True),
        ("diffusion", "Diffusional", False),
        ("diffusion", "\uff44iffusion (a full-width d)", True),
        ("로봇", "협동로봇 개발", True),
        ("로봇", "로보\u11ba (a final jamo makes 로봇)", True),
        ("PyTorch", "PyTorch\u0302 (a circumflex joins the h)", False),
        ("PyTorch", "Py-Torch", False),
        ("robot arm", "ROBOT\nARM", True),
    ],
)
def test_term_in_as_written_and_after_folding(term: str, text: str, expected: bool) -> None:
    """Occurrences as written are trusted only where folding cannot change them."""
    assert term_in(term, text, "") is expected
    assert term_in(term, "", text) is expected
    whole = Tagger({"term": TagDef(key="term", label=term, any=(term,))})
    assert bool(whole.tags(text)) is expected


def test_a_label_may_be_given_per_language() -> None:
    from monitor.errors import ConfigError
    from monitor.taxonomy import tagdef_from_table

    tag = tagdef_from_table("ad", {"label": {"ko": "자율주행", "en": "Self-driving"}, "any": ["x"]})
    assert tag.label == "Self-driving"
    assert tag.label_in("ko") == "자율주행" and tag.label_in("en") == "Self-driving"
    assert resolve_term("자율주행", {"ad": tag}) == "ad"
    plain = tagdef_from_table("p", {"label": "Plain", "any": ["x"]})
    assert plain.label_in("ko") == "Plain"
    with pytest.raises(ConfigError, match="language 'fr'"):
        tagdef_from_table("ad", {"label": {"fr": "conduite"}, "any": ["x"]})
