"""Tests for reports.charts: files written, Korean rendered without warnings, errors named."""

from __future__ import annotations

import itertools
import logging
import threading
import warnings
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import matplotlib
import matplotlib.image
import numpy as np
import pytest

from monitor.errors import UsageError
from reports import charts, fonts, palette
from reports.charts import Marker, Point, Series, period_label, render_chart

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
MONDAY = date(2025, 12, 29)  # ISO 2026-W01


def weekly(
    n: int,
    *,
    start: date = MONDAY,
    base: float = 0.05,
    partial_last: bool = False,
    too_few_every: int = 0,
    gap_at: int | None = None,
) -> tuple[Point, ...]:
    points = []
    for i in range(n):
        value = base + 0.001 * i
        points.append(
            Point(
                start + timedelta(weeks=i),
                None if i == gap_at else value,
                low=value * 0.7,
                high=value * 1.3,
                partial=partial_last and i == n - 1,
                too_few=bool(too_few_every) and i % too_few_every == 0,
            )
        )
    return tuple(points)


def korean_series() -> list[Series]:
    return [
        Series("멀티모달 LLM", weekly(26, partial_last=True, gap_at=7)),
        Series("자율주행", weekly(26, base=0.01, partial_last=True, too_few_every=3)),
    ]


KOREAN_MARKERS = (
    Marker(date(2026, 3, 4), "source added: wanted"),
    Marker(date(2026, 5, 11), "saramin 수집 중단"),
)


def glyph_warnings(caught: list[warnings.WarningMessage]) -> list[str]:
    return [str(w.message) for w in caught if "Glyph" in str(w.message)]


@pytest.fixture
def fresh_fonts() -> Iterator[None]:
    """Reset the cached font lookup around a test that fakes a missing font."""
    fonts.font_families.cache_clear()
    yield
    fonts.font_families.cache_clear()


# --- fonts -----------------------------------------------------------------------------


def test_find_korean_font_returns_existing_files() -> None:
    regular = fonts.find_korean_font()
    bold = fonts.find_korean_font(bold=True)
    assert regular is not None and regular.is_file() and regular.name == "NanumGothic.ttf"
    assert bold is not None and bold.is_file() and bold.name == "NanumGothicBold.ttf"
    assert regular.parent.parent.name == "koreanize_matplotlib"


def test_font_families_put_dejavu_first_then_nanum() -> None:
    assert fonts.font_families() == ("DejaVu Sans", "NanumGothic")
    assert fonts.has_korean_font()
    # Registering is idempotent: calling again after a cache reset adds no duplicates.
    fonts.font_families.cache_clear()
    fonts.font_families()
    from matplotlib import font_manager

    regular = str(fonts.find_korean_font())
    assert sum(entry.fname == regular for entry in font_manager.fontManager.ttflist) == 1


def test_bold_hangul_resolves_without_weight_fallback(caplog: pytest.LogCaptureFixture) -> None:
    from matplotlib import font_manager

    fonts.font_families()
    with caplog.at_level(logging.WARNING, logger="matplotlib.font_manager"):
        path = font_manager.findfont(
            font_manager.FontProperties(family="NanumGothic", weight="bold")
        )
    assert Path(path).name == "NanumGothicBold.ttf"
    assert not [r for r in caplog.records if "Failed to find font weight" in r.getMessage()]


def test_package_is_not_imported() -> None:
    # Importing koreanize_matplotlib would rewrite the global rcParams.
    import sys

    fonts.font_families()
    assert "koreanize_matplotlib" not in sys.modules
    assert "NanumGothic" not in matplotlib.rcParams["font.family"]


def test_missing_font_warns_once_and_still_renders(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    fresh_fonts: None,
) -> None:
    monkeypatch.setattr(fonts, "find_korean_font", lambda *, bold=False: None)
    with caplog.at_level(logging.WARNING, logger="reports.fonts"):
        for name in ("a.png", "b.svg"):
            out = render_chart(
                korean_series(), tmp_path / name, title="멀티모달 추세", metric="share"
            )
            assert out.stat().st_size > 0
    messages = [r.getMessage() for r in caplog.records if r.name == "reports.fonts"]
    assert len(messages) == 1 and "koreanize-matplotlib" in messages[0]


