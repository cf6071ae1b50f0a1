"""Trend charts: one line per term over days, ISO weeks or months, as PNG or SVG.

The numbers come from ``monitor.numbers.trends`` (see DESIGN.md, "Meaning of the numbers"); this
module only draws them. What a chart shows:

- ``share``: a fraction 0..1 drawn as a percentage, with its Wilson 95% interval as a
  translucent band where the caller gives ``low``/``high``;
- ``active`` (daily mean of distinct jobs) and ``new`` (sum of daily new jobs): counts.

A period still running (``partial``) gets a hollow marker and a dashed segment, so a half
week does not read as a drop. A point with fewer than 5 jobs (``too_few``) gets a faded hollow
marker. ``Marker`` draws a dotted vertical line with a note, e.g. when a source was added or
went stale: both move the numbers without any change in hiring.

Matplotlib is used through ``Figure`` and ``FigureCanvasAgg`` directly, never pyplot, so no
figure registry or global backend is touched. Font settings are applied with ``rc_context``
around the whole build-and-save (tick labels are created at draw time and read rcParams
then); because rc_context is a temporary change of global state, renders are serialised
with a lock.
"""

from __future__ import annotations

import logging
import math
import threading
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import matplotlib
from matplotlib import colors as mcolors
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import FixedLocator, FuncFormatter, MaxNLocator, PercentFormatter
from matplotlib.transforms import blended_transform_factory

from monitor.errors import UsageError
from reports.fonts import font_families, has_korean_font
from reports.palette import PALETTE

log = logging.getLogger(__name__)

METRICS = ("share", "active", "new")
PERIODS = ("day", "week", "month")
FORMATS = {".png": "png", ".svg": "svg"}

DPI = 150
FIGSIZE = (10.0, 5.6)  # inches: 1500 x 840 px at 150 dpi, wide enough for 12 week labels

# A marker shape per series too, so lines stay apart in grey print and past 8 series.
_SHAPES = ("o", "s", "^", "D", "v", "p")

# Nice label steps, in periods, per granularity: weeks by month/quarter/half-year/year,
# months by quarter/half-year/year, days by week/fortnight/4 weeks.
_NICE_STEPS = {
    "day": (1, 2, 7, 14, 28, 56, 91, 182, 364),
    "week": (1, 2, 4, 8, 13, 26, 52),
    "month": (1, 2, 3, 6, 12, 24),
}
_MAX_TICKS = {"day": 9, "week": 12, "month": 12}

_GLYPH_WARNING = r"Glyph .* missing from font"

_render_lock = threading.Lock()


@dataclass(frozen=True)
class Point:
    """One period of one series."""

    period: date  # first day of the period (day, ISO week Monday, or month 1st)
    value: float | None  # None = no data (gap in the line)
    low: float | None = None  # optional confidence band (Wilson interval) for shares
    high: float | None = None
    partial: bool = False  # the period is still running: drawn hollow, dashed segment
    too_few: bool = False  # fewer than 5 jobs: drawn faded and hollow


@dataclass(frozen=True)
class Series:
    """One line: a term (or a group) and its points.

    ``colour`` keeps a term's colour across charts (``term_colours``; default: by position).
    ``style``: "line" (markers, band, too-few rule), "mean" (a thin dotted line, e.g. the
    4-week mean, in its term's colour), "total" (a grey line for all jobs).
    """

    label: str  # may be Korean, e.g. "멀티모달 LLM"
    points: tuple[Point, ...]
    colour: str | None = None
    style: str = "line"


@dataclass(frozen=True)
class Words:
    """The chart's own words, so a Korean report gets Korean legends."""

    band: str = "shaded: 95% interval"
    partial: str = "dashed, hollow: period still running"
    too_few: str = "faded, hollow: fewer than 5 jobs"
    too_little: str = "too few jobs to draw"
    mean: str = "dotted: 4-week mean"
    no_data: str = "no data"
    x_week: str = "ISO week"
    y_share: str = "share of all jobs"
    y_active: str = "jobs active (daily mean)"
    y_new: str = "new jobs"


