"""The results of an opinion collection as an Excel workbook (Điều 7.3).

Sheet "Tổng hợp" follows report Mẫu số 02 (BÁO CÁO THỐNG KÊ TÌNH HÌNH THỰC HIỆN BIỂU QUYẾT/LẤY Ý
KIẾN GÓP Ý TRÊN HỆ THỐNG ECABINET), one row per question; when the collection is not secret, one
sheet per question lists every answer (implied ones included). The sheets are a report form and
are always in Vietnamese. Texts written by voters are stored as text, never as formulas.
"""

from __future__ import annotations

import io
from datetime import datetime
from typing import Any

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from opinions.results import CollectionResults

FONT = "Times New Roman"
THIN = Side(style="thin")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
WRAP = Alignment(wrap_text=True, vertical="top")
CENTER = Alignment(wrap_text=True, horizontal="center", vertical="center")
SIGNATURE = {"signed": "Đã ký", "unsigned": "Chưa ký", "not_required": "Không yêu cầu", "": ""}


def _local(moment: datetime | None) -> datetime | None:
    return timezone.localtime(moment).replace(tzinfo=None) if moment else None


def _when(moment: datetime | None) -> str:
    return f"{timezone.localtime(moment):%H:%M %d/%m/%Y}" if moment else ""


def _cell(ws: Worksheet, row: int, column: int, value: Any, *, bold: bool = False, align: Any = WRAP) -> None:
    cell = ws.cell(row=row, column=column, value=value)
    cell.font = Font(name=FONT, size=12, bold=bold)
    cell.alignment = align
    cell.border = BORDER
    if isinstance(value, str):
        # openpyxl takes a text starting with "=" for a formula: a voter's "=HYPERLINK(...)" must
        # stay the text it is. A string cell is never evaluated by Excel or LibreOffice.
        cell.value = value
        cell.data_type = "s"


def _title(ws: Worksheet, row: int, text: str, last_column: int, *, bold: bool = True, size: int = 13) -> None:
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=last_column)
    cell = ws.cell(row=row, column=1, value=text)
    cell.font = Font(name=FONT, size=size, bold=bold)
    cell.alignment = CENTER


def _print_setup(ws: Worksheet) -> None:
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    if ws.sheet_properties.pageSetUpPr is not None:
        ws.sheet_properties.pageSetUpPr.fitToPage = True


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
LAST_HEADER = "Kiến nghị đề xuất (nếu có)"


