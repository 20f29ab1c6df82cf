"""The giấy mời (invitation letter) of a meeting, in the layout of Nghị định 30/2020/NĐ-CP.

The page, fonts, header and paragraphs are the decree's administrative layout (core.nd30); this
module writes the invitation into it: number "Số: /GM-<unit>", title, the meeting's time,
place, chair, attendees and agenda, the answer deadline of Điều 6.3, "Nơi nhận" bottom left and
the signer bottom right.

The letter is a legal form and is always written in Vietnamese, whatever the interface
language, so its text is not translated.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.utils import timezone
from fpdf import FPDF
from fpdf.enums import Align, XPos, YPos

from accounts.models import User
from core.nd30 import (
    FONT_FAMILY,
    LEFT_COLUMN,
    MARGIN_BOTTOM,
    MARGIN_LEFT,
    RIGHT_COLUMN,
    TEXT_WIDTH,
    authority_header,
    centred,
    line_height,
    new_document,
    paragraph,
)
from meetings import rules
from meetings.models import (
    AgendaItem,
    Answer,
    Invitation,
    InvitationKind,
    InvitationRole,
    Meeting,
    MeetingFormat,
    MeetingStatus,
)

SIGNATURE_SPACE = 26.0  # room for the hand signature and the seal

WEEKDAYS = ("thứ Hai", "thứ Ba", "thứ Tư", "thứ Năm", "thứ Sáu", "thứ Bảy", "Chủ nhật")


# --- wording ----------------------------------------------------------------------------------


def _local(value: datetime) -> datetime:
    return timezone.localtime(value)


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


def person_text(user: User) -> str:
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


def signer(meeting: Meeting) -> User:
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


def agenda_lines(agenda: list[AgendaItem], prefix: str) -> tuple[str, ...]:
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


def body_sections(meeting: Meeting, invitations: list[Invitation], agenda: list[AgendaItem]) -> list[Section]:
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
    centred(pdf, MARGIN_LEFT, TEXT_WIDTH, "GIẤY MỜI", "B", 14)
    centred(pdf, MARGIN_LEFT, TEXT_WIDTH, f"Về việc: {meeting.title}", "B", 14)
    note = status_note(meeting)
    if note:
        centred(pdf, MARGIN_LEFT, TEXT_WIDTH, note, "I", 13)
    pdf.ln(4)


def _body(pdf: FPDF, meeting: Meeting, invitations: list[Invitation], agenda: list[AgendaItem]) -> None:
    paragraph(
        pdf,
        [("", f"{meeting.unit.name} trân trọng kính mời đại biểu tham dự cuộc họp “{meeting.title}”, cụ thể như sau:")],
    )
    for number, section in enumerate(body_sections(meeting, invitations, agenda), start=1):
        paragraph(pdf, [("B", f"{number}. {section.label}: "), ("", section.text)])
        if section.link:
            paragraph(pdf, [("", section.link)], align=Align.L)
        for line in section.lines:
            paragraph(pdf, [("", line)])
    deadline = _local(rules.answer_deadline(meeting))
    paragraph(
        pdf,
        [
            (
                "I",
                f"Đề nghị đại biểu xác nhận tham dự trên Hệ thống eCabinet trước {deadline:%H:%M} ngày {deadline:%d/%m/%Y}. "
                "Trường hợp không tham dự được, đề nghị nêu rõ lý do hoặc cử người dự thay trên Hệ thống.",
            )
        ],
    )
    paragraph(pdf, [("", f"{meeting.unit.name} trân trọng kính mời./.")])


def _closing(pdf: FPDF, meeting: Meeting) -> None:
    person = signer(meeting)
    position = (person.position or "").strip().upper()
    needed = 12 + (line_height(13) if position else 0) + SIGNATURE_SPACE + line_height(14)
    if pdf.get_y() + needed > pdf.h - MARGIN_BOTTOM:
        pdf.add_page()
    pdf.ln(3)
    top = pdf.get_y()
    pdf.set_x(MARGIN_LEFT)
    pdf.set_font(FONT_FAMILY, "BI", 12)
    pdf.cell(LEFT_COLUMN, line_height(12), "Nơi nhận:", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(FONT_FAMILY, "", 11)
    for line in ("- Như trên;", "- Lưu: VT."):
        pdf.cell(LEFT_COLUMN, line_height(11), line, new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    pdf.set_y(top)
    x_right = MARGIN_LEFT + LEFT_COLUMN
    if position:
        centred(pdf, x_right, RIGHT_COLUMN, position, "B", 13)
    pdf.set_y(pdf.get_y() + SIGNATURE_SPACE)
    centred(pdf, x_right, RIGHT_COLUMN, person.display_name, "B", 14)


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
    pdf = new_document(compress=compress)
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