ENGLISH = Words()


@dataclass(frozen=True)
class Marker:
    """A vertical annotation, e.g. "source added: wanted" or "saramin stale"."""

    day: date
    text: str


def render_chart(
    series: Sequence[Series],
    out: Path,
    *,
    title: str,
    metric: str,
    by: str = "week",
    markers: Sequence[Marker] = (),
    subtitle: str | None = None,
    size: tuple[float, float] = FIGSIZE,
    words: Words = ENGLISH,
) -> Path:
    """Draw ``series`` as a trend chart and write it to ``out`` (.png or .svg); return ``out``.

    ``metric`` is "share" (values are fractions 0..1, shown as %), "active" or "new";
    ``by`` is "day", "week" or "month" and sets the tick labels (2026-W05, 2026-05).
    Raises UsageError for a bad suffix, a missing directory or an unwritable file.
    """
    out = Path(out)
    fmt = _check_output(out)
    if metric not in METRICS:
        raise UsageError(f"chart metric must be one of {', '.join(METRICS)}, not {metric!r}")
    if by not in PERIODS:
        raise UsageError(f"chart period must be one of {', '.join(PERIODS)}, not {by!r}")

    # The lock covers the first font registration too, so two threads cannot both add it.
    with _render_lock:
        rc = matplotlib.rc_context(
            {
                "font.family": list(font_families()),
                "axes.unicode_minus": True,  # DejaVu Sans comes first and has U+2212
                "svg.fonttype": "path",  # self-contained SVG: mail clients lack NanumGothic
                "svg.hashsalt": "jobtrend",  # stable ids: the same chart gives the same file
            }
        )
        with rc, warnings.catch_warnings():
            if not has_korean_font():
                # Already logged once by font_families(); boxes are the accepted fallback,
                # a warning per Hangul glyph would only bury that message.
                warnings.filterwarnings("ignore", message=_GLYPH_WARNING)
            fig = _build_figure(
                series,
                title=title,
                metric=metric,
                by=by,
                markers=markers,
                subtitle=subtitle,
                size=size,
                words=words,
            )
            metadata: dict[str, Any] = {"Date": None} if fmt == "svg" else {}
            try:
                fig.savefig(out, format=fmt, dpi=DPI, metadata=metadata, facecolor="white")
            except OSError as exc:
                raise UsageError(f"cannot write chart {out}: {exc.strerror or exc}") from exc
    log.debug("wrote %s chart %s (%d series)", metric, out, len(series))
    return out


def _check_output(out: Path) -> str:
    """Return the format for ``out`` or raise UsageError naming what to fix."""
    fmt = FORMATS.get(out.suffix.lower())
    if fmt is None:
        raise UsageError(f"chart file {out} must end in .png or .svg.")
    parent = out.parent
    if not parent.is_dir():
        # Not created on purpose: a typo in -o should not leave new directories behind.
        raise UsageError(f"directory {parent} for chart {out.name} does not exist")
    if out.is_dir():
        raise UsageError(f"chart file {out} is a directory")
    return fmt


