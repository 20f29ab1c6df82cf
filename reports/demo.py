"""Demo data of the appendix forms for `seed_demo` (core.demo, after followups' seeder), so that
Mẫu 01 and Mẫu 02 show real rows in the current and the previous quarter:

- the recommendation of the minutes' demo meeting (ended today, the PPC Office's), written by its
  organiser;
- in the previous quarter, a meeting of Sở Nội vụ held, with an incident, a vote and a late
  delegate, then ended, and an opinion collection of Sở Nội vụ that expired with one silent
  person (implied consent) — each run on a simulated clock, as minutes/demo.py does;
- Sở Nội vụ's quarterly report of the previous quarter, submitted by its unit administrator on
  time (the 20th of the quarter's last month).

Written through the actions. Idempotent: nothing is added once the previous quarter's meeting
exists."""

from __future__ import annotations

import datetime as dt
from unittest import mock

from django.utils import timezone

from accounts.models import OrgUnit, User
from live.actions.checkin import do_mark_attendance
from live.actions.contributions import do_report_incident, do_update_incident
from live.actions.room import do_end_meeting, do_start_meeting
from live.actions.voting import do_close_vote, do_create_vote, do_vote
from live.models import AttendanceStatus
from meetings.actions.approval import do_approve_meeting
from meetings.actions.registration import AgendaLine, MeetingData, do_create_meeting, do_submit_meeting
from meetings.actions.reporting import do_set_recommendation
from meetings.models import Invitation, InvitationKind, Meeting, MeetingStatus
from opinions.actions.answers import do_answer
from opinions.actions.collections import CollectionInput, do_create_collection
from polls.actions import QuestionInput
from polls.models import Option, OptionCode, Question
from reports.actions import do_submit_report
from reports.models import QuarterlyReport
from reports.quarters import Quarter

PAST_MEETING_TITLE = "Họp giao ban công tác cải cách hành chính quý III"
PAST_COLLECTION_TITLE = "Lấy ý kiến dự thảo Quy chế văn hóa công vụ của Sở Nội vụ"
MINUTES_DEMO_TITLE = "Họp UBND tỉnh về tiến độ giải ngân vốn đầu tư công năm 2026"
RECOMMENDATION = "Đề nghị bổ sung màn hình hiển thị tại phòng họp số 2 để trình chiếu tài liệu."


class _Clock:
    def __init__(self, start: dt.datetime) -> None:
        self.at = start

    def __call__(self) -> dt.datetime:
        return self.at

    def advance(self, minutes: float) -> None:
        self.at += dt.timedelta(minutes=minutes)


def _users(*names: str) -> dict[str, User]:
    return {u.username: u for u in User.objects.filter(username__in=names)}


def _at(day: dt.date, hour: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=timezone.get_current_timezone())


def _past_meeting(people: dict[str, User], day: dt.date) -> Meeting:
    organiser, chair = people["snv.daumoi"], people["snv.giamdoc"]
    clock = _Clock(_at(day - dt.timedelta(days=7), 9))
    with mock.patch("django.utils.timezone.now", clock):
        start = _at(day, 8)
        meeting = do_create_meeting(
            organiser,
            MeetingData(
                title=PAST_MEETING_TITLE,
                start=start,
                end=start + dt.timedelta(hours=2),
                chair=chair,
                place="Phòng họp Sở Nội vụ",
                content="Đánh giá kết quả cải cách hành chính quý III, nhiệm vụ quý IV.",
                agenda=[AgendaLine("Báo cáo kết quả cải cách hành chính quý III", "Văn phòng Sở", 30)],
                attendees=[people["snv.chuyenvien"], people["snv.quantri"]],
            ),
        )
        do_submit_meeting(organiser, meeting, acknowledge_conflicts=True)
        meeting.refresh_from_db()
        meeting = do_approve_meeting(chair, meeting, justification="")
        clock.at = start - dt.timedelta(minutes=10)
        meeting = do_start_meeting(chair, meeting)

        def invitation(user: User) -> Invitation:
            return Invitation.objects.get(meeting=meeting, kind=InvitationKind.USER, user=user)

        do_mark_attendance(organiser, meeting, invitation(people["snv.quantri"]), status=AttendanceStatus.PRESENT)
        clock.advance(25)
        do_mark_attendance(organiser, meeting, invitation(people["snv.chuyenvien"]), status=AttendanceStatus.LATE)
        incident = do_report_incident(
            people["snv.chuyenvien"], meeting, kind="audio", description="Micro của đại biểu bị rè, mất tiếng."
        )
        clock.advance(5)
        do_update_incident(organiser, incident, status="resolved", resolution="Thay micro dự phòng.")
        poll = do_create_vote(chair, meeting, question="Thông qua kế hoạch cải cách hành chính quý IV", open_now=True)
        question = Question.objects.get(poll=poll)
        agree = Option.objects.get(question=question, code=OptionCode.AGREE)
        for voter in (people["snv.quantri"], people["snv.chuyenvien"]):
            do_vote(voter, poll, {str(question.pk): str(agree.pk)})
        clock.advance(3)
        do_close_vote(chair, poll)
        clock.advance(60)
        meeting = do_end_meeting(chair, meeting)
    return meeting


