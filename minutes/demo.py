"""An ended PPC meeting with approved minutes and an issued conclusion notice, for `seed_demo`
(core.demo), so that `make run` shows the whole after-meeting flow (and the follow-up app has
conclusions to assign work from).

The Office of the PPC organises, the PPC chairman chairs. Before it starts, one invitee declines
with a reason and another sends a substitute; in the room, people are marked present or late,
two officials have the floor on the two agenda items, a named vote is held, the chair concludes
each item and ends the meeting. The draft is written by live's "meeting ended" hook, the
organiser (the secretary) edits it, the chair approves it, the notice is drafted, approved and
issued. The actions run on a simulated clock so the floor turns take minutes, not milliseconds.
Idempotent: by title.
"""

from __future__ import annotations

import datetime as dt
from unittest import mock

from django.utils import timezone

from accounts.models import User
from live.actions.checkin import do_mark_attendance
from live.actions.room import do_conclude_item, do_end_meeting, do_set_current_item, do_start_meeting
from live.actions.speaking import do_end_turn, do_give_floor
from live.actions.voting import do_close_vote, do_create_vote, do_vote
from live.models import AttendanceStatus
from meetings.actions.approval import do_approve_meeting
from meetings.actions.invitations import do_answer_invitation
from meetings.actions.registration import AgendaLine, Guest, MeetingData, do_create_meeting, do_submit_meeting
from meetings.models import Answer, Invitation, InvitationKind, Meeting
from minutes.actions import (
    do_approve_minutes,
    do_approve_notice,
    do_draft_notice,
    do_generate_minutes,
    do_issue_notice,
    do_save_minutes,
)
from minutes.models import Minutes
from polls.models import Option, Question

DEMO_TITLE = "Họp UBND tỉnh về tiến độ giải ngân vốn đầu tư công năm 2026"


class _Clock:
    def __init__(self, start: dt.datetime) -> None:
        self.at = start

    def __call__(self) -> dt.datetime:
        return self.at

    def advance(self, minutes: float) -> None:
        self.at += dt.timedelta(minutes=minutes)


