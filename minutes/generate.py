"""The draft written from the meeting's data when it ends (Điều 6.5): the body of the minutes (time
and place, who attended from the frozen attendance, each agenda item with its documents, the
people who spoke with transcript excerpts, the vote results, the chair's conclusions), and the
body of the conclusion notice from the approved minutes' conclusions.

The header of Nghị định 30/2020 (Quốc hiệu, Tiêu ngữ, issuing body, number and symbol, place and
date) and the signature block are not part of the editable body: the page and the exports draw
them from the minutes' fields, so they can never be edited out of shape.

Like every administrative document here, the text is Vietnamese whatever the interface language.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db.models import Q
from django.utils import timezone
from django.utils.html import escape, format_html

from accounts.models import OrgUnit, UnitKind, User
from documents.models import ApprovalStatus, Document
from live.models import Attendance, AttendanceStatus, ItemConclusion, LiveState, SpeakRequest
from meetings.models import AgendaItem, Answer, Invitation, InvitationKind, InvitationRole, Meeting
from polls.models import Poll, PollKind, PollState
from polls.queries import tally
from transcripts.models import Segment

EXCERPT_CHARS = 400

STATUS_WORDS: dict[str, str] = {
    AttendanceStatus.PRESENT: "có mặt",
    AttendanceStatus.LATE: "đến muộn",
    AttendanceStatus.ABSENT: "vắng mặt",
    AttendanceStatus.EXCUSED: "vắng mặt có lý do",
}


def hhmm(moment: datetime | None) -> str:
    if moment is None:
        return ""
    local = timezone.localtime(moment)
    return f"{local:%H} giờ {local:%M}"


def day_words(moment: datetime) -> str:
    local = timezone.localtime(moment)
    return f"ngày {local:%d/%m/%Y}"


def person(user: User | None) -> str:
    if user is None:
        return ""
    parts = [user.display_name]
    if user.position:
        parts.append(user.position)
    if user.unit is not None:
        parts.append(user.unit.name)
    return ", ".join(parts)


def unit_symbol(unit: OrgUnit | None) -> str:
    """The issuing body's part of a ký hiệu: UBND for a People's Committee, its code otherwise."""
    if unit is None:
        return "UBND"
    if unit.kind in (UnitKind.PROVINCE, UnitKind.COMMUNE, UnitKind.WARD):
        return "UBND"
    return unit.code


def ppc_office() -> OrgUnit | None:
    """The Office of the Provincial People's Committee: the office directly under the root unit."""
    return OrgUnit.objects.filter(kind=UnitKind.OFFICE, parent__parent__isnull=True, parent__isnull=False).first()


def notice_issuing_unit(meeting: Meeting) -> OrgUnit:
    """The PPC Office for a PPC meeting, the chair's unit otherwise (the organising unit if the
    chair has none)."""
    if meeting.is_ppc_meeting:
        office = ppc_office()
        if office is not None:
            return office
    return meeting.chair.unit or meeting.unit


