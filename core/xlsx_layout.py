"""The workbook layout shared by the Excel exports: an opinion collection's results
(opinions/export.py, Điều 7.3), a meeting's in-meeting votes (live/vote_export.py, Điều 5.5) and
the lists of assigned work (followups/export.py).

Both are report forms printed on A4: Times New Roman 12, thin borders, wrapped text, rows as tall
as their longest text (Excel does not grow them by itself), local Việt Nam times, a title block
of lines across the table and the header rows repeated on every printed page. Every value goes
through the one safe-cell writer (core/exports.py): a text a user typed is never a formula.
"""

from __future__ import annotations

import io
import math
import re
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from core.exports import xlsx_set, xlsx_text

__all__ = [
    "CENTER",
    "DATETIME_FORMAT",
    "SIZE",
    "LEFT",
    "LINE_HEIGHT",
    "MIDDLE",
    "RIGHT",
    "WRAP",
    "cell",
    "columns",
    "first_sheet",
    "fit_height",
    "free_text_rows",
    "grouped_header",
    "line",
    "lines",
    "new_workbook",
    "local",
    "print_setup",
    "saved",
    "sheet_title",
    "when",
]

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")
FONT = "Times New Roman"
SIZE = 12
THIN = Side(style="thin")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
WRAP = Alignment(wrap_text=True, vertical="top")
MIDDLE = Alignment(wrap_text=True, horizontal="center", vertical="top")
CENTER = Alignment(wrap_text=True, horizontal="center", vertical="center")
LEFT = Alignment(wrap_text=True, horizontal="left", vertical="center")
RIGHT = Alignment(horizontal="right", vertical="center")
DATETIME_FORMAT = "dd/mm/yyyy hh:mm"
LINE_HEIGHT = 15.75  # points per line of 12 pt Times New Roman

SHEET_NAME_INVALID = re.compile(r"[\[\]:*?/\\]")


def local(moment: datetime | None) -> datetime | None:
    """Naive local time for an Excel datetime cell (Excel has no time zones)."""
    return timezone.localtime(moment, VIETNAM).replace(tzinfo=None) if moment else None


def when(moment: datetime) -> str:
    return f"{timezone.localtime(moment, VIETNAM):%d/%m/%Y %H:%M}"


def cell(
    ws: Worksheet,
    row: int,
    column: int,
    value: Any = None,
    *,
    bold: bool = False,
    align: Alignment = WRAP,
    border: bool = True,
    number_format: str | None = None,
) -> None:
    """One table cell: the value written safely, the font, the alignment and the border."""
    target = ws.cell(row=row, column=column)
    if value is not None:
        xlsx_set(target, value)
    target.font = Font(name=FONT, size=SIZE, bold=bold)
    target.alignment = align
    if border:
        target.border = BORDER
    if number_format:
        target.number_format = number_format


def line(
    ws: Worksheet,
    row: int,
    text: str,
    last_column: int,
    *,
    bold: bool = False,
    italic: bool = False,
    size: int = SIZE,
    align: Alignment = CENTER,
) -> None:
    """A line of text across the table's width (title block, notes)."""
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=last_column)
    target = ws.cell(row=row, column=1)
    xlsx_set(target, text)
    target.font = Font(name=FONT, size=size, bold=bold, italic=italic)
    target.alignment = align


def lines(text: Any, width: float) -> int:
    """How many lines a wrapped text takes in a column `width` characters wide (an estimate)."""
    per_line = max(int(width * 1.1), 1)
    return sum(max(math.ceil(len(part) / per_line), 1) for part in str(text).split("\n"))


def fit_height(ws: Worksheet, row: int, values: Sequence[Any], widths: Sequence[float]) -> None:
    """Excel does not grow a row for wrapped text by itself: give it the height of its tallest cell."""
    tallest = max((lines(v, w) for v, w in zip(values, widths, strict=False) if v not in (None, "")), default=1)
    ws.row_dimensions[row].height = LINE_HEIGHT * tallest + 4


def columns(ws: Worksheet, widths: Sequence[float]) -> None:
    for column, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(column)].width = width


def print_setup(ws: Worksheet, header_rows: str) -> None:
    """A4 landscape, as wide as the page, as many pages tall as needed, the header on every page."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    if ws.sheet_properties.pageSetUpPr is None:
        ws.sheet_properties.pageSetUpPr = PageSetupProperties()
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.6
    ws.print_title_rows = header_rows


def sheet_title(workbook: Workbook, wanted: str) -> str:
    """Excel's rules: at most 31 characters, none of []:*?/\\, unique regardless of case."""
    base = SHEET_NAME_INVALID.sub(" ", xlsx_text(wanted)).strip("' ")[:31] or "Sheet"
    taken = {name.casefold() for name in workbook.sheetnames}
    title, n = base, 1
    while title.casefold() in taken:
        n += 1
        suffix = f" ({n})"
        title = base[: 31 - len(suffix)] + suffix
    return title


def free_text_rows(ws: Worksheet, header: int, rows: Iterable[Sequence[Any]], widths: Sequence[float]) -> None:
    """Rows of free text under the header row `header`, each numbered (STT) in its first cell: the
    first two columns centred, the others wrapped, each row as tall as its text."""
    row = header + 1
    for values in rows:
        numbered = [row - header, *values]
        for column, value in enumerate(numbered, start=1):
            cell(ws, row, column, value, align=MIDDLE if column <= 2 else WRAP)
        fit_height(ws, row, numbered, widths)
        row += 1
    columns(ws, widths)
    ws.freeze_panes = f"A{header + 1}"
    print_setup(ws, f"{header}:{header}")


def grouped_header(
    ws: Worksheet, row: int, before: Sequence[str], group: str, under: Sequence[str], after: Sequence[str]
) -> int:
    """A header of two rows (`row`, `row + 1`): the `before` and `after` columns each span both
    rows, `group` spans the `under` columns on the first row with their names on the second (report
    Mẫu số 02's "Kết quả" over Đồng ý, Không đồng ý, Ý kiến khác). Returns the last column."""
    last = len(before) + len(under) + len(after)
    sub = row + 1
    first_under = len(before) + 1
    for column in range(1, last + 1):  # borders on every cell of the two header rows, merged or not
        cell(ws, row, column, bold=True, align=CENTER)
        cell(ws, sub, column, bold=True, align=CENTER)
    spanning = [*enumerate(before, start=1), *enumerate(after, start=first_under + len(under))]
    for column, text in spanning:
        xlsx_set(ws.cell(row=row, column=column), text)
        ws.merge_cells(start_row=row, start_column=column, end_row=sub, end_column=column)
    xlsx_set(ws.cell(row=row, column=first_under), group)
    ws.merge_cells(start_row=row, start_column=first_under, end_row=row, end_column=first_under + len(under) - 1)
    for offset, text in enumerate(under):
        xlsx_set(ws.cell(row=sub, column=first_under + offset), text)
    return last


def first_sheet(workbook: Workbook, title: str) -> Worksheet:
    """The new workbook's first sheet, named `title`."""
    ws = workbook.active
    if not isinstance(ws, Worksheet):  # a new Workbook always has its first sheet
        ws = workbook.create_sheet()
    ws.title = title
    return ws


def new_workbook(first_title: str) -> tuple[Workbook, Worksheet]:
    """A new workbook and its first sheet, named `first_title`."""
    workbook = Workbook()
    return workbook, first_sheet(workbook, first_title)


def saved(workbook: Workbook) -> bytes:
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