def _past_collection(people: dict[str, User], day: dt.date) -> None:
    clock = _Clock(_at(day, 9))
    with mock.patch("django.utils.timezone.now", clock):
        collection = do_create_collection(
            people["snv.daumoi"],
            CollectionInput(
                title=PAST_COLLECTION_TITLE,
                description="Đề nghị cho ý kiến vào dự thảo Quy chế.",
                questions=[QuestionInput(text="Đồng ý ban hành Quy chế theo dự thảo?")],
                release_at=clock.at + dt.timedelta(minutes=1),
                expires_at=clock.at + dt.timedelta(days=3),
                people=[people["snv.chuyenvien"], people["snv.quantri"], people["snv.giamdoc"]],
                units=[],
                followers=[],
            ),
        )
        clock.advance(60)
        question = collection.poll.questions.get()
        agree = question.options.get(code=OptionCode.AGREE)
        disagree = question.options.get(code=OptionCode.DISAGREE)
        do_answer(people["snv.chuyenvien"], collection, {str(question.pk): agree.pk})
        do_answer(people["snv.quantri"], collection, {str(question.pk): disagree.pk})
        # snv.giamdoc stays silent: counted as agreeing once it expires (Điều 7.2b).


def seed_reports() -> list[str]:
    lines: list[str] = []
    people = _users("snv.daumoi", "snv.giamdoc", "snv.chuyenvien", "snv.quantri", "vp.daumoi")
    ended = Meeting.objects.filter(title=MINUTES_DEMO_TITLE, status=MeetingStatus.ENDED).first()
    if ended is not None and not ended.recommendation and "vp.daumoi" in people:
        do_set_recommendation(people["vp.daumoi"], ended, text=RECOMMENDATION)
        lines.append("Report forms: a recommendation on “" + ended.title + "”.")
    snv = OrgUnit.objects.filter(code="SNV").first()
    if snv is None or len(people) < 5 or Meeting.objects.filter(title=PAST_MEETING_TITLE).exists():
        return lines
    previous = Quarter.of(timezone.localdate()).previous()
    _past_meeting(people, previous.start + dt.timedelta(days=45))
    _past_collection(people, previous.start + dt.timedelta(days=50))
    if not QuarterlyReport.objects.filter(unit=snv, year=previous.year, quarter=previous.quarter).exists():
        do_submit_report(
            people["snv.quantri"],
            snv,
            previous,
            recommendation="Đề nghị tập huấn sử dụng chữ ký số trên eCabinet cho lãnh đạo các phòng.",
            expected_revision=0,
            now=_at(previous.deadline - dt.timedelta(days=5), 10),
        )
    lines.append(
        f"Report forms: a meeting, a vote and an opinion collection in {previous}; Sở Nội vụ's report submitted."
    )
    return lines
