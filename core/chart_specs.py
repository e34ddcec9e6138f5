"""A chart as plain data: what ``static/js/charts.js`` draws with ECharts on screen and
``core.chart_images`` draws with matplotlib for Word files, from the same dict.

A spec knows no domain. Its text (title, axis names, labels, series names) is already in the
reader's language; numbers are plain ints. Shapes:

- ``bar`` (``stacked`` or side by side, ``horizontal`` for long category names) and ``line``:
  ``x.labels`` are the categories, each series has one number per category; ``marks`` shade
  ranges of categories (``{"from": i, "to": j, "label": ...}``: a vote's voided hours).
- ``heatmap``: ``x.labels`` by ``y.labels``, ``cells`` are ``[x, y, value]`` (absent: nothing due).

``empty`` is what to say where there is nothing to draw (no categories yet).
``table`` gives the same numbers as rows for the screen reader's table and for copying.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

Spec = dict[str, Any]

# Colours by meaning, the same on screen and on paper (contrast checked against white).
GOOD, WARN, BAD, NEUTRAL, ACCENT, MUTED = "#2e7d32", "#e08a00", "#c62828", "#1565c0", "#6a1b9a", "#78909c"
PALETTE = [NEUTRAL, GOOD, WARN, ACCENT, BAD, MUTED, "#00838f", "#8d6e63"]


def series_chart(
    *,
    title: str,
    x_name: str,
    y_name: str,
    labels: list[str],
    series: list[tuple[str, list[int]]],
    kind: str = "bar",
    stacked: bool = False,
    horizontal: bool = False,
    colors: list[str] | None = None,
    marks: list[dict] | None = None,
    focus: int | None = None,
) -> Spec:
    """A bar or line chart of ``series`` (name, one number per label) over ``labels``.
    ``focus``: the label a phone's narrow window should show (today's), else it shows the
    last labels with a number."""
    colors = colors or PALETTE
    for name, data in series:
        if len(data) != len(labels):
            raise ValueError(f"series {name!r} has {len(data)} values for {len(labels)} labels")
    return {
        "kind": kind,
        "title": str(title),
        "stacked": stacked,
        "horizontal": horizontal,
        "x": {"name": str(x_name), "labels": [str(label) for label in labels]},
        "y": {"name": str(y_name)},
        "series": [
            {"name": str(name), "data": [int(v) for v in data], "color": colors[i % len(colors)]}
            for i, (name, data) in enumerate(series)
        ],
        "marks": marks or [],
        "focus": focus,
        "empty": _("暂无数据。"),
    }


def heatmap(
    *, title: str, x_name: str, y_name: str, value_name: str, x_labels: list[str], y_labels: list[str], cells
) -> Spec:
    """``cells``: ``(x index, y index, value)`` for every cell that has a value."""
    return {
        "kind": "heatmap",
        "title": str(title),
        "x": {"name": str(x_name), "labels": [str(label) for label in x_labels]},
        "y": {"name": str(y_name), "labels": [str(label) for label in y_labels]},
        "value_name": str(value_name),
        "cells": [[int(x), int(y), int(v)] for x, y, v in cells],
        "colors": ["#c8e6c9", WARN, BAD],  # 0 (owed, all in on time) still differs from a blank cell
        "empty": _("暂无数据。"),
    }


def table(spec: Spec) -> dict[str, list]:
    """The spec's numbers as a table: a header row and one row per category (per ``y`` label
    for a heat map, its columns the ``x`` labels; an empty cell had nothing due)."""
    if spec["kind"] == "heatmap":
        grid = {(x, y): v for x, y, v in spec["cells"]}
        xs = spec["x"]["labels"]
        return {
            "headers": [spec["y"]["name"], *xs],
            "rows": [
                [name, *(grid.get((x, y), "") for x in range(len(xs)))]
                for y, name in enumerate(spec["y"]["labels"])
            ],
        }
    return {
        "headers": [spec["x"]["name"], *(s["name"] for s in spec["series"])],
        "rows": [
            [label, *(s["data"][i] for s in spec["series"])] for i, label in enumerate(spec["x"]["labels"])
        ],
    }


def with_table(spec: Spec) -> Spec:
    return {**spec, "table": table(spec)}
