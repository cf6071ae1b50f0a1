"""The matcher of ad-hoc terms: one term against many texts, by the tagger's own rules.

A typed term ("diffusion", "self-driving", "로봇") is a one-alias tag: the same folding, the
same boundary rules, the same spelling variants, and the same parts (``monitor.parts``): a
match in benefits, equal-opportunity, legal or application text does not count, and company
text counts where it says what the company builds or sells (``company_text = true``: a term
may name a domain). A company's repeated paragraphs are not known at query time, so they are
not treated as company text here. ``term_matcher`` answers "does this posting mention it?" as
tagging the whole posting would, while reading only around the term's anchor. ``text_words``
and ``term_words`` are the word index's side of the same rules.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence

from monitor.parts import Parts
from monitor.tagging import (
    WORD_CHARS,
    Match,
    Tagger,
    fold_alias,
    fold_fast,
    fold_text,
    letter_after,
    spellings,
)
from monitor.taxonomy import TagDef

_ANCHOR_SEPARATORS = re.compile(r"[\s\-\u2010-\u2014_/]+")


# Whether an ad-hoc term counts company text that says what the company builds or sells.
TERM_COMPANY_TEXT = True


def term_tagdef(term: str) -> TagDef:
    """A typed term as a one-alias tag."""
    return TagDef(key="term", label=term, any=(term,), company_text=TERM_COMPANY_TEXT)


@functools.lru_cache(maxsize=512)
def _term_tagger(term: str) -> Tagger | None:
    if not fold_alias(term):
        return None
    return Tagger({"term": term_tagdef(term)})


def term_key(term: str) -> str:
    """A typed term as the matcher reads it (folded, single spaces): equal keys, same matches."""
    return fold_alias(term)


def term_anchor(term: str) -> str:
    """The longest run of the folded term without spaces, dashes, underscores or slashes.

    Every spelling the matcher accepts for the term contains it (spelling variants only change
    those separators), so text indexes are asked for it and texts without it cannot match.
    """
    parts = [p for p in _ANCHOR_SEPARATORS.split(fold_alias(term)) if p]
    return max(parts, key=len) if parts else ""


def _char_class(chars: frozenset[str]) -> str:
    """A regular expression character class holding exactly ``chars``."""
    points = sorted(map(ord, chars))
    ranges: list[list[int]] = []
    for point in points:
        if ranges and point == ranges[-1][1] + 1:
            ranges[-1][1] = point
        else:
            ranges.append([point, point])
    return "[" + "".join(f"\\U{lo:08x}-\\U{hi:08x}" for lo, hi in ranges) + "]"


# A word of a folded text (also what monitor.phrases reads): a maximal run of the characters an
# alias must not touch.
WORD_RUN = re.compile(_char_class(WORD_CHARS) + "+")


def text_words(title: str, description: str = "") -> str:
    """The distinct words of a posting as the matcher folds them, space-separated, in order of
    first appearance (what the word index of ``monitor.search.index`` holds): every word of the
    title, and the description's words in the parts that count for a term."""
    words: dict[str, None] = {}
    if title:
        words.update(dict.fromkeys(WORD_RUN.findall(fold_fast(title))))
    if description:
        folded = fold_fast(description)
        for a, b in Parts(folded).counting(TERM_COMPANY_TEXT):
            words.update(dict.fromkeys(WORD_RUN.findall(folded, a, b)))
    return " ".join(words)


def term_words(term: str) -> tuple[str, ...]:
    """Words (as ``text_words`` gives them) of which a text holds one exactly where ``term``
    matches it, or () when the text itself must be read.

    A term that folds to a single word (Latin letters and digits only: "diffusion", "VLM")
    is spelt one way and has both boundary rules, so its matches are the text's words that
    are the term, or the term and a plural "s". Anything else (spaces, dashes, Hangul, which
    matches inside words) is decided on the text."""
    key = fold_alias(term)
    if not key or not WORD_RUN.fullmatch(key):
        return ()
    return (key, key + "s")


# Characters that folding leaves as they are, whatever surrounds them (NFKC composes none of
# them with what comes before, and case-folds them one to one): ASCII, lowered, and
# precomposed Hangul syllables. A run of them folds to ``run.lower()``.
_FOLD_STABLE = re.compile(r"[\x00-\x7f\uac00-\ud7a3]*")


