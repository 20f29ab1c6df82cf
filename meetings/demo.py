"""Demo rooms and meetings for `seed_demo`, so `make run` shows a living schedule."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.utils import timezone

from accounts.models import OrgUnit, User
from meetings import actions
from meetings.actions import AgendaLine, Guest, MeetingData
from meetings.models import Meeting, Room

DEMO_TITLES = (
    "Họp giao ban công tác tháng",
    "Hội nghị triển khai chuyển đổi số năm 2027",
)


def _next_weekday(days_ahead: int, hour: int) -> datetime:
    day = timezone.localdate() + timedelta(days=days_ahead)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return datetime.combine(day, time(hour, 0), tzinfo=timezone.get_current_timezone())


def seed_meetings() -> list[Meeting]:
    """Idempotent: rooms by name, meetings by title."""
    admin = User.objects.get(username="admin")
    snv = OrgUnit.objects.get(code="SNV")
    office = OrgUnit.objects.get(code="VPUBND")
    rooms = {}
    for unit, name, location, capacity in (
        (office, "Phòng họp số 1 UBND tỉnh", "Tầng 2, trụ sở UBND tỉnh", 60),
        (office, "Hội trường lớn UBND tỉnh", "Tầng 1, trụ sở UBND tỉnh", 300),
        (snv, "Phòng họp Sở Nội vụ", "Tầng 3, Sở Nội vụ", 30),
    ):
        room = Room.objects.filter(unit=unit, name=name).first()
        rooms[name] = room or actions.do_save_room(
            admin, None, unit=unit, name=name, location=location, capacity=capacity
        )
    organiser = User.objects.get(username="snv.daumoi")
    leader = User.objects.get(username="snv.giamdoc")
    people = list(User.objects.filter(username__in=["snv.chuyenvien", "snv.quantri", "stc.chuyenvien"]))
    made: list[Meeting] = []
    if not Meeting.objects.filter(title=DEMO_TITLES[0]).exists():
        start = _next_weekday(4, 8)
        data = MeetingData(
            title=DEMO_TITLES[0],
            start=start,
            end=start + timedelta(hours=2),
            chair=leader,
            room=rooms["Phòng họp Sở Nội vụ"],
            content="Đánh giá kết quả công tác tháng, triển khai nhiệm vụ tháng tới.",
            agenda=[
                AgendaLine("Báo cáo kết quả công tác tháng", "Văn phòng Sở", 20),
                AgendaLine("Ý kiến các phòng chuyên môn", "", 40),
                AgendaLine("Kết luận của Giám đốc Sở", "Giám đốc Sở", 15),
            ],
            attendees=people,
            guests=[Guest("Ngô Văn Bình", "Công ty TNHH Minh Phát", "lienhe@minhphat.example")],
        )
        meeting = actions.do_create_meeting(organiser, data)
        actions.do_submit_meeting(organiser, meeting, acknowledge_conflicts=True)
        meeting.refresh_from_db()
        made.append(actions.do_approve_meeting(leader, meeting))
    if not Meeting.objects.filter(title=DEMO_TITLES[1]).exists():
        start = _next_weekday(9, 14)
        data = MeetingData(
            title=DEMO_TITLES[1],
            start=start,
            end=start + timedelta(hours=3),
            chair=leader,
            room=rooms["Phòng họp Sở Nội vụ"],
            agenda=[AgendaLine("Dự thảo kế hoạch chuyển đổi số", "Sở Khoa học và Công nghệ", 30)],
            attendees=people,
            attendee_units=[OrgUnit.objects.get(code="STC")],
        )
        meeting = actions.do_create_meeting(organiser, data)
        actions.do_submit_meeting(organiser, meeting, acknowledge_conflicts=True)
        made.append(meeting)
    return made