def _build_figure(
    series: Sequence[Series],
    *,
    title: str,
    metric: str,
    by: str,
    markers: Sequence[Marker],
    subtitle: str | None,
    size: tuple[float, float] = FIGSIZE,
    words: Words = ENGLISH,
) -> Figure:
    # Constrained layout keeps the suptitle, the rotated marker notes and the legend below
    # the axes from overlapping, without a tight_layout pass after the fact.
    fig = Figure(figsize=size, dpi=DPI, layout="constrained")
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    fig.suptitle(_plain(title), fontsize=14, fontweight="bold")
    if subtitle:
        ax.set_title(_plain(subtitle), fontsize=9.5, color="0.35")

    # A term whose every point has fewer than 5 jobs is named, not drawn: its line is noise.
    too_little = [s for s in series if s.style == "line" and _too_little(s)]
    drawn = [s for s in series if any(_has_value(p) for p in s.points) and s not in too_little]
    if not drawn:
        _draw_no_data(ax, words.no_data)
        if too_little:
            ax.text(
                0.5,
                0.35,
                "\n".join(f"{_plain(s.label)}: {words.too_little}" for s in too_little),
                transform=ax.transAxes,
                ha="center",
                va="center",
                fontsize=10,
                color="0.45",
            )
        return fig

    periods = _period_range(
        min(p.period for s in drawn for p in s.points if _has_value(p)),
        max(p.period for s in drawn for p in s.points if _has_value(p)),
        by,
    )
    n_points = len(periods)
    marker_size = 5.5 if n_points <= 40 else 3.5 if n_points <= 80 else 2.5

    handles: list[Any] = []
    labels: list[str] = []
    any_band = any_partial = any_too_few = any_mean = False
    lines = [s for s in drawn if s.style == "line"]
    for index, s in enumerate(drawn):
        colour = s.colour or PALETTE[index % len(PALETTE)]
        # Shapes follow the term lines only, so a term has the same marker in every chart
        # whatever mean or total lines sit between them.
        shape = _SHAPES[lines.index(s) % len(_SHAPES)] if s in lines else "o"
        if s.style != "line":
            handle = _draw_plain(ax, s, colour)
            if s.style == "mean":
                any_mean = True  # one legend note for every mean line, not one entry each
            else:
                handles.append(handle)
                labels.append(_plain(s.label))
            continue
        flags = _draw_series(ax, s, colour=colour, shape=shape, size=marker_size)
        any_band |= flags[0]
        any_partial |= flags[1]
        any_too_few |= flags[2]
        handles.append(
            Line2D([], [], color=colour, marker=shape, markersize=marker_size + 1, linewidth=2)
        )
        labels.append(_plain(s.label))
    for s in too_little:
        handles.append(Patch(facecolor="none", edgecolor="none"))
        labels.append(f"{_plain(s.label)}: {words.too_little}")

    # Legend notes explain the encodings actually used on this chart, nothing more.
    if any_mean:
        handles.append(Line2D([], [], color="0.35", linewidth=1.4, linestyle=":"))
        labels.append(words.mean)
    if any_band:
        handles.append(Patch(facecolor="0.5", alpha=0.25, linewidth=0))
        labels.append(words.band)
    if any_partial:
        handles.append(
            Line2D(
                [],
                [],
                color="0.35",
                linestyle="--",
                marker="o",
                markerfacecolor="white",
                markeredgecolor="0.35",
            )
        )
        labels.append(words.partial)
    if any_too_few:
        handles.append(
            Line2D(
                [],
                [],
                linestyle="none",
                marker="o",
                markerfacecolor="white",
                markeredgecolor="0.65",
            )
        )
        labels.append(words.too_few)

    _format_x(ax, periods, by, words)
    _format_y(ax, metric, words)
    _draw_markers(ax, markers, periods[0], _period_end(periods[-1], by))
    ax.grid(True, color="0.88", linewidth=0.8)
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    fig.legend(
        handles,
        labels,
        loc="outside lower center",
        ncols=min(len(labels), 4),
        frameon=False,
        fontsize=9,
    )
    return fig


