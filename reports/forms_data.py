"""The rows of the regulation's appendix forms for a period and a unit (Phụ lục, Điều 6.5).

Mẫu số 01, "Báo cáo thống kê số lượng cuộc họp trên Hệ thống eCabinet": one row per meeting
that ended and started in the period, organised by the unit or a unit below it.
- Nội dung cuộc họp: the meeting's title. Chủ trì: the chair (position, name). Thời gian: the
  start and end.
- Tổng số đại biểu tham dự: the attendance of the room as `live.queries.attendance_counts`
  counts "present": every attendee invitation (officials, their substitutes, the people invited
  units named, outside guests; not support staff, not an official replaced by a substitute) whose
  attendance is present or late. Absentees, the excused and those never checked in are not
  counted.
- Ghi chú về sự cố: the incidents of the room (live.Incident), each with its kind, description
  and whether it was resolved.
- Kiến nghị đề xuất: the meeting's `recommendation`, written by the organiser once ended.

Mẫu số 02, "Báo cáo thống kê tình hình thực hiện biểu quyết/lấy ý kiến góp ý trên Hệ thống
eCabinet": one row per question of each consultation closed in the period, created by the unit or
a unit below it:
- an opinion collection (opinions/) whose expiry fell in the period and has passed: the people
  and units consulted, those with a counted answer, and per question Đồng ý (explicit answers
  plus the implied consent of the silent, Điều 7.2b; the split is kept in `agree_implied`),
  Không đồng ý, Ý kiến khác — `opinions.queries.counts_many`, the same rules as the results page
  and the collection's own Mẫu 02 workbook; Kiến nghị đề xuất: the collection's recommendation.
- an in-meeting vote (live/) closed in the period: the delegates present who could vote
  (`live.voting.present_voters`, the "37/52" of the screens), those who voted, and the choices by
  option code: agree, disagree, and every other option (other opinion, abstain, a custom option)
  under Ý kiến khác. No implied consent: a delegate who does not vote in the room has not agreed.

Both lists are built in a fixed number of queries whatever the number of rows; a row is a plain
dict of JSON values, so that a submitted report (reports.models.QuarterlyReport) stores it as is.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from accounts.models import OrgUnit
from live.models import PRESENT_STATUSES, Attendance, Incident, IncidentStatus
from live.queries import attending_q
from live.voting import present_voters
from meetings.models import Meeting, MeetingStatus
from opinions.models import Collection
from opinions.queries import counts_many
from polls.models import Choice, OptionCode, Participation, Poll, PollKind, PollState, Question

__all__ = ["FORMS", "Period", "mau01_rows", "mau02_rows", "rows_of"]

MAU01 = "mau01"
MAU02 = "mau02"
FORMS = (MAU01, MAU02)

# Report forms are always in Vietnamese (like the workbooks of opinions/ and followups/).
INCIDENT_KINDS = {
    "audio": "Âm thanh",
    "network": "Đường truyền",
    "device": "Thiết bị",
    "access": "Truy cập, đăng nhập",
    "other": "Khác",
}
INCIDENT_STATES = {
    IncidentStatus.OPEN: "chưa xử lý",
    IncidentStatus.HANDLING: "đang xử lý",
    IncidentStatus.RESOLVED: "đã khắc phục",
}
SOURCE_COLLECTION = "opinion"
SOURCE_VOTE = "vote"


@dataclass(frozen=True)
class Period:
    """Days `start` to `end`, both included, local time; `unit` None means the whole province."""

    start: dt.date
    end: dt.date
    unit: OrgUnit | None = None

    @property
    def start_at(self) -> dt.datetime:
        return dt.datetime.combine(self.start, dt.time(0), tzinfo=timezone.get_current_timezone())

    @property
    def end_at(self) -> dt.datetime:
        """The first moment after the period."""
        return dt.datetime.combine(self.end + dt.timedelta(days=1), dt.time(0), tzinfo=timezone.get_current_timezone())

    def unit_q(self, prefix: str) -> Q:
        if self.unit is None:
            return Q()
        return Q(**{f"{prefix}path__startswith": self.unit.path})


@dataclass(frozen=True)
class Mau01Row:
    meeting_id: int
    content: str
    chair: str
    time: str
    attendees: int
    incidents: str
    recommendation: str
    unit: str


@dataclass(frozen=True)
class Mau02Row:
    source: str  # SOURCE_COLLECTION or SOURCE_VOTE
    source_id: int
    content: str
    consulted: int
    answered: int
    agree: int  # explicit + implied
    agree_implied: int
    disagree: int
    other: int
    recommendation: str
    closed_at: str  # dd/mm/yyyy HH:MM, local
    unit: str


def _when(start: dt.datetime, end: dt.datetime) -> str:
    start, end = timezone.localtime(start), timezone.localtime(end)
    if start.date() == end.date():
        return f"{start:%H:%M}–{end:%H:%M} ngày {start:%d/%m/%Y}"
    return f"{start:%H:%M} ngày {start:%d/%m/%Y} – {end:%H:%M} ngày {end:%d/%m/%Y}"


def _chair(meeting: Meeting) -> str:
    chair = meeting.chair
    return f"{chair.position} {chair.display_name}".strip() if chair.position else chair.display_name


def _incident_text(incident: Incident) -> str:
    kind = INCIDENT_KINDS.get(incident.kind, incident.kind)
    state = INCIDENT_STATES.get(IncidentStatus(incident.status), incident.status)
    text = f"{kind}: {incident.description.strip()} ({state}"
    if incident.status == IncidentStatus.RESOLVED and incident.resolution.strip():
        text += f": {incident.resolution.strip()}"
    return text + ")"


def meetings_of(period: Period) -> QuerySet[Meeting]:
    return (
        Meeting.objects.filter(status=MeetingStatus.ENDED, start__gte=period.start_at, start__lt=period.end_at)
        .filter(period.unit_q("unit__"))
        .select_related("chair", "unit")
        .order_by("start", "pk")
    )


def mau01_rows(period: Period) -> list[dict[str, Any]]:
    meetings = list(meetings_of(period))
    ids = [m.pk for m in meetings]
    present = dict(
        Attendance.objects.filter(meeting_id__in=ids, status__in=PRESENT_STATUSES)
        .filter(attending_q("invitation__"))
        .values("meeting_id")
        .annotate(n=Count("pk"))
        .values_list("meeting_id", "n")
    )
    incidents: dict[int, list[str]] = {}
    for incident in Incident.objects.filter(meeting_id__in=ids).order_by("created_at", "pk"):
        incidents.setdefault(incident.meeting_id, []).append(_incident_text(incident))
    return [
        asdict(
            Mau01Row(
                meeting_id=m.pk,
                content=m.title,
                chair=_chair(m),
                time=_when(m.start, m.end),
                attendees=present.get(m.pk, 0),
                incidents="\n".join(f"- {t}" if len(incidents[m.pk]) > 1 else t for t in incidents.get(m.pk, [])),
                recommendation=m.recommendation,
                unit=m.unit.name,
            )
        )
        for m in meetings
    ]


def _content(title: str, number: int, text: str, several: bool) -> str:
    return f"{title} — Câu {number}: {text}" if several else title


def _collection_rows(period: Period, now: dt.datetime) -> list[tuple[dt.datetime, Mau02Row]]:
    collections = list(
        Collection.objects.filter(
            poll__kind=PollKind.OPINION,
            release_at__lte=now,
            poll__closes_at__gte=period.start_at,
            poll__closes_at__lt=min(period.end_at, now),
        )
        .filter(period.unit_q("poll__unit__"))
        .select_related("poll", "poll__unit")
    )
    counts = counts_many(collections, now)
    rows = []
    for collection in collections:
        poll = collection.poll
        c = counts[collection.pk]
        closed_at = poll.closes_at or collection.release_at
        several = len(c.questions) > 1
        for q in c.questions:
            row = Mau02Row(
                source=SOURCE_COLLECTION,
                source_id=collection.pk,
                content=_content(poll.title, q.number, q.text, several),
                consulted=c.consulted,
                answered=c.answered,
                agree=q.agree_explicit + q.agree_implied,
                agree_implied=q.agree_implied,
                disagree=q.disagree,
                other=q.other,
                recommendation=collection.recommendation,
                closed_at=f"{timezone.localtime(closed_at):%d/%m/%Y %H:%M}",
                unit=poll.unit.name,
            )
            rows.append((closed_at, row))
    return rows


def _vote_rows(period: Period) -> list[tuple[dt.datetime, Mau02Row]]:
    polls = list(
        Poll.objects.filter(
            kind=PollKind.MEETING_VOTE,
            state=PollState.CLOSED,
            closed_at__gte=period.start_at,
            closed_at__lt=period.end_at,
        )
        .filter(period.unit_q("unit__"))
        .select_related("unit")
    )
    ids = [p.pk for p in polls]
    eligible = dict(
        present_voters()
        .filter(meeting_id__in={p.meeting_id for p in polls})
        .values("meeting_id")
        .annotate(n=Count("pk"))
        .values_list("meeting_id", "n")
    )
    voted = dict(
        Participation.objects.filter(poll_id__in=ids)
        .values("poll_id")
        .annotate(n=Count("pk"))
        .values_list("poll_id", "n")
    )
    by_question: dict[int, dict[str, int]] = {}
    for question_id, code, n in (
        Choice.objects.filter(poll_id__in=ids)
        .values("question_id", "option__code")
        .annotate(n=Count("pk"))
        .values_list("question_id", "option__code", "n")
    ):
        by_question.setdefault(question_id, {})[code] = n
    questions: dict[int, list[tuple[int, str]]] = {}
    for poll_id, question_id, text in (
        Question.objects.filter(poll_id__in=ids).order_by("order").values_list("poll_id", "pk", "text")
    ):
        questions.setdefault(poll_id, []).append((question_id, text))
    rows = []
    for poll in polls:
        closed_at = poll.closed_at or poll.created_at
        several = len(questions.get(poll.pk, [])) > 1
        for number, (question_id, text) in enumerate(questions.get(poll.pk, []), start=1):
            codes = by_question.get(question_id, {})
            agree = codes.get(OptionCode.AGREE, 0)
            disagree = codes.get(OptionCode.DISAGREE, 0)
            row = Mau02Row(
                source=SOURCE_VOTE,
                source_id=poll.pk,
                content=_content(poll.title, number, text, several),
                consulted=eligible.get(poll.meeting_id, 0) if poll.meeting_id else 0,
                answered=voted.get(poll.pk, 0),
                agree=agree,
                agree_implied=0,
                disagree=disagree,
                other=sum(codes.values()) - agree - disagree,
                recommendation="",
                closed_at=f"{timezone.localtime(closed_at):%d/%m/%Y %H:%M}",
                unit=poll.unit.name,
            )
            rows.append((closed_at, row))
    return rows


def mau02_rows(period: Period, now: dt.datetime | None = None) -> list[dict[str, Any]]:
    """Collections and votes together, in the order they closed."""
    now = now or timezone.now()
    rows = _collection_rows(period, now) + _vote_rows(period)
    rows.sort(key=lambda pair: (pair[0], pair[1].source, pair[1].source_id))
    return [asdict(row) for _closed, row in rows]


def rows_of(form: str, period: Period) -> list[dict[str, Any]]:
    if form == MAU01:
        return mau01_rows(period)
    if form == MAU02:
        return mau02_rows(period)
    raise ValueError(form)
