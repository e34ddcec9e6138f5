"""Charts drawn server-side for Word: the week's summary .docx holds the office's charts as
pictures that are not blank, and Chinese labels are drawn with a font that has every glyph
(no "tofu" boxes)."""

from __future__ import annotations

import io

import matplotlib
import pytest
import time_machine
from django.urls import reverse
from docx import Document
from fontTools.ttLib import TTFont
from matplotlib import font_manager
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from PIL import Image

from core.chart_images import FONT_PATH, chart_png, font_families
from core.chart_specs import heatmap, series_chart
from submissions.selectors.charts import CHARTS, week_chart
from tests import factories
from tests.charts.conftest import AFTER_WEEK

pytestmark = pytest.mark.django_db


def _pixels_drawn(png: bytes) -> int:
    """How many pixels are neither white nor near it."""
    image = Image.open(io.BytesIO(png)).convert("L")
    return sum(count for value, count in enumerate(image.histogram()) if value < 200)


def test_summary_docx_embeds_the_charts(client, demo_week):
    client.force_login(factories.office_user())
    with time_machine.travel(AFTER_WEEK, tick=False):
        response = client.get(reverse("board:summary_docx"))
    assert response.status_code == 200
    doc = Document(io.BytesIO(response.content))
    assert len(doc.inline_shapes) == len(CHARTS)
    captions = [p.text for p in doc.paragraphs if p.text.startswith("图")]
    assert captions == [
        "图1  每日报送情况",
        "图2  每日采用照片和视频",
        "图3  每日举办活动（按活动形式）",
        "图4  各单位每日逾期及未报送",
    ]
    pictures = [part for name, part in doc.part.related_parts.items() if "image" in part.content_type]
    assert len(pictures) == len(CHARTS)
    for part in pictures:
        image = Image.open(io.BytesIO(part.blob))
        assert image.format == "PNG" and image.width > 800
        assert _pixels_drawn(part.blob) > 0.02 * image.width * image.height  # bars and text, not blank


def test_the_vendored_font_has_every_character_of_the_charts(demo_week):
    """Every character of the demo week's chart text (titles, axes, days, unit names) is in the
    subset font, and matplotlib draws with that font first."""
    cmap = TTFont(FONT_PATH).getBestCmap()
    text = ""
    with time_machine.travel(AFTER_WEEK, tick=False):
        for name in CHARTS:
            spec = week_chart(name, week=demo_week, now=AFTER_WEEK)
            text += spec["title"] + spec["x"]["name"] + spec["y"]["name"] + "".join(spec["x"]["labels"])
            text += "".join(spec["y"].get("labels", [])) + "".join(s["name"] for s in spec.get("series", []))
    assert "昆山市自主创业者联谊会" in text and "逾期" in text
    missing = sorted({char for char in text if ord(char) not in cmap})
    assert missing == []
    first = font_families()[0]
    assert first == "Noto Sans CJK SC Subset"
    assert font_manager.findfont(font_manager.FontProperties(family=first), fallback_to_default=False) == str(
        FONT_PATH
    )


def _label_png(text: str, families: list[str]) -> bytes:
    figure = Figure(figsize=(2, 0.5), dpi=100)
    FigureCanvasAgg(figure)
    with matplotlib.rc_context({"font.family": families}):
        figure.text(0.05, 0.3, text, fontsize=14)
        out = io.BytesIO()
        figure.savefig(out, format="png", facecolor="white")
    return out.getvalue()


def test_a_rendered_chinese_label_is_not_tofu():
    """A font without the characters draws the same box for each of them; the chart's fonts
    draw two different characters differently, and differently from those boxes."""
    boxes = [_label_png(char, ["DejaVu Sans"]) for char in "活动"]
    assert boxes[0] == boxes[1]  # what tofu looks like: one box for any character
    drawn = [_label_png(char, font_families()) for char in "活动"]
    assert drawn[0] != drawn[1] and boxes[0] not in drawn
    assert all(_pixels_drawn(png) > 0 for png in drawn)
    spec = series_chart(
        title="活动周每日报送",
        x_name="日期",
        y_name="份数",
        labels=["九月", "十月"],
        series=[("按时报送", [1, 2])],
    )
    assert _pixels_drawn(chart_png(spec, width_cm=8, height_cm=5, dpi=100)) > 0
    assert len(TTFont(FONT_PATH).getGlyphOrder()) > 7000
    assert FONT_PATH.stat().st_size < 4 * 1024 * 1024  # a few MB at most


def test_a_chart_with_nothing_to_draw_says_so():
    """An empty week (no unit owed a report yet): a picture with the text, no error."""
    spec = heatmap(
        title="各单位每日逾期及未报送",
        x_name="日期",
        y_name="主办单位",
        value_name="份",
        x_labels=["9月1日"],
        y_labels=[],
        cells=[],
    )
    assert spec["empty"] == "暂无数据。"
    assert _pixels_drawn(chart_png(spec, width_cm=8, height_cm=5, dpi=100)) > 0
    empty_bars = series_chart(
        title="每日报送情况", x_name="日期", y_name="份数", labels=[], series=[("按时报送", [])]
    )
    assert _pixels_drawn(chart_png(empty_bars, width_cm=8, height_cm=5, dpi=100)) > 0