def _draw_series(
    ax: Axes, s: Series, *, colour: str, shape: str, size: float
) -> tuple[bool, bool, bool]:
    """Draw one series; return whether it used a band, partial points, too_few points."""
    points = sorted(s.points, key=lambda p: p.period)
    xs = [float(p.period.toordinal()) for p in points]
    values = [_value(p) for p in points]

    band = [
        _has_value(p)
        and p.low is not None
        and p.high is not None
        and math.isfinite(p.low)
        and math.isfinite(p.high)
        for p in points
    ]
    if any(band):
        lows = [
            p.low if ok and p.low is not None else 0.0 for p, ok in zip(points, band, strict=True)
        ]
        highs = [
            p.high if ok and p.high is not None else 0.0 for p, ok in zip(points, band, strict=True)
        ]
        ax.fill_between(
            xs, lows, highs, where=band, color=colour, alpha=0.15, linewidth=0, interpolate=False
        )
        # A lone banded point has no neighbour to fill towards: show its interval as a bar.
        for i, ok in enumerate(band):
            alone = not (i > 0 and band[i - 1]) and not (i + 1 < len(band) and band[i + 1])
            if ok and alone:
                ax.vlines(xs[i], lows[i], highs[i], color=colour, alpha=0.3, linewidth=3)

    # The solid line leaves out partial points; their segments are drawn dashed below.
    solid = [math.nan if p.partial else v for p, v in zip(points, values, strict=True)]
    ax.plot(xs, solid, color=colour, linewidth=2, solid_capstyle="round", zorder=3)
    for i, p in enumerate(points):
        if not (p.partial and _has_value(p)):
            continue
        for j in (i - 1, i + 1):
            if 0 <= j < len(points) and _has_value(points[j]):
                ax.plot(
                    [xs[j], xs[i]],
                    [values[j], values[i]],
                    color=colour,
                    linewidth=1.6,
                    linestyle="--",
                    zorder=3,
                )

    faded = _lighten(colour)
    groups: dict[tuple[bool, bool], list[int]] = {}
    for i, p in enumerate(points):
        if _has_value(p):
            groups.setdefault((p.partial, p.too_few), []).append(i)
    for (partial, too_few), idx in groups.items():
        hollow = partial or too_few
        ax.plot(
            [xs[i] for i in idx],
            [values[i] for i in idx],
            linestyle="none",
            marker=shape,
            markersize=size,
            markerfacecolor="white" if hollow else colour,
            markeredgecolor=faded if too_few else colour,
            markeredgewidth=1.3,
            clip_on=False,  # a point at 0 % sits on the axis: show all of it
            zorder=4,
        )
    any_partial = any(p.partial and _has_value(p) for p in points)
    any_too_few = any(p.too_few and _has_value(p) for p in points)
    return any(band), any_partial, any_too_few


def _too_little(s: Series) -> bool:
    valued = [p for p in s.points if _has_value(p)]
    return bool(valued) and all(p.too_few for p in valued)


def _draw_plain(ax: Axes, s: Series, colour: str) -> Line2D:
    """A mean (thin, dotted, the term's colour) or a total (grey) line; its legend handle."""
    points = sorted(s.points, key=lambda p: p.period)
    xs = [float(p.period.toordinal()) for p in points]
    ys = [_value(p) for p in points]
    if s.style == "mean":
        style = {"color": colour, "linewidth": 1.4, "linestyle": ":"}
    else:
        style = {"color": "0.35", "linewidth": 2.2, "linestyle": "-"}
    ax.plot(xs, ys, zorder=2, **style)  # type: ignore[arg-type]
    return Line2D([], [], **style)  # type: ignore[arg-type]


def _draw_no_data(ax: Axes, text: str = "no data") -> None:
    ax.text(
        0.5,
        0.5,
        text,
        transform=ax.transAxes,
        ha="center",
        va="center",
        fontsize=16,
        color="0.45",
    )
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_color("0.85")


def _format_x(ax: Axes, periods: list[date], by: str, words: Words = ENGLISH) -> None:
    """Ticks on period starts, thinned to a nice step counted back from the latest period."""
    # About 1.25 labels an inch fit ("2026-W37" at 8.5 pt with a gap): narrower charts get fewer.
    width = ax.get_figure(root=True).get_figwidth()  # type: ignore[union-attr]
    fits = max(4, int(width * 1.25))
    step = _tick_step(len(periods), by, fits)
    # Anchored at the end: the latest period is the one a reader looks for.
    ticks = [float(d.toordinal()) for d in periods[::-1][::step]][::-1]
    ax.xaxis.set_major_locator(FixedLocator(ticks))
    ax.xaxis.set_major_formatter(
        FuncFormatter(lambda x, _pos: period_label(date.fromordinal(round(x)), by))
    )
    # Half a period of air on both sides so end markers are not cut by the axes.
    first, last = periods[0].toordinal(), periods[-1].toordinal()
    pad = {"day": 0.6, "week": 3.5, "month": 15.0}[by]
    ax.set_xlim(first - pad, last + pad)
    ax.set_xlabel({"day": "day", "week": words.x_week, "month": "month"}[by], color="0.3")
    ax.tick_params(axis="x", labelsize=8.5)