def _summary(ws: Worksheet, results: CollectionResults) -> None:
    last = len(SUMMARY_HEADERS) + len(RESULT_HEADERS) + 1
    _title(
        ws,
        1,
        "BÁO CÁO THỐNG KÊ TÌNH HÌNH THỰC HIỆN BIỂU QUYẾT/LẤY Ý KIẾN GÓP Ý TRÊN HỆ THỐNG ECABINET",
        last,
    )
    _title(ws, 2, results.title, last, bold=False, size=12)
    _title(
        ws,
        3,
        f"Đơn vị: {results.unit} · Phát hành: {_when(results.release_at)} · Hết hạn: {_when(results.expires_at)}",
        last,
        bold=False,
        size=12,
    )
    header, sub = 5, 6
    for column, text in enumerate(SUMMARY_HEADERS, start=1):
        ws.merge_cells(start_row=header, start_column=column, end_row=sub, end_column=column)
        _cell(ws, header, column, text, bold=True, align=CENTER)
        _cell(ws, sub, column, None)
    first_result = len(SUMMARY_HEADERS) + 1
    ws.merge_cells(start_row=header, start_column=first_result, end_row=header, end_column=last - 1)
    _cell(ws, header, first_result, "Kết quả", bold=True, align=CENTER)
    for offset, text in enumerate(RESULT_HEADERS):
        if offset:
            _cell(ws, header, first_result + offset, None)
        _cell(ws, sub, first_result + offset, text, bold=True, align=CENTER)
    ws.merge_cells(start_row=header, start_column=last, end_row=sub, end_column=last)
    _cell(ws, header, last, LAST_HEADER, bold=True, align=CENTER)
    _cell(ws, sub, last, None)
    row = sub + 1
    for q in results.questions:
        values: list[Any] = [
            q.number,
            q.text,
            results.consulted,
            results.answered,
            q.agree,
            q.agree_explicit,
            q.agree_implied,
            q.disagree,
            q.other,
        ]
        for column, value in enumerate(values, start=1):
            _cell(ws, row, column, value)
        _cell(ws, row, last, results.recommendation if q.number == 1 else None)
        row += 1
    if len(results.questions) > 1:
        ws.merge_cells(start_row=sub + 1, start_column=last, end_row=row - 1, end_column=last)
    row += 1
    if results.is_secret:
        ws.cell(row=row, column=1, value="Lấy ý kiến kín: không ghi tên người trả lời.").font = Font(
            name=FONT, italic=True
        )
        row += 1
    if not results.closed:
        ws.cell(
            row=row, column=1, value="Chưa hết hạn: người chưa trả lời chưa được tính đồng ý mặc nhiên."
        ).font = Font(name=FONT, italic=True)
        row += 1
    if results.final_hash:
        ws.cell(row=row, column=1, value=f"Mã băm cuối của nhật ký phiếu: {results.final_hash}").font = Font(name=FONT)
    for column, width in enumerate([6, 48, 18, 18, 10, 12, 18, 12, 12, 36], start=1):
        ws.column_dimensions[get_column_letter(column)].width = width
    ws.freeze_panes = f"A{sub + 1}"
    _print_setup(ws)


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


def _answers(ws: Worksheet, results: CollectionResults, index: int) -> None:
    q = results.questions[index]
    _title(ws, 1, f"Câu {q.number}: {q.text}", len(ANSWER_HEADERS))
    for column, text in enumerate(ANSWER_HEADERS, start=1):
        _cell(ws, 3, column, text, bold=True, align=CENTER)
    for number, r in enumerate(q.rows, start=1):
        row = 3 + number
        values: list[Any] = [
            number,
            r.voter,
            r.position,
            r.unit,
            r.on_behalf_of_unit,
            "Đồng ý (mặc nhiên)" if r.implied else r.option,
            r.other_text,
            _local(r.answered_at),
            SIGNATURE.get(r.signature, r.signature),
        ]
        for column, value in enumerate(values, start=1):
            _cell(ws, row, column, value)
        ws.cell(row=row, column=8).number_format = "dd/mm/yyyy hh:mm"
    for column, width in enumerate([6, 28, 20, 28, 24, 20, 40, 18, 14], start=1):
        ws.column_dimensions[get_column_letter(column)].width = width
    ws.freeze_panes = "A4"
    _print_setup(ws)


def _others(ws: Worksheet, results: CollectionResults) -> None:
    _title(ws, 1, "Ý kiến khác (lấy ý kiến kín: không ghi tên)", 3)
    for column, text in enumerate(["STT", "Câu", "Ý kiến"], start=1):
        _cell(ws, 3, column, text, bold=True, align=CENTER)
    row = 4
    for q in results.questions:
        for _voter, text in q.others:
            for column, value in enumerate([row - 3, q.number, text], start=1):
                _cell(ws, row, column, value)
            row += 1
    ws.column_dimensions["C"].width = 80


def results_workbook(results: CollectionResults) -> bytes:
    workbook = Workbook()
    summary = workbook.active
    if summary is None:  # a new Workbook always has its first sheet
        summary = workbook.create_sheet()
    summary.title = "Tổng hợp"
    _summary(summary, results)
    if results.is_secret:
        if any(q.others for q in results.questions):
            _others(workbook.create_sheet("Ý kiến khác"), results)
    else:
        for index, q in enumerate(results.questions):
            _answers(workbook.create_sheet(f"Câu {q.number}"), results, index)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