def seed_minutes() -> list[str]:
    if Meeting.objects.filter(title=DEMO_TITLE).exists():
        return []
    people = {
        name: User.objects.get(username=name)
        for name in (
            "vp.daumoi",
            "vp.lanhdao",
            "ubnd.chutich",
            "snv.giamdoc",
            "stc.chuyenvien",
            "stc.quantri",
            "hoalu.chutich",
            "snv.chuyenvien",
        )
    }
    organiser, chair = people["vp.daumoi"], people["ubnd.chutich"]
    start = (timezone.now() + dt.timedelta(hours=4)).replace(second=0, microsecond=0)
    data = MeetingData(
        title=DEMO_TITLE,
        start=start,
        end=start + dt.timedelta(hours=2),
        chair=chair,
        place="Phòng họp số 1, trụ sở UBND tỉnh",
        content="Đánh giá tiến độ giải ngân vốn đầu tư công, chỉ đạo các giải pháp đẩy nhanh giải ngân.",
        is_ppc_meeting=True,
        agenda=[
            AgendaLine("Báo cáo tình hình giải ngân vốn đầu tư công", "Sở Tài chính", 30),
            AgendaLine("Thảo luận các khó khăn, vướng mắc về giải phóng mặt bằng", "", 45),
        ],
        # Điều 6.1c: a PPC Office leader attends, to approve the documents of a PPC meeting.
        attendees=[
            people["vp.lanhdao"],
            people["snv.giamdoc"],
            people["stc.chuyenvien"],
            people["hoalu.chutich"],
            people["snv.chuyenvien"],
        ],
        guests=[Guest("Ngô Văn Bình", "Công ty TNHH Minh Phát")],
    )
    meeting = do_create_meeting(organiser, data)
    do_submit_meeting(organiser, meeting, acknowledge_conflicts=True)
    meeting.refresh_from_db()
    meeting = do_approve_meeting(
        people["vp.lanhdao"], meeting, justification="Thực hiện chỉ đạo của Chủ tịch UBND tỉnh về giải ngân vốn."
    )

    def invitation(user: User) -> Invitation:
        return Invitation.objects.get(meeting=meeting, kind=InvitationKind.USER, user=user)

    do_answer_invitation(
        organiser, invitation(people["hoalu.chutich"]), answer=Answer.DECLINED, reason="Tiếp đoàn công tác của Bộ"
    )
    do_answer_invitation(
        organiser, invitation(people["stc.chuyenvien"]), answer=Answer.DELEGATED, substitute=people["stc.quantri"]
    )
    clock = _Clock(timezone.now())
    with mock.patch("django.utils.timezone.now", clock):
        meeting = do_start_meeting(chair, meeting)
        do_mark_attendance(organiser, meeting, invitation(people["snv.giamdoc"]), status=AttendanceStatus.PRESENT)
        do_mark_attendance(organiser, meeting, invitation(people["vp.lanhdao"]), status=AttendanceStatus.PRESENT)
        do_mark_attendance(organiser, meeting, invitation(people["stc.quantri"]), status=AttendanceStatus.PRESENT)
        guest = Invitation.objects.get(meeting=meeting, kind=InvitationKind.GUEST)
        do_mark_attendance(organiser, meeting, guest, status=AttendanceStatus.PRESENT)
        first, second = meeting.agenda_items.order_by("order")
        do_give_floor(chair, meeting, people["stc.quantri"])
        clock.advance(12)
        do_end_turn(chair, meeting)
        clock.advance(3)
        do_mark_attendance(organiser, meeting, invitation(people["snv.chuyenvien"]), status=AttendanceStatus.LATE)
        do_conclude_item(
            chair,
            meeting,
            first,
            text="Sở Tài chính tham mưu UBND tỉnh điều chuyển vốn của các dự án chậm giải ngân trước ngày 15/12/2026.",
        )
        do_set_current_item(chair, meeting, second)
        do_give_floor(chair, meeting, people["snv.giamdoc"])
        clock.advance(8)
        do_end_turn(chair, meeting)
        poll = do_create_vote(chair, meeting, question="Thống nhất điều chuyển vốn giữa các dự án", open_now=True)
        question = Question.objects.get(poll=poll)
        options = list(Option.objects.filter(question=question).order_by("order", "pk"))
        for voter in (people["snv.giamdoc"], people["stc.quantri"], people["snv.chuyenvien"]):
            do_vote(voter, poll, {str(question.pk): str(options[0].pk)})
        do_close_vote(chair, poll)
        do_conclude_item(
            chair,
            meeting,
            second,
            text="UBND phường Hoa Lư hoàn thành giải phóng mặt bằng dự án đường vành đai trước ngày 31/12/2026; "
            "Sở Nội vụ theo dõi, đánh giá trách nhiệm người đứng đầu.",
        )
        clock.advance(20)
        meeting = do_end_meeting(chair, meeting)  # live's hook writes the draft (version 1)

    # Written after the commit by live's hook; inside an outer transaction (the shell's tests seed
    # in one) the hook has not run yet, and the organiser drafts it instead.
    minutes = Minutes.objects.filter(meeting=meeting).first() or do_generate_minutes(organiser, meeting)
    current = minutes.current_version
    assert current is not None  # noqa: S101 - written by the hook above
    body = current.body.replace("Biên bản được lập xong lúc …", "Biên bản được lập xong lúc 11 giờ 30 cùng ngày")
    if body == current.body:
        body += "<p>Biên bản được lập xong cùng ngày.</p>"
    do_save_minutes(organiser, minutes, body)
    do_approve_minutes(chair, minutes)
    notice = do_draft_notice(organiser, meeting)
    do_approve_notice(chair, notice)
    do_issue_notice(organiser, notice)
    return [f"Demo ended meeting with approved minutes and an issued conclusion notice: {DEMO_TITLE}"]
