"""The report's three charts, drawn from ``reports.content``: share, active jobs, and Korea
against elsewhere as small multiples. Each term keeps its colour in all three.

PNG at 1,200 px wide (8 in at 150 dpi): sharp in a 600 px e-mail column on a 2x screen. SVG
on request (``fmt="svg"``).
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

import matplotlib
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from monitor.numbers.periods import parse_bound
from monitor.numbers.shares import Row
from reports import charts
from reports.charts import Marker, Point, Series, render_chart
from reports.content import ReportContent
from reports.fonts import font_families, has_korean_font
from reports.picture import Picture
from reports.words import CHART_TEXT, words

SIZE = (8.0, 4.6)  # inches: 1200 x 690 px at 150 dpi


def points(rows: Sequence[Row], metric: str) -> tuple[Point, ...]:
    out = []
    for row in rows:
        value = {"share": row.share, "active": row.active, "total": row.jobs_total}[metric]
        out.append(
            Point(
                period=parse_bound(row.period, "period")[0],
                value=value,
                low=row.share_low if metric == "share" else None,
                high=row.share_high if metric == "share" else None,
                partial=row.partial,
                too_few=row.too_few and metric != "total",
            )
        )
    return tuple(out)


def rolling_mean(rows: Sequence[Row], weeks: int = 4) -> tuple[Point, ...]:
    """The mean share of each week and the ``weeks - 1`` before it (from the 4th week on)."""
    out = []
    for i in range(weeks - 1, len(rows)):
        window = [r.share for r in rows[i - weeks + 1 : i + 1]]
        if any(v is None for v in window):
            continue
        mean = sum(v or 0.0 for v in window) / weeks
        out.append(Point(parse_bound(rows[i].period, "period")[0], mean))
    return tuple(out)


def chart_markers(content: ReportContent) -> list[Marker]:
    """One marker per day and event, naming every source it concerns (several boards added
    on one day would otherwise draw their notes on top of each other)."""
    w = words(content.language)
    grouped: dict[tuple[date, str], list[str]] = {}
    for m in content.markers:
        grouped.setdefault((m.day, m.event), []).append(m.source)
    return [
        Marker(day, w[f"marker_{event}"].format(name=", ".join(names)))
        for (day, event), names in sorted(grouped.items())
    ]


def draw(content: ReportContent, out_dir: Path, fmt: str = "png") -> list[Picture]:
    """Write the three charts into ``out_dir``; return them in the report's order."""
    w = words(content.language)
    chart_words = charts.Words(**CHART_TEXT[content.language])
    markers = chart_markers(content)
    subtitle = f"{content.period.label} · {content.generated_at:%Y-%m-%d}"
    pictures = []

    share: list[Series] = []
    for term in content.terms:
        share.append(Series(term.label, points(term.rows, "share"), colour=term.colour))
        mean = rolling_mean(term.rows)
        if mean and not all(r.too_few for r in term.rows):
            label = w["mean4"].format(label=term.label)
            share.append(Series(label, mean, colour=term.colour, style="mean"))
    path = out_dir / f"share.{fmt}"
    render_chart(
        share,
        path,
        title=w["chart_share"],
        metric="share",
        markers=markers,
        subtitle=subtitle,
        size=SIZE,
        words=chart_words,
    )
    pictures.append(Picture(path.name, path, w["chart_share"], w["chart_share"]))

    active = [Series(t.label, points(t.rows, "active"), colour=t.colour) for t in content.terms]
    active.append(Series(w["all_jobs"], points(content.totals, "total"), style="total"))
    path = out_dir / f"active.{fmt}"
    render_chart(
        active,
        path,
        title=w["chart_active"],
        metric="active",
        markers=markers,
        subtitle=subtitle,
        size=SIZE,
        words=chart_words,
    )
    pictures.append(Picture(path.name, path, w["chart_active"], w["chart_active"]))

    path = out_dir / f"regions.{fmt}"
    draw_regions(content, path)
    pictures.append(Picture(path.name, path, w["chart_regions"], w["chart_regions"]))
    return pictures


