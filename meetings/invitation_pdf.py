"""The giấy mời (invitation letter) of a meeting, in the layout of Nghị định 30/2020/NĐ-CP.

Phụ lục I of the decree fixes the administrative document form: A4, margins 20/20 mm
(top/bottom) and 30/15 mm (left/right), Times New Roman in the sizes used below, the issuing
authority top left, the national title and motto top right, the place-and-date line in italic,
the body justified with a first-line indent, "Nơi nhận" bottom left and the signer bottom right.

The letter is a legal form and is always written in Vietnamese, whatever the interface
language, so its text is not translated. Liberation Serif stands in for Times New Roman: it
has the same metrics, so line breaks fall where they would in the ministry's templates.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone
from fpdf import FPDF
from fpdf.enums import Align, WrapMode, XPos, YPos

from meetings import rules
from meetings.models import (
    Answer,
    Invitation,
    InvitationKind,
    InvitationRole,
    Meeting,
    MeetingFormat,
    MeetingStatus,
)

DEFAULT_FONT_DIR = "/usr/share/fonts/truetype/liberation2"
FONT_FAMILY = "TimesCompatible"
FONT_FILES = {
    "": "LiberationSerif-Regular.ttf",
    "B": "LiberationSerif-Bold.ttf",
    "I": "LiberationSerif-Italic.ttf",
    "BI": "LiberationSerif-BoldItalic.ttf",
}
PLACE_NAME = "Ninh Bình"

# Geometry in millimetres (Phụ lục I, NĐ 30/2020).
MARGIN_TOP, MARGIN_BOTTOM, MARGIN_LEFT, MARGIN_RIGHT = 20.0, 20.0, 30.0, 15.0
TEXT_WIDTH = 210.0 - MARGIN_LEFT - MARGIN_RIGHT
LEFT_COLUMN = 70.0  # issuing authority
RIGHT_COLUMN = TEXT_WIDTH - LEFT_COLUMN  # national title, motto, place and date
FIRST_LINE_INDENT = 12.7
BODY_SIZE = 14
LINE_HEIGHT = 1.25  # times the font size
SIGNATURE_SPACE = 26.0  # room for the hand signature and the seal

WEEKDAYS = ("thứ Hai", "thứ Ba", "thứ Tư", "thứ Năm", "thứ Sáu", "thứ Bảy", "Chủ nhật")
# Common abbreviations the decree allows in the name of the supervising authority.
ABBREVIATIONS = (
    (re.compile(r"\b[UỦ][yỷ] ban nhân dân\b", re.IGNORECASE), "UBND"),
    (re.compile(r"\bHội đồng nhân dân\b", re.IGNORECASE), "HĐND"),
)


class FontsMissing(ImproperlyConfigured):
    pass


def font_dir() -> Path:
    return Path(getattr(settings, "PDF_FONT_DIR", "") or DEFAULT_FONT_DIR)


def _font_paths() -> dict[str, Path]:
    directory = font_dir()
    paths = {style: directory / name for style, name in FONT_FILES.items()}
    missing = [path.name for path in paths.values() if not path.is_file()]
    if missing:
        raise FontsMissing(
            f"The invitation PDF needs the Liberation Serif fonts ({', '.join(missing)}) in {directory}. "
            "Install the Debian package fonts-liberation2 (scripts/system-deps.sh does), "
            "or set PDF_FONT_DIR to a directory holding these files."
        )
    return paths


# --- wording ----------------------------------------------------------------------------------


def _local(value: datetime) -> datetime:
    return timezone.localtime(value)


def place_and_date(day: date, place: str = PLACE_NAME) -> str:
    """The place-and-date line, e.g. "Ninh Bình, ngày 05 tháng 02 năm 2026": days below 10 and
    the months 1 and 2 take a leading zero (Phụ lục I, NĐ 30/2020), so no digit can be added."""
    month = f"{day.month:02d}" if day.month <= 2 else str(day.month)
    return f"{place}, ngày {day.day:02d} tháng {month} năm {day.year}"


def _abbreviate(name: str) -> str:
    for pattern, short in ABBREVIATIONS:
        name = pattern.sub(short, name)
    return name


def when_text(meeting: Meeting) -> str:
    start, end = _local(meeting.start), _local(meeting.end)
    if start.date() == end.date():
        return f"từ {start:%H:%M} đến {end:%H:%M}, {WEEKDAYS[start.weekday()]}, ngày {start:%d/%m/%Y}"
    return (
        f"từ {start:%H:%M} {WEEKDAYS[start.weekday()]}, ngày {start:%d/%m/%Y} "
        f"đến {end:%H:%M} {WEEKDAYS[end.weekday()]}, ngày {end:%d/%m/%Y}"
    )


def place_text(meeting: Meeting) -> str:
    if meeting.format == MeetingFormat.ONLINE:
        return "họp trực tuyến"
    place = meeting.place_label.strip()
    if meeting.format == MeetingFormat.HYBRID:
        return f"{place}, kết hợp trực tuyến"
    return place


def link_text(meeting: Meeting) -> str:
    if meeting.format == MeetingFormat.IN_PERSON or not meeting.online_link:
        return ""
    return f"Đường dẫn họp trực tuyến: {meeting.online_link}"


def person_text(user: Any) -> str:
    position = (user.position or "").strip()
    return f"đồng chí {user.display_name}, {position}" if position else f"đồng chí {user.display_name}"


def attendees_text(invitations: list[Invitation]) -> str:
    """Counts only: the letter goes to everyone, the list of names lives in eCabinet."""
    officials = sum(
        1
        for i in invitations
        if i.kind == InvitationKind.USER and i.role == InvitationRole.ATTENDEE and i.answer != Answer.DELEGATED
    )
    support = sum(
        1
        for i in invitations
        if i.kind == InvitationKind.USER and i.role == InvitationRole.SUPPORT and i.answer != Answer.DELEGATED
    )
    units = [i.unit.name for i in invitations if i.kind == InvitationKind.UNIT and i.unit is not None]
    guests = sum(1 for i in invitations if i.kind == InvitationKind.GUEST)
    parts = []
    if officials:
        parts.append(f"{officials} cán bộ, công chức được mời")
    if units:
        parts.append(f"đại diện {len(units)} đơn vị ({', '.join(units)})")
    if guests:
        parts.append(f"{guests} khách mời")
    if support:
        parts.append(f"{support} cán bộ phục vụ cuộc họp")
    if not parts:
        return "theo danh sách trên Hệ thống eCabinet"
    return "; ".join(parts) + " (danh sách chi tiết trên Hệ thống eCabinet)"


def signer(meeting: Meeting) -> Any:
    """The leader who approved the meeting signs; before that, the designated approver, or
    else the chair."""
    if meeting.decided_by is not None and meeting.status in (
        MeetingStatus.APPROVED,
        MeetingStatus.POSTPONED,
        MeetingStatus.CANCELLED,
    ):
        return meeting.decided_by
    return meeting.approver or meeting.chair


def status_note(meeting: Meeting) -> str:
    if meeting.status == MeetingStatus.CANCELLED:
        return "(Cuộc họp đã bị hủy)"
    if meeting.status == MeetingStatus.POSTPONED:
        return "(Thay đổi thời gian – giấy mời này thay thế giấy mời đã gửi trước đó)"
    if meeting.status != MeetingStatus.APPROVED:
        return "(Dự thảo – cuộc họp chưa được phê duyệt)"
    return ""


@dataclass
class Section:
    label: str
    text: str
    lines: tuple[str, ...] = ()
    link: str = ""  # a long address cannot be justified: set flush left


def agenda_lines(agenda: list[Any], prefix: str) -> tuple[str, ...]:
    lines = []
    for n, item in enumerate(agenda, start=1):
        details = (
            f"trình bày: {item.presenter}; {item.duration_minutes} phút"
            if item.presenter
            else f"{item.duration_minutes} phút"
        )
        lines.append(f"{prefix}.{n}. {item.title} ({details});")
    if lines:
        lines[-1] = lines[-1][:-1] + "."
    return tuple(lines)


def body_sections(meeting: Meeting, invitations: list[Invitation], agenda: list[Any]) -> list[Section]:
    sections = [
        Section("Thời gian", when_text(meeting) + "."),
        Section("Địa điểm", place_text(meeting) + ".", link=link_text(meeting)),
        Section("Chủ trì", person_text(meeting.chair) + "."),
        Section("Thành phần", attendees_text(invitations) + "."),
    ]
    content = " ".join(meeting.content.split())
    lines = agenda_lines(agenda, str(len(sections) + 1))
    if lines:
        text = f"{content} Chương trình gồm:" if content else "chương trình gồm:"
    else:
        text = content or "theo tài liệu trên Hệ thống eCabinet."
    sections.append(Section("Nội dung", text, lines))
    preparer = meeting.preparing_unit.name if meeting.preparing_unit is not None else None
    if preparer is None and meeting.document_preparer is not None:
        preparer = meeting.document_preparer.display_name
    if preparer:
        sections.append(Section("Tài liệu", f"{preparer} chuẩn bị; tài liệu họp được đăng tải trên Hệ thống eCabinet."))
    return sections


# --- layout -----------------------------------------------------------------------------------


class _Letter(FPDF):
    def header(self) -> None:
        # Page numbers from the second page on, centred in the top margin (Phụ lục I, mục 11).
        if self.page_no() > 1:
            self.set_font(FONT_FAMILY, "", 13)
            self.set_y(MARGIN_TOP / 2)
            self.cell(TEXT_WIDTH, 5, str(self.page_no()), align=Align.C)
            self.set_y(MARGIN_TOP)


def _new_document(*, compress: bool) -> _Letter:
    pdf = _Letter(orientation="portrait", unit="mm", format="A4")
    pdf.compress = compress
    pdf.set_margins(MARGIN_LEFT, MARGIN_TOP, MARGIN_RIGHT)
    pdf.set_auto_page_break(auto=True, margin=MARGIN_BOTTOM)
    for style, path in _font_paths().items():
        pdf.add_font(FONT_FAMILY, style, str(path))
    pdf.set_lang("vi")
    pdf.set_creator("eCabinet")
    return pdf


def _line_height(size: float) -> float:
    return size * LINE_HEIGHT * 25.4 / 72


def _centred(pdf: FPDF, x: float, width: float, text: str, style: str, size: float) -> None:
    pdf.set_font(FONT_FAMILY, style, size)
    pdf.set_x(x)
    pdf.multi_cell(width, _line_height(size) * 0.92, text, align=Align.C, new_x=XPos.LEFT, new_y=YPos.NEXT)


def _rule_under(pdf: FPDF, x: float, width: float, length: float) -> None:
    y = pdf.get_y() + 0.8
    pdf.set_line_width(0.3)
    pdf.line(x + (width - length) / 2, y, x + (width + length) / 2, y)


def authority_header(
    pdf: FPDF, *, parent: str, unit: str, issued: date, number: str = "", place: str = PLACE_NAME
) -> None:
    """The top of an administrative document: the supervising unit in regular caps and the issuing
    unit in bold caps (with the number line) on the left; Quốc hiệu, Tiêu ngữ and the place-and-date
    line on the right. Used by the invitation letter and the opinion ballot."""
    top = pdf.get_y()
    x_left, x_right = MARGIN_LEFT, MARGIN_LEFT + LEFT_COLUMN
    if parent:
        _centred(pdf, x_left, LEFT_COLUMN, _abbreviate(parent).upper(), "", 12)
    _centred(pdf, x_left, LEFT_COLUMN, unit.upper(), "B", 12)
    pdf.set_font(FONT_FAMILY, "B", 12)
    # The rule under the issuing authority spans a third to a half of the name's line.
    name_width = min(LEFT_COLUMN, pdf.get_string_width(unit.upper()))
    _rule_under(pdf, x_left, LEFT_COLUMN, max(12.0, name_width * 0.45))
    if number:
        pdf.ln(3)
        _centred(pdf, x_left, LEFT_COLUMN, number, "", 13)
    left_bottom = pdf.get_y()

    pdf.set_y(top)
    _centred(pdf, x_right, RIGHT_COLUMN, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "B", 12)
    motto = "Độc lập - Tự do - Hạnh phúc"
    _centred(pdf, x_right, RIGHT_COLUMN, motto, "B", 13)
    pdf.set_font(FONT_FAMILY, "B", 13)
    _rule_under(pdf, x_right, RIGHT_COLUMN, pdf.get_string_width(motto))
    pdf.ln(3)
    _centred(pdf, x_right, RIGHT_COLUMN, place_and_date(issued, place), "I", 13)
    pdf.set_y(max(left_bottom, pdf.get_y()) + 6)
    pdf.set_x(MARGIN_LEFT)


def _header(pdf: FPDF, meeting: Meeting, issued: date) -> None:
    parent = meeting.unit.parent
    authority_header(
        pdf,
        parent=parent.name if parent is not None else "",
        unit=meeting.unit.name,
        issued=issued,
        number=f"Số:        /GM-{meeting.unit.code}",
    )


def _title(pdf: FPDF, meeting: Meeting) -> None:
    _centred(pdf, MARGIN_LEFT, TEXT_WIDTH, "GIẤY MỜI", "B", 14)
    _centred(pdf, MARGIN_LEFT, TEXT_WIDTH, f"Về việc: {meeting.title}", "B", 14)
    note = status_note(meeting)
    if note:
        _centred(pdf, MARGIN_LEFT, TEXT_WIDTH, note, "I", 13)
    pdf.ln(4)


def _paragraph(pdf: FPDF, parts: list[tuple[str, str]], *, align: Align = Align.J) -> None:
    """One body paragraph, justified with a first-line indent; `parts` are (font style, text) runs."""
    with pdf.text_columns(text_align=align, line_height=LINE_HEIGHT, wrapmode=WrapMode.WORD) as columns:
        with columns.paragraph(first_line_indent=FIRST_LINE_INDENT, bottom_margin=1.5) as paragraph:
            for style, text in parts:
                pdf.set_font(FONT_FAMILY, style, BODY_SIZE)
                paragraph.write(text)
    pdf.set_font(FONT_FAMILY, "", BODY_SIZE)


def _body(pdf: FPDF, meeting: Meeting, invitations: list[Invitation], agenda: list[Any]) -> None:
    _paragraph(
        pdf,
        [("", f"{meeting.unit.name} trân trọng kính mời đại biểu tham dự cuộc họp “{meeting.title}”, cụ thể như sau:")],
    )
    for number, section in enumerate(body_sections(meeting, invitations, agenda), start=1):
        _paragraph(pdf, [("B", f"{number}. {section.label}: "), ("", section.text)])
        if section.link:
            _paragraph(pdf, [("", section.link)], align=Align.L)
        for line in section.lines:
            _paragraph(pdf, [("", line)])
    deadline = _local(rules.answer_deadline(meeting))
    _paragraph(
        pdf,
        [
            (
                "I",
                f"Đề nghị đại biểu xác nhận tham dự trên Hệ thống eCabinet trước {deadline:%H:%M} ngày {deadline:%d/%m/%Y}. "
                "Trường hợp không tham dự được, đề nghị nêu rõ lý do hoặc cử người dự thay trên Hệ thống.",
            )
        ],
    )
    _paragraph(pdf, [("", f"{meeting.unit.name} trân trọng kính mời./.")])


def _closing(pdf: FPDF, meeting: Meeting) -> None:
    person = signer(meeting)
    position = (person.position or "").strip().upper()
    needed = 12 + (_line_height(13) if position else 0) + SIGNATURE_SPACE + _line_height(14)
    if pdf.get_y() + needed > pdf.h - MARGIN_BOTTOM:
        pdf.add_page()
    pdf.ln(3)
    top = pdf.get_y()
    pdf.set_x(MARGIN_LEFT)
    pdf.set_font(FONT_FAMILY, "BI", 12)
    pdf.cell(LEFT_COLUMN, _line_height(12), "Nơi nhận:", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(FONT_FAMILY, "", 11)
    for line in ("- Như trên;", "- Lưu: VT."):
        pdf.cell(LEFT_COLUMN, _line_height(11), line, new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    pdf.set_y(top)
    x_right = MARGIN_LEFT + LEFT_COLUMN
    if position:
        _centred(pdf, x_right, RIGHT_COLUMN, position, "B", 13)
    pdf.set_y(pdf.get_y() + SIGNATURE_SPACE)
    _centred(pdf, x_right, RIGHT_COLUMN, person.display_name, "B", 14)


def issue_date(meeting: Meeting) -> date:
    """The date of the letter: the approval day once approved; otherwise today (a draft, or
    a letter re-issued after a postponement)."""
    if meeting.status == MeetingStatus.APPROVED and meeting.decided_at is not None:
        return _local(meeting.decided_at).date()
    return timezone.localdate()


def render_invitation_pdf(meeting: Meeting, *, compress: bool = True) -> bytes:
    """The invitation letter as PDF bytes. `compress=False` leaves the page streams readable
    (tests read the text back)."""
    invitations = list(meeting.invitations.select_related("unit"))
    agenda = list(meeting.agenda_items.all())
    pdf = _new_document(compress=compress)
    pdf.set_title(f"Giấy mời: {meeting.title}")
    pdf.set_subject(meeting.title)
    pdf.set_author(meeting.unit.name)
    # A stable creation date keeps repeated downloads of one version byte-identical.
    pdf.set_creation_date(meeting.updated_at or timezone.now())
    pdf.add_page()
    _header(pdf, meeting, issue_date(meeting))
    _title(pdf, meeting)
    _body(pdf, meeting, invitations, agenda)
    _closing(pdf, meeting)
    return bytes(pdf.output())
