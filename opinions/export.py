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

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from core import xlsx_layout as layout
from opinions.results import CollectionResults, QuestionResults

__all__ = ["results_workbook"]

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


def _summary(ws: Worksheet, results: CollectionResults) -> None:
    last = len(SUMMARY_HEADERS) + len(RESULT_HEADERS) + 1
    layout.line(ws, 1, FORM_NAME, last, bold=True, italic=True, align=layout.RIGHT)
    layout.line(ws, 2, FORM_TITLE, last, bold=True, size=13)
    layout.line(ws, 3, results.title, last, bold=True)
    ws.row_dimensions[3].height = layout.LINE_HEIGHT * layout.lines(results.title, sum(SUMMARY_WIDTHS)) + 4
    layout.line(ws, 4, f"Đơn vị: {results.unit}", last)
    layout.line(
        ws,
        5,
        f"Thời gian phát hành: {layout.when(results.release_at)} — Thời gian hết hạn: {layout.when(results.expires_at)}",
        last,
    )

    header = LAYOUT.summary_header
    sub = header + 1
    layout.grouped_header(ws, header, SUMMARY_HEADERS, RESULTS_HEADER, RESULT_HEADERS, [RECOMMENDATION_HEADER])
    ws.row_dimensions[header].height = layout.LINE_HEIGHT * 1.5
    ws.row_dimensions[sub].height = layout.LINE_HEIGHT * 4 + 4

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
            layout.cell(ws, row, column, value, align=layout.WRAP if column == 2 else layout.MIDDLE)
        recommendation = results.recommendation if index == 0 else None
        layout.cell(ws, row, last, recommendation or None)
        layout.fit_height(ws, row, [*values, recommendation], SUMMARY_WIDTHS)
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
        layout.line(ws, row, note, last, italic=True, align=layout.LEFT)
        row += 1
    if results.final_hash:
        layout.line(ws, row, HASH_LABEL + results.final_hash, last, align=layout.LEFT)
    layout.columns(ws, SUMMARY_WIDTHS)
    ws.freeze_panes = f"A{sub + 1}"
    layout.print_setup(ws, f"{header}:{sub}")


def _answers(ws: Worksheet, q: QuestionResults) -> None:
    last = len(ANSWER_HEADERS)
    layout.line(ws, 1, f"Câu {q.number}: {q.text}", last, bold=True, align=layout.LEFT)
    ws.row_dimensions[1].height = layout.LINE_HEIGHT * layout.lines(f"Câu {q.number}: {q.text}", sum(ANSWER_WIDTHS)) + 4
    header = LAYOUT.answers_header
    for column, text in enumerate(ANSWER_HEADERS, start=1):
        layout.cell(ws, header, column, text, bold=True, align=layout.CENTER)
    ws.row_dimensions[header].height = layout.LINE_HEIGHT * 2 + 4
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
            layout.local(r.answered_at),
            SIGNATURE.get(r.signature, r.signature),
        ]
        for column, value in enumerate(values, start=1):
            layout.cell(
                ws,
                row,
                column,
                value if value != "" else None,
                align=layout.MIDDLE if column in (1, 8, 9) else layout.WRAP,
                number_format=layout.DATETIME_FORMAT if column == 8 else None,
            )
        layout.fit_height(ws, row, [None if isinstance(v, datetime) else v for v in values], ANSWER_WIDTHS)
    layout.columns(ws, ANSWER_WIDTHS)
    ws.freeze_panes = f"A{header + 1}"
    layout.print_setup(ws, f"{header}:{header}")


def _others(ws: Worksheet, results: CollectionResults) -> None:
    """The texts written under "Ý kiến khác", question by question, in the order given; the name
    column only when the collection is named."""
    headers = ["STT", "Câu"] + ([] if results.is_secret else ["Họ và tên"]) + ["Ý kiến khác"]
    widths = [6, 8] + ([] if results.is_secret else [28]) + [90]
    title = "Ý kiến khác" + (" (lấy ý kiến kín: không ghi tên)" if results.is_secret else "")
    layout.line(ws, 1, title, len(headers), bold=True, align=layout.LEFT)
    header = LAYOUT.others_header
    for column, text in enumerate(headers, start=1):
        layout.cell(ws, header, column, text, bold=True, align=layout.CENTER)
    rows = (
        [q.number, *([] if results.is_secret else [voter]), text] for q in results.questions for voter, text in q.others
    )
    layout.free_text_rows(ws, header, rows, widths)


def results_workbook(results: CollectionResults) -> bytes:
    """The .xlsx file of a collection's results: "Tổng hợp" (Mẫu số 02); "Câu 1", "Câu 2", … with
    every answer when the collection is named; "Ý kiến khác" when someone wrote one."""
    workbook = Workbook()
    _summary(layout.first_sheet(workbook, SUMMARY_SHEET), results)
    if not results.is_secret:
        for q in results.questions:
            _answers(workbook.create_sheet(layout.sheet_title(workbook, f"Câu {q.number}")), q)
    if any(q.others for q in results.questions):
        _others(workbook.create_sheet(layout.sheet_title(workbook, OTHERS_SHEET)), results)
    return layout.saved(workbook)
