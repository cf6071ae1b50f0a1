"""Fonts for charts: make Hangul render on a fresh machine.

Matplotlib's bundled DejaVu Sans has no Hangul, so a Korean label would come out as boxes
(and a "Glyph ... missing from font" warning). The PyPI package ``koreanize-matplotlib``
ships NanumGothic; we load its TTF files directly instead of importing the package, because
importing it rewrites the global rcParams (and it imports ``distutils``, which is gone in
Python 3.12).

The family list we hand to matplotlib is ``["DejaVu Sans", "NanumGothic"]``: DejaVu first so
Latin text, digits and the minus sign (U+2212, missing from NanumGothic) keep matplotlib's
usual look; matplotlib's per-glyph font fallback (3.6+) takes NanumGothic for Hangul.
"""

from __future__ import annotations

import dataclasses
import functools
import importlib.util
import logging
import os
from pathlib import Path

from matplotlib import font_manager

log = logging.getLogger(__name__)

KOREAN_FAMILY = "NanumGothic"
LATIN_FAMILY = "DejaVu Sans"
_PACKAGE = "koreanize_matplotlib"
_REGULAR = "NanumGothic.ttf"
# NanumGothicBold.ttf declares weight 600 (ExtraBold is the 700 cut). Matplotlib's "bold" is
# 700 and would log "Failed to find font weight bold" on every render, so the Bold cut is
# registered as 700 (see _register_bold); ExtraBold is too heavy for a title.
_BOLD = "NanumGothicBold.ttf"
_BOLD_WEIGHT = 700


def find_korean_font(*, bold: bool = False) -> Path | None:
    """Return the path of NanumGothic (or its bold cut) shipped by koreanize-matplotlib.

    Uses the import machinery's spec only, so the package's code never runs.
    None when the package or the file is not there.
    """
    try:
        spec = importlib.util.find_spec(_PACKAGE)
    except (ImportError, ValueError):
        # A broken install (or a stub module in sys.modules without a spec) is "not found".
        return None
    if spec is None:
        return None
    locations = list(spec.submodule_search_locations or [])
    if not locations and spec.origin:
        # A single-file module: look next to it.
        locations = [os.path.dirname(spec.origin)]
    name = _BOLD if bold else _REGULAR
    for location in locations:
        path = Path(location) / "fonts" / name
        if path.is_file():
            return path
    return None


def _known(path: Path) -> bool:
    real = os.path.realpath(path)
    return any(os.path.realpath(entry.fname) == real for entry in font_manager.fontManager.ttflist)


def _register_bold(path: Path) -> None:
    """Add the Bold cut as weight 700, the weight matplotlib asks for with "bold".

    Must run before the regular face's ``addfont``, which clears findfont's cache.
    """
    if _known(path):
        return
    entry = font_manager.ttfFontProperty(font_manager.get_font(str(path)))
    font_manager.fontManager.ttflist.append(dataclasses.replace(entry, weight=_BOLD_WEIGHT))


def _register(path: Path) -> None:
    """Add a font file to matplotlib's font manager unless it is already known."""
    if not _known(path):
        font_manager.fontManager.addfont(str(path))


@functools.cache
def font_families() -> tuple[str, ...]:
    """Register NanumGothic once and return the family list charts should use.

    Cached: the font manager is process-global and registering twice would only add
    duplicate entries. Without the font, warns once (here, thanks to the cache) and returns
    DejaVu Sans alone; Korean text then renders as boxes, but the chart is still written.
    """
    regular = find_korean_font()
    if regular is None:
        log.warning(
            "Korean font %s not found (install the koreanize-matplotlib package); "
            "Korean text in charts will not render",
            _REGULAR,
        )
        return (LATIN_FAMILY,)
    bold = find_korean_font(bold=True)
    if bold is not None:
        _register_bold(bold)
    _register(regular)
    log.debug("registered Korean font %s", regular)
    return (LATIN_FAMILY, KOREAN_FAMILY)


def has_korean_font() -> bool:
    """True when charts can render Hangul."""
    return KOREAN_FAMILY in font_families()
