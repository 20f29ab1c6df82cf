"""The appendix forms Mẫu số 01 and Mẫu số 02 as an Excel workbook and as a Word document (PDF
through LibreOffice), for a period and a unit or for a submitted quarterly report.

- .xlsx: the shared layout of core/xlsx_layout.py (A4 landscape, Times New Roman 12, header rows
  on every printed page); every cell through the safe-cell writer (a title that starts with "="
  stays text). Row 1 "Mẫu số 0x", rows 2–3 the title, row 4 the unit, row 5 the period; the
  table's header at row 7 (Mẫu 02: rows 7–8, "Kết quả …" over its three columns), rows from
  row 8 (Mẫu 02: row 9). Under the table, the notes: implied consent (Điều 7.2b) per row, the
  report's own recommendations.
- .docx: the NĐ 30 layout of minutes/export.py (issuing unit and number, national title, place and
  date, the document's name), landscape for the table, then the recommendations and the
  signature block of the unit's head, "Nơi nhận" the PPC Office.

The forms are legal documents in Vietnamese whatever the interface language.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Mm, Pt
from openpyxl.worksheet.worksheet import Worksheet

from accounts.models import OrgUnit
from core import nd30
from core import xlsx_layout as layout
from minutes.export import (
    authority_header,
    document_title,
    new_document,
    save_document,
    set_font,
    signatures,
)
from reports.forms_data import MAU01, MAU02

__all__ = ["FormReport", "form_docx", "form_xlsx"]

FORM_NAMES = {MAU01: "Mẫu số 01", MAU02: "Mẫu số 02"}
TITLES = {
    MAU01: "THỐNG KÊ SỐ LƯỢNG CUỘC HỌP TRÊN HỆ THỐNG ECABINET",
    MAU02: "THỐNG KÊ TÌNH HÌNH THỰC HIỆN BIỂU QUYẾT/LẤY Ý KIẾN GÓP Ý TRÊN HỆ THỐNG ECABINET",
}
SUBJECTS = {
    MAU01: "Thống kê số lượng cuộc họp trên Hệ thống eCabinet",
    MAU02: "Thống kê tình hình thực hiện biểu quyết/lấy ý kiến góp ý trên Hệ thống eCabinet",
}
MAU01_HEADERS = [
    "STT",
    "Nội dung cuộc họp",
    "Chủ trì",
    "Thời gian",
    "Tổng số đại biểu tham dự",
    "Ghi chú về sự cố (nếu có)",
    "Kiến nghị đề xuất (nếu có)",
]
MAU01_WIDTHS = [6, 42, 24, 22, 13, 34, 34]
MAU02_HEADERS = [
    "STT",
    "Nội dung xin ý kiến góp ý",
    "Số lượng người được xin ý kiến góp ý trên Hệ thống",
    "Số lượng người gửi ý kiến góp ý trên Hệ thống",
]
MAU02_RESULT_HEADER = "Kết quả biểu quyết/Lấy ý kiến góp ý"
MAU02_RESULTS = ["Đồng ý", "Không đồng ý", "Ý kiến khác"]
MAU02_RECOMMENDATION = "Kiến nghị đề xuất (nếu có)"
MAU02_WIDTHS = [6, 46, 16, 16, 10, 10, 10, 34]
NO_ROWS = "Không có số liệu trong kỳ báo cáo."
IMPLIED_NOTE = "STT {number}: {agree} đồng ý, trong đó {implied} mặc nhiên (không trả lời khi hết hạn, Điều 7.2b)."
VOTE_NOTE = "Biểu quyết tại cuộc họp: số người được xin ý kiến là số đại biểu có mặt có quyền biểu quyết."
RECOMMENDATION_LABEL = "Kiến nghị, đề xuất của đơn vị: "
HEADER_ROW = 7


@dataclass
class FormReport:
    """One form to write: its rows (reports.forms_data) and what the title block says."""

    form: str
    unit: OrgUnit | None
    start: dt.date
    end: dt.date
    rows: list[dict[str, Any]]
    recommendation: str = ""
    number: str = ""  # "Số: …" of the .docx; blank for the unit's clerk to fill in
    day: dt.date | None = None  # the document's date (submission day, or today)
    notes: list[str] = field(default_factory=list)

    @property
    def unit_name(self) -> str:
        return self.unit.name if self.unit is not None else "Toàn tỉnh Ninh Bình"

    @property
    def period_text(self) -> str:
        return f"Từ ngày {self.start:%d/%m/%Y} đến ngày {self.end:%d/%m/%Y}"


def mau01_values(row: dict[str, Any]) -> list[Any]:
    return [row["content"], row["chair"], row["time"], int(row["attendees"]), row["incidents"], row["recommendation"]]


def mau02_values(row: dict[str, Any]) -> list[Any]:
    return [
        row["content"],
        int(row["consulted"]),
        int(row["answered"]),
        int(row["agree"]),
        int(row["disagree"]),
        int(row["other"]),
        row["recommendation"],
    ]


def notes_of(report: FormReport) -> list[str]:
    notes = list(report.notes)
    if report.form == MAU02:
        for number, row in enumerate(report.rows, start=1):
            if row["agree_implied"]:
                notes.append(IMPLIED_NOTE.format(number=number, agree=row["agree"], implied=row["agree_implied"]))
        if any(row["source"] == "vote" for row in report.rows):
            notes.append(VOTE_NOTE)
    if not report.rows:
        notes.append(NO_ROWS)
    if report.recommendation.strip():
        notes.append(RECOMMENDATION_LABEL + report.recommendation.strip())
    return notes


# --- Excel -----------------------------------------------------------------------------------------


def _title_block(ws: Worksheet, report: FormReport, last: int) -> None:
    layout.line(ws, 1, FORM_NAMES[report.form], last, bold=True, italic=True, align=layout.RIGHT)
    layout.line(ws, 2, "BÁO CÁO", last, bold=True, size=13)
    layout.line(ws, 3, TITLES[report.form], last, bold=True, size=13)
    layout.line(ws, 4, f"Đơn vị: {report.unit_name}", last)
    layout.line(ws, 5, report.period_text, last, italic=True)


def _mau01_table(ws: Worksheet, report: FormReport) -> int:
    for column, text in enumerate(MAU01_HEADERS, start=1):
        layout.cell(ws, HEADER_ROW, column, text, bold=True, align=layout.CENTER)
    ws.row_dimensions[HEADER_ROW].height = layout.LINE_HEIGHT * 3 + 4
    row = HEADER_ROW + 1
    for number, data in enumerate(report.rows, start=1):
        values = [number, *mau01_values(data)]
        for column, value in enumerate(values, start=1):
            centred = column in (1, 5)
            layout.cell(
                ws, row, column, value if value != "" else None, align=layout.MIDDLE if centred else layout.WRAP
            )
        layout.fit_height(ws, row, values, MAU01_WIDTHS)
        row += 1
    layout.columns(ws, MAU01_WIDTHS)
    ws.freeze_panes = f"A{HEADER_ROW + 1}"
    layout.print_setup(ws, f"{HEADER_ROW}:{HEADER_ROW}")
    return row


def _mau02_table(ws: Worksheet, report: FormReport) -> int:
    sub = HEADER_ROW + 1
    last = layout.grouped_header(
        ws, HEADER_ROW, MAU02_HEADERS, MAU02_RESULT_HEADER, MAU02_RESULTS, [MAU02_RECOMMENDATION]
    )
    ws.row_dimensions[HEADER_ROW].height = layout.LINE_HEIGHT * 2 + 4
    ws.row_dimensions[sub].height = layout.LINE_HEIGHT * 4 + 4
    row = sub + 1
    for number, data in enumerate(report.rows, start=1):
        values = [number, *mau02_values(data)]
        for column, value in enumerate(values, start=1):
            wrapped = column in (2, last)
            layout.cell(
                ws, row, column, value if value != "" else None, align=layout.WRAP if wrapped else layout.MIDDLE
            )
        layout.fit_height(ws, row, values, MAU02_WIDTHS)
        row += 1
    layout.columns(ws, MAU02_WIDTHS)
    ws.freeze_panes = f"A{sub + 1}"
    layout.print_setup(ws, f"{HEADER_ROW}:{sub}")
    return row


def form_xlsx(report: FormReport) -> bytes:
    workbook, ws = layout.new_workbook(FORM_NAMES[report.form])
    last = len(MAU01_WIDTHS if report.form == MAU01 else MAU02_WIDTHS)
    _title_block(ws, report, last)
    row = _mau01_table(ws, report) if report.form == MAU01 else _mau02_table(ws, report)
    row += 1
    for note in notes_of(report):
        layout.line(ws, row, note, last, italic=True, align=layout.LEFT)
        ws.row_dimensions[row].height = layout.LINE_HEIGHT * layout.lines(note, sum(layout_widths(report))) + 4
        row += 1
    return layout.saved(workbook)


def layout_widths(report: FormReport) -> list[int]:
    return MAU01_WIDTHS if report.form == MAU01 else MAU02_WIDTHS


# --- Word ------------------------------------------------------------------------------------------

TABLE_FONT = 11


def _landscape(document: Any) -> None:
    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = section.page_height, section.page_width


def _cell_text(cell: Any, text: str, *, bold: bool = False, centred: bool = False) -> None:
    lines = str(text).split("\n")
    paragraph = cell.paragraphs[0]
    for index, line in enumerate(lines):
        if index:
            paragraph = cell.add_paragraph()
        paragraph.paragraph_format.space_after = Pt(0)
        if centred:
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        set_font(paragraph.add_run(line), TABLE_FONT, bold=bold)


def _docx_table(document: Any, report: FormReport) -> None:
    widths = layout_widths(report)
    total = sum(widths)
    text_width = 297.0 - nd30.MARGIN_LEFT - nd30.MARGIN_RIGHT
    if report.form == MAU01:
        header_rows = 1
        table = document.add_table(rows=1, cols=len(MAU01_HEADERS))
        for column, text in enumerate(MAU01_HEADERS):
            _cell_text(table.cell(0, column), text, bold=True, centred=True)
        values_of = mau01_values
        centred_columns = {0, 4}
    else:
        header_rows = 2
        columns = len(MAU02_HEADERS) + len(MAU02_RESULTS) + 1
        table = document.add_table(rows=2, cols=columns)
        for column, text in enumerate(MAU02_HEADERS):
            merged = table.cell(0, column).merge(table.cell(1, column))
            _cell_text(merged, text, bold=True, centred=True)
        first = len(MAU02_HEADERS)
        result = table.cell(0, first).merge(table.cell(0, first + len(MAU02_RESULTS) - 1))
        _cell_text(result, MAU02_RESULT_HEADER, bold=True, centred=True)
        for offset, text in enumerate(MAU02_RESULTS):
            _cell_text(table.cell(1, first + offset), text, bold=True, centred=True)
        last = table.cell(0, columns - 1).merge(table.cell(1, columns - 1))
        _cell_text(last, MAU02_RECOMMENDATION, bold=True, centred=True)
        values_of = mau02_values
        centred_columns = {0, 2, 3, 4, 5, 6}
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for number, data in enumerate(report.rows, start=1):
        cells = table.add_row().cells
        for column, value in enumerate([number, *values_of(data)]):
            _cell_text(cells[column], str(value), centred=column in centred_columns)
    for row_index, row in enumerate(table.rows):
        for column, cell in enumerate(row.cells):
            cell.width = Mm(text_width * widths[column] / total)
        if row_index < header_rows:
            row.repeat_header = True  # type: ignore[attr-defined]


def _paragraph(document: Any, text: str, *, italic: bool = False, bold: bool = False) -> None:
    paragraph = document.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    paragraph.paragraph_format.space_after = Pt(3)
    set_font(paragraph.add_run(text), 13, italic=italic, bold=bold)


def form_docx(report: FormReport) -> bytes:
    document = new_document()
    _landscape(document)
    label = document.add_paragraph()
    label.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    label.paragraph_format.space_after = Pt(0)
    set_font(label.add_run(FORM_NAMES[report.form]), 12, bold=True, italic=True)
    code = report.unit.code if report.unit is not None else "VPUBND"
    authority_header(document, report.unit, report.number or f"       /BC-{code}", report.day or timezone.localdate())
    document_title(document, "BÁO CÁO", SUBJECTS[report.form])
    period = document.add_paragraph()
    period.alignment = WD_ALIGN_PARAGRAPH.CENTER
    period.paragraph_format.space_after = Pt(6)
    set_font(period.add_run(f"({report.period_text.lower().capitalize()})"), 13, italic=True)
    _docx_table(document, report)
    for note in notes_of(report):
        _paragraph(document, note, italic=not note.startswith(RECOMMENDATION_LABEL))
    signatures(document, [("THỦ TRƯỞNG ĐƠN VỊ", "", "")], recipients=["Văn phòng UBND tỉnh"])
    return save_document(document)
