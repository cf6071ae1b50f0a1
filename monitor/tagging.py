"""Tagging: which tags a posting's text carries, and why.

Texts and aliases are folded the same way (:func:`fold_text`: NFKC, then case-folded). One
Aho-Corasick automaton holds every spelling of every alias and exclude phrase of every tag, so
a text is scanned once whatever the taxonomy's size; :meth:`Tagger.tags` is that scan plus a
little work per hit, :meth:`Tagger.explain` also maps spans back to the original text.

Rules (DESIGN.md, "Tagging"):

* An alias whose first (last) character is a Latin letter or a digit matches only where the
  character before (after) it is not one; after it a plural ``s`` is allowed. ``LLM`` matches
  "LLMs", "LLM-based", "LLM엔지니어" and "(LLM)", not "ALLMAN" or "LLMNR". An end of an alias that
  is Hangul or punctuation ("C++") has no boundary rule, so Hangul aliases match inside words:
  "자율주행을".
* Spelling variants: a space in an alias matches one space or one line break (the text is not
  re-spaced, so "large  language model" with two spaces does not match); a ``-`` between two
  characters also matches "‐", a space or nothing ("self-driving" finds "self driving" and
  "selfdriving"); a space next to Hangul is optional ("멀티모달 LLM" finds "멀티모달LLM"),
  because Korean spacing varies.
* A tag matches when (one ``any`` alias matches, or it has none) and every ``all`` group has a
  match. An ``exclude`` phrase cancels the tag's own alias occurrences that lie inside one of
  its matches, nothing else. ``implies`` adds tags, transitively, with ``implied_by``.
* Spans are code-point offsets into the original text, mapped back through normalisation.
"""

from __future__ import annotations

import functools
import itertools
import math
import unicodedata
from bisect import bisect_left, bisect_right
from collections import deque
from collections.abc import Iterable, Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from typing import Any

import ahocorasick

from monitor.errors import ConfigError
from monitor.parts import COMPANY, ROLE, Parts, Unit, company_boilerplate
from monitor.taxonomy import TagDef, builtin_tags, tagdef_from_table

__all__ = [
    "Explanation",
    "Ignored",
    "Match",
    "TagDef",
    "TagHit",
    "Tagger",
    "boilerplate_of",
    "builtin_tags",
    "fold_text",
    "resolve_term",
    "tagdef_from_table",
]

WORD_CHARS = frozenset(
    c
    for c in map(chr, itertools.chain(range(0x30, 0x7B), range(0xC0, 0x250), range(0x1E00, 0x1F00)))
    if c.isalnum()
)  # Latin letters and digits: the characters an alias must not touch
_SPACE_OPTIONS = (" ", "\n")
_DASH_OPTIONS = ("-", "\u2010", *_SPACE_OPTIONS, "")
_MAX_VARIANTS = 512
_ANY = 0  # entry kinds: 0 an `any` alias, g + 1 a member of `all` group g, -1 an exclude phrase
_EXCLUDE = -1


_SOFT_HYPHEN = "\xad"


