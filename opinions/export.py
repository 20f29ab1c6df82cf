"""The results of an opinion collection as an Excel workbook (Điều 7.3).

Sheet "Tổng hợp" follows report Mẫu số 02 (BÁO CÁO THỐNG KÊ TÌNH HÌNH THỰC HIỆN BIỂU QUYẾT/LẤY Ý
KIẾN GÓP Ý TRÊN HỆ THỐNG ECABINET), one row per question, implied agreement (Điều 7.2b) apart from
the explicit one. When the collection is named, one sheet per question ("Câu 1", "Câu 2", …) lists
every consulted person or unit, implied ones included; when it is secret, no sheet names anyone.
The texts written under "Ý kiến khác" are listed on a sheet of their own (without names when
secret). The sheets are a report form and are always in Vietnamese.

Texts written by users (a voter's "other" opinion, a title, a recommendation) are stored as
plain strings flagged with Excel's quote prefix, never as formulas: "=HYPERLINK(…)" stays the text
it is, in Excel and in LibreOffice, even when the cell is edited again.
"""

from __future__ import annotations

import io
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
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
from opinions.results import CollectionResults, QuestionResults

__all__ = ["results_workbook"]

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

FORM_NAME = "Mẫu số 02"
FORM_TITLE = "BÁO CÁO THỐNG KÊ TÌNH HÌNH THỰC HIỆN BIỂU QUYẾT/LẤY Ý KIẾN GÓP Ý TRÊN HỆ THỐNG ECABINET"
SUMMARY_SHEET = "Tổng hợp"
OTHERS_SHEET = "Ý kiến khác"
RESULTS_HEADER = "Kết quả"
SUMMARY_HEADERS = [
    "STT",
    "Nội dung xin ý kiến góp ý",
    "Số lượng người được xin ý kiến góp ý trên Hệ thống",
    "Số lượng người gửi ý kiến góp ý trên Hệ thống",
]
RESULT_HEADERS = [
    "Đồng ý",
    "Đồng ý — trả lời",
    "Đồng ý — mặc nhiên (không trả lời, Điều 7.2b)",
    "Không đồng ý",
    "Ý kiến khác",
]
RECOMMENDATION_HEADER = "Kiến nghị đề xuất (nếu có)"
SUMMARY_WIDTHS = [6, 45, 17, 17, 10, 12, 18, 13, 12, 36]
UNNAMED_NOTE = "Lấy ý kiến kín: không ghi tên người trả lời."
OPEN_NOTE = "Chưa hết hạn: người chưa trả lời chưa được tính đồng ý mặc nhiên."
HASH_LABEL = "Mã băm cuối của nhật ký phiếu: "

ANSWER_HEADERS = [
    "STT",
    "Họ và tên",
    "Chức vụ",
    "Đơn vị",
    "Thay mặt đơn vị",
    "Lựa chọn",
    "Ý kiến khác",
    "Thời gian trả lời",
    "Chữ ký số",
]
ANSWER_WIDTHS = [6, 26, 20, 26, 24, 20, 40, 17, 14]
IMPLIED_OPTION = "Đồng ý (mặc nhiên)"
SIGNATURE = {"signed": "Đã ký", "unsigned": "Chưa ký", "not_required": "Không yêu cầu", "": ""}


@dataclass(frozen=True)
class Layout:
    """Where the tables start on the summary, question and "Ý kiến khác" sheets."""

    summary_header: int = 7  # first of the two header rows of "Tổng hợp"; the questions follow them
    answers_header: int = 3  # header row of a question sheet; the answers follow it
    others_header: int = 3  # header row of "Ý kiến khác"


LAYOUT = Layout()


def _local(moment: datetime | None) -> datetime | None:
    """Naive local time for an Excel datetime cell (Excel has no time zones)."""
    return timezone.localtime(moment, VIETNAM).replace(tzinfo=None) if moment else None


def _when(moment: datetime) -> str:
    return f"{timezone.localtime(moment, VIETNAM):%d/%m/%Y %H:%M}"


