"""Tagging throughput: the project's Tagger against a bare pyahocorasick pass.

Both read the same texts (title, blank line, description, as the store tags them). The bare
pass is one automaton of the same aliases (every ``any``, ``all`` and ``exclude`` alias of the
built-in tags, folded: NFKC, case-folded, spaces collapsed) iterated over ``text.lower()``,
collecting the tag keys it meets: what any tagger has to do at least. MB/s are of UTF-8 text.
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from typing import Any

import ahocorasick

from bench import corpus
from bench.common import Result, best_of, human, log, sizes
from monitor.tagging import Tagger, builtin_tags, fold_text

GROUP = "tagging"
REPEAT = 3


def bare_automaton() -> Any:
    automaton = ahocorasick.Automaton()
    for key, tag in sorted(builtin_tags().items()):
        aliases = [*tag.any, *tag.exclude, *(a for group in tag.all for a in group)]
        for alias in aliases:
            folded = " ".join(unicodedata.normalize("NFKC", alias).casefold().split())
            automaton.add_word(folded, key)
    automaton.make_automaton()
    return automaton


def run(quick: bool) -> list[Result]:
    n = sizes(quick).tagging
    texts = [p.text for p in corpus.load(n)]
    megabytes = sum(len(t.encode()) for t in texts) / 1e6
    log(f"tagging: {len(texts)} texts, {megabytes:.1f} MB")
    tagger = Tagger(builtin_tags())
    automaton = bare_automaton()

    def project() -> list[set[str]]:
        tags = tagger.tags
        return [tags(t) for t in texts]

    def bare() -> int:
        found = 0
        it = automaton.iter
        for t in texts:
            found += len({key for _, key in it(t.lower())})
        return found

    def fold_only() -> int:
        return sum(len(fold_text(t)) for t in texts)

    project()  # warm: the automaton and any caches
    tagger_s, tagger_all, tagged = best_of(project, REPEAT)
    bare_s, _, _ = best_of(bare, REPEAT)
    fold_s, _, _ = best_of(fold_only, REPEAT)
    folded = [fold_text(t) for t in texts]
    scan_s, _, _ = best_of(lambda: [tagger.tags_folded(f) for f in folded], REPEAT)

    counts = Counter(tag for tags in tagged for tag in tags)
    rates = ", ".join(f"{k} {counts[k] / len(texts):.1%}" for k in sorted(counts))
    project_rate, bare_rate = megabytes / tagger_s, megabytes / bare_s
    ratio = bare_rate / project_rate
    note = (
        f"{human(n)} texts, {megabytes:.0f} MB ({megabytes * 1e6 / len(texts):.0f} B each); "
        f"time split: fold_text (NFKC+casefold) {fold_s / tagger_s:.0%}, "
        f"scan+decide on folded text {scan_s / tagger_s:.0%} ({megabytes / scan_s:.0f} MB/s); "
        f"tag rates: {rates}"
    )
    return [
        Result(
            GROUP,
            "tagging: Tagger.tags",
            project_rate,
            "MB/s",
            peer=bare_rate,
            peer_label=f"bare pyahocorasick {bare_rate:.1f} MB/s",
            ratio=ratio,
            limit=2.0,
            passed=ratio <= 2.0,
            note=note,
            extra={
                "texts": len(texts),
                "megabytes": megabytes,
                "tagger_seconds": tagger_all,
                "bare_seconds": bare_s,
                "fold_seconds": fold_s,
                "scan_seconds": scan_s,
                "tag_rates": {k: counts[k] / len(texts) for k in sorted(counts)},
            },
        )
    ]
