"""The parts of a job description: where a match stands decides whether it counts.

A description is read line by line (lines are its paragraphs and list items; a line longer
is read sentence by sentence). Each unit gets one part (DESIGN.md,
"Tagging"):

* ``role``: the job itself (title, responsibilities, requirements, 주요업무, 자격요건, 우대사항,
  Ihre Aufgaben, Ihr Profil). Text before the first heading is the role unless a pattern below
  says otherwise.
* ``company``: about us, 회사 소개, Über uns, mission; customer lists, investors, founders. Only
  a company unit that says what this company builds or sells (``Unit.product``) may count, and
  only for a tag with ``company_text = true``.
* ``benefits``, ``equal_opportunity``, ``legal``, ``application``: never count.

Three things decide, strongest first: a paragraph repeated across most of one company's
postings is that company's text (``company_boilerplate``), whatever its heading; sentence
patterns (an equal-opportunity sentence, a benefits or application sentence, a customer list)
mark their own unit; otherwise the last heading above the unit. Headings are short lines
(``MAX_HEADING_WORDS``, no full stop) that start with a known phrase, in English, Korean,
German and French.

Everything works on folded text (``monitor.tagging.fold_text``: NFKC, case-folded), and only
the units that hold a match are classified, so a text without matches costs nothing here.
"""

from __future__ import annotations

import itertools
import re
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Iterable, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from typing import Any

import ahocorasick

__all__ = [
    "APPLICATION",
    "BENEFITS",
    "COMPANY",
    "EQUAL_OPPORTUNITY",
    "IGNORED",
    "LEGAL",
    "PARTS_VERSION",
    "ROLE",
    "Parts",
    "Unit",
    "boilerplate_key",
    "company_boilerplate",
]

# Bumped whenever the rules below change what a unit is: remembered term matches carry it.
PARTS_VERSION = "2"

ROLE = "role"
COMPANY = "company"
BENEFITS = "benefits"
EQUAL_OPPORTUNITY = "equal_opportunity"
LEGAL = "legal"
APPLICATION = "application"
IGNORED = frozenset({BENEFITS, EQUAL_OPPORTUNITY, LEGAL, APPLICATION})

SHORT_UNIT = 12  # a line shorter than this is one unit; longer ones are read by sentence
MAX_HEADING_WORDS = 7
MAX_HEADING_CHARS = 70
# Boilerplate: a paragraph at least this long, in at least this share of a company's postings
# (and at least BOILERPLATE_MIN_POSTINGS of them).
BOILERPLATE_MIN_CHARS = 40
BOILERPLATE_SHARE = 0.5
BOILERPLATE_MIN_POSTINGS = 3

# --- headings (folded, as the line starts once bullets and markup are stripped) -------------