def test_find_korean_font_without_package(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fonts.importlib.util, "find_spec", lambda name: None)
    assert fonts.find_korean_font() is None


# --- output files ----------------------------------------------------------------------


def test_png_with_korean_labels_has_no_glyph_warning(tmp_path: Path) -> None:
    out = tmp_path / "trend.png"
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = render_chart(
            korean_series(),
            out,
            title="채용 추세: 멀티모달 LLM · 자율주행",
            metric="share",
            markers=KOREAN_MARKERS,
            subtitle="share of all jobs · 국가: KR",
        )
    assert glyph_warnings(caught) == []
    assert result == out
    data = out.read_bytes()
    assert data[:8] == PNG_MAGIC
    assert 20_000 < len(data) < 2_000_000
    image = matplotlib.image.imread(out)
    height, width = image.shape[:2]
    assert (width, height) == (1500, 840)


def test_svg_with_korean_labels_contains_title(tmp_path: Path) -> None:
    out = tmp_path / "trend.svg"
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        render_chart(
            korean_series(),
            out,
            title="자율주행 채용 추세",
            metric="active",
            markers=KOREAN_MARKERS,
        )
    assert glyph_warnings(caught) == []
    text = out.read_text(encoding="utf-8")
    assert "<svg" in text
    # Text is drawn as paths (self-contained for mail clients); matplotlib keeps the
    # string as a comment next to its glyphs.
    assert "자율주행 채용 추세" in text
    assert "멀티모달 LLM" in text
    assert "<path" in text


def test_svg_is_reproducible(tmp_path: Path) -> None:
    a, b = tmp_path / "a.svg", tmp_path / "b.svg"
    for out in (a, b):
        render_chart(korean_series(), out, title="추세", metric="share")
    assert a.read_bytes() == b.read_bytes()


def test_uppercase_suffix_is_accepted(tmp_path: Path) -> None:
    out = render_chart(korean_series(), tmp_path / "TREND.PNG", title="t", metric="new")
    assert out.read_bytes()[:8] == PNG_MAGIC


@pytest.mark.parametrize("name", ["trend.jpg", "trend.pdf", "trend", "trend.png.txt"])
def test_bad_suffix_is_usage_error(tmp_path: Path, name: str) -> None:
    with pytest.raises(UsageError, match=r"must end in \.png or \.svg"):
        render_chart(korean_series(), tmp_path / name, title="t", metric="share")
    assert not (tmp_path / name).exists()


def test_missing_directory_is_usage_error(tmp_path: Path) -> None:
    missing = tmp_path / "no" / "such"
    with pytest.raises(UsageError, match="does not exist") as info:
        render_chart(korean_series(), missing / "trend.png", title="t", metric="share")
    assert str(missing) in str(info.value)
    assert not missing.exists()


def test_directory_as_output_is_usage_error(tmp_path: Path) -> None:
    (tmp_path / "trend.png").mkdir()
    with pytest.raises(UsageError, match="is a directory"):
        render_chart(korean_series(), tmp_path / "trend.png", title="t", metric="share")


@pytest.mark.parametrize(("metric", "by"), [("ratio", "week"), ("share", "year")])
def test_bad_metric_or_period_is_usage_error(tmp_path: Path, metric: str, by: str) -> None:
    with pytest.raises(UsageError, match="must be one of"):
        render_chart(korean_series(), tmp_path / "t.png", title="t", metric=metric, by=by)


