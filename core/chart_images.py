"""A chart spec (``core.chart_specs``) drawn as a PNG with matplotlib, for Word files that
leaders open without a browser.

Chinese is drawn with the vendored subset of Noto Sans CJK SC
(``static/vendor/fonts/``: ASCII, punctuation, the 6,763 GB2312 hanzi and the demo's unit
names), so labels never come out as boxes on a server without CJK fonts; a character outside
the subset falls back to the system's Noto Sans CJK when it is installed. Figures are drawn on
matplotlib's ``Figure`` with the Agg canvas (no pyplot, no global state), so threads may draw
at once.
"""

from __future__ import annotations

import functools
import io
from pathlib import Path

import matplotlib
from django.conf import settings
from matplotlib import font_manager
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import LinearSegmentedColormap
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from .chart_specs import Spec

FONT_PATH = Path(settings.BASE_DIR) / "static" / "vendor" / "fonts" / "NotoSansCJKsc-Regular-subset.otf"
# Tried in order for a character the subset lacks.
FALLBACK_FONTS = (
    Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"),
    Path("/usr/share/fonts/opentype/noto/NotoSansCJKsc-Regular.otf"),
)
# A4 with 2.5 cm margins leaves 16 cm: a figure of 15.5 cm fits the text width.
WIDTH_CM, HEIGHT_CM, DPI = 15.5, 8.0, 150
MAX_HEIGHT_CM = 22.0


@functools.cache
def font_families() -> list[str]:
    """The families matplotlib tries, in order: the vendored subset, installed fallbacks."""
    families = []
    for path in (FONT_PATH, *FALLBACK_FONTS):
        if path.exists():
            font_manager.fontManager.addfont(str(path))
            name = font_manager.FontProperties(fname=str(path)).get_name()
            if name not in families:
                families.append(name)
    return [*families, "DejaVu Sans"]


def chart_png(
    spec: Spec, *, width_cm: float = WIDTH_CM, height_cm: float | None = None, dpi: int = DPI
) -> bytes:
    """The PNG bytes of ``spec`` at ``width_cm`` × ``height_cm`` (by default ``HEIGHT_CM``; a
    heat map grows with its rows, up to the height of an A4 page's text)."""
    if height_cm is None:
        rows = len(spec["y"].get("labels") or []) if spec["kind"] == "heatmap" else 0
        height_cm = min(MAX_HEIGHT_CM, max(HEIGHT_CM, 3 + 0.5 * rows))
    inch = 2.54
    figure = Figure(figsize=(width_cm / inch, height_cm / inch), dpi=dpi, layout="constrained")
    FigureCanvasAgg(figure)
    with _fonts():
        axes = figure.add_subplot()
        if not spec["x"]["labels"] or (spec["kind"] == "heatmap" and not spec["y"]["labels"]):
            axes.set_axis_off()
            axes.text(0.5, 0.5, spec.get("empty", ""), ha="center", va="center", fontsize=11, color="#555")
        elif spec["kind"] == "heatmap":
            _heatmap(figure, axes, spec)
        else:
            _series(axes, spec)
        figure.suptitle(spec["title"], fontsize=11, x=0.01, ha="left")
        out = io.BytesIO()
        figure.savefig(out, format="png", facecolor="white")
    return out.getvalue()


def _fonts():
    return matplotlib.rc_context(
        {"font.family": font_families(), "font.size": 8, "axes.unicode_minus": False, "svg.fonttype": "none"}
    )


def _series(axes, spec: Spec) -> None:
    labels = spec["x"]["labels"]
    positions = list(range(len(labels)))
    count = max(1, len(spec["series"]))
    bottom = [0] * len(labels)
    width = 0.8 if spec.get("stacked") or count == 1 else 0.8 / count
    horizontal = spec.get("horizontal")
    for mark in spec.get("marks", []):
        span = (mark["from"] - 0.5, mark["to"] + 0.5)
        (axes.axhspan if horizontal else axes.axvspan)(*span, color="#eceff1", zorder=0)
    for index, series in enumerate(spec["series"]):
        data, color = series["data"], series.get("color")
        if spec["kind"] == "line":
            axes.plot(positions, data, label=series["name"], color=color, marker="o", markersize=2)
            continue
        if spec.get("stacked"):
            where, base = positions, bottom
        else:
            where, base = [p - 0.4 + width * (index + 0.5) for p in positions], None
        if horizontal:
            axes.barh(where, data, height=width, left=base, label=series["name"], color=color)
        else:
            axes.bar(where, data, width=width, bottom=base, label=series["name"], color=color)
        if spec.get("stacked"):
            bottom = [b + v for b, v in zip(bottom, data, strict=True)]
    value_axis, category_axis = (axes.xaxis, axes.yaxis) if horizontal else (axes.yaxis, axes.xaxis)
    value_axis.get_major_locator().set_params(integer=True)
    step = _label_step(labels)
    category_axis.set_ticks(positions[::step], labels[::step])
    if horizontal:
        axes.invert_yaxis()
        axes.set_xlabel(spec["y"]["name"])
        axes.set_ylabel(spec["x"]["name"])
    else:
        axes.set_xlabel(spec["x"]["name"])
        axes.set_ylabel(spec["y"]["name"])
        if len(labels) > 8:
            axes.tick_params(axis="x", labelrotation=60)
    axes.spines[["top", "right"]].set_visible(False)
    handles, names = axes.get_legend_handles_labels()
    for mark in spec.get("marks", [])[:1]:
        handles.append(Patch(color="#eceff1"))
        names.append(mark["label"])
    if len(names) > 1:
        # Under the plot: never over the bars or the title, however many series.
        axes.figure.legend(
            handles, names, fontsize=7, frameon=False, ncols=min(7, len(names)), loc="outside lower center"
        )


def _label_step(labels: list[str]) -> int:
    """Every label up to twelve, then every other (a month of days), every third..."""
    return max(1, -(-len(labels) // 12))


def _heatmap(figure, axes, spec: Spec) -> None:
    xs, ys = spec["x"]["labels"], spec["y"]["labels"]
    grid = [[float("nan")] * len(xs) for _ in ys]
    for x, y, value in spec["cells"]:
        grid[y][x] = value
    top = max([v for _, _, v in spec["cells"]] or [1]) or 1
    colormap = LinearSegmentedColormap.from_list(
        "chart", spec.get("colors") or ["#ffffff", "#c62828"]
    ).with_extremes(bad="#ffffff")
    image = axes.imshow(grid, aspect="auto", cmap=colormap, vmin=0, vmax=top, interpolation="nearest")
    step = _label_step(xs)
    axes.set_xticks(range(0, len(xs), step), xs[::step], rotation=60 if len(xs) > 8 else 0)
    axes.set_yticks(range(len(ys)), ys)
    axes.set_xlabel(spec["x"]["name"])
    bar = figure.colorbar(image, ax=axes, shrink=0.8)
    bar.set_label(spec["value_name"])
    bar.ax.yaxis.get_major_locator().set_params(integer=True)