_HEADINGS: dict[str, tuple[str, ...]] = {
    ROLE: (
        # English
        "responsibilities",
        "key responsibilities",
        "core responsibilities",
        "your responsibilities",
        "job responsibilities",
        "duties",
        "what you'll do",
        "what you will do",
        "what you'll be doing",
        "what you will be doing",
        "what you'll work on",
        "what you will work on",
        "the role",
        "about the role",
        "about this role",
        "about the job",
        "about the position",
        "the position",
        "the opportunity",
        "role overview",
        "role",
        "your role",
        "in this role",
        "job description",
        "job summary",
        "position summary",
        "description",
        "overview",
        "requirements",
        "qualifications",
        "minimum qualifications",
        "basic qualifications",
        "preferred qualifications",
        "required qualifications",
        "required skills",
        "skills",
        "what we're looking for",
        "what we are looking for",
        "what you bring",
        "what you'll bring",
        "what you'll need",
        "what you need",
        "who you are",
        "who are you",
        "about you",
        "you have",
        "you are",
        "you will",
        "nice to have",
        "nice to haves",
        "bonus points",
        "must have",
        "must haves",
        "tech stack",
        "our stack",
        "the team",
        "about the team",
        "how you'll add value",
        # Korean
        "주요업무",
        "주요 업무",
        "담당업무",
        "담당 업무",
        "업무 내용",
        "업무내용",
        "자격요건",
        "자격 요건",
        "지원자격",
        "지원 자격",
        "필수 요건",
        "필수요건",
        "우대사항",
        "우대 사항",
        "우대조건",
        "기술 스택",
        "기술스택",
        "모집부문",
        "모집 부문",
        "포지션 소개",
        "직무 소개",
        "이런 일을",
        "이런 분",
        "함께 할 업무",
        # German
        "ihre aufgaben",
        "deine aufgaben",
        "aufgaben",
        "ihr profil",
        "dein profil",
        "profil",
        "anforderungen",
        "das bringst du mit",
        "das bringen sie mit",
        "was du mitbringst",
        "was sie mitbringen",
        "deine rolle",
        "stellenbeschreibung",
        "ihre qualifikationen",
        # French
        "missions",
        "vos missions",
        "votre mission",
        "profil recherché",
        "votre profil",
    ),
    COMPANY: (
        "about us",
        "about the company",
        "company description",
        "company overview",
        "who we are",
        "who are we",
        "our company",
        "the company",
        "our mission",
        "our story",
        "our vision",
        "what we value",
        "our values",
        "why join",
        "why work",
        "life at",
        "회사 소개",
        "회사소개",
        "기업 소개",
        "기업소개",
        "팀 소개",
        "서비스 소개",
        "기업 정보",
        "warum",
        "über uns",
        "wer wir sind",
        "das unternehmen",
        "unternehmen",
        "qui sommes-nous",
        "à propos",
    ),
    BENEFITS: (
        "benefits",
        "our benefits",
        "perks",
        "what we offer",
        "we offer",
        "what's in it for you",
        "why you'll love",
        "compensation",
        "total rewards",
        "you will enjoy",
        "복지",
        "혜택",
        "복리후생",
        "근무 조건",
        "근무조건",
        "근무 환경",
        "근무환경",
        "처우",
        "wir bieten",
        "was wir bieten",
        "das bieten wir",
        "unser angebot",
        "deine vorteile",
        "ihre vorteile",
        "benefits & perks",
        "avantages",
        "ce que nous offrons",
    ),
    EQUAL_OPPORTUNITY: (
        "equal opportunity",
        "equal employment opportunity",
        "diversity",
        "our commitment to diversity",
        "inclusion",
    ),
    LEGAL: (
        "privacy",
        "data protection",
        "datenschutz",
        "legal",
        "disclaimer",
        "scam notice",
        "accommodations",
        "pay transparency",
        "physical demands",
        "개인정보",
        "유의사항",
        "유의 사항",
        "참고사항",
        "참고 사항",
        "기타사항",
        "기타 사항",
    ),
    APPLICATION: (
        "how to apply",
        "application process",
        "hiring process",
        "interview process",
        "our process",
        "next steps",
        "전형 절차",
        "전형절차",
        "채용 절차",
        "채용절차",
        "지원 방법",
        "지원방법",
        "접수 방법",
        "접수방법",
        "접수 기간",
        "제출 서류",
        "제출서류",
        "bewerbung",
        "bewerbungsprozess",
        "so bewirbst du dich",
        "processus de recrutement",
    ),
}


def _alternation(phrases: Iterable[str]) -> str:
    return "|".join(re.escape(p) for p in sorted(set(phrases), key=len, reverse=True))


_HEADING_KIND = {p: kind for kind, phrases in _HEADINGS.items() for p in phrases}


def _has_hangul(text: str) -> bool:
    return any("\uac00" <= c <= "\ud7a3" for c in text)


# A Latin phrase must end at a word's end ("mission-critical" is no heading); Hangul ones may
# run on ("복지혜택").
_HEADING_LINE = re.compile(
    r"[\W_]*(?:"
    rf"(?P<latin>{_alternation(p for p in _HEADING_KIND if not _has_hangul(p))})"
    r"(?=[\s:：|/&,(]|[\W_]*$)"
    rf"|(?P<hangul>{_alternation(p for p in _HEADING_KIND if _has_hangul(p))})"
    # "About Acme" (any "about" the role headings did not claim) is the company.
    r"|(?P<about>(?:about|über|à propos de) (?=\w)))"
)

# --- sentence patterns (folded text) -----------------------------------------------------------

