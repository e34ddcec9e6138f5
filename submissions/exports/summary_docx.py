"""The office's written summary after the week (信息报送工作总结) as a Word document.

Layout (``word``): the title with the week's unified name; a paragraph with the week's
counts; "一、每日情况", a table of the days with a totals row (合计) and the office's charts of the week
(``selectors.charts``, drawn by ``core.chart_images`` as the page draws them, numbered 图1…,
no query of their own); "二、领导出席情况",
each person once with the days and events attended (seed 002: leaders' attendance is stated
explicitly); "三、未报送情况", the reports still missing with whom to call; then, numbered on,
the sections other apps registered (``core.summary_sections``: the online hall's totals),
their text and tables; last "统计口径", what the counts mean; then the issuing office and the
date, right-aligned. The office edits the file into its own words: this gives it the figures
and the lists, correct.
"""

from __future__ import annotations

import datetime as dt
import io

from django.conf import settings
from django.utils import translation
from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from core.chart_specs import Spec
from core.summary_sections import SummarySection, SummaryTable, summary_sections
from events.models import Week

from ..selectors.charts import week_charts
from ..selectors.summary import Tally, WeekSummary, week_summary
from . import day_label, month_day, quoted
from .sheets import local_time
from .summary_xlsx import NOTES
from .word import (
    BODY_FONT,
    HEADING_FONT,
    ISSUER,
    SUBHEADING_FONT,
    TITLE_FONT,
    chinese_number,
    page_setup,
    paragraph,
    set_font,
)

TITLE = "信息报送工作总结"
TOTAL = "合计"
# The Tally field behind each column of the days' table (the .xlsx has a few more).
TABLE_COLUMNS = [
    ("events", "举办活动"),
    ("due", "应报送"),
    ("on_time", "按时报送"),
    ("late", "逾期报送"),
    ("missing", "未报送"),
    ("accepted", "已采用"),
    ("photos", "采用照片"),
    ("videos", "采用视频"),
    ("leaders", "出席领导（人）"),
]
TABLE_HEADERS = ["日期", *(label for _, label in TABLE_COLUMNS)]
TABLE_FONT_SIZE = 10.5  # 五号


def summary_document(*, week: Week, now: dt.datetime, with_phones: bool = True) -> bytes:
    """The .docx bytes of the week's summary as it stands at ``now``; in Chinese whatever the
    reader's language, as the office files it. ``with_phones``: the reporters' phone numbers
    (left out for a reader not granted them)."""
    with translation.override(settings.LANGUAGE_CODE):  # the leaders' level names, other apps' sections
        summary = week_summary(week=week, now=now)
        return _document(
            summary,
            now=now,
            with_phones=with_phones,
            sections=summary_sections(week=week, now=now),
            charts=week_charts(summary),
        )


def _document(
    summary: WeekSummary,
    *,
    now: dt.datetime,
    with_phones: bool,
    sections: list[SummarySection] = (),
    charts: list[Spec] = (),
) -> bytes:
    week = summary.week
    doc = Document()
    page_setup(doc)

    paragraph(doc, week.unified_title, font=TITLE_FONT, size=22, align=WD_ALIGN_PARAGRAPH.CENTER)
    paragraph(doc, TITLE, font=TITLE_FONT, size=22, align=WD_ALIGN_PARAGRAPH.CENTER, after=16)
    paragraph(doc, overview_text(summary), indent=True)

    paragraph(doc, "一、每日情况", font=HEADING_FONT, indent=True)
    _days_table(doc, summary)
    for number, spec in enumerate(charts, start=1):
        _chart(doc, spec, number)

    paragraph(doc, "二、领导出席情况", font=HEADING_FONT, indent=True)
    totals = summary.totals
    if not summary.leaders:
        paragraph(doc, "已报送的活动信息中无领导出席。", indent=True)
    else:
        paragraph(
            doc,
            f"全周共有{totals.leaders}位领导出席活动{totals.attendances}人次（同一位领导多日出席计一人）。",
            indent=True,
        )
    for person in summary.leaders:
        visits = "；".join(f"{month_day(a.day)}出席{quoted(a.event.subtitle)}" for a in person.attendances)
        paragraph(doc, f"{person.post}{person.name}（{person.level_label}）：{visits}。", indent=True)

    paragraph(doc, "三、未报送情况", font=HEADING_FONT, indent=True)
    if not summary.missing:
        paragraph(doc, f"{_as_of(summary)}，无已过截止时间仍未报送的活动信息。", indent=True)
    else:
        paragraph(
            doc, f"{_as_of(summary)}，以下{totals.missing}份活动信息已过截止时间仍未报送：", indent=True
        )
    for number, row in enumerate(summary.missing, start=1):
        event, reporter = row.event, row.event.reporter
        who = reporter.display_name if reporter else event.contact_name
        phone = f"，联系电话{event.phone_to_call}" if with_phones and event.phone_to_call else ""
        paragraph(
            doc,
            f"{number}. {month_day(row.day)}{quoted(event.subtitle)}，主办单位{event.host.name}，信息报送员{who}{phone}。",
            indent=True,
        )

    number = 4
    for section in sections:
        paragraph(doc, f"{chinese_number(number)}、{section.heading}", font=HEADING_FONT, indent=True)
        for text in section.paragraphs:
            paragraph(doc, text, indent=True)
        for table in section.tables:
            _section_table(doc, table)
        number += 1

    paragraph(doc, f"{chinese_number(number)}、统计口径", font=HEADING_FONT, indent=True)
    for note in NOTES:
        paragraph(doc, note, size=14, indent=True)

    paragraph(doc, after=12)
    paragraph(doc, ISSUER, align=WD_ALIGN_PARAGRAPH.RIGHT)
    paragraph(doc, day_label(local_time(now, week).date()), align=WD_ALIGN_PARAGRAPH.RIGHT)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _as_of(summary: WeekSummary) -> str:
    local = local_time(summary.now, summary.week)
    return f"截至{day_label(local.date())}{local:%H:%M}"