def draw_regions(content: ReportContent, out: Path) -> Path:
    """Small multiples: one panel per term, Korea solid and elsewhere dashed in its colour."""
    w = words(content.language)
    chart_words = charts.Words(**CHART_TEXT[content.language])
    n = len(content.terms)
    cols = 2 if n > 1 else 1
    rows = math.ceil(n / cols)
    with charts._render_lock:
        rc = matplotlib.rc_context(
            {
                "font.family": list(font_families()),
                "axes.unicode_minus": True,
                "svg.fonttype": "path",
                "svg.hashsalt": "jobtrend",
            }
        )
        with rc, warnings.catch_warnings():
            if not has_korean_font():
                warnings.filterwarnings("ignore", message=charts._GLYPH_WARNING)
            height = 1.0 + 2.3 * rows
            # Fixed margins, in inches (the panels' contents vary little): a constrained
            # layout measured every label of six panels twice, half of the chart's time.
            fig = Figure(figsize=(SIZE[0], height), dpi=charts.DPI)
            fig.subplots_adjust(
                left=0.75 / SIZE[0],
                right=1 - 0.4 / SIZE[0],
                top=1 - 0.62 / height,
                bottom=0.95 / height,
                hspace=0.32,
                wspace=0.2,
            )
            FigureCanvasAgg(fig)
            fig.suptitle(charts._plain(w["chart_regions"]), fontsize=13, fontweight="bold")
            axes = fig.subplots(rows, cols, squeeze=False, sharex=True)
            # The weeks with data: 26 weeks of axis around 8 weeks of history is mostly empty.
            labels = {r.period for t in content.terms for r in t.rows}
            periods = [p.start for p in content.weeks if p.label in labels] or [
                p.start for p in content.weeks
            ]
            styles: dict[str, Any] = {"kr": "-", "elsewhere": "--"}
            for index, term in enumerate(content.terms):
                ax = axes[index // cols][index % cols]
                ax.set_title(charts._plain(term.label), fontsize=10, color=term.colour)
                drawn = False
                for region, style in styles.items():
                    pts = [p for p in points(term.regions[region], "share") if p.value is not None]
                    if not pts or all(p.too_few for p in pts):
                        continue
                    xs = [float(p.period.toordinal()) for p in pts]
                    ys = [p.value for p in pts]
                    ax.plot(xs, ys, color=term.colour, linestyle=style, linewidth=1.8)
                    drawn = True
                if not drawn:
                    ax.text(
                        0.5,
                        0.5,
                        chart_words.too_little,
                        transform=ax.transAxes,
                        ha="center",
                        va="center",
                        color="0.45",
                    )
                charts._format_x(ax, periods, "week", chart_words)
                charts._format_y(ax, "share", chart_words)
                ax.set_xlabel("")
                ax.set_ylabel("")
                ax.tick_params(axis="x", labelsize=7, rotation=30)
                ax.grid(True, color="0.9", linewidth=0.7)
                for side in ("top", "right"):
                    ax.spines[side].set_visible(False)
                # Fewer date labels in a narrow panel.
                ticks = ax.get_xticks()
                ax.set_xticks(ticks[::2] if len(ticks) > 6 else ticks)
            for index in range(n, rows * cols):
                axes[index // cols][index % cols].set_visible(False)
                # The panel above the empty place is its column's last: it shows the weeks.
                above = axes[index // cols - 1][index % cols]
                above.tick_params(axis="x", labelbottom=True)
            handles = [Line2D([], [], color="0.3", linestyle=s) for s in styles.values()]
            fig.legend(
                handles,
                [w[r] for r in styles],
                loc="lower center",
                bbox_to_anchor=(0.5, 0.05 / height),
                ncols=2,
                frameon=False,
                fontsize=9,
            )
            fmt = charts.FORMATS[out.suffix.lower()]
            metadata: dict[str, Any] = {"Date": None} if fmt == "svg" else {}
            fig.savefig(out, format=fmt, dpi=charts.DPI, metadata=metadata, facecolor="white")
    return out