def pick_secretary(meeting: Meeting) -> User | None:
    """The first support-staff official invited to the meeting, else the organiser."""
    invitation = (
        Invitation.objects.filter(meeting=meeting, kind=InvitationKind.USER, role=InvitationRole.SUPPORT)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    if invitation is not None and invitation.user is not None:
        return invitation.user
    return meeting.organiser


# --- the data ------------------------------------------------------------------------------------


@dataclass
class AttendeeRow:
    name: str
    unit: str
    status: str
    substitute_for: str = ""
    reason: str = ""
    late_at: datetime | None = None


@dataclass
class Turn:
    name: str
    unit: str
    started_at: datetime
    ended_at: datetime | None
    topic: str
    excerpt: str


@dataclass
class ItemData:
    item: AgendaItem | None
    documents: list[str] = field(default_factory=list)
    turns: list[Turn] = field(default_factory=list)
    conclusion: str = ""


def attendance_rows(meeting: Meeting) -> dict[str, list[AttendeeRow]]:
    """The frozen attendance by group: present, late, absent, guests (each substitute marked)."""
    groups: dict[str, list[AttendeeRow]] = {"present": [], "late": [], "absent": [], "guests": []}
    attendances = (
        Attendance.objects.filter(meeting=meeting, invitation__role=InvitationRole.ATTENDEE)
        .select_related("invitation__user__unit", "invitation__substitute_for__user", "invitation__named_by_unit__unit")
        .order_by("invitation__kind", "invitation__user__full_name", "invitation__guest_name", "pk")
    )
    for attendance in attendances:
        invitation = attendance.invitation
        if invitation.kind == InvitationKind.USER and invitation.answer == Answer.DELEGATED:
            continue
        user = invitation.user
        row = AttendeeRow(
            name=invitation.label,
            unit=(user.unit.name if user is not None and user.unit is not None else invitation.guest_organisation),
            status=attendance.status,
            substitute_for=invitation.substitute_for.label if invitation.substitute_for is not None else "",
            reason=invitation.reason.strip() if invitation.answer == Answer.DECLINED else "",
            late_at=attendance.checked_in_at if attendance.status == AttendanceStatus.LATE else None,
        )
        if user is not None and user.position:
            row.name = f"{row.name} – {user.position}"
        if invitation.kind == InvitationKind.GUEST:
            groups["guests"].append(row)
        elif attendance.status == AttendanceStatus.PRESENT:
            groups["present"].append(row)
        elif attendance.status == AttendanceStatus.LATE:
            groups["late"].append(row)
        else:
            groups["absent"].append(row)
    return groups


def _excerpt(segments: list[Segment], turn: SpeakRequest) -> str:
    if turn.started_at is None:
        return ""
    end = turn.ended_at or turn.started_at
    texts = [
        s.text.strip()
        for s in segments
        if s.spoken_at is not None
        and turn.started_at <= s.spoken_at <= end
        and (s.speaker_id is None or s.speaker_id == turn.user_id)
    ]
    text = " ".join(t for t in texts if t)
    if len(text) > EXCERPT_CHARS:
        text = text[:EXCERPT_CHARS].rsplit(" ", 1)[0] + " …"
    return text


def items_data(meeting: Meeting) -> list[ItemData]:
    """Each agenda item with its documents, turns and conclusion; a last entry (item None) with the
    documents and turns that belong to no item, when there are any."""
    items = list(meeting.agenda_items.order_by("order"))
    by_item: dict[int | None, ItemData] = {item.pk: ItemData(item) for item in items}
    general = ItemData(None)
    by_item[None] = general
    for document in Document.objects.filter(meeting=meeting, is_deleted=False, status=ApprovalStatus.APPROVED).order_by(
        "agenda_item__order", "created_at"
    ):
        by_item.get(document.agenda_item_id, general).documents.append(document.title)
    segments = list(
        Segment.objects.filter(transcript__recording__meeting=meeting, spoken_at__isnull=False).order_by("spoken_at")
    )
    for turn in (
        SpeakRequest.objects.filter(meeting=meeting, started_at__isnull=False)
        .select_related("user__unit")
        .order_by("started_at", "pk")
    ):
        assert turn.started_at is not None  # noqa: S101 - filtered above
        by_item.get(turn.agenda_item_id, general).turns.append(
            Turn(
                name=turn.user.display_name,
                unit=turn.user.unit.name if turn.user.unit is not None else "",
                started_at=turn.started_at,
                ended_at=turn.ended_at,
                topic=turn.topic,
                excerpt=_excerpt(segments, turn),
            )
        )
    for conclusion in ItemConclusion.objects.filter(agenda_item__meeting=meeting):
        by_item[conclusion.agenda_item_id].conclusion = conclusion.text.strip()
    result = [by_item[item.pk] for item in items]
    if general.documents or general.turns:
        result.append(general)
    return result


def vote_results(meeting: Meeting) -> list[dict[str, Any]]:
    """Closed votes of the meeting: counts per option; for a named vote who chose what."""
    rows = []
    for poll in Poll.objects.filter(meeting=meeting, kind=PollKind.MEETING_VOTE, state=PollState.CLOSED).order_by(
        "closed_at", "pk"
    ):
        result = tally(poll, named=not poll.is_secret)
        rows.append({"poll": poll, "voters": result.voters, "questions": result.questions})
    return rows


def conclusions(meeting: Meeting) -> list[tuple[AgendaItem, str]]:
    return [
        (c.agenda_item, c.text.strip())
        for c in ItemConclusion.objects.filter(agenda_item__meeting=meeting)
        .select_related("agenda_item")
        .order_by("agenda_item__order")
    ]


# --- the HTML ------------------------------------------------------------------------------------


def _list(rows: Sequence[str]) -> str:
    return "<ul>" + "".join(f"<li>{row}</li>" for row in rows) + "</ul>"


def _attendee(row: AttendeeRow) -> str:
    text = escape(row.name)
    if row.unit and row.unit not in row.name:
        text += escape(f" ({row.unit})")
    if row.substitute_for:
        text += escape(f", dự thay cho {row.substitute_for}")
    if row.late_at is not None:
        text += escape(f", đến lúc {hhmm(row.late_at)}")
    if row.status == AttendanceStatus.EXCUSED or row.reason:
        text += escape(f" – lý do: {row.reason}" if row.reason else " – có lý do")
    return text


def minutes_body(meeting: Meeting, secretary: User | None) -> str:
    live = LiveState.objects.filter(meeting=meeting).first()
    started = live.started_at if live is not None and live.started_at else meeting.start
    ended = live.ended_at if live is not None and live.ended_at else meeting.end
    parts: list[str] = []
    parts.append("<h2>I. THỜI GIAN, ĐỊA ĐIỂM</h2>")
    parts.append(
        format_html(
            "<p>Thời gian: bắt đầu lúc {} {}, kết thúc lúc {} {}.</p>",
            hhmm(started),
            day_words(started),
            hhmm(ended),
            day_words(ended),
        )
    )
    parts.append(format_html("<p>Địa điểm: {}.</p>", meeting.place_label or "trực tuyến"))
    parts.append("<h2>II. THÀNH PHẦN THAM DỰ</h2>")
    parts.append(format_html("<p>Chủ trì: {}.</p>", person(meeting.chair)))
    parts.append(format_html("<p>Thư ký: {}.</p>", person(secretary) if secretary else "…"))
    groups = attendance_rows(meeting)
    total = len(groups["present"]) + len(groups["late"])
    if groups["late"]:
        parts.append(
            format_html(
                "<p><strong>Có mặt ({} người, trong đó {} người đến muộn):</strong></p>", total, len(groups["late"])
            )
        )
    else:
        parts.append(format_html("<p><strong>Có mặt ({} người):</strong></p>", total))
    present = [_attendee(r) for r in groups["present"]]
    parts.append(_list(present) if present else "<p>Không có người có mặt đúng giờ.</p>")
    if groups["late"]:
        parts.append(format_html("<p><strong>Đến muộn ({} người):</strong></p>", len(groups["late"])))
        parts.append(_list([_attendee(r) for r in groups["late"]]))
    parts.append(format_html("<p><strong>Vắng mặt ({} người):</strong></p>", len(groups["absent"])))
    parts.append(_list([_attendee(r) for r in groups["absent"]]) if groups["absent"] else "<p>Không có.</p>")
    if groups["guests"]:
        parts.append(format_html("<p><strong>Khách mời ({} người):</strong></p>", len(groups["guests"])))
        parts.append(_list([_attendee(r) + escape(f" – {STATUS_WORDS.get(r.status, '')}") for r in groups["guests"]]))

    parts.append("<h2>III. NỘI DUNG CUỘC HỌP</h2>")
    for number, data in enumerate(items_data(meeting), start=1):
        if data.item is None:
            parts.append(format_html("<h3>{}. Nội dung khác</h3>", number))
        else:
            parts.append(format_html("<h3>{}. {}</h3>", number, data.item.title))
            if data.item.presenter:
                parts.append(format_html("<p>Trình bày: {}.</p>", data.item.presenter))
        if data.documents:
            parts.append("<p><em>Tài liệu:</em></p>")
            parts.append(_list([escape(title) for title in data.documents]))
        if data.turns:
            parts.append("<p><em>Ý kiến phát biểu:</em></p>")
            rows: list[str] = []
            for turn in data.turns:
                line = escape(f"{turn.name}" + (f" ({turn.unit})" if turn.unit else ""))
                line += escape(f", lúc {hhmm(turn.started_at)}")
                if turn.topic:
                    line += escape(f" – {turn.topic}")
                if turn.excerpt:
                    line += format_html(": “{}”", turn.excerpt)
                rows.append(line)
            parts.append(_list(rows))
        if data.conclusion:
            parts.append(format_html("<p><strong>Kết luận của chủ trì:</strong> {}</p>", data.conclusion))

    votes = vote_results(meeting)
    if votes:
        parts.append("<h2>IV. KẾT QUẢ BIỂU QUYẾT</h2>")
        for vote in votes:
            poll = vote["poll"]
            kind = "biểu quyết kín" if poll.is_secret else "biểu quyết công khai"
            parts.append(
                format_html(
                    "<h3>{}</h3><p>Hình thức: {}; số người biểu quyết: {}.</p>", poll.title, kind, vote["voters"]
                )
            )
            for question in vote["questions"]:
                table_rows = "".join(
                    format_html("<tr><td>{}</td><td>{}</td></tr>", option.label, option.count)
                    for option in question.options
                )
                parts.append(
                    (format_html("<p>{}</p>", question.text) if question.text != poll.title else "")
                    + "<table><thead><tr><th>Phương án</th><th>Số phiếu</th></tr></thead><tbody>"
                    + table_rows
                    + "</tbody></table>"
                )
                if not poll.is_secret and question.named:
                    by_option: dict[str, list[str]] = {}
                    for choice in question.named:
                        by_option.setdefault(choice["option"], []).append(choice["voter"])
                    parts.append(
                        _list([escape(f"{option}: {', '.join(names)}") for option, names in by_option.items()])
                    )
    concluded = conclusions(meeting)
    heading = "V" if votes else "IV"
    parts.append(f"<h2>{heading}. KẾT LUẬN CỦA CHỦ TRÌ</h2>")
    if concluded:
        parts.append(
            "<ol>"
            + "".join(format_html("<li><strong>{}:</strong> {}</li>", item.title, text) for item, text in concluded)
            + "</ol>"
        )
    else:
        parts.append("<p>…</p>")
    parts.append(
        format_html(
            "<p>Cuộc họp kết thúc lúc {} cùng ngày. Biên bản được lập xong lúc … và đã được thông qua.</p>",
            hhmm(ended),
        )
    )
    return "".join(str(p) for p in parts)


def notice_body(meeting: Meeting, concerned: list[OrgUnit], issuing_unit: OrgUnit) -> str:
    """The conclusion notice's body, from the minutes' conclusions (the chair's per item)."""
    live = LiveState.objects.filter(meeting=meeting).first()
    started = live.started_at if live is not None and live.started_at else meeting.start
    chair = meeting.chair
    chair_words = f"{chair.position} {chair.display_name}".strip() if chair.position else chair.display_name
    attendees = (
        Attendance.objects.filter(meeting=meeting, status__in=[AttendanceStatus.PRESENT, AttendanceStatus.LATE])
        .filter(Q(invitation__kind=InvitationKind.USER) & ~Q(invitation__answer=Answer.DELEGATED))
        .select_related("invitation__user__unit")
    )
    units = sorted({a.invitation.user.unit.name for a in attendees if a.invitation.user and a.invitation.user.unit})
    parts: list[str] = [
        format_html(
            "<p>{}, tại {}, {} chủ trì cuộc họp về {}. Tham dự cuộc họp có đại diện lãnh đạo {}.</p>",
            day_words(started).capitalize(),
            meeting.place_label or "phòng họp trực tuyến",
            chair_words,
            meeting.title,
            ", ".join(units) if units else "các cơ quan, đơn vị liên quan",
        ),
        format_html("<p>Sau khi nghe báo cáo và ý kiến của các đại biểu dự họp, {} kết luận như sau:</p>", chair_words),
    ]
    concluded = conclusions(meeting)
    if concluded:
        for number, (item, text) in enumerate(concluded, start=1):
            parts.append(format_html("<h3>{}. {}</h3><p>{}</p>", number, item.title, text))
    else:
        parts.append("<p>…</p>")
    parts.append(
        format_html(
            "<p>{} thông báo để các cơ quan, đơn vị liên quan biết, thực hiện./.</p>",
            issuing_unit.name,
        )
    )
    return "".join(str(p) for p in parts)