@pytest.mark.parametrize(
    "series",
    [
        [],
        [Series("멀티모달 LLM", ())],
        [Series("자율주행", (Point(MONDAY, None), Point(MONDAY + timedelta(weeks=1), None)))],
    ],
    ids=["no-series", "no-points", "all-none"],
)
@pytest.mark.parametrize("suffix", [".png", ".svg"])
def test_empty_input_writes_no_data_chart(
    tmp_path: Path, series: list[Series], suffix: str
) -> None:
    out = tmp_path / f"empty{suffix}"
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        render_chart(series, out, title="데이터 없음", metric="share", markers=KOREAN_MARKERS)
    assert glyph_warnings(caught) == []
    assert out.stat().st_size > 0
    if suffix == ".svg":
        assert "no data" in out.read_text(encoding="utf-8")


def test_dollar_sign_is_not_mathtext(tmp_path: Path) -> None:
    series = [Series("$5M 연봉 $ 이상", weekly(4)), Series("C++ $", weekly(4, base=0.02))]
    out = render_chart(series, tmp_path / "dollar.svg", title="$ and $$ in a title", metric="share")
    text = out.read_text(encoding="utf-8")
    assert "$5M 연봉 $ 이상" in text


def test_concurrent_renders(tmp_path: Path) -> None:
    errors: list[BaseException] = []

    def work(i: int) -> None:
        try:
            render_chart(korean_series(), tmp_path / f"c{i}.png", title=f"동시 {i}", metric="share")
        except BaseException as exc:  # reported below, a thread cannot raise into pytest
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert all((tmp_path / f"c{i}.png").read_bytes()[:8] == PNG_MAGIC for i in range(3))


def test_render_leaves_global_rcparams_alone(tmp_path: Path) -> None:
    before = dict(matplotlib.rcParams)
    render_chart(korean_series(), tmp_path / "t.png", title="추세", metric="share")
    assert dict(matplotlib.rcParams) == before


# --- what is drawn ---------------------------------------------------------------------


def build(series: list[Series], **kwargs: object) -> matplotlib.figure.Figure:
    args: dict[str, object] = {
        "title": "추세",
        "metric": "share",
        "by": "week",
        "markers": (),
        "subtitle": None,
    }
    args.update(kwargs)
    with matplotlib.rc_context({"font.family": list(fonts.font_families())}):
        fig = charts._build_figure(series, **args)  # type: ignore[arg-type]
        fig.canvas.draw()
    return fig


def legend_texts(fig: matplotlib.figure.Figure) -> list[str]:
    return [t.get_text() for legend in fig.legends for t in legend.get_texts()]


def axes_texts(fig: matplotlib.figure.Figure) -> list[str]:
    return [t.get_text() for t in fig.axes[0].texts]


def test_partial_too_few_and_band_are_explained_in_legend() -> None:
    fig = build(korean_series())
    texts = legend_texts(fig)
    assert texts[:2] == ["멀티모달 LLM", "자율주행"]
    assert any("fewer than 5 jobs" in t for t in texts)
    assert any("still running" in t for t in texts)
    assert any("95% interval" in t for t in texts)


def test_legend_notes_only_for_encodings_used() -> None:
    plain = (Point(MONDAY, 3.0), Point(MONDAY + timedelta(weeks=1), 4.0))
    texts = legend_texts(build([Series("LLM", plain)], metric="active"))
    assert texts == ["LLM"]


def test_partial_point_gets_dashed_segment() -> None:
    fig = build([Series("LLM", weekly(5, partial_last=True))])
    dashed = [line for line in fig.axes[0].get_lines() if line.get_linestyle() == "--"]
    assert len(dashed) == 1
    xs = [float(x) for x in np.asarray(dashed[0].get_xdata())]
    assert xs == [
        (MONDAY + timedelta(weeks=3)).toordinal(),
        (MONDAY + timedelta(weeks=4)).toordinal(),
    ]


def test_markers_inside_range_drawn_outside_left_out() -> None:
    markers = [
        Marker(date(2026, 2, 2), "source added: wanted"),
        Marker(date(2020, 1, 1), "long ago"),
        Marker(date(2030, 1, 1), "far future"),
    ]
    fig = build(korean_series(), markers=markers)
    assert axes_texts(fig) == ["source added: wanted"]
    low, high = fig.axes[0].get_xlim()
    assert low > date(2025, 12, 1).toordinal() and high < date(2026, 8, 1).toordinal()