def _format_y(ax: Axes, metric: str, words: Words = ENGLISH) -> None:
    label = {"share": words.y_share, "active": words.y_active, "new": words.y_new}[metric]
    ax.set_ylabel(label, color="0.3")
    if metric == "share":
        ax.yaxis.set_major_formatter(PercentFormatter(xmax=1.0))
    else:
        ax.yaxis.set_major_locator(MaxNLocator(integer=metric == "new", nbins="auto"))
    # Counts and shares start at zero: a cut axis exaggerates small moves.
    _bottom, top = ax.get_ylim()
    ax.set_ylim(0.0, max(top, 1e-9))
    ax.tick_params(axis="y", labelsize=8.5)


def _draw_markers(ax: Axes, markers: Sequence[Marker], start: date, end: date) -> None:
    """Dotted vertical lines with a small rotated note at the top of the plot."""
    trans = blended_transform_factory(ax.transData, ax.transAxes)
    for marker in sorted(markers, key=lambda m: m.day):
        if not start <= marker.day < end:
            # Drawing it would stretch the x axis to a date with no data.
            log.debug("marker %s (%s) outside the chart, left out", marker.day, marker.text)
            continue
        x = float(marker.day.toordinal())
        ax.axvline(x, color="0.4", linestyle=":", linewidth=1.2, zorder=2)
        ax.text(
            x,
            0.98,
            _plain(marker.text),
            transform=trans,
            rotation=90,
            ha="right",
            va="top",
            fontsize=7.5,
            color="0.25",
            zorder=5,
            bbox={"facecolor": "white", "edgecolor": "none", "alpha": 0.75, "pad": 1.0},
        )


def period_label(day: date, by: str) -> str:
    """Tick label for the period starting on ``day``: 2026-05-04, 2026-W19 or 2026-05."""
    if by == "week":
        year, week, _ = day.isocalendar()
        return f"{year}-W{week:02d}"
    if by == "month":
        return f"{day.year}-{day.month:02d}"
    return day.isoformat()


def _tick_step(n: int, by: str, fits: int | None = None) -> int:
    limit = min(_MAX_TICKS[by], fits or _MAX_TICKS[by])
    for step in _NICE_STEPS[by]:
        if math.ceil(n / step) <= limit:
            return step
    return math.ceil(n / limit)


def _period_range(first: date, last: date, by: str) -> list[date]:
    """Every period start from ``first`` to ``last``, so ticks stay regular across gaps."""
    periods = []
    current = first
    while current <= last:
        periods.append(current)
        current = _period_end(current, by)
    return periods


def _period_end(start: date, by: str) -> date:
    """First day of the next period."""
    if by == "day":
        return start + timedelta(days=1)
    if by == "week":
        return start + timedelta(days=7)
    return date(start.year + start.month // 12, start.month % 12 + 1, 1)


def _has_value(p: Point) -> bool:
    return p.value is not None and math.isfinite(p.value)


def _value(p: Point) -> float:
    return float(p.value) if p.value is not None else math.nan


def _plain(text: str) -> str:
    # A term like "$5M" must print as typed, not start mathtext: matplotlib unescapes \$.
    return text.replace("$", r"\$")


def _lighten(colour: str, amount: float = 0.45) -> tuple[float, float, float]:
    """Blend ``colour`` towards white: a faded edge that is still the series' hue."""
    r, g, b = mcolors.to_rgb(colour)
    return (r + (1 - r) * amount, g + (1 - g) * amount, b + (1 - b) * amount)
