"""Every in-meeting vote of a meeting in one Excel workbook (Điều 5.5), laid out like an opinion
collection's results (the shared layout of core/xlsx_layout.py: A4 landscape, Times New Roman 12,
header rows on every printed page, every cell through core/exports.py's safe-cell writer).

- "Tổng hợp": the meeting, its attendance and quorum as the room shows them, then one block per
  vote: the question, named or secret, its state, when it opened and closed, the delegates who
  could vote and how many voted ("Voted: 37/52" on the screens), and one row per option with its
  count and share. A vote still open or never opened shows no count: the screens show results
  once the vote is closed, and so does the workbook.
- "BQ 1", "BQ 2", …: for each closed named vote, who chose what (name, position, unit, choice,
  other opinion, time). A secret vote never gets such a sheet, and its other opinions are listed
  without names, sorted by text (polls.queries.tally), so nothing ties a choice to a person.
- "Ý kiến khác": the texts written under "other", when any.

The sheets are a report form and are always in Vietnamese (as opinions/export.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from openpyxl.worksheet.worksheet import Worksheet

from core import xlsx_layout as layout
from live.models import LiveState
from live.queries import attendance_counts
from live.voting import poll_data
from meetings.models import Meeting
from polls.models import Choice, Poll, PollKind, PollState
from polls.queries import tally

__all__ = ["votes_workbook"]

TITLE = "KẾT QUẢ BIỂU QUYẾT TẠI CUỘC HỌP"
SUMMARY_SHEET = "Tổng hợp"
OTHERS_SHEET = "Ý kiến khác"
SUMMARY_HEADERS = [
    "STT",
    "Nội dung biểu quyết",
    "Hình thức",
    "Trạng thái",
    "Thời gian mở",
    "Thời gian đóng",
    "Số đại biểu có quyền biểu quyết (có mặt)",
    "Số đại biểu đã biểu quyết",
    "Phương án",
    "Số phiếu",
    "Tỷ lệ",
]
SUMMARY_WIDTHS = [6, 40, 11, 15, 17, 17, 15, 14, 28, 10, 10]
SUMMARY_HEADER_ROW = 7  # the title block takes rows 1-5
NAMED_HEADERS = ["STT", "Họ và tên", "Chức vụ", "Đơn vị", "Lựa chọn", "Ý kiến khác", "Thời gian biểu quyết"]
NAMED_WIDTHS = [6, 28, 22, 30, 26, 40, 17]
NAMED_HEADER_ROW = 3
OTHERS_HEADERS = ["STT", "Biểu quyết", "Họ và tên", "Ý kiến khác"]
OTHERS_WIDTHS = [6, 12, 28, 90]
PERCENT_FORMAT = "0.0%"

FORMS = {False: "Công khai", True: "Kín"}  # is_secret -> the form of the vote
STATES = {PollState.DRAFT: "Chưa mở", PollState.OPEN: "Đang biểu quyết", PollState.CLOSED: "Đã kết thúc"}
NO_RESULT = "Chưa có kết quả: biểu quyết chưa kết thúc."
NO_VOTES = "Cuộc họp không có biểu quyết nào."
UNNAMED_NOTE = "Biểu quyết kín: không ghi tên người biểu quyết."
NAMED_NOTE = "Biểu quyết công khai: lựa chọn của từng đại biểu ở trang {sheets}."
QUORUM_RULES = {"none": "không yêu cầu", "half": "quá nửa", "two_thirds": "hai phần ba"}
UNNAMED_VOTER = "(biểu quyết kín)"


@dataclass
class NamedRow:
    voter: str
    position: str
    unit: str
    choice: str
    other: str
    cast_at: datetime | None


@dataclass
class VoteRows:
    number: int
    poll: Poll
    data: dict[str, Any]  # live.voting.poll_data: what the screens show
    named: list[NamedRow] = field(default_factory=list)
    others: list[tuple[str, str]] = field(default_factory=list)  # (voter or UNNAMED_VOTER, text)


def _named_rows(poll: Poll, several_questions: bool) -> list[NamedRow]:
    """Who chose what in a closed named vote, by name then question. Never called for a secret
    vote (its choices are stored without the participation, Điều 5.5 and conventions §7)."""
    rows = (
        Choice.objects.filter(poll=poll, participation__isnull=False)
        .order_by("participation__voter__full_name", "participation__voter_id", "question__order")
        .values_list(
            "question__order",
            "participation__voter__full_name",
            "participation__voter__position",
            "participation__voter__unit__name",
            "option__label",
            "other_text",
            "participation__cast_at",
        )
    )
    return [
        NamedRow(name, position or "", unit or "", f"Câu {order}: {label}" if several_questions else label, other, at)
        for order, name, position, unit, label, other, at in rows
    ]


def _votes(meeting: Meeting) -> list[VoteRows]:
    votes = []
    polls = Poll.objects.filter(meeting=meeting, kind=PollKind.MEETING_VOTE).order_by("pk")
    for number, poll in enumerate(polls, start=1):
        vote = VoteRows(number, poll, poll_data(poll))
        if poll.state == PollState.CLOSED:
            several = len(vote.data["questions"]) > 1
            if not poll.is_secret:
                vote.named = _named_rows(poll, several)
            for question in tally(poll, named=False).questions:
                vote.others += [(o["voter"] or UNNAMED_VOTER, o["text"]) for o in question.others]
        votes.append(vote)
    return votes


def _title_block(ws: Worksheet, meeting: Meeting, live: LiveState) -> None:
    last = len(SUMMARY_HEADERS)
    counts = attendance_counts(meeting, live)
    layout.line(ws, 1, TITLE, last, bold=True, size=13)
    layout.line(ws, 2, meeting.title, last, bold=True)
    ws.row_dimensions[2].height = layout.LINE_HEIGHT * layout.lines(meeting.title, sum(SUMMARY_WIDTHS)) + 4
    layout.line(ws, 3, f"Đơn vị chủ trì: {meeting.unit.name}", last)
    place = meeting.place_label or ""
    layout.line(ws, 4, f"Thời gian: {layout.when(meeting.start)}" + (f" — Địa điểm: {place}" if place else ""), last)
    quorum = QUORUM_RULES.get(counts["quorum_rule"], counts["quorum_rule"])
    if counts["quorum_rule"] != "none":
        reached = "đạt" if counts["quorum_reached"] else "chưa đạt"
        quorum = f"{quorum}, cần {counts['quorum_required']} — {reached}"
    layout.line(
        ws,
        5,
        f"Đại biểu được mời: {counts['invited']} — Có mặt: {counts['present']} (đến muộn: {counts['late']}) — "
        f"Vắng: {counts['absent'] + counts['excused']} — Túc số: {quorum}",
        last,
    )


def _summary(ws: Worksheet, meeting: Meeting, live: LiveState, votes: list[VoteRows]) -> None:
    last = len(SUMMARY_HEADERS)
    _title_block(ws, meeting, live)
    header = SUMMARY_HEADER_ROW
    for column, text in enumerate(SUMMARY_HEADERS, start=1):
        layout.cell(ws, header, column, text, bold=True, align=layout.CENTER)
    ws.row_dimensions[header].height = layout.LINE_HEIGHT * 4 + 4
    row = header + 1
    for vote in votes:
        first = row
        data = vote.data
        head: list[Any] = [
            vote.number,
            vote.poll.title,
            FORMS[vote.poll.is_secret],
            STATES.get(PollState(vote.poll.state), vote.poll.state),
            layout.local(vote.poll.opened_at),
            layout.local(vote.poll.closed_at),
            int(data["eligible"]),
            int(data["voted"]),
        ]
        options: list[tuple[str, int | None, float | None]] = []
        if vote.poll.state == PollState.CLOSED:
            results = data["questions_results"]
            for question in results:
                total = sum(o["count"] for o in question["options"])
                for o in question["options"]:
                    label = o["label"] if len(results) == 1 else f"{question['text']}: {o['label']}"
                    options.append((label, int(o["count"]), o["count"] / total if total else None))
        if not options:
            options.append((NO_RESULT, None, None))
        for label, count, share in options:
            layout.cell(ws, row, 9, label)
            layout.cell(ws, row, 10, count, align=layout.MIDDLE)
            layout.cell(ws, row, 11, share, align=layout.MIDDLE, number_format=PERCENT_FORMAT)
            layout.fit_height(ws, row, [None] * 8 + [label], SUMMARY_WIDTHS)
            row += 1
        for column, value in enumerate(head, start=1):
            moment = column in (5, 6)
            for r in range(first, row):  # borders on every cell of a merged block
                layout.cell(ws, r, column, align=layout.WRAP if column == 2 else layout.MIDDLE)
            layout.cell(
                ws,
                first,
                column,
                value,
                align=layout.WRAP if column == 2 else layout.MIDDLE,
                number_format=layout.DATETIME_FORMAT if moment else None,
            )
            if row - first > 1:
                ws.merge_cells(start_row=first, start_column=column, end_row=row - 1, end_column=column)
        needed = layout.lines(vote.poll.title, SUMMARY_WIDTHS[1]) * layout.LINE_HEIGHT + 4
        height = sum(ws.row_dimensions[r].height or layout.LINE_HEIGHT for r in range(first, row))
        if needed > height:
            ws.row_dimensions[row - 1].height = (
                (ws.row_dimensions[row - 1].height or layout.LINE_HEIGHT) + needed - height
            )
    row += 1
    notes = []
    if not votes:
        notes.append(NO_VOTES)
    if any(v.poll.is_secret for v in votes):
        notes.append(UNNAMED_NOTE)
    sheets = [f"BQ {v.number}" for v in votes if v.named]
    if sheets:
        notes.append(NAMED_NOTE.format(sheets=", ".join(sheets)))
    for note in notes:
        layout.line(ws, row, note, last, italic=True, align=layout.LEFT)
        row += 1
    layout.columns(ws, SUMMARY_WIDTHS)
    ws.freeze_panes = f"A{header + 1}"
    layout.print_setup(ws, f"{header}:{header}")


def _named(ws: Worksheet, vote: VoteRows) -> None:
    last = len(NAMED_HEADERS)
    heading = f"Biểu quyết {vote.number}: {vote.poll.title}"
    layout.line(ws, 1, heading, last, bold=True, align=layout.LEFT)
    ws.row_dimensions[1].height = layout.LINE_HEIGHT * layout.lines(heading, sum(NAMED_WIDTHS)) + 4
    header = NAMED_HEADER_ROW
    for column, text in enumerate(NAMED_HEADERS, start=1):
        layout.cell(ws, header, column, text, bold=True, align=layout.CENTER)
    for number, r in enumerate(vote.named, start=1):
        row = header + number
        values: list[Any] = [number, r.voter, r.position, r.unit, r.choice, r.other, layout.local(r.cast_at)]
        for column, value in enumerate(values, start=1):
            layout.cell(
                ws,
                row,
                column,
                value if value != "" else None,
                align=layout.MIDDLE if column in (1, 7) else layout.WRAP,
                number_format=layout.DATETIME_FORMAT if column == 7 else None,
            )
        layout.fit_height(ws, row, values[:6], NAMED_WIDTHS)
    layout.columns(ws, NAMED_WIDTHS)
    ws.freeze_panes = f"A{header + 1}"
    layout.print_setup(ws, f"{header}:{header}")


def _others(ws: Worksheet, votes: list[VoteRows]) -> None:
    layout.line(ws, 1, OTHERS_SHEET, len(OTHERS_HEADERS), bold=True, align=layout.LEFT)
    header = 3
    for column, text in enumerate(OTHERS_HEADERS, start=1):
        layout.cell(ws, header, column, text, bold=True, align=layout.CENTER)
    rows = ([f"BQ {vote.number}", voter, text] for vote in votes for voter, text in vote.others)
    layout.free_text_rows(ws, header, rows, OTHERS_WIDTHS)


def votes_workbook(meeting: Meeting, live: LiveState) -> bytes:
    """The .xlsx of the meeting's votes: "Tổng hợp", a "BQ n" sheet per closed named vote, and
    "Ý kiến khác" when someone wrote one. A meeting without votes gets the summary saying so."""
    votes = _votes(meeting)
    workbook, summary = layout.new_workbook(SUMMARY_SHEET)
    _summary(summary, meeting, live, votes)
    for vote in votes:
        if vote.named:
            _named(workbook.create_sheet(layout.sheet_title(workbook, f"BQ {vote.number}")), vote)
    if any(v.others for v in votes):
        _others(workbook.create_sheet(layout.sheet_title(workbook, OTHERS_SHEET)), votes)
    return layout.saved(workbook)