# Phrases, in folded text. "{a,b}" spells alternatives ("{a,}" makes a part optional); a
# Latin phrase starts at a word's start; a trailing "\\b" asks for a word's end too. Found with
# one Aho-Corasick pass over the unit (a regular expression of hundreds of alternatives costs
# about 1 us per character in Python's engine).
_PHRASES: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        EQUAL_OPPORTUNITY,
        (
            "equal {employment ,}opportunit",
            "eeo\\b",
            "eoe\\b",
            "affirmative action",
            "without regard to",
            "regardless of {race,age,gender,sex,religion,sexual,national,disabilit,their,your}",
            "sexual orientation",
            "gender identity",
            "national origin",
            "protected {veteran,characteristic,class,status}",
            "discriminat",
            "pregnan",
            "genetic information",
            "family medical history",
            "unabhängig von {geschlecht,herkunft,alter,religion,nationalität,ethnisch,behinderung}",
            "chancengleichheit",
            "égalité des chances",
            "sans distinction",
            "장애인",
            "보훈",
            "국가유공자",
            "차별{하지,없이, 없이,을 두지}",
            "취업{ ,}보호{ ,}대상자",
        ),
    ),
    (
        LEGAL,
        (
            "reasonable accommodation",
            "e-verify",
            "privacy {notice,policy}",
            "background check",
            "pay transparency",
            "{salary,pay,compensation,wage} {range,band}",
            "base {salary,pay}",
            "applicant{s,} with disabilit",
            "recruit{ment,ing} {fraud,scam}",
            "datenschutz",
            "개인{ ,}정보",
            "허위 사실",
        ),
    ),
    (
        APPLICATION,
        (
            "to apply\\b",
            "apply {now,here,today,via,through,at,by,online}\\b",
            "send {us ,}{your,a} {cv,resume,résumé,application}",
            "bewirb dich",
            "bewerben sie sich",
            "ihre bewerbung",
            "deine bewerbung",
            "지원{ ,}방법",
            "접수{ ,}방법",
            "채용{ ,}절차",
            "전형{ ,}절차",
            "서류{ ,}전형",
        ),
    ),
    (
        BENEFITS,
        (
            "{medical,health,dental,vision,life,disability,rx} {insurance,coverage,plan,benefit}",
            "401k",
            "401(k",
            "paid {time off,leave,parental,vacation,holidays}",
            "pto\\b",
            "{parental,sick,medical,family,maternity,paternity} leave",
            "time off",
            "pre-tax",
            "fsa\\b",
            "hsa\\b",
            "employee assistance",
            "wellness {program,stipend,allowance,benefit,day}",
            "gym\\b",
            "stipend",
            "retirement {plan,savings,contribution}",
            "private medical",
            "benefit{s,} {include,package}",
            "perks\\b",
            "복지",
            "건강{ ,}검진",
            "경조사",
            "휴가",
            "연차",
            "식대",
            "{4,사}대{ ,}보험",
            "단체{ ,}보험",
            "상해{ ,}보험",
            "헬스장",
            "피트니스",
            "병원 할인",
            "의료비{ ,}지원",
            "betriebliche",
            "altersvorsorge",
            "urlaubstage",
            "gesundheits{förderung,management}",
            "jobrad",
            "firmenfitness",
            "wir bieten",
            "mutuelle",
        ),
    ),
    (
        COMPANY,
        (
            "{customers,clients,partners,users} {include,including,such as,like,range,span,from}",
            "{businesses,companies,industries} {in,across,like,such as}",
            "{organisations,organizations} {in,across,like,such as}",
            "trusted by",
            "used by",
            "backed by",
            "investors",
            "{our,the,its} mission",
            "founded {by,in}",
            "series {a,b,c,d,e}\\b",
            "ex-",
            "formerly {at,of}",
            "we are {a,an,the} ",
            "we're {a,an,the} ",
            "{is,are} {a,an,the} {leading,global,fast,award,venture,top} ",
            "{is,are} {a,an,the} world's ",
            "고객사",
            "투자{를,사,유치}",
            "파트너사",
            "우리는",
            "저희는",
            "kunden wie",
            "unsere kunden",
            "wir sind ein",
            "unsere mission",
        ),
    ),
)
_PRIORITY = {kind: rank for rank, (kind, _) in enumerate(_PHRASES)}


def _expand(phrase: str) -> list[str]:
    """The spellings of a phrase: "{a,b}" alternatives multiplied out."""
    pieces = re.split(r"\{([^{}]*)\}", phrase)
    options = [(p,) if i % 2 == 0 else tuple(p.split(",")) for i, p in enumerate(pieces)]
    return ["".join(choice) for choice in itertools.product(*options)]


