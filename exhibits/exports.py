"""A hall's totals as an .xlsx workbook for the office and curators: three sheets (by day,
by section, by organization), laid out like the office's other workbooks
(``submissions.exports.sheets``: frozen header, text never read as a formula, A4 landscape).
"""

from __future__ import annotations

import io

from django.utils.translation import gettext as _
from openpyxl import Workbook

from submissions.exports import safe_name
from submissions.exports.sheets import DATE_FORMAT, append_row, bold_row, header, print_setup

from .selectors.totals import Totals


def totals_filename(totals: Totals) -> str:
    return f"{safe_name(totals.exhibition.title, limit=40)}_{_('展厅统计')}.xlsx"


def totals_workbook(totals: Totals) -> bytes:
    title = totals.exhibition.title
    workbook = Workbook()
    days = workbook.active
    days.title = _("按日")
    header(
        days,
        _("%(title)s：浏览、合作意向与签约（按日）") % {"title": title},
        [_("日期"), _("活动周内"), _("浏览量"), _("合作意向"), _("签约"), _("签约金额（万元）")],
        {_("日期"): 14},
    )
    for row in totals.days:
        append_row(
            days, [row.day, _("是") if row.in_week else "", row.views, row.intents, row.signings, row.amount]
        )
        days.cell(row=days.max_row, column=1).number_format = DATE_FORMAT
    total = totals.total
    append_row(days, [_("合计"), "", total.views, total.intents, total.signings, total.amount])
    bold_row(days)
    for sheet_title, heading, first_column, rows in (
        (_("按展区"), _("%(title)s：展项（按展区）"), _("展区"), totals.by_section),
        (_("按单位"), _("%(title)s：展项（按成果所属单位）"), _("成果所属单位"), totals.by_organization),
    ):
        sheet = workbook.create_sheet(sheet_title)
        header(
            sheet, heading % {"title": title}, [first_column, _("已提交"), _("已入展")], {first_column: 36}
        )
        for group in rows:
            append_row(sheet, [group.name or _("（未填写）"), group.submitted, group.accepted])
        append_row(sheet, [_("合计"), sum(g.submitted for g in rows), sum(g.accepted for g in rows)])
        bold_row(sheet)
    for sheet in workbook.worksheets:
        print_setup(sheet)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