def _cell(
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
    cell = ws.cell(row=row, column=column)
    if value is not None:
        xlsx_set(cell, value)
    cell.font = Font(name=FONT, size=SIZE, bold=bold)
    cell.alignment = align
    if border:
        cell.border = BORDER
    if number_format:
        cell.number_format = number_format


def _line(
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
    cell = ws.cell(row=row, column=1)
    xlsx_set(cell, text)
    cell.font = Font(name=FONT, size=size, bold=bold, italic=italic)
    cell.alignment = align


def _lines(text: str, width: float) -> int:
    """How many lines a wrapped text takes in a column `width` characters wide (an estimate)."""
    per_line = max(int(width * 1.1), 1)
    return sum(max(math.ceil(len(part) / per_line), 1) for part in str(text).split("\n"))


def _fit_height(ws: Worksheet, row: int, values: list[Any], widths: Sequence[float]) -> None:
    """Excel does not grow a row for wrapped text by itself: give it the height of its tallest cell."""
    tallest = max((_lines(v, w) for v, w in zip(values, widths, strict=False) if v not in (None, "")), default=1)
    ws.row_dimensions[row].height = LINE_HEIGHT * tallest + 4


def _columns(ws: Worksheet, widths: Sequence[float]) -> None:
    for column, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(column)].width = width


def _print_setup(ws: Worksheet, header_rows: str) -> None:
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


def _sheet_title(workbook: Workbook, wanted: str) -> str:
    """Excel's rules: at most 31 characters, none of []:*?/\\, unique regardless of case."""
    base = SHEET_NAME_INVALID.sub(" ", xlsx_text(wanted)).strip("' ")[:31] or "Sheet"
    taken = {name.casefold() for name in workbook.sheetnames}
    title, n = base, 1
    while title.casefold() in taken:
        n += 1
        suffix = f" ({n})"
        title = base[: 31 - len(suffix)] + suffix
    return title


def _summary(ws: Worksheet, results: CollectionResults) -> None:
    last = len(SUMMARY_HEADERS) + len(RESULT_HEADERS) + 1
    _line(ws, 1, FORM_NAME, last, bold=True, italic=True, align=RIGHT)
    _line(ws, 2, FORM_TITLE, last, bold=True, size=13)
    _line(ws, 3, results.title, last, bold=True)
    ws.row_dimensions[3].height = LINE_HEIGHT * _lines(results.title, sum(SUMMARY_WIDTHS)) + 4
    _line(ws, 4, f"Đơn vị: {results.unit}", last)
    _line(
        ws,
        5,
        f"Thời gian phát hành: {_when(results.release_at)} — Thời gian hết hạn: {_when(results.expires_at)}",
        last,
    )

    header = LAYOUT.summary_header
    sub = header + 1
    first_result = len(SUMMARY_HEADERS) + 1
    for column in range(1, last + 1):  # borders on every cell of the two header rows, merged or not
        _cell(ws, header, column, bold=True, align=CENTER)
        _cell(ws, sub, column, bold=True, align=CENTER)
    for column, text in enumerate(SUMMARY_HEADERS, start=1):
        xlsx_set(ws.cell(row=header, column=column), text)
        ws.merge_cells(start_row=header, start_column=column, end_row=sub, end_column=column)
    xlsx_set(ws.cell(row=header, column=first_result), RESULTS_HEADER)
    ws.merge_cells(start_row=header, start_column=first_result, end_row=header, end_column=last - 1)
    for offset, text in enumerate(RESULT_HEADERS):
        xlsx_set(ws.cell(row=sub, column=first_result + offset), text)
    xlsx_set(ws.cell(row=header, column=last), RECOMMENDATION_HEADER)
    ws.merge_cells(start_row=header, start_column=last, end_row=sub, end_column=last)
    ws.row_dimensions[header].height = LINE_HEIGHT * 1.5
    ws.row_dimensions[sub].height = LINE_HEIGHT * 4 + 4

    row = sub + 1
    for index, q in enumerate(results.questions):
        values: list[Any] = [
            int(q.number),
            q.text,
            int(results.consulted),
            int(results.answered),
            int(q.agree_explicit + q.agree_implied),
            int(q.agree_explicit),
            int(q.agree_implied),
            int(q.disagree),
            int(q.other),
        ]
        for column, value in enumerate(values, start=1):
            _cell(ws, row, column, value, align=WRAP if column == 2 else MIDDLE)
        recommendation = results.recommendation if index == 0 else None
        _cell(ws, row, last, recommendation or None)
        _fit_height(ws, row, [*values, recommendation], SUMMARY_WIDTHS)
        row += 1
    if len(results.questions) > 1:
        ws.merge_cells(start_row=sub + 1, start_column=last, end_row=row - 1, end_column=last)

    row += 1
    notes: list[str] = []
    if results.is_secret:
        notes.append(UNNAMED_NOTE)
    if not results.closed:
        notes.append(OPEN_NOTE)
    for note in notes:
        _line(ws, row, note, last, italic=True, align=LEFT)
        row += 1
    if results.final_hash:
        _line(ws, row, HASH_LABEL + results.final_hash, last, align=LEFT)
    _columns(ws, SUMMARY_WIDTHS)
    ws.freeze_panes = f"A{sub + 1}"
    _print_setup(ws, f"{header}:{sub}")


def _answers(ws: Worksheet, q: QuestionResults) -> None:
    last = len(ANSWER_HEADERS)
    _line(ws, 1, f"Câu {q.number}: {q.text}", last, bold=True, align=LEFT)
    ws.row_dimensions[1].height = LINE_HEIGHT * _lines(f"Câu {q.number}: {q.text}", sum(ANSWER_WIDTHS)) + 4
    header = LAYOUT.answers_header
    for column, text in enumerate(ANSWER_HEADERS, start=1):
        _cell(ws, header, column, text, bold=True, align=CENTER)
    ws.row_dimensions[header].height = LINE_HEIGHT * 2 + 4
    for number, r in enumerate(q.rows, start=1):
        row = header + number
        values: list[Any] = [
            number,
            r.voter,
            r.position,
            r.unit,
            r.on_behalf_of_unit,
            IMPLIED_OPTION if r.implied else r.option,
            r.other_text,
            _local(r.answered_at),
            SIGNATURE.get(r.signature, r.signature),
        ]
        for column, value in enumerate(values, start=1):
            _cell(
                ws,
                row,
                column,
                value if value != "" else None,
                align=MIDDLE if column in (1, 8, 9) else WRAP,
                number_format=DATETIME_FORMAT if column == 8 else None,
            )
        _fit_height(ws, row, [None if isinstance(v, datetime) else v for v in values], ANSWER_WIDTHS)
    _columns(ws, ANSWER_WIDTHS)
    ws.freeze_panes = f"A{header + 1}"
    _print_setup(ws, f"{header}:{header}")


def _others(ws: Worksheet, results: CollectionResults) -> None:
    """The texts written under "Ý kiến khác", question by question, in the order given; the name
    column only when the collection is named."""
    headers = ["STT", "Câu"] + ([] if results.is_secret else ["Họ và tên"]) + ["Ý kiến khác"]
    widths = [6, 8] + ([] if results.is_secret else [28]) + [90]
    title = "Ý kiến khác" + (" (lấy ý kiến kín: không ghi tên)" if results.is_secret else "")
    _line(ws, 1, title, len(headers), bold=True, align=LEFT)
    header = LAYOUT.others_header
    for column, text in enumerate(headers, start=1):
        _cell(ws, header, column, text, bold=True, align=CENTER)
    row = header + 1
    for q in results.questions:
        for voter, text in q.others:
            values: list[Any] = [row - header, q.number] + ([] if results.is_secret else [voter]) + [text]
            for column, value in enumerate(values, start=1):
                _cell(ws, row, column, value, align=MIDDLE if column <= 2 else WRAP)
            _fit_height(ws, row, values, widths)
            row += 1
    _columns(ws, widths)
    ws.freeze_panes = f"A{header + 1}"
    _print_setup(ws, f"{header}:{header}")


def results_workbook(results: CollectionResults) -> bytes:
    """The .xlsx file of a collection's results: "Tổng hợp" (Mẫu số 02); "Câu 1", "Câu 2", … with
    every answer when the collection is named; "Ý kiến khác" when someone wrote one."""
    workbook = Workbook()
    summary = workbook.active
    if summary is None:  # a new Workbook always has its first sheet
        summary = workbook.create_sheet()
    summary.title = SUMMARY_SHEET
    _summary(summary, results)
    if not results.is_secret:
        for q in results.questions:
            _answers(workbook.create_sheet(_sheet_title(workbook, f"Câu {q.number}")), q)
    if any(q.others for q in results.questions):
        _others(workbook.create_sheet(_sheet_title(workbook, OTHERS_SHEET)), results)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
