"""A list of assigned tasks as an Excel workbook ("Việc được giao"), in the style of the opinion
results (the shared layout of core/xlsx_layout.py): Times New Roman 12, a title block, a bordered table with the header
repeated on every printed page, A4 landscape. Overdue rows are filled light red. Every text a user
typed goes through the safe-cell writer (core/exports.py, conventions §17). The sheet is a report
form and is always in Vietnamese."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.utils import timezone
from openpyxl.styles import PatternFill

from core import xlsx_layout as layout
from followups import rules
from followups.models import Task, TaskStatus

OVERDUE_FILL = PatternFill("solid", fgColor="F8D7DA")
DATE_FORMAT = "dd/mm/yyyy"

SHEET = "Việc được giao"
TITLE = "DANH SÁCH VIỆC ĐƯỢC GIAO"
STATUS_LABELS = {
    TaskStatus.NEW: "Mới giao",
    TaskStatus.ACCEPTED: "Đơn vị đã nhận",
    TaskStatus.ASSIGNED: "Đã phân công",
    TaskStatus.IN_PROGRESS: "Đang thực hiện",
    TaskStatus.COMPLETION_REQUESTED: "Đề nghị xác nhận hoàn thành",
    TaskStatus.DONE: "Đã hoàn thành",
    TaskStatus.CANCELLED: "Đã hủy",
}
HEADERS = [
    "STT",
    "Nội dung công việc",
    "Cuộc họp",
    "Đơn vị giao",
    "Người giao",
    "Đơn vị thực hiện",
    "Người thực hiện",
    "Hạn xử lý",
    "Trạng thái",
    "Tiến độ (%)",
    "Quá hạn",
]
WIDTHS = [6, 45, 32, 22, 22, 24, 22, 12, 18, 10, 9]


def tasks_workbook(tasks: Iterable[Task], *, scope: str, on: date | None = None) -> bytes:
    """The .xlsx of `tasks` (already filtered for the user); `scope` is the subtitle."""
    on = on or rules.today()
    workbook, ws = layout.new_workbook(SHEET)
    last = len(HEADERS)
    layout.line(ws, 1, TITLE, last, bold=True, size=layout.SIZE + 2)
    layout.line(ws, 2, scope, last)
    layout.line(ws, 3, f"Ngày xuất: {timezone.localtime():%d/%m/%Y %H:%M}", last, italic=True)
    header = 5
    for column, text in enumerate(HEADERS, start=1):
        layout.cell(ws, header, column, text, bold=True, align=layout.CENTER)
    row = header
    for number, task in enumerate(tasks, start=1):
        row += 1
        overdue = rules.is_overdue(task, on)
        values: list[Any] = [
            number,
            task.title,
            task.meeting.title,
            task.assigner_unit.name,
            task.assigned_by.display_name,
            task.assignee_unit.name,
            task.assignee.display_name if task.assignee else "",
            task.deadline,
            STATUS_LABELS.get(TaskStatus(task.status), task.status),
            task.progress,
            "Có" if overdue else "",
        ]
        for column, value in enumerate(values, start=1):
            layout.cell(ws, row, column, value, number_format=DATE_FORMAT if isinstance(value, date) else None)
            if overdue:
                ws.cell(row=row, column=column).fill = OVERDUE_FILL
        layout.fit_height(ws, row, values, WIDTHS)
    layout.columns(ws, WIDTHS)
    ws.freeze_panes = f"A{header + 1}"
    layout.print_setup(ws, f"{header}:{header}")
    return layout.saved(workbook)
