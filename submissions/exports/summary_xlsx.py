"""The week summary (报送汇总) as a workbook, for the office and leaders.

Sheet 1 (每日汇总): one row per day of the week and a totals row (全周合计): events held,
reports due, on time, late, missing, not yet due, waiting for review, accepted, returned,
accepted photos and videos, leaders present (people) and their attendances (人次). The totals
of "events" and "leaders (people)" count distinct events and people; every other column is
the sum of the days. What each count means: ``submissions.selectors.summary``.
Sheet 2 (出席领导): one row per person, with their days, events and attendances.
Sheet 3 (未报送): every event day whose deadline passed with no report filed.
Then one sheet per section other apps registered (``core.summary_sections``: the online hall's
totals), as the page and the .docx show them: heading, text, and each table with its caption,
column names and bold total.
Every sheet prints landscape, one page wide, the first three with their header row repeated.
"""

from __future__ import annotations

import datetime as dt
import io
import re

from django.conf import settings
from django.utils import translation
from openpyxl import Workbook

from core.summary_sections import SummarySection, summary_sections
from events.models import Week

from ..selectors.summary import WeekSummary, week_summary
from . import month_day
from .sheets import (
    TIME_FORMAT,
    append_row,
    bold_row,
    header,
    header_cells,
    local_time,
    print_setup,
    title_row,
)

DAYS_SHEET = "每日汇总"
LEADERS_SHEET = "出席领导"
MISSING_SHEET = "未报送"
TOTAL = "全周合计"
# The Tally field behind each column of the days' sheet.
DAY_COLUMNS = [
    ("events", "举办活动（项）"),
    ("due", "应报送（份）"),
    ("on_time", "按时报送"),
    ("late", "逾期报送"),
    ("missing", "未报送"),
    ("not_due", "未到截止时间"),
    ("pending", "待审核"),
    ("accepted", "已采用"),
    ("returned", "已退回"),
    ("photos", "采用照片（张）"),
    ("videos", "采用视频（段）"),
    ("leaders", "出席领导（人）"),
    ("attendances", "出席领导（人次）"),
]
DAYS_HEADERS = ["日期", *(label for _, label in DAY_COLUMNS)]
LEADERS_HEADERS = ["序号", "姓名", "职务", "级别", "出席日期", "出席活动", "出席人次"]
MISSING_HEADERS = ["序号", "日期", "活动", "主办单位", "信息报送员", "联系电话", "截止时间"]
WIDTHS = {"日期": 12, "出席日期": 24, "出席活动": 60, "活动": 44, "主办单位": 24, "职务": 24, "截止时间": 17}
DAY_FORMAT = 'm"月"d"日"'
NOTES = (
    "“举办活动”为当日举行的已通过审核的活动（已取消的不计），全周合计中跨日活动计一次；"
    "“出席领导（人）”全周合计中同一位领导多日出席计一人，“人次”为各日之和。",
    "“按时报送”“逾期报送”按首次报送时间判断，含已采用和已退回的报送；“未报送”为已过截止时间仍未报送。",
    "“采用照片”“采用视频”为已采用的报送中检查合格的照片和视频；出席领导取自已报送和已采用的报送。",
)


def summary_workbook(*, week: Week, now: dt.datetime, with_phones: bool = True) -> bytes:
    """The .xlsx file's bytes for the whole week as it stands at ``now``; in Chinese whatever
    the reader's language, as the office files it. ``with_phones``: the reporters' phone
    numbers (left empty for a reader not granted them)."""
    summary = week_summary(week=week, now=now)
    book = Workbook()
    with translation.override(settings.LANGUAGE_CODE):  # the leaders' level names
        _days_sheet(book.active, summary)
        _leaders_sheet(book.create_sheet(LEADERS_SHEET), summary)
        _missing_sheet(book.create_sheet(MISSING_SHEET), summary, with_phones=with_phones)
        for section in summary_sections(week=week, now=now):
            _section_sheet(book, section, summary)
    for sheet in book.worksheets:
        print_setup(sheet, header_row=sheet.title in (DAYS_SHEET, LEADERS_SHEET, MISSING_SHEET))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _as_of(summary: WeekSummary) -> str:
    return f"截至 {local_time(summary.now, summary.week):%Y-%m-%d %H:%M}"


