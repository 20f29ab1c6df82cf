"""Demo rooms and meetings for `seed_demo`, so `make run` shows a living schedule: an approved
meeting (with a support request and an invitation email that could not be delivered) and one
waiting for approval, plus personal iCal feeds."""

from __future__ import annotations

import socket
from datetime import datetime, time, timedelta

from django.test import override_settings
from django.utils import timezone

from accounts.models import OrgUnit, User
from meetings.actions.approval import do_approve_meeting
from meetings.actions.calendar_feeds import do_rotate_calendar_feed
from meetings.actions.registration import AgendaLine, Guest, MeetingData, do_create_meeting, do_submit_meeting
from meetings.actions.rooms import do_save_room
from meetings.actions.support import do_request_support
from meetings.models import CalendarFeed, Meeting, Room, SupportKind, SupportRequest
from notifications.models import Delivery, DeliveryStatus
from notifications.tasks import send_delivery

DEMO_TITLES = (
    "Họp giao ban công tác tháng",
    "Hội nghị triển khai chuyển đổi số năm 2027",
)


def _next_weekday(days_ahead: int, hour: int) -> datetime:
    day = timezone.localdate() + timedelta(days=days_ahead)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return datetime.combine(day, time(hour, 0), tzinfo=timezone.get_current_timezone())


def seed_meetings() -> list[str]:
    """Idempotent: rooms by name, meetings by title, the rest once per meeting or person."""
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
        rooms[name] = room or do_save_room(admin, None, unit=unit, name=name, location=location, capacity=capacity)
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
        meeting = do_create_meeting(organiser, data)
        do_submit_meeting(organiser, meeting, acknowledge_conflicts=True)
        meeting.refresh_from_db()
        made.append(do_approve_meeting(leader, meeting))
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
        meeting = do_create_meeting(organiser, data)
        do_submit_meeting(organiser, meeting, acknowledge_conflicts=True)
        made.append(meeting)
    monthly = Meeting.objects.get(title=DEMO_TITLES[0])
    _seed_support_request(monthly)
    _seed_failed_delivery(monthly)
    for username in ("snv.chuyenvien", "snv.giamdoc"):
        user = User.objects.get(username=username)
        if not CalendarFeed.objects.filter(user=user).exists():
            do_rotate_calendar_feed(user)
    return [f"Demo meetings created: {len(made)}"] if made else []


def _seed_support_request(meeting: Meeting) -> None:
    """Điều 6.3b: an attendee without a device tells the host unit in advance."""
    if SupportRequest.objects.filter(meeting=meeting).exists():
        return
    do_request_support(
        User.objects.get(username="snv.chuyenvien"),
        meeting,
        kind=SupportKind.NO_DEVICE,
        note="Máy tính bảng được cấp đang bảo hành, đề nghị Văn phòng Sở bố trí máy tại phòng họp.",
    )


def _closed_port() -> int:
    """A port on this machine that nothing listens on (the OS just handed it out and it was closed)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


def _seed_failed_delivery(meeting: Meeting) -> None:
    """The guest's invitation email goes to a mail server that refuses it, and the system gives up
    at once: the organiser's dashboard shows the failure with its "Send again" button. The real
    sending task runs, against a closed port of this machine (nothing leaves it)."""
    guest_email = Delivery.objects.filter(
        target_type="meetings.meeting", target_id=str(meeting.pk), address="lienhe@minhphat.example"
    ).first()
    if guest_email is None or guest_email.status != DeliveryStatus.QUEUED or guest_email.attempts:
        return
    with override_settings(
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=_closed_port(),
        EMAIL_USE_TLS=False,
        EMAIL_USE_SSL=False,
        EMAIL_TIMEOUT=2,
        NOTIFY_MAX_ATTEMPTS=1,
    ):
        send_delivery.call(guest_email.pk)
