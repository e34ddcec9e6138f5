"""Workbook layout shared by the day's .xlsx and the week summary's: a title row, a header row
that stays frozen and is repeated on each printed page, column widths, and text that is never
read as a formula.
"""

from __future__ import annotations

import datetime as dt

from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from events.models import Week

HEADER_FILL = PatternFill("solid", fgColor="DDE4EE")
TIME_FORMAT = "yyyy-mm-dd hh:mm"
DATE_FORMAT = "yyyy-mm-dd"


def local_time(value: dt.datetime | None, week: Week) -> dt.datetime | None:
    """Local wall time in the week's zone: Excel has no time zones."""
    return value.astimezone(week.zone).replace(tzinfo=None) if value else None


def append_row(sheet, values: list) -> None:
    """Append a row whose text is kept as text: openpyxl stores a string starting with "="
    as a formula, and a leader's name typed as "=HYPERLINK(...)" must not run in the office's
    spreadsheet (formula injection). "+", "-" and "@" already stay plain strings."""
    sheet.append(values)
    # Only a string starting with "=" becomes a formula; looking up the row otherwise would
    # walk every cell of the sheet for its last row (``max_row``) once per row appended.
    if any(isinstance(value, str) and value.startswith("=") for value in values):
        for cell in sheet[sheet.max_row]:
            if cell.data_type == "f":
                cell.data_type = "s"


def header(sheet, title: str, headers: list[str], widths: dict[str, int]) -> None:
    """Row 1 the title, row 2 the column names (frozen); a column not in ``widths`` gets a
    width by the length of its name."""
    title_row(sheet, title)
    sheet.append(headers)
    header_cells(sheet, 2)
    for index, name in enumerate(headers, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = widths.get(
            name, 14 if len(name) > 3 else 10
        )
    sheet.freeze_panes = "A3"


def title_row(sheet, title: str) -> None:
    """Row 1: the sheet's title, large and bold."""
    append_row(sheet, [title])
    sheet["A1"].font = Font(bold=True, size=14)


def header_cells(sheet, row: int) -> None:
    """The cells of ``row`` styled as column names (bold, shaded, centred)."""
    for cell in sheet[row]:
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)


def bold_row(sheet, row: int | None = None) -> None:
    """A totals row in bold (the last one unless ``row`` is given)."""
    for cell in sheet[row or sheet.max_row]:
        cell.font = Font(bold=True)


def print_setup(sheet, *, header_row: bool = True) -> None:
    """Printed as the office prints it: landscape A4, every column within the page width, the
    header row (row 2, unless ``header_row`` is false) repeated on each page, and the filled
    cells as the print area."""
    sheet.page_setup.orientation = sheet.ORIENTATION_LANDSCAPE
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    if header_row:
        sheet.print_title_rows = "2:2"
    sheet.print_area = f"A1:{get_column_letter(sheet.max_column)}{sheet.max_row}"