def overview_text(summary: WeekSummary) -> str:
    week, t = summary.week, summary.totals
    text = (
        f"{day_label(week.starts_on)}至{month_day(week.ends_on)}，{week.name}共举办专题活动{t.events}项，"
        f"应报送活动信息{t.due}份。{_as_of(summary)}，按时报送{t.on_time}份，逾期报送{t.late}份，"
        f"未报送{t.missing}份"
    )
    if t.not_due:
        text += f"，尚未到截止时间{t.not_due}份"
    text += f"；经审核采用{t.accepted}份，退回修改{t.returned}份"
    if t.pending:
        text += f"，待审核{t.pending}份"
    text += f"。采用照片{t.photos}张、视频{t.videos}段。"
    if t.leaders:
        text += f"共有{t.leaders}位领导出席活动{t.attendances}人次。"
    return text


def _days_table(doc, summary: WeekSummary) -> None:
    table = doc.add_table(rows=1, cols=len(TABLE_HEADERS))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, text in zip(table.rows[0].cells, TABLE_HEADERS, strict=True):
        _cell(cell, text, bold=True)
    _repeat_as_header(table.rows[0])
    for item in summary.days:
        _row(table, f"{month_day(item.day)}（{_weekday(item.day)}）", item.tally)
    _row(table, TOTAL, summary.totals, bold=True)
    paragraph(doc, after=6)


def _chart(doc, spec: Spec, number: int) -> None:
    """A chart as a picture the width of the text, centred, its caption (图1 …) below."""
    # Here: matplotlib and numpy (+29 MiB, 1 s) load when a summary is drawn, not in every process.
    from core.chart_images import WIDTH_CM, chart_png

    picture = doc.add_paragraph()
    picture.alignment = WD_ALIGN_PARAGRAPH.CENTER
    picture.paragraph_format.keep_with_next = True
    picture.add_run().add_picture(io.BytesIO(chart_png(spec)), width=Cm(WIDTH_CM))
    paragraph(
        doc, f"图{number}  {spec['title']}", size=TABLE_FONT_SIZE, align=WD_ALIGN_PARAGRAPH.CENTER, after=6
    )


def _section_table(doc, table: SummaryTable) -> None:
    """Another app's table: its caption as a line above, then the grid like the days' table."""
    paragraph(doc, table.caption, font=SUBHEADING_FONT, indent=True)
    grid = doc.add_table(rows=1, cols=len(table.headers))
    grid.style = "Table Grid"
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, text in zip(grid.rows[0].cells, table.headers, strict=True):
        _cell(cell, str(text), bold=True)
    _repeat_as_header(grid.rows[0])
    for row in [*table.rows, *([table.total] if table.total else [])]:
        bold = row is table.total
        for cell, value in zip(grid.add_row().cells, row, strict=True):
            _cell(cell, str(value), bold=bold)
    paragraph(doc, after=6)


def _row(table, label: str, tally: Tally, *, bold: bool = False) -> None:
    cells = table.add_row().cells
    _cell(cells[0], label, bold=bold)
    for cell, (name, _) in zip(cells[1:], TABLE_COLUMNS, strict=True):
        _cell(cell, str(getattr(tally, name)), bold=bold)


def _cell(cell, text: str, *, bold: bool = False) -> None:
    made = cell.paragraphs[0]
    made.alignment = WD_ALIGN_PARAGRAPH.CENTER
    made.paragraph_format.line_spacing = 1.0
    made.paragraph_format.space_after = Pt(0)
    set_font(made.add_run(text), BODY_FONT, TABLE_FONT_SIZE, bold=bold)


def _repeat_as_header(row) -> None:
    """The header row is repeated on each page the table runs over."""
    properties = row._tr.get_or_add_trPr()
    flag = OxmlElement("w:tblHeader")
    flag.set(qn("w:val"), "true")
    properties.append(flag)


def _weekday(day: dt.date) -> str:
    return "周" + ("日" if day.isoweekday() == 7 else chinese_number(day.isoweekday()))
