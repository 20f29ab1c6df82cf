"""A meeting in progress for `seed_demo` (core.demo), so `make run` opens a living meeting room.

An urgent meeting of Sở Nội vụ, called for half an hour after seeding (approved with its
justification, Điều 6.2) and started at once by its chair: two attendees have checked in (one by
the room's QR code), one asks for the floor, one reported a broken tablet, and there is a comment
on the first agenda item. Idempotent: by title.
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from accounts.models import User
from live import rules
from live.actions.checkin import do_check_in
from live.actions.contributions import do_add_comment, do_report_incident
from live.actions.room import do_start_meeting
from live.actions.speaking import do_request_floor
from live.models import IncidentKind, LiveState
from meetings.actions.approval import do_approve_meeting
from meetings.actions.registration import AgendaLine, MeetingData, do_create_meeting, do_submit_meeting
from meetings.models import Meeting, Room

LIVE_TITLE = "Họp bàn phương án sắp xếp các phòng chuyên môn thuộc Sở"


def seed_live() -> list[str]:
    if Meeting.objects.filter(title=LIVE_TITLE).exists():
        return []
    organiser = User.objects.get(username="snv.daumoi")
    chair = User.objects.get(username="snv.giamdoc")
    official, admin, colleague = (
        User.objects.get(username=name) for name in ("snv.chuyenvien", "snv.quantri", "stc.chuyenvien")
    )
    start = (timezone.now() + timedelta(minutes=30)).replace(second=0, microsecond=0)
    data = MeetingData(
        title=LIVE_TITLE,
        start=start,
        end=start + timedelta(hours=1, minutes=30),
        chair=chair,
        room=Room.objects.filter(name="Phòng họp Sở Nội vụ").first(),
        content="Thống nhất phương án sắp xếp, kiện toàn các phòng chuyên môn theo chỉ đạo của UBND tỉnh.",
        agenda=[
            AgendaLine("Trình bày dự thảo phương án sắp xếp", "Chánh Văn phòng Sở", 20),
            AgendaLine("Thảo luận, góp ý", "", 40),
            AgendaLine("Kết luận của Giám đốc Sở", "Giám đốc Sở", 10),
        ],
        attendees=[official, admin, colleague],
    )
    meeting = do_create_meeting(organiser, data)
    do_submit_meeting(organiser, meeting, acknowledge_conflicts=True)
    meeting.refresh_from_db()
    meeting = do_approve_meeting(
        chair, meeting, justification="Thực hiện chỉ đạo khẩn của UBND tỉnh, báo cáo trước ngày 10/12/2026."
    )
    meeting = do_start_meeting(chair, meeting)
    live = LiveState.objects.get(meeting=meeting)
    do_check_in(official, meeting, code=rules.qr_code(live, timezone.now()))
    do_check_in(colleague, meeting)
    first_item = meeting.agenda_items.order_by("order").first()
    do_request_floor(official, meeting, topic="Đề xuất giữ nguyên Phòng Cải cách hành chính", agenda_item=first_item)
    do_report_incident(
        colleague,
        meeting,
        kind=IncidentKind.DEVICE,
        description="Máy tính bảng tại ghế số 5 không kết nối được mạng nội bộ.",
    )
    do_add_comment(
        admin,
        meeting,
        text="Đề nghị bổ sung bảng so sánh biên chế trước và sau khi sắp xếp.",
        agenda_item=first_item,
    )
    return [f"Demo meeting in progress: {LIVE_TITLE}"]
