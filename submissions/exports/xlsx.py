"""The day's reports as a workbook: one row per event day due that day (the previous
evening's events, due at its deadline, included and named so), and the week's compliance per unit.

Sheet 1 (当日报送): state, deadline and times (local wall time of the week's zone, as Excel
has no time zones), reviewer, leaders, attendance, photo and video counts.
Sheet 2 (全周各单位报送情况): per host unit over the week so far: event days due, on time,
late, missing, on-time rate, and event days not yet due.
"""

from __future__ import annotations

import datetime as dt
import io

from openpyxl import Workbook

from events.models import Week

from ..models import MediaFile
from ..selectors.board import board_for_day, load_partners, week_compliance
from ..states import DayState
from . import day_label
from .sheets import TIME_FORMAT, append_row, header, local_time, print_setup

DAY_SHEET = "当日报送"
WEEK_SHEET = "全周各单位报送情况"
DAY_HEADERS = [
    "序号",
    "活动",
    "地点",
    "主办单位",
    "信息报送员",
    "联系电话",
    "状态",
    "截止时间",
    "首次报送时间",
    "最近报送时间",
    "审核时间",
    "审核人",
    "出席领导",
    "参加人数",
    "合格照片",
    "照片总数",
    "合格视频",
    "视频总数",
    "退回意见",
]
WEEK_HEADERS = ["单位", "应报送", "按时报送", "逾期报送", "未报送", "按时率", "尚未到截止时间"]
WIDTHS = {"活动": 40, "主办单位": 22, "地点": 16, "出席领导": 36, "退回意见": 30, "单位": 26}


def _passed(media: list[MediaFile]) -> int:
    return sum(1 for m in media if m.status == MediaFile.Status.PASSED)


def day_workbook(*, week: Week, day: dt.date, now: dt.datetime) -> bytes:
    """The .xlsx file's bytes (a few hundred kB for a thousand event days)."""
    board = board_for_day(week=week, day=day, now=now, light_media=True)  # files are only counted
    book = Workbook()
    sheet = book.active
    sheet.title = DAY_SHEET
    header(sheet, f"{week.unified_title} {day_label(day)} 每日信息报送情况", DAY_HEADERS, WIDTHS)
    rows = sorted(board.all_rows, key=lambda row: (row.event.starts_at, row.event.pk))
    load_partners(rows)
    for number, row in enumerate(rows, start=1):
        report, event = row.report, row.event
        reporter = event.reporter
        leaders = "；".join(f"{leader.post} {leader.name}" for leader in row.leaders)
        if report is not None and report.no_leaders:
            leaders = "无领导出席"
        append_row(
            sheet,
            [
                number,
                # The sheet's title states the unified title once; each row its own subtitle.
                # The previous evening's events are due at this day's deadline: said so.
                f"{event.subtitle}（{day_label(row.day)}晚间活动）"
                if row.previous_evening
                else event.subtitle,
                event.where,
                event.host_names,
                reporter.display_name if reporter else "",
                event.phone_to_call,
                str(DayState.LABELS[row.state]),
                local_time(row.due, week),
                local_time(report.first_submitted_at if report else None, week),
                local_time(report.submitted_at if report else None, week),
                local_time(report.reviewed_at if report else None, week),
                report.reviewed_by.display_name if report and report.reviewed_by else "",
                leaders,
                report.attendance if report else None,
                _passed(row.photos),
                len(row.photos),
                _passed(row.videos),
                len(row.videos),
                report.review_comment if report else "",
            ],
        )
    for column in (8, 9, 10, 11):
        for cell in sheet.iter_rows(min_row=3, min_col=column, max_col=column):
            cell[0].number_format = TIME_FORMAT
    counts = board.filing
    sheet.append([])
    append_row(
        sheet,
        [
            "合计",
            f"应报送 {counts['due']} 份；按时 {counts['on_time']} 份；逾期 {counts['late']} 份；"
            f"未报送 {counts['missing']} 份；已采用 {counts['accepted']} 份；已退回 {counts['returned']} 份",
        ],
    )

    compliance = book.create_sheet(WEEK_SHEET)
    header(
        compliance,
        f"{week.unified_title} 全周各单位报送情况（截至 {local_time(now, week):%Y-%m-%d %H:%M}）",
        WEEK_HEADERS,
        WIDTHS,
    )
    for unit in week_compliance(week=week, now=now):
        append_row(
            compliance,
            [unit.name, unit.due, unit.on_time, unit.late, unit.missing, unit.on_time_rate, unit.pending],
        )
    for cell in compliance.iter_rows(min_row=3, min_col=6, max_col=6):
        cell[0].number_format = "0.0%"
    for printed in (sheet, compliance):
        print_setup(printed)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