def _phrase_automaton() -> Any:
    automaton = ahocorasick.Automaton()
    for kind, phrases in _PHRASES:
        for phrase in phrases:
            whole = phrase.endswith("\\b")
            for spelling in _expand(phrase.removesuffix("\\b")):
                rank = _PRIORITY[kind]
                old = automaton.get(spelling, None)
                if old is None or old[0] > rank:
                    latin_start = spelling[0].isascii() and spelling[0].isalnum()
                    automaton.add_word(spelling, (rank, kind, len(spelling), latin_start, whole))
    automaton.make_automaton()
    return automaton


_AUTOMATON = _phrase_automaton()


def _phrases(text: str, lo: int, hi: int) -> list[tuple[int, int, str]]:
    """(start, rank, phrase) of the sentence patterns in ``text[lo:hi]``; the boundary rules
    look at ``text`` itself beyond the slice."""
    out = []
    n = len(text)
    for end, (rank, _kind, size, latin_start, whole) in _AUTOMATON.iter(text, lo, hi):
        start = end - size + 1
        if latin_start and start and text[start - 1].isalnum():
            continue
        if whole and end + 1 < n and text[end + 1].isalnum():
            continue
        out.append((start, rank, text[start : end + 1]))
    return out


def _strongest(found: list[tuple[int, int, str]]) -> tuple[str, str] | None:
    """(part, phrase) of the strongest sentence pattern found, or None."""
    if not found:
        return None
    _, rank, phrase = min(found, key=lambda f: (f[1], f[0]))
    return _PHRASES[rank][0], phrase


# What a company builds or sells ("we build medical imaging devices"); a unit that also names
# customers, a mission, investors or founders never counts.
_PRODUCT = re.compile(
    r"\bwe (?:build|make|develop|design|create|sell|manufacture|provide|deliver|offer)\b"
    r"|\b(?:builds|makes|develops|designs|creates|sells|manufactures|provides|delivers|produces)\b"
    r"|\bour (?:products?|platforms?|software|technology|devices?|solutions?|apps?|systems?)\b"
    r"|\b(?:is|are) (?:a|an|the) [^.]{0,80}(?:company|startup|provider|platform|maker"
    r"|manufacturer|developer)\b|개발|제조|생산|만드는|제공|솔루션|플랫폼"
    r"|entwickel|herstell|hersteller|produziert|vertreibt|développe|conçoit|fabrique"
)
_NOT_PRODUCT = re.compile(
    r"customers?|clients?|partners? (?:include|such|like)|trusted by|used by|backed by"
    r"|(?:businesses|companies|organi[sz]ations|industries) (?:in|across|like|such as)"
    r"|investors?|funded by|raised|series [a-e]\b|founders?|founded by|\bex-[a-z]|formerly"
    r"|\bmission\b(?!-)|(?:our|the) vision\b|고객사|투자|kunden|investoren"
)
_SENTENCE_END = re.compile(r"(?<=[.!?。;])\s+")


@dataclass(frozen=True)
class Unit:
    """A line or sentence of folded text and its part; ``why`` says what decided it."""

    start: int
    end: int
    part: str
    why: str
    product: bool = False  # a company unit saying what the company builds or sells

    @property
    def counts_for_role(self) -> bool:
        return self.part == ROLE

    def counts(self, company_text: bool) -> bool:
        """Whether a match here counts for a tag (or term) with this ``company_text``."""
        return self.part == ROLE or (company_text and self.part == COMPANY and self.product)


def boilerplate_key(line: str) -> str:
    """How a paragraph is compared across postings: folded, whitespace runs single spaces."""
    return " ".join(line.split())


def company_boilerplate(descriptions: Sequence[str]) -> frozenset[str]:
    """The paragraphs (``boilerplate_key`` of folded lines) repeated across most of one
    company's postings: ``descriptions`` are that company's, folded."""
    n = len(descriptions)
    if n < BOILERPLATE_MIN_POSTINGS:
        return frozenset()
    seen: Counter[str] = Counter()
    for text in descriptions:
        seen.update(
            {
                key
                for line in text.split("\n")
                if len(key := boilerplate_key(line)) >= BOILERPLATE_MIN_CHARS
            }
        )
    need = max(BOILERPLATE_MIN_POSTINGS, BOILERPLATE_SHARE * n)
    return frozenset(key for key, count in seen.items() if count >= need)


_FIRST_WORD = re.compile(r"[\W_]*(\w+)")
# The first word of every heading phrase (Hangul ones by their first two syllables, since a
# heading may run on: "복지혜택").
_FIRST_WORDS = frozenset(
    {p.split()[0][:2] if _has_hangul(p) else re.split(r"\W", p)[0] for p in _HEADING_KIND}
    | {"about", "über", "à"}
)