def _days_sheet(sheet, summary: WeekSummary) -> None:
    sheet.title = DAYS_SHEET
    week = summary.week
    header(sheet, f"{week.unified_title} 信息报送汇总（{_as_of(summary)}）", DAYS_HEADERS, WIDTHS)
    for item in summary.days:
        append_row(sheet, [item.day, *(getattr(item.tally, name) for name, _ in DAY_COLUMNS)])
        sheet.cell(row=sheet.max_row, column=1).number_format = DAY_FORMAT
    append_row(sheet, [TOTAL, *(getattr(summary.totals, name) for name, _ in DAY_COLUMNS)])
    bold_row(sheet)
    sheet.append([])
    append_row(sheet, ["说明："])
    for note in NOTES:
        append_row(sheet, [note])


def _leaders_sheet(sheet, summary: WeekSummary) -> None:
    header(sheet, f"{summary.week.unified_title} 出席领导（{_as_of(summary)}）", LEADERS_HEADERS, WIDTHS)
    for number, person in enumerate(summary.leaders, start=1):
        events = "；".join(
            f"{month_day(a.day)} {a.event.subtitle}（{a.event.host.name}）" for a in person.attendances
        )
        append_row(
            sheet,
            [
                number,
                person.name,
                person.post,
                str(person.level_label),
                "、".join(month_day(day) for day in person.days),
                events,
                len(person.attendances),
            ],
        )
    totals = summary.totals
    append_row(sheet, ["合计", f"{totals.leaders} 人", "", "", "", "", totals.attendances])
    bold_row(sheet)


def _missing_sheet(sheet, summary: WeekSummary, *, with_phones: bool) -> None:
    header(
        sheet, f"{summary.week.unified_title} 未报送的活动信息（{_as_of(summary)}）", MISSING_HEADERS, WIDTHS
    )
    for number, row in enumerate(summary.missing, start=1):
        event, reporter = row.event, row.event.reporter
        append_row(
            sheet,
            [
                number,
                row.day,
                event.subtitle,
                event.host.name,
                reporter.display_name if reporter else event.contact_name,
                event.phone_to_call if with_phones else "",
                local_time(row.due, summary.week),
            ],
        )
        sheet.cell(row=sheet.max_row, column=2).number_format = DAY_FORMAT
        sheet.cell(row=sheet.max_row, column=7).number_format = TIME_FORMAT
    append_row(sheet, ["合计", f"{summary.totals.missing} 份"])
    bold_row(sheet)


# Excel's rules for a sheet's name: at most 31 characters, none of these.
_NOT_IN_SHEET_NAMES = re.compile(r"[\[\]:*?/\\]")


def _sheet_name(heading: str, taken: list[str]) -> str:
    """``heading`` as a sheet name Excel accepts: none of its forbidden characters, no
    apostrophe at either end, at most 31 UTF-16 units, and unlike the names ``taken`` whatever
    the case (Excel compares them so)."""
    name = _NOT_IN_SHEET_NAMES.sub("-", heading).strip("'") or "-"
    taken_lower = {other.lower() for other in taken}
    unique, number = _fit(name, ""), 2
    while unique.lower() in taken_lower:
        unique, number = _fit(name, f"（{number}）"), number + 1
    return unique


def _fit(name: str, suffix: str) -> str:
    while len((name + suffix).encode("utf-16-le")) // 2 > 31:
        name = name[:-1]
    return name.rstrip("'") + suffix


def _section_sheet(book: Workbook, section: SummarySection, summary: WeekSummary) -> None:
    sheet = book.create_sheet(_sheet_name(section.heading, book.sheetnames))
    title_row(sheet, f"{section.heading}（{_as_of(summary)}）")
    for paragraph in section.paragraphs:
        append_row(sheet, [paragraph])
    for table in section.tables:
        sheet.append([])
        append_row(sheet, [table.caption])
        bold_row(sheet)
        append_row(sheet, list(table.headers))
        header_cells(sheet, sheet.max_row)
        for row in table.rows:
            append_row(sheet, list(row))
        if table.total:
            append_row(sheet, list(table.total))
            bold_row(sheet)
    sheet.column_dimensions["A"].width = 24
    for letter in "BCDEFG":
        sheet.column_dimensions[letter].width = 14