def fold_text(text: str) -> str:
    """The form texts are matched in: NFKC, case-folded, soft hyphens dropped (German pages
    break "Medizin\xadtechnik" with them); lengths may change."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    return folded.replace(_SOFT_HYPHEN, "") if _SOFT_HYPHEN in folded else folded


def fold_fast(text: str) -> str:
    """``fold_text``, with ASCII text folded by ``lower()`` (NFKC leaves it as it is): how the
    term matcher and the word index both fold a whole text."""
    return text.lower() if text.isascii() else fold_text(text)


def fold_alias(alias: str) -> str:
    """An alias or a typed term folded, its whitespace runs made single spaces."""
    return " ".join(fold_text(alias).split())


def _is_hangul(c: str) -> bool:
    return "\uac00" <= c <= "\ud7a3" or "\u1100" <= c <= "\u11ff" or "\u3130" <= c <= "\u318f"


def spellings(key: str) -> tuple[str, ...]:
    """Every spelling a folded alias matches: the key first, then its dash and spacing variants.

    A ``-`` between two characters may also be "‐", a space or nothing; a space next to Hangul
    may be left out; every space may also be a line break (text is never re-spaced, so that
    positions stay put and no match crosses a blank line).
    """
    parts: list[tuple[str, ...]] = []
    start = 0
    for i, c in enumerate(key):
        prev, nxt = key[i - 1 : i], key[i + 1 : i + 2]
        if c in "-\u2010" and prev.strip() and nxt.strip():
            options: tuple[str, ...] = _DASH_OPTIONS
        elif c == " " and (_is_hangul(prev) or _is_hangul(nxt)):
            options = (*_SPACE_OPTIONS, "")
        elif c == " ":
            options = _SPACE_OPTIONS
        else:
            continue
        parts += [(key[start:i],), options]
        start = i + 1
    parts.append((key[start:],))
    if math.prod(len(p) for p in parts) > _MAX_VARIANTS:
        return (key,)
    return tuple(dict.fromkeys(["".join(p) for p in itertools.product(*parts)]))


def boilerplate_of(descriptions: Iterable[str]) -> frozenset[str]:
    """The paragraphs repeated across most of one company's postings (their descriptions), as
    ``Tagger.tags_for(..., boilerplate=)`` takes them."""
    return company_boilerplate([fold_text(d) for d in descriptions if d])


@dataclass(frozen=True)
class Match:
    """One alias occurrence: the alias as written in the TagDef, code points of the original,
    and the part of the text it stood in (``monitor.parts``; not compared)."""

    alias: str
    start: int
    end: int
    part: str = field(default=ROLE, compare=False)
    why: str = field(default="", compare=False)


@dataclass(frozen=True)
class Ignored:
    """An alias occurrence that did not count: where it stood and why it was left out."""

    tag: str
    alias: str
    start: int
    end: int
    part: str
    why: str


@dataclass(frozen=True)
class TagHit:
    """A tag a text carries: the surviving matches, or the tag that implied it."""

    tag: str
    matches: tuple[Match, ...]
    implied_by: str | None = None


@dataclass(frozen=True)
class Explanation:
    """Why a text carries its tags (``tags``) and which occurrences were left out."""

    tags: dict[str, TagHit]
    ignored: tuple[Ignored, ...]


class _OffsetMap:
    """Positions in a normalised string -> positions in its source, piece by piece.

    ``segs`` are contiguous ``(norm_start, norm_end, src_start, src_end)``; a piece whose two
    lengths agree maps linearly, any other maps to its whole source extent.
    """

    def __init__(self, segs: list[tuple[int, int, int, int]]) -> None:
        self._segs = segs
        self._starts = [s[0] for s in segs]

    def start(self, p: int) -> int:
        n0, n1, s0, s1 = self._segs[max(bisect_right(self._starts, p) - 1, 0)]
        return s0 + (p - n0) if n1 - n0 == s1 - s0 else s0

    def end(self, q: int) -> int:
        i = bisect_left(self._starts, q) - 1
        if i < 0:
            return 0
        n0, n1, s0, s1 = self._segs[i]
        return s0 + (q - n0) if n1 - n0 == s1 - s0 else s1


@functools.cache
def _composing_seconds() -> frozenset[str]:
    """Starters that can merge with the character before them under NFKC (Hangul V/T jamo...)."""
    seconds = {chr(c) for c in itertools.chain(range(0x1161, 0x1176), range(0x11A8, 0x11C3))}
    codepoints = [c for c in range(0x20000) if not 0xD800 <= c < 0xE000]
    for cp in codepoints:
        d = unicodedata.decomposition(chr(cp))
        if d and not d.startswith("<") and len(parts := d.split()) == 2:
            seconds.add(chr(int(parts[1], 16)))
    for cp in codepoints:
        c = chr(cp)
        k = unicodedata.normalize("NFKD", c)
        if k != c and k and (unicodedata.combining(k[0]) or k[0] in seconds):
            seconds.add(c)
    return frozenset(seconds)


def _nfkc_map(text: str, folded: str) -> _OffsetMap | None:
    """Map ``NFKC(text).casefold()`` back to ``text``; None when positions are unchanged."""
    if len(folded) == len(text) and unicodedata.is_normalized("NFKC", text):
        return None  # NFKC already and casefold kept every length: identity
    seconds = _composing_seconds()
    combining = unicodedata.combining
    bounds = [i for i, c in enumerate(text) if i == 0 or not (combining(c) or c in seconds)]
    bounds.append(len(text))
    segs: list[tuple[int, int, int, int]] = []
    pieces: list[str] = []
    pos = 0
    for a, b in itertools.pairwise(bounds):
        piece = fold_text(text[a:b])
        pieces.append(piece)
        if len(piece) == b - a and segs and segs[-1][1] - segs[-1][0] == segs[-1][3] - segs[-1][2]:
            segs[-1] = (segs[-1][0], pos + len(piece), segs[-1][2], b)  # extend a linear run
        else:
            segs.append((pos, pos + len(piece), a, b))
        pos += len(piece)
    if "".join(pieces) != folded:  # a composition across our cut points: spans become coarse
        return _OffsetMap([(0, len(folded), 0, len(text))])
    return _OffsetMap(segs)


_Hit = tuple[int, int, tuple[Any, ...]]  # (start, end, automaton value) in folded text


def letter_after(s: str, at: int, n: int) -> bool:
    """Whether ``s[at]`` (an alias ends before it) is a letter or digit, other than a plural
    "s" that ends the word."""
    return s[at] in WORD_CHARS and (s[at] != "s" or (at + 1 < n and s[at + 1] in WORD_CHARS))


class _Cover:
    """Spans (an exclude phrase's matches), asked "does one of you cover a..b?" in log time."""

    def __init__(self, spans: list[tuple[int, int]]) -> None:
        ordered = sorted(spans)
        self._starts = [x for x, _ in ordered]
        self._reach: list[int] = []  # the furthest end among the spans up to each one
        furthest = -1
        for _, y in ordered:
            furthest = max(furthest, y)
            self._reach.append(furthest)

    def covers(self, a: int, b: int) -> bool:
        at = bisect_right(self._starts, a) - 1
        return at >= 0 and self._reach[at] >= b


def _inside_longer(spans: set[tuple[int, int]]) -> set[tuple[int, int]]:
    """The spans lying inside another, longer one of the set (one sweep, not all pairs)."""
    inside: set[tuple[int, int]] = set()
    furthest = -1
    # By start, longest first: every earlier span starts no later, and one starting at the
    # same place is longer, so a span is inside another exactly when an earlier one reaches it.
    for a, b in sorted(spans, key=lambda span: (span[0], -span[1])):
        if furthest >= b:
            inside.add((a, b))
        furthest = max(furthest, b)
    return inside


class Tagger:
    """Tags texts with a taxonomy: one automaton for every alias and exclude phrase."""

    def __init__(self, tags: Mapping[str, TagDef]) -> None:
        self._implies: dict[str, tuple[str, ...]] = {}
        # Tags for which company text saying what the company builds or sells counts.
        self._company_tags = frozenset(key for key, tag in tags.items() if tag.company_text)
        self._required: dict[str, frozenset[int]] = {}  # tags with `all` groups: kinds needed
        table: dict[str, list[tuple[str, int, str]]] = {}
        for key in sorted(tags):
            tag = tags[key]
            for implied in tag.implies:
                if implied not in tags:
                    raise ConfigError(f"tag {key!r} implies unknown tag {implied!r}", key="implies")
            self._implies[key] = tag.implies
            if tag.all:
                need = {g + 1 for g in range(len(tag.all))} | ({_ANY} if tag.any else set())
                self._required[key] = frozenset(need)
            roles = [(_ANY, a) for a in tag.any] + [(_EXCLUDE, a) for a in tag.exclude]
            roles += [(g + 1, a) for g, group in enumerate(tag.all) for a in group]
            for kind, alias in roles:
                folded = fold_alias(alias)
                if not folded:
                    where = {_ANY: "any", _EXCLUDE: "exclude"}.get(kind, "all")
                    raise ConfigError(f"tag {key!r} has an empty alias {alias!r}", key=where)
                for variant in spellings(folded):
                    entries = table.setdefault(variant, [])
                    if not any(e[0] == key and e[1] == kind for e in entries):
                        entries.append((key, kind, alias))
        self._closure = {key: self._reach(key) for key in self._implies}
        self._auto: Any = None
        if table:
            self._auto = ahocorasick.Automaton()
            for variant, entries in table.items():
                marks = tuple((t, k) for t, k, _ in entries if k != _EXCLUDE)
                excludes = tuple(t for t, k, _ in entries if k == _EXCLUDE)
                self._auto.add_word(
                    variant,
                    (
                        len(variant),
                        variant[0] in WORD_CHARS,  # check the character before
                        variant[-1] in WORD_CHARS,  # check the character after
                        marks,
                        excludes,
                        tuple(entries),
                    ),
                )
            self._auto.make_automaton()

    def _reach(self, key: str) -> frozenset[str]:
        seen, stack = {key}, [key]
        while stack:
            for nxt in self._implies[stack.pop()]:
                if nxt not in seen:
                    seen.add(nxt)
                    stack.append(nxt)
        return frozenset(seen)

    def scan(self, s: str, lo: int = 0, hi: int | None = None) -> list[_Hit]:
        """Every alias occurrence in folded text ``s`` (within ``s[lo:hi]``) that respects the
        boundary rules, which look at ``s`` itself beyond the slice."""
        if self._auto is None:
            return []
        hits: list[_Hit] = []
        n, word = len(s), WORD_CHARS
        for end, v in self._auto.iter(s, lo, n if hi is None else min(hi, n)):
            start = end - v[0] + 1
            if v[1] and start and s[start - 1] in word:
                continue
            if v[2] and end + 1 < n and letter_after(s, end + 1, n):
                continue
            hits.append((start, end + 1, v))
        return hits

    def edges(self, variant: str) -> tuple[bool, bool]:
        """Whether the boundary rules check the character before and after a folded spelling."""
        _, before, after, *_ = self._auto.get(variant)
        return before, after

    def _decide(
        self, hits: list[_Hit], company_from: int | None = None, detail: bool = False
    ) -> tuple[set[str], list[tuple[str, str, int, int]], list[tuple[str, str, int, int]]]:
        """Directly matched tags and (with ``detail``) the surviving and the cancelled
        (tag, alias, start, end). Hits from ``company_from`` on stand in company text: they
        count only for tags with ``company_text``."""
        spans: dict[str, list[tuple[int, int]]] = {}
        for a, b, v in hits:
            for t in v[4]:
                spans.setdefault(t, []).append((a, b))
        covers = {t: _Cover(found_spans) for t, found_spans in spans.items()}
        found: set[tuple[str, int]] = set()
        kept: list[tuple[str, str, int, int]] = []
        cancelled: list[tuple[str, str, int, int]] = []
        company_tags = self._company_tags
        limit = len(hits) if company_from is None else company_from
        for i, (a, b, v) in enumerate(hits):
            in_company = i >= limit
            if not spans and not detail and not in_company:
                found.update(v[3])
                continue
            for t, kind, alias in v[5]:
                if kind == _EXCLUDE or (in_company and t not in company_tags):
                    continue
                if t in covers and covers[t].covers(a, b):
                    if detail:
                        cancelled.append((t, alias, a, b))
                    continue
                found.add((t, kind))
                if detail:
                    kept.append((t, alias, a, b))
        matched: set[str] = set()
        partial: dict[str, set[int]] = {}
        for t, kind in found:
            if t in self._required:
                partial.setdefault(t, set()).add(kind)
            else:
                matched.add(t)
        matched.update(t for t, kinds in partial.items() if kinds >= self._required[t])
        return matched, kept, cancelled

    def _sorted_hits(self, hits: list[_Hit], parts: Parts) -> tuple[list[_Hit], int]:
        """The hits that may count, role first, then those in company text that says what the
        company builds or sells; and where the latter begin."""
        role: list[_Hit] = []
        company: list[_Hit] = []
        keep_company = bool(self._company_tags)
        for hit in hits:
            unit = parts.unit_at(hit[0])
            if unit.part == ROLE:
                role.append(hit)
            elif keep_company and unit.part == COMPANY and unit.product:
                company.append(hit)
        return role + company, len(role)

    def tags_folded(
        self, s: str, role_until: int = 0, boilerplate: AbstractSet[str] = frozenset()
    ) -> set[str]:
        """Tags of folded text ``s``, counting only the matches in the parts that count
        (``monitor.parts``); positions before ``role_until`` are the role (a title)."""
        hits = self.scan(s)
        if not hits or not self._decide(hits)[0]:
            # Parts only take matches away (an exclude phrase lies in its alias's own unit), so
            # a text whose matches make no tag needs no parts: most decoys end here.
            return set()
        counted, company_from = self._sorted_hits(hits, Parts(s, role_until, boilerplate))
        if not counted:
            return set()
        out: set[str] = set()
        for t in self._decide(counted, company_from)[0]:
            out |= self._closure[t]
        return out

    def tags(self, text: str) -> set[str]:
        """The tag keys ``text`` carries, implied ones included: ``set(self.explain(text))``."""
        return self.tags_folded(fold_text(text))

    def tags_for(
        self, title: str, description: str, boilerplate: AbstractSet[str] = frozenset()
    ) -> set[str]:
        """Tags of a posting's title and description; no match spans the two.

        They are joined by a blank line: an alias's space matches one space or line break, so
        no alias can cross two. The title is the role; ``boilerplate`` (``boilerplate_of`` the
        company's descriptions) marks the company's repeated paragraphs.
        """
        title = fold_text(title)
        return self.tags_folded(title + "\n\n" + fold_text(description), len(title), boilerplate)

    def explain(self, text: str) -> dict[str, TagHit]:
        """Tag key -> why it matched (surviving matches, or ``implied_by``), by tag key."""
        return self.explain_all(text).tags

    def explain_all(
        self, text: str, role_until: int = 0, boilerplate: AbstractSet[str] = frozenset()
    ) -> Explanation:
        """Why ``text`` carries its tags, each match with its part, and every occurrence that
        did not count with the reason (its part, or an exclude phrase around it)."""
        folded = fold_text(text)
        hits = self.scan(folded)
        if not hits:
            return Explanation({}, ())
        offsets = _nfkc_map(text, folded)
        if offsets is not None and role_until:
            role_until = len(fold_text(text[:role_until]))

        def span(a: int, b: int) -> tuple[int, int]:
            return (offsets.start(a), offsets.end(b)) if offsets is not None else (a, b)

        parts = Parts(folded, role_until, boilerplate)
        counted, company_from = self._sorted_hits(hits, parts)
        direct, kept, cancelled = self._decide(counted, company_from, detail=True)
        ignored: dict[tuple[str, int, int], Ignored] = {}
        for a, b, v in hits:
            unit = parts.unit_at(a)
            for t, kind, alias in v[5]:
                if kind == _EXCLUDE or unit.counts(t in self._company_tags):
                    continue
                x, y = span(a, b)
                ignored[(t, x, y)] = Ignored(t, alias, x, y, unit.part, _why_ignored(unit))
        for t, alias, a, b in cancelled:
            x, y = span(a, b)
            unit = parts.unit_at(a)
            ignored[(t, x, y)] = Ignored(t, alias, x, y, unit.part, "inside an exclude phrase")
        by_tag: dict[str, list[tuple[str, int, int]]] = {t: [] for t in direct}
        for t, alias, a, b in kept:
            if t in by_tag:
                by_tag[t].append((alias, a, b))
        out: dict[str, TagHit] = {}
        for t, found in by_tag.items():
            inside = _inside_longer({(a, b) for _, a, b in found})
            matches: set[Match] = set()
            for alias, a, b in found:
                if (a, b) in inside:
                    continue  # inside a longer match of the same tag ("language model")
                unit = parts.unit_at(a)
                matches.add(Match(alias, *span(a, b), part=unit.part, why=unit.why))
            out[t] = TagHit(t, tuple(sorted(matches, key=lambda m: (m.start, m.end, m.alias))))
        queue = deque(sorted(direct))
        while queue:
            t = queue.popleft()
            for implied in self._implies[t]:
                if implied not in out:
                    out[implied] = TagHit(implied, (), implied_by=t)
                    queue.append(implied)
        left_out = _outermost(list(ignored.values()))
        return Explanation(dict(sorted(out.items())), left_out)


def _why_ignored(unit: Unit) -> str:
    if unit.part == COMPANY and unit.product:
        return f"company text ({unit.why}); this tag counts only the role"
    if unit.part == COMPANY:
        return f"company text that does not say what the company builds or sells ({unit.why})"
    return unit.why


def _outermost(items: list[Ignored]) -> tuple[Ignored, ...]:
    """The ignored occurrences in text order, those inside a longer one of the same tag left
    out (one sweep per tag)."""
    by_tag: dict[str, set[tuple[int, int]]] = {}
    for item in items:
        by_tag.setdefault(item.tag, set()).add((item.start, item.end))
    inside = {t: _inside_longer(found) for t, found in by_tag.items()}
    kept = [i for i in items if (i.start, i.end) not in inside[i.tag]]
    return tuple(sorted(kept, key=lambda i: (i.start, i.end, i.tag, i.alias)))


def resolve_term(term: str, tags: Mapping[str, TagDef]) -> str | None:
    """The tag a typed term names (its key, label or an ``any`` alias), else None."""
    folded = fold_alias(term)
    if not folded:
        return None
    ordered = sorted(tags.items())
    for key, _ in ordered:
        if fold_alias(key) == folded:
            return key
    for key, tag in ordered:
        names = [tag.label, *(text for _language, text in tag.labels)]
        if any(fold_alias(name) == folded for name in names):
            return key
    for key, tag in ordered:
        if any(folded in spellings(fold_alias(alias)) for alias in tag.any):
            return key
    return None
