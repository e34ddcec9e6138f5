"""The office's charts of the week (board and summary, on screen and in the .docx), drawn from
the week's summary (``selectors.summary.week_summary``) so every figure equals the summary's
and the board's: four queries however many events.

- ``reports``: event days per day, stacked on time / late / missing (``Board.filing``);
- ``media``: accepted photos and videos per day (in reports the office accepted);
- ``forms``: events held per day by form (an event of three days counts on each day);
- ``units``: a day × host unit heat map of event days filed late or missing (who is always late).

Titles and labels are in the active language (``core.chart_specs``).
"""

from __future__ import annotations

import datetime as dt

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from core.chart_specs import BAD, GOOD, NEUTRAL, WARN, Spec, heatmap, series_chart
from events.models import Event, Week

from ..states import DayState
from .summary import WeekSummary, week_summary

CHARTS = ("reports", "media", "forms", "units")


def day_label(day: dt.date) -> str:
    return date_format(day, _("n月j日"))


def reports_chart(summary: WeekSummary) -> Spec:
    days = summary.days
    return series_chart(
        title=_("每日报送情况"),
        x_name=_("日期"),
        y_name=_("份数"),
        labels=[day_label(item.day) for item in days],
        series=[
            (DayState.LABELS[DayState.ON_TIME], [item.tally.on_time for item in days]),
            (DayState.LABELS[DayState.LATE], [item.tally.late for item in days]),
            (DayState.LABELS[DayState.MISSING], [item.tally.missing for item in days]),
        ],
        stacked=True,
        colors=[GOOD, WARN, BAD],
    )


def media_chart(summary: WeekSummary) -> Spec:
    days = summary.days
    return series_chart(
        title=_("每日采用照片和视频"),
        x_name=_("日期"),
        y_name=_("个数"),
        labels=[day_label(item.day) for item in days],
        series=[
            (_("采用照片"), [item.tally.photos for item in days]),
            (_("采用视频"), [item.tally.videos for item in days]),
        ],
        colors=[NEUTRAL, GOOD],
    )


def forms_chart(summary: WeekSummary) -> Spec:
    days = summary.days
    counts = {form: [0] * len(days) for form in Event.Form.values}
    for index, item in enumerate(days):
        for row in item.board.all_rows:
            counts[row.event.form][index] += 1
    return series_chart(
        title=_("每日举办活动（按活动形式）"),
        x_name=_("日期"),
        y_name=_("场次"),
        labels=[day_label(item.day) for item in days],
        series=[(label, counts[form]) for form, label in Event.Form.choices],
        stacked=True,
    )


def units_chart(summary: WeekSummary) -> Spec:
    """Late plus missing event days per host unit and day; a cell is left out where the unit
    owed nothing that day (or nothing is due yet)."""
    days = summary.days
    cells: dict[tuple[int, int], int] = {}
    names: dict[int, str] = {}
    for x, item in enumerate(days):
        for row in item.board.all_rows:
            if row.state in (DayState.NOT_STARTED, DayState.DRAFT):
                continue  # not due yet
            names[row.event.host_id] = row.event.host.name
            key = (x, row.event.host_id)
            late = row.state == DayState.MISSING or (row.report is not None and row.report.is_late)
            cells[key] = cells.get(key, 0) + int(late)
    units = sorted(names, key=lambda pk: names[pk])
    position = {pk: y for y, pk in enumerate(units)}
    return heatmap(
        title=_("各单位每日逾期及未报送"),
        x_name=_("日期"),
        y_name=_("主办单位"),
        value_name=_("逾期及未报送（份）"),
        x_labels=[day_label(item.day) for item in days],
        y_labels=[names[pk] for pk in units],
        cells=sorted((x, position[pk], value) for (x, pk), value in cells.items()),
    )


BUILDERS = {"reports": reports_chart, "media": media_chart, "forms": forms_chart, "units": units_chart}


def week_chart(name: str, *, week: Week, now: dt.datetime) -> Spec:
    """One chart of the week as it stands at ``now``. Four queries (the summary's)."""
    return BUILDERS[name](week_summary(week=week, now=now))


def week_charts(summary: WeekSummary) -> list[Spec]:
    """Every chart of an already read summary, in ``CHARTS`` order (no query)."""
    return [BUILDERS[name](summary) for name in CHARTS]
