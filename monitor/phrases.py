"""The candidate phrases of a posting: what ``jobtrend trending`` and ``skills`` count.

A posting's candidates are the words and two-word phrases of its title and of the role part of
its description (``monitor.parts``: responsibilities, requirements, skills; never benefits,
equal-opportunity, legal, application or company text), folded as the term matcher folds text:

* Latin words are the matcher's words (``monitor.search.matcher.WORD_RUN``): "pytorch", "llm".
* Korean text is cut into nouns by kiwipiepy, a maintained morphological analyser whose model
  ships as a package (nothing is downloaded at run time). Nouns written together are one
  compound as written ("멀티모달", "자율주행", "최적화"), so particles and endings never make a
  word of their own ("경험이" is "경험").
* A two-word phrase is two such words standing next to each other on one line, with only a
  space or a dash between them: "computer vision", "분산 시스템", "llm 엔지니어".

Left out: stop words (English and Korean), numbers, one-letter words, the words of the posting's
own company name and location, and place names (``monitor.geo``), so a company reposting does
not turn its own name into a trend. The skill lists some boards carry (Jumpit's ``techStacks``)
are written into the description under a skills heading, so they are role text like any other.

A change of these rules is a migration that derives every posting's phrases again (as 0011
first did). Kiwi reads about 0.25 MB of Korean a second; a bounded cache of read lines makes
the lines a company repeats (and job-ad templates) cost nothing after the first time.
"""

from __future__ import annotations

import re
from collections.abc import Set as AbstractSet
from functools import lru_cache
from typing import Any

from monitor.geo import CITIES, COUNTRIES
from monitor.parts import Parts, is_heading_line
from monitor.search.matcher import WORD_RUN
from monitor.tagging import fold_fast

MIN_CHARS = 2
LINE_CACHE = 1 << 16

# Between the two words of a phrase: nothing but spaces and dashes.
_JOINER = re.compile(r"[ \t\-\u2010-\u2014]*")
_HANGUL = re.compile(r"[\uac00-\ud7a3]")

# Kiwi's tags of a noun compound: a prefix, nouns, a noun suffix ("고도화", "대규모").
_NOUN_TAGS = frozenset({"NNG", "NNP"})
_COMPOUND_TAGS = _NOUN_TAGS | {"XPN", "XSN"}

_ENGLISH_STOP = """
    a about above across after again against all also am an and any are as at be because been
    before being below between both but by can could did do does doing down during each etc
    few for from further had has have having he her here hers him his how i if in into is it
    its itself just me more most my no nor not now of off on once only or other our ours out
    over own per same she should so some such than that the their theirs them then there
    these they this those through to too under until up upon us very via was we were what
    when where which while who whom why will with within without would you your yours
    ability able etc e.g eg ie i.e including include includes like new well work working
    join looking strong plus must may might using use used within years year
"""
_KOREAN_STOP = """
    것 등 및 분 수 이상 이하 관련 경우 위 통해 대한 우리 저희 여러분 함께 모든 각종 기타 내
    외 중 시 때 곳 점 바 년 개월 명 회 건 가지 주 월 일
"""
STOP_WORDS = frozenset(_ENGLISH_STOP.split()) | frozenset(_KOREAN_STOP.split())

# Place names of one word (English and Korean): never a trend of their own.
PLACE_WORDS = frozenset(
    name for name in (*COUNTRIES, *CITIES) if " " not in name and len(name) >= MIN_CHARS
)


def posting_phrases(
    title: str,
    description: str = "",
    company: str = "",
    location: str = "",
    boilerplate: AbstractSet[str] = frozenset(),
) -> list[str]:
    """The distinct candidate phrases of a posting, in order of first appearance;
    ``boilerplate``: its company's repeated paragraphs (``monitor.parts``), never role text."""
    excluded = PLACE_WORDS | _own_words(company) | _own_words(location)
    found: dict[str, None] = {}
    if title:
        _line_phrases(fold_fast(title), excluded, found)
    if description:
        folded = fold_fast(description)
        for a, b in Parts(folded, boilerplate=boilerplate).counting(company_text=False):
            for line in folded[a:b].split("\n"):
                if not is_heading_line(line):
                    _line_phrases(line, excluded, found)
    return list(found)


@lru_cache(maxsize=4096)
def _own_words(name: str) -> frozenset[str]:
    """The words of a company name or a location as this module reads them."""
    if not name:
        return frozenset()
    folded = fold_fast(name)
    return (
        frozenset(WORD_RUN.findall(folded))
        | frozenset(word for word in re.split(r"[\s,()/\[\]·]+", folded) if word)
        | frozenset(
            surface for _, _, surface in (_korean_nouns(folded) if _HANGUL.search(folded) else ())
        )
    )


def _line_phrases(line: str, excluded: frozenset[str], found: dict[str, None]) -> None:
    """Add one folded line's words and two-word phrases to ``found``."""
    previous: str | None = None
    for word, joined in _line_words(line):
        if not _is_candidate(word, excluded):
            previous = None
            continue
        found[word] = None
        if previous is not None and joined:
            found[f"{previous} {word}"] = None
        previous = word


@lru_cache(maxsize=LINE_CACHE)
def _line_words(line: str) -> tuple[tuple[str, bool], ...]:
    """A folded line's words in order, each with whether only a space or a dash stands
    between it and the word before."""
    if not line.strip():
        return ()
    words: list[tuple[int, int, str]] = [
        (m.start(), m.end(), m.group()) for m in WORD_RUN.finditer(line)
    ]
    if _HANGUL.search(line):
        words += _korean_nouns(line)
        words.sort()
    out: list[tuple[str, bool]] = []
    end = -1
    for start, stop, word in words:
        out.append((word, end >= 0 and _JOINER.fullmatch(line, end, start) is not None))
        end = stop
    return tuple(out)


def _is_candidate(word: str, excluded: frozenset[str]) -> bool:
    return (
        len(word) >= MIN_CHARS
        and not word.isdigit()
        and word not in STOP_WORDS
        and word not in excluded
    )


@lru_cache(maxsize=1)
def _kiwi() -> Any:
    from kiwipiepy import Kiwi  # loads its model (about a second): only for Korean text

    return Kiwi()


def _korean_nouns(line: str) -> tuple[tuple[int, int, str], ...]:
    """The Korean noun compounds of a line: (start, end, surface as written)."""
    out: list[tuple[int, int, str]] = []
    run: list[Any] = []

    def close() -> None:
        # A compound holds a noun; a dangling prefix or suffix is not one.
        while run and run[-1].tag == "XPN":
            run.pop()
        if any(token.tag in _NOUN_TAGS for token in run):
            start, end = run[0].start, run[-1].start + run[-1].len
            surface = line[start:end]
            if _HANGUL.search(surface):
                out.append((start, end, surface))
        run.clear()

    for token in _kiwi().tokenize(line):
        joined = bool(run) and run[-1].start + run[-1].len == token.start
        if (
            token.tag in _COMPOUND_TAGS
            and (joined or not run)
            and not (token.tag == "XSN" and not run)
        ):
            run.append(token)
            continue
        close()
        if token.tag in _COMPOUND_TAGS and token.tag != "XSN":
            run.append(token)
    close()
    return tuple(out)