def test_share_axis_in_percent_counts_labelled() -> None:
    share = build(korean_series())
    labels = [t.get_text() for t in share.axes[0].get_yticklabels() if t.get_text()]
    assert labels and all(label.endswith("%") for label in labels)
    assert share.axes[0].get_ylim()[0] == 0.0
    assert build(korean_series(), metric="active").axes[0].get_ylabel() == (
        "jobs active (daily mean)"
    )
    assert build(korean_series(), metric="new").axes[0].get_ylabel() == "new jobs"


def test_104_weeks_are_thinned_and_latest_is_labelled() -> None:
    fig = build([Series("LLM", weekly(104))])
    labels = [t.get_text() for t in fig.axes[0].get_xticklabels()]
    assert 4 <= len(labels) <= 12
    assert labels[-1] == period_label(MONDAY + timedelta(weeks=103), "week")
    assert all(label.startswith("20") and "-W" in label for label in labels)


def test_month_and_day_ticks() -> None:
    months = tuple(Point(date(2024 + m // 12, m % 12 + 1, 1), 0.1) for m in range(30))
    labels = [
        t.get_text() for t in build([Series("m", months)], by="month").axes[0].get_xticklabels()
    ]
    assert labels[-1] == "2026-06" and len(labels) <= 12
    days = tuple(Point(date(2026, 5, 1) + timedelta(days=d), 0.1) for d in range(60))
    labels = [t.get_text() for t in build([Series("d", days)], by="day").axes[0].get_xticklabels()]
    assert labels[-1] == "2026-06-29" and len(labels) <= 9


@pytest.mark.parametrize(
    ("day", "by", "label"),
    [
        (date(2025, 12, 29), "week", "2026-W01"),  # ISO year differs from calendar year
        (date(2026, 2, 2), "week", "2026-W06"),
        (date(2026, 5, 1), "month", "2026-05"),
        (date(2026, 5, 3), "day", "2026-05-03"),
    ],
)
def test_period_label(day: date, by: str, label: str) -> None:
    assert period_label(day, by) == label


def test_empty_chart_says_no_data() -> None:
    fig = build([])
    assert axes_texts(fig) == ["no data"]
    assert fig.legends == []


def test_a_term_keeps_its_colour_whatever_the_company() -> None:
    keys = ["llm", "multimodal_llm", "autonomous_driving", "medical"]
    alone = palette.term_colours(["medical"], keys)
    together = palette.term_colours(["VLM", "llm", "medical"], keys)
    assert alone["medical"] == together["medical"] == palette.PALETTE[3]
    assert together["llm"] == palette.PALETTE[0]
    assert together["VLM"] not in {together["llm"], together["medical"]}


def test_a_series_of_too_few_jobs_is_named_not_drawn() -> None:
    few = tuple(Point(MONDAY + timedelta(weeks=i), 0.01, too_few=True) for i in range(5))
    fig = build([Series("LLM", weekly(5)), Series("의료", few)])
    assert "의료: too few jobs to draw" in legend_texts(fig)
    words = charts.Words(too_little="표본 부족")
    fig = build([Series("의료", few)], words=words)
    assert any("표본 부족" in t.get_text() for t in fig.axes[0].texts)


def test_twelve_week_labels_do_not_overlap() -> None:
    # The report's charts show 12 weeks at its size: their "2026-W37" labels must be readable.
    from reports.figures import SIZE

    fig = build([Series("LLM", weekly(12))], size=SIZE)
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    boxes = [t.get_window_extent(renderer) for t in fig.axes[0].get_xticklabels() if t.get_text()]
    assert len(boxes) >= 4
    for left, right in itertools.pairwise(boxes):
        # At least a line's height apart: labels 1 px apart read as one "2026-W372026-W38".
        assert right.x0 - left.x1 >= left.height, "neighbouring week labels run together"
