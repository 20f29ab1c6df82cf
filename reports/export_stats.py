"""The statistics page as an Excel workbook: the same numbers, in the shared layout of the other
exports (core/xlsx_layout.py: Times New Roman 12, a title block, bordered tables, A4). Like every
report the system produces it is in Vietnamese, whatever the interface language: the page's own
labels rendered in Vietnamese. Every text goes through the safe-cell writer (core/exports.py).

Sheets: "Thống kê" (each section: item, number, share), "Theo đơn vị" (the table by unit),
"Theo thời gian" (meetings per day, week, month or year).
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone, translation

from core import xlsx_layout as layout
from reports.statistics import Statistics

SHEET = "Thống kê"
TITLE = "THỐNG KÊ HOẠT ĐỘNG TRÊN HỆ THỐNG ECABINET"
SECTION_HEADERS = ["STT", "Chỉ tiêu", "Số lượng", "Tỷ lệ (%)"]
SECTION_WIDTHS = [6, 60, 14, 40]
UNIT_SHEET = "Theo đơn vị"
UNIT_HEADERS = [
    "STT",
    "Đơn vị",
    "Số cuộc họp",
    "Cuộc họp đã diễn ra",
    "Số tài liệu",
    "Số trang tài liệu",
    "Tỷ lệ tham dự (%)",
    "Số đợt lấy ý kiến",
    "Số việc được giao",
    "Việc quá hạn",
]
UNIT_WIDTHS = [6, 40, 11, 12, 11, 12, 12, 12, 12, 11]
SERIES_SHEET = "Theo thời gian"
SERIES_HEADERS = ["STT", "Thời gian", "Số cuộc họp", "Cuộc họp đã diễn ra"]
SERIES_WIDTHS = [6, 24, 14, 18]


def _title_block(ws: Any, stats: Statistics, last: int) -> int:
    scope = stats.unit.name if stats.unit is not None else "Tất cả các đơn vị trong tỉnh"
    layout.line(ws, 1, TITLE, last, bold=True, size=layout.SIZE + 2)
    layout.line(ws, 2, f"Đơn vị: {scope}", last)
    layout.line(ws, 3, f"Thời gian: từ ngày {stats.period.first:%d/%m/%Y} đến ngày {stats.period.last:%d/%m/%Y}", last)
    layout.line(ws, 4, f"Ngày xuất: {timezone.localtime():%d/%m/%Y %H:%M}", last, italic=True)
    return 6


def _header(ws: Any, row: int, headers: list[str]) -> None:
    for column, text in enumerate(headers, start=1):
        layout.cell(ws, row, column, text, bold=True, align=layout.CENTER)


def statistics_workbook(stats: Statistics) -> bytes:
    with translation.override("vi"):
        return _workbook(stats)


def _workbook(stats: Statistics) -> bytes:
    workbook, ws = layout.new_workbook(SHEET)
    last = len(SECTION_HEADERS)
    row = _title_block(ws, stats, last)
    header_row = row
    _header(ws, row, SECTION_HEADERS)
    for label, value in stats.headline:
        row += 1
        layout.cell(ws, row, 1, None)
        layout.cell(ws, row, 2, str(label), bold=True)
        layout.cell(ws, row, 3, value, align=layout.RIGHT)
        layout.cell(ws, row, 4, None)
    for section in stats.sections:
        row += 1
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=last)
        layout.cell(ws, row, 1, str(section.title), bold=True, align=layout.LEFT)
        for number, item in enumerate(section.rows, start=1):
            row += 1
            share = f"{item.percent_text} ({section.base_label})" if item.percent is not None else ""
            values: list[Any] = [number, str(item.label), item.value, share]
            for column, content in enumerate(values, start=1):
                layout.cell(ws, row, column, content, align=layout.RIGHT if column == 3 else layout.WRAP)
            layout.fit_height(ws, row, values, SECTION_WIDTHS)
        for note in section.notes:
            row += 1
            ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=last)
            layout.cell(ws, row, 1, str(note), align=layout.WRAP)
            layout.fit_height(ws, row, ["", str(note)], [0, sum(SECTION_WIDTHS)])
    layout.columns(ws, SECTION_WIDTHS)
    layout.print_setup(ws, f"{header_row}:{header_row}")

    units = workbook.create_sheet(layout.sheet_title(workbook, UNIT_SHEET))
    header_row = _title_block(units, stats, len(UNIT_HEADERS))
    _header(units, header_row, UNIT_HEADERS)
    layout.free_text_rows(
        units,
        header_row,
        (
            [
                item.unit.name,
                item.meetings,
                item.held,
                item.documents,
                item.pages,
                item.attendance_rate if item.attendance_rate is not None else "",
                item.collections,
                item.tasks,
                item.overdue,
            ]
            for item in stats.units
        ),
        UNIT_WIDTHS,
    )

    series = workbook.create_sheet(layout.sheet_title(workbook, SERIES_SHEET))
    header_row = _title_block(series, stats, len(SERIES_HEADERS))
    _header(series, header_row, SERIES_HEADERS)
    layout.free_text_rows(series, header_row, ([label, n, held] for label, n, held in stats.series), SERIES_WIDTHS)
    return layout.saved(workbook)
