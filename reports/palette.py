"""The colour of each term, the same in every chart, the report and ``jobtrend chart``.

Free of matplotlib, so the report's numbers (``reports.content``) can name each term's colour
without loading the charting library.
"""

from __future__ import annotations

from collections.abc import Sequence

# Okabe-Ito: distinguishable with the common colour-vision deficiencies. Yellow goes last
# because it is faint on white.
PALETTE = (
    "#0072B2",  # blue
    "#E69F00",  # orange
    "#009E73",  # bluish green
    "#D55E00",  # vermillion
    "#CC79A7",  # reddish purple
    "#56B4E9",  # sky blue
    "#000000",  # black
    "#F0E442",  # yellow
)


def term_colours(terms: Sequence[str], tag_keys: Sequence[str]) -> dict[str, str]:
    """A colour per term that stays the same in every chart and the report.

    A tag (given by key) takes the palette slot of its place among ``tag_keys`` (the
    taxonomy's order), so ``llm`` is the same blue in ``jobtrend chart`` and in the report;
    other terms take the free slots in the order given.
    """
    out: dict[str, str] = {}
    keys = list(tag_keys)
    for term in terms:
        if term in keys and keys.index(term) < len(PALETTE):
            out[term] = PALETTE[keys.index(term)]
    free = [c for c in PALETTE if c not in out.values()] or list(PALETTE)
    for term in terms:
        if term not in out:
            out[term] = free[len([t for t in out if t not in keys]) % len(free)]
    return out