class _TermMatcher:
    """One ad-hoc term against many texts, as fast as the rules allow.

    The term's anchor is found with ``str.find``; the automaton then only reads a window
    around each occurrence (a match holding that occurrence fits in it), while the boundary
    rules still look at the whole text. ASCII text folds by ``lower()`` (NFKC leaves it as it
    is). The answer is the same as tagging the whole text.

    Before folding a whole text, the anchor is looked for as written (lower case, upper case,
    capitalised, or as the user typed it). Where the window around such an occurrence, and the
    character after it, hold only characters that fold one to one on their own
    (``_FOLD_STABLE``), folding the window alone gives what folding the whole text gives there,
    so a match in it is a match. Anything else is decided on the folded whole text.
    """

    def __init__(self, term: str) -> None:
        self.tagger = _term_tagger(term)
        self.anchor = term_anchor(term)
        self.reach = len(fold_alias(term)) + 1
        self.written: tuple[str, ...] = ()
        if self.anchor and _FOLD_STABLE.fullmatch(self.anchor):
            typed = [p for p in _ANCHOR_SEPARATORS.split(term) if fold_text(p) == self.anchor]
            forms = (self.anchor, self.anchor.upper(), self.anchor.capitalize(), *typed)
            self.written = tuple(dict.fromkeys(forms))
        # A term that is its anchor, spelt one way only (diffusion, GPU, 로봇): an occurrence
        # is a match when its two edges pass the boundary rules (checked without the automaton).
        self.edges: tuple[bool, bool] | None = None
        if self.tagger is not None and spellings(fold_alias(term)) == (self.anchor,):
            self.edges = self.tagger.edges(self.anchor)

    def __call__(self, title: str, description: str = "") -> bool:
        """Whether the term occurs in a posting (no match spans title and description) where
        it counts: anywhere in the title, in the description's counting parts."""
        tagger = self.tagger
        if tagger is None:
            return False
        # The title is the role: occurrences as written first (most matches are decided
        # there, and folding a text costs more than looking).
        if title and (
            (self.written and self._as_written(tagger, title)) or self._folded(tagger, title)
        ):
            return True
        return bool(description) and self._folded(tagger, description, parts=True)

    def _folded(self, tagger: Tagger, text: str, parts: bool = False) -> bool:
        """A match in the folded whole text (with ``parts``, one in a part that counts)."""
        folded = fold_fast(text)
        where = Parts(folded) if parts else None

        def counts(hits: Sequence[tuple[int, int, object]]) -> bool:
            if where is None:
                return bool(hits)
            return any(where.unit_at(a).counts(TERM_COMPANY_TEXT) for a, _, _ in hits)

        if not self.anchor:
            return counts(tagger.scan(folded))
        # An ad-hoc term's tagger has one alias and no exclusions: any hit is a match.
        size, reach = len(self.anchor), self.reach
        at = folded.find(self.anchor)
        while at >= 0:
            if counts(tagger.scan(folded, max(0, at - reach), at + size + reach)):
                return True
            at = folded.find(self.anchor, at + 1)
        return False

    def _as_written(self, tagger: Tagger, text: str) -> bool:
        """A match around an occurrence of the anchor as written, in a fold-stable window."""
        n, size, edges = len(text), len(self.anchor), self.edges
        reach = 0 if edges is not None else self.reach
        for form in self.written:
            at = text.find(form)
            while at >= 0:
                # One more character on the left and two on the right for the boundary rules;
                # the one after the window must be stable too, or it could change the last.
                lo, hi = max(0, at - reach - 1), min(n, at + size + reach + 2)
                if _FOLD_STABLE.fullmatch(text, lo, min(n, hi + 1)):
                    window = text[lo:hi].lower()
                    first = 1 if lo > 0 else 0
                    last = len(window) - 2 if hi < n else len(window)
                    if edges is not None:
                        start = at - lo  # the occurrence, in the window
                        end = start + size
                        if not (edges[0] and start and window[start - 1] in WORD_CHARS) and not (
                            edges[1] and end < len(window) and letter_after(window, end, hi - lo)
                        ):
                            return True
                    elif tagger.scan(window, first, last):
                        return True
                at = text.find(form, at + 1)
        return False


@functools.lru_cache(maxsize=64)
def term_matcher(term: str) -> _TermMatcher:
    return _TermMatcher(term)


def term_matches(term: str, text: str) -> list[Match]:
    """Occurrences of an ad-hoc term in ``text`` that count, by the same rules as tag aliases
    (each with its part)."""
    tagger = _term_tagger(term)
    hit = tagger.explain(text).get("term") if tagger is not None else None
    return list(hit.matches) if hit is not None else []


def term_in(term: str, title: str, description: str) -> bool:
    """Whether an ad-hoc term occurs in a posting: what ``Tagger.tags_for`` would say (no match
    spans title and description), looking only near the term's anchor."""
    return term_matcher(term)(title, description)