def _heading(line: str) -> tuple[str, str] | None:
    """(part, the heading as read) when a folded line is a heading, else None."""
    if len(line) > MAX_HEADING_CHARS * 2:
        return None
    first = _FIRST_WORD.match(line)
    if first is None:
        return None
    word = first.group(1)
    if word not in _FIRST_WORDS and word[:2] not in _FIRST_WORDS:
        return None  # most lines: no heading starts with their first word
    match = _HEADING_LINE.match(line)
    if match is None:
        return None
    ends_sentence = line.rstrip().endswith(".")
    short = len(line) <= MAX_HEADING_CHARS and len(line.split()) <= MAX_HEADING_WORDS
    if match.group("about") is not None:
        if short and len(line.split()) <= 5 and not ends_sentence:
            return COMPANY, line.strip()
        return None
    phrase = match.group("latin") or match.group("hangul")
    inline = line[match.end() :].lstrip().startswith((":", "："))
    if inline or (short and not ends_sentence):
        return _HEADING_KIND[phrase], phrase
    return None


def is_heading_line(line: str) -> bool:
    """Whether a folded line is a heading and nothing more (not "Requirements: Python")."""
    if _heading(line) is None:
        return False
    return not re.search(r"[:：]\s*\S", line)


def _heading_automaton() -> Any:
    automaton = ahocorasick.Automaton()
    for phrase in [*_HEADING_KIND, "about ", "über ", "à propos de "]:
        automaton.add_word(phrase, len(phrase))
    automaton.make_automaton()
    return automaton


_HEADING_AUTOMATON = _heading_automaton()
_DECOR = re.compile(r"[\W_]*")


class Parts:
    """The parts of one folded text, read lazily: ``unit_at(position)``, ``counting()``.

    ``role_until``: positions before it are the role (the title, when tagging a posting).
    ``boilerplate``: paragraph keys that are this company's boilerplate.
    """

    def __init__(
        self, text: str, role_until: int = 0, boilerplate: AbstractSet[str] = frozenset()
    ) -> None:
        self._text = text
        self._role_until = role_until
        self._boilerplate = boilerplate
        self._starts: list[int] | None = None
        # The headings: where their lines start, and (part, heading) from there on.
        self._heads: tuple[list[int], list[tuple[str, str]]] | None = None
        self._scanned = 0  # headings are known up to here (a line's end)
        self._units: dict[int, Unit] = {}
        self._cuts: dict[int, list[int]] = {}  # per long line: where its sentences start

    def _line_starts(self) -> list[int]:
        if self._starts is None:
            starts = [0]
            find = self._text.find
            at = find("\n")
            while at >= 0:
                starts.append(at + 1)
                at = find("\n", at + 1)
            self._starts = starts
        return self._starts

    def _line(self, index: int) -> tuple[int, int]:
        starts = self._line_starts()
        end = starts[index + 1] - 1 if index + 1 < len(starts) else len(self._text)
        return starts[index], end

    def _headings(self, upto: int | None = None) -> tuple[list[int], list[tuple[str, str]]]:
        """The heading lines up to the end of the line holding ``upto`` (all without it),
        found by an automaton pass that goes on from where the last one stopped, always at a
        line's end: a known phrase that only bullets or marks precede on its line, then
        ``_heading`` on that line."""
        text, n = self._text, len(self._text)
        if self._heads is None:
            self._heads = ([], [])
            self._scanned = self._role_until
        lo = self._scanned
        if upto is None:
            hi = n
        else:
            line_end = text.find("\n", upto)
            hi = n if line_end < 0 else line_end
        if hi <= lo:
            return self._heads
        starts, found = self._heads
        seen = starts[-1] if starts else -1
        for end, size in _HEADING_AUTOMATON.iter(text, lo, hi):
            start = end - size + 1
            line_start = text.rfind("\n", 0, start) + 1
            if line_start <= seen or not _DECOR.fullmatch(text, line_start, start):
                continue
            seen = line_start
            line_end = text.find("\n", start)
            heading = _heading(text[line_start : n if line_end < 0 else line_end])
            if heading is not None:
                starts.append(line_start)
                found.append(heading)
        self._scanned = hi
        return self._heads

    def _section(self, index: int) -> tuple[str, str] | None:
        """The heading in force on line ``index`` (its own, if it is one)."""
        line_start = self._line_starts()[index]
        starts, found = self._headings(line_start)
        at = bisect_right(starts, line_start) - 1
        return found[at] if at >= 0 else None

    def unit_at(self, position: int) -> Unit:
        """The unit holding ``position`` and its part."""
        index = bisect_right(self._line_starts(), position) - 1
        a, b = self._line(index)
        if b - a > SHORT_UNIT:
            cut = self._cuts.get(index)
            if cut is None:
                line = self._text[a:b]
                cut = [0] + [m.end() for m in _SENTENCE_END.finditer(line)] + [len(line)]
                self._cuts[index] = cut
            at = bisect_right(cut, position - a) - 1
            a, b = a + cut[at], a + (cut[at + 1] if at + 1 < len(cut) else b - a)
        unit = self._units.get(a)
        if unit is None:
            unit = self._units[a] = self._classify(index, a, b)
        return unit

    def units(self, lo: int = 0, hi: int | None = None) -> list[Unit]:
        """The units of ``text[lo:hi]`` in order (for ``tags explain``), blank lines left
        out."""
        text = self._text
        hi = len(text) if hi is None else hi
        out: list[Unit] = []
        at = lo
        while at < hi:
            if text[at].isspace():
                at += 1
                continue
            unit = self.unit_at(at)
            out.append(unit)
            at = max(unit.end, at + 1)
        return out

    def counting(self, company_text: bool) -> list[tuple[int, int]]:
        """The ranges of the text whose matches count for a tag (or term) with this
        ``company_text``: what ``unit_at(p).counts(company_text)`` says of every position
        ``p`` that is not a space. Only the units holding a sentence pattern and those under a
        company heading are classified one by one; the rest follows from the headings."""
        text, n, role_until = self._text, len(self._text), self._role_until
        if self._boilerplate:
            return self._counting_units(company_text, 0, n)
        starts, found = self._headings()
        marks = sorted(start for start, _, _ in _phrases(text, role_until, n))
        out: list[tuple[int, int]] = [(0, role_until)] if role_until else []
        regions = [(role_until, None), *zip(starts, (kind for kind, _ in found), strict=True)]
        for i, (r0, kind) in enumerate(regions):
            r1 = regions[i + 1][0] if i + 1 < len(regions) else n
            if r0 >= r1:
                continue
            if kind == COMPANY:
                out += self._counting_units(company_text, r0, r1)
                continue
            counts_here = kind is None or kind == ROLE
            cursor, last = r0, -1
            for mark in marks[bisect_left(marks, r0) : bisect_left(marks, r1)]:
                unit = self.unit_at(mark)
                if unit.start == last:
                    continue
                last = unit.start
                if counts_here and not unit.counts(company_text):
                    out.append((cursor, unit.start))
                    cursor = unit.end
                elif not counts_here and unit.counts(company_text):
                    out.append((unit.start, unit.end))
            if counts_here:
                out.append((cursor, r1))
        return [(a, b) for a, b in out if a < b]

    def _counting_units(self, company_text: bool, lo: int, hi: int) -> list[tuple[int, int]]:
        return [(u.start, u.end) for u in self.units(lo, hi) if u.counts(company_text)]

    def _classify(self, index: int, a: int, b: int) -> Unit:
        text = self._text[a:b]
        if b <= self._role_until:
            return Unit(a, b, ROLE, "the title")
        if self._boilerplate and boilerplate_key(self._text[slice(*self._line(index))]) in (
            self._boilerplate
        ):
            return self._company(a, b, text, "repeated in most of this company's postings")
        found = _strongest(_phrases(self._text, a, b))
        if found is not None:
            kind, phrase = found
            why = f"sentence {phrase.strip()!r}"
            if kind == COMPANY:
                return self._company(a, b, text, why)
            return Unit(a, b, kind, why)
        section = self._section(index)
        if section is None:
            return Unit(a, b, ROLE, "before any heading")
        kind, heading = section
        why = f"under the heading {heading!r}"
        if kind == COMPANY:
            return self._company(a, b, text, why)
        return Unit(a, b, kind, why)

    @staticmethod
    def _company(a: int, b: int, text: str, why: str) -> Unit:
        product = _PRODUCT.search(text) is not None and _NOT_PRODUCT.search(text) is None
        return Unit(a, b, COMPANY, why, product=product)
