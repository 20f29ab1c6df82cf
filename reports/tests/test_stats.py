"""The statistics' numbers (reports/statistics.py) against a data set built by hand, March 2025:

Sở Nội vụ (SNV) held meeting A (regular, approved on time, ended): five people invited to attend —
present, late (the substitute of one who sent them), absent, absent after declining, and a guest
present — plus support staff (not an attendee); two documents of 10 and 5 pages, a deleted one of
100 pages, one not converted yet; a vote with two ballots; a network incident. Meeting B (urgent,
approved late, submitted late), meeting C (a draft), meeting E of SNV's own office (a unit below
SNV, ended, nobody recorded). Sở Tài chính (STC) held meeting D (ended). A meeting of SNV in April
is outside the period. SNV's opinion collections: one expired (three people and STC consulted, one
answer: three implied consents) and one still open (two consulted, one answer). SNV's tasks:
done on time, done late, overdue, not due yet, cancelled; one of STC's is overdue.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation

from accounts.models import OrgUnit, Right, User
from conftest import make_user
from documents.models import Document, DocumentVersion
from followups.models import Task, TaskStatus
from live.models import Attendance, AttendanceStatus, CheckinMethod, Incident, IncidentKind
from meetings.models import Answer, Invitation, InvitationKind, InvitationRole, Meeting, MeetingKind, MeetingStatus
from opinions.models import Collection, ConsultedPerson, ConsultedUnit
from polls.models import Participation, Poll, PollKind, PollState
from reports.statistics import Period, PeriodKind, compute, range_too_long

VN = ZoneInfo("Asia/Ho_Chi_Minh")
MARCH = Period(PeriodKind.MONTH, date(2025, 3, 1), date(2025, 3, 31))
NOW = datetime(2025, 3, 22, 12, 0, tzinfo=VN)  # the tasks' "today" and the collections' clock


def at(day: int, hour: int = 9, month: int = 3) -> datetime:
    return datetime(2025, month, day, hour, 0, tzinfo=VN)


@dataclass
class Cast:
    snv: OrgUnit
    stc: OrgUnit
    sub: OrgUnit
    organiser: User
    chair: User
    people: list[User]


def make_cast(province: dict[str, OrgUnit]) -> Cast:
    snv = province["snv"]
    return Cast(
        snv=snv,
        stc=province["stc"],
        sub=province["snv_sub"],
        organiser=make_user("snv.daumoi", snv, Right.ORGANISER, full_name="Hoàng Anh Dũng"),
        chair=make_user("snv.giamdoc", snv, Right.LEADER, full_name="Vũ Thị Hồng"),
        people=[make_user(f"snv.nguoi{i}", snv, full_name=f"Người {i}") for i in range(6)],
    )


@pytest.fixture
def cast(province: dict[str, OrgUnit]) -> Cast:
    return make_cast(province)


def meeting(cast: Cast, unit: OrgUnit, start: datetime, **fields: Any) -> Meeting:
    return Meeting.objects.create(
        title=fields.pop("title", "Họp giao ban"),
        unit=unit,
        organiser=cast.organiser,
        chair=cast.chair,
        start=start,
        end=start + timedelta(hours=2),
        **fields,
    )


def invite(m: Meeting, user: User | None = None, status: str | None = None, **fields: Any) -> Invitation:
    kind = InvitationKind.USER if user is not None else InvitationKind.GUEST
    invitation = Invitation.objects.create(
        meeting=m, kind=kind, user=user, guest_name="" if user else "Khách", **fields
    )
    if status is not None:
        Attendance.objects.create(
            meeting=m, invitation=invitation, user=user, status=status, method=CheckinMethod.SELF, frozen=True
        )
    return invitation


def document(m: Meeting, by: User, pages: int | None, *, deleted: bool = False) -> Document:
    doc = Document.objects.create(meeting=m, title="Tài liệu", created_by=by, is_deleted=deleted)
    version = DocumentVersion.objects.create(
        document=doc,
        number=1,
        file="x.pdf",
        original_name="x.pdf",
        file_type="pdf",
        extension=".pdf",
        size=1,
        sha256="0" * 64,
        uploaded_by=by,
        page_count=pages,
    )
    doc.current_version = version
    doc.save(update_fields=["current_version"])
    return doc


def collection(cast: Cast, released: datetime, closes: datetime, people: list[User], units: list[OrgUnit]) -> Poll:
    poll = Poll.objects.create(
        kind=PollKind.OPINION, unit=cast.snv, title="Lấy ý kiến", created_by=cast.organiser, closes_at=closes
    )
    c = Collection.objects.create(poll=poll, release_at=released)
    for person in people:
        ConsultedPerson.objects.create(collection=c, user=person)
    for unit in units:
        ConsultedUnit.objects.create(collection=c, unit=unit)
    return poll


def task(cast: Cast, m: Meeting, unit: OrgUnit, deadline: date, status: str, done: datetime | None = None) -> Task:
    return Task.objects.create(
        title="Việc",
        meeting=m,
        assigned_by=cast.chair,
        assigner_unit=cast.snv,
        assignee_unit=unit,
        deadline=deadline,
        original_deadline=deadline,
        status=status,
        done_at=done,
    )


def build(cast: Cast, copies: int = 1) -> None:
    """The data set of the module docstring, `copies` times (the query-count tests)."""
    p = cast.people
    for _ in range(copies):
        a = meeting(cast, cast.snv, at(10), status=MeetingStatus.ENDED, decided_by=cast.chair)
        invite(a, p[0], AttendanceStatus.PRESENT, answer=Answer.CONFIRMED)
        sender = invite(a, p[1], answer=Answer.DELEGATED)  # sent p[2]: no attendance of their own
        invite(a, p[2], AttendanceStatus.LATE, substitute_for=sender, answer=Answer.CONFIRMED)
        invite(a, p[3], AttendanceStatus.ABSENT)
        invite(a, p[4], AttendanceStatus.ABSENT, answer=Answer.DECLINED)
        invite(a, None, AttendanceStatus.PRESENT)  # a guest
        invite(a, p[5], AttendanceStatus.PRESENT, role=InvitationRole.SUPPORT)
        document(a, cast.organiser, 10)
        document(a, cast.organiser, 5)
        document(a, cast.organiser, 100, deleted=True)
        document(a, cast.organiser, None)
        vote = Poll.objects.create(
            kind=PollKind.MEETING_VOTE, meeting=a, unit=cast.snv, title="Biểu quyết", created_by=cast.chair
        )
        Poll.objects.filter(pk=vote.pk).update(state=PollState.CLOSED)
        Participation.objects.create(poll=vote, voter=p[0])
        Participation.objects.create(poll=vote, voter=p[2])
        Incident.objects.create(meeting=a, reporter=p[0], kind=IncidentKind.NETWORK, description="Mất mạng")
        meeting(
            cast,
            cast.snv,
            at(12),
            kind=MeetingKind.URGENT,
            status=MeetingStatus.APPROVED,
            approved_late=True,
            submitted_late=True,
        )
        meeting(cast, cast.snv, at(14))  # a draft
        meeting(cast, cast.sub, at(17), status=MeetingStatus.ENDED)
        d = meeting(cast, cast.stc, at(18), status=MeetingStatus.ENDED, is_ppc_meeting=True)
        invite(d, p[0], AttendanceStatus.PRESENT)
        meeting(cast, cast.snv, at(2, month=4), status=MeetingStatus.ENDED)  # April: outside
        expired = collection(cast, at(3), at(8), [p[0], p[1], p[2]], [cast.stc])
        Participation.objects.create(poll=expired, voter=p[0])
        still_open = collection(cast, at(20), at(30), [p[0], p[3]], [])
        Participation.objects.create(poll=still_open, voter=p[3])
        task(cast, a, cast.snv, date(2025, 3, 20), TaskStatus.DONE, done=at(19, 16))
        task(cast, a, cast.snv, date(2025, 3, 10), TaskStatus.DONE, done=at(15, 16))
        task(cast, a, cast.snv, date(2025, 3, 21), TaskStatus.IN_PROGRESS)
        task(cast, a, cast.snv, date(2025, 3, 25), TaskStatus.ACCEPTED)
        task(cast, a, cast.snv, date(2025, 3, 5), TaskStatus.CANCELLED)
        task(cast, a, cast.stc, date(2025, 3, 11), TaskStatus.NEW)


def values(section: Any) -> dict[str, int]:
    return {row.key: row.value for row in section.rows}


def test_meetings_are_counted_by_status_and_kind_in_the_unit_and_the_units_below_it(cast: Cast) -> None:
    build(cast)
    stats = compute(cast.snv, MARCH, now=NOW)
    by_status = values(stats.section("meetings_status"))
    assert by_status[MeetingStatus.ENDED] == 2  # A and the office's E; STC's D and April's are not SNV's
    assert by_status[MeetingStatus.APPROVED] == 1
    assert by_status[MeetingStatus.DRAFT] == 1
    assert sum(by_status.values()) == 4
    assert values(stats.section("meetings_kind"))[MeetingKind.URGENT] == 1
    assert values(stats.section("meetings_kind"))["ppc"] == 0


def test_the_province_counts_every_unit(cast: Cast) -> None:
    build(cast)
    stats = compute(None, MARCH, now=NOW)
    assert sum(values(stats.section("meetings_status")).values()) == 5
    assert values(stats.section("meetings_kind"))["ppc"] == 1
    assert values(stats.section("tasks"))["overdue"] == 2  # SNV's and STC's


def test_approval_on_time_and_late(cast: Cast) -> None:
    build(cast)
    approval = values(compute(cast.snv, MARCH, now=NOW).section("approval"))
    assert approval == {"on_time": 2, "late": 1, "submitted_late": 1}  # A and E on time, B late


def test_documents_and_pages_leave_out_deleted_documents(cast: Cast) -> None:
    build(cast)
    documents = values(compute(cast.snv, MARCH, now=NOW).section("documents"))
    assert documents["documents"] == 3
    assert documents["pages"] == 15
    assert documents["without_pages"] == 1
    # Meeting A: 15 pages for the five people invited to attend (the one who sent a substitute is
    # replaced by the substitute; support staff do not attend): 75 printed pages saved.
    assert documents["paper"] == 75


def test_attendance_counts_substitutes_absentees_and_the_rate(cast: Cast) -> None:
    build(cast)
    stats = compute(cast.snv, MARCH, now=NOW)
    attendance = stats.section("attendance")
    assert values(attendance) == {"present": 2, "late": 1, "absent": 2, "excused": 0}
    assert [row.percent for row in attendance.rows] == [40.0, 20.0, 40.0, 0.0]
    assert str(attendance.notes[0]).endswith("60,0 %")
    answers = values(stats.section("answers"))
    assert answers == {
        "invited": 4,  # the substitute is counted apart
        "confirmed": 1,
        "declined": 1,
        "delegated": 1,
        "substitutes": 1,
        "guests": 1,
    }
    with translation.override("en"):
        assert ("Attendance rate", "60,0 %") in [(str(label), value) for label, value in stats.headline]


def test_opinion_collections_count_answers_and_implied_consent(cast: Cast) -> None:
    build(cast)
    opinions = compute(cast.snv, MARCH, now=NOW).section("opinions")
    # Expired: 3 people and STC consulted, 1 answer, 3 implied; open: 2 consulted, 1 answer, 1 waiting.
    assert values(opinions) == {
        "collections": 2,
        "expired": 1,
        "consulted": 6,
        "answered": 2,
        "implied": 3,
        "waiting": 1,
    }
    with translation.override("en"):
        assert str(opinions.notes[0]) == "Response rate: 33,3 %; implied-consent rate: 50,0 %"


def test_an_answer_by_someone_no_longer_consulted_is_not_counted(cast: Cast) -> None:
    build(cast)
    expired = Poll.objects.get(collection__isnull=False, closes_at=at(8))
    Participation.objects.create(poll=expired, voter=cast.people[5])
    assert values(compute(cast.snv, MARCH, now=NOW).section("opinions"))["answered"] == 2


def test_votes_and_incidents(cast: Cast) -> None:
    build(cast)
    stats = compute(cast.snv, MARCH, now=NOW)
    assert values(stats.section("votes")) == {"polls": 1, "closed": 1, "ballots": 2}
    incidents = values(stats.section("incidents"))
    assert incidents["total"] == 1 and incidents[IncidentKind.NETWORK] == 1
    assert values(stats.section("incident_status"))["open"] == 1


def test_tasks_on_time_late_overdue_by_the_deadline_in_the_period(cast: Cast) -> None:
    build(cast)
    tasks = values(compute(cast.snv, MARCH, now=NOW).section("tasks"))
    assert tasks == {"on_time": 1, "late": 1, "overdue": 1, "not_due": 1, "cancelled": 1}


def test_the_units_below_are_grouped_under_the_unit_directly_below_the_scope(cast: Cast) -> None:
    build(cast)
    rows = {row.unit.code: row for row in compute(None, MARCH, now=NOW).units}
    assert rows["SNV"].meetings == 4  # its own three and its office's
    assert rows["SNV"].documents == 3 and rows["SNV"].pages == 15
    assert rows["SNV"].attendance_rate == 60.0
    assert rows["SNV"].collections == 2 and rows["SNV"].tasks == 5 and rows["SNV"].overdue == 1
    assert rows["STC"].meetings == 1 and rows["STC"].attendance_rate == 100.0 and rows["STC"].overdue == 1
    inside = {row.unit.code: row.meetings for row in compute(cast.snv, MARCH, now=NOW).units}
    assert inside == {"SNV": 3, "SNV-VP": 1}


def test_the_series_has_every_week_of_the_month_even_empty_ones(cast: Cast) -> None:
    build(cast)
    series = compute(cast.snv, MARCH, now=NOW).series
    assert [label for label, _n, _held in series][0] == "24/02–02/03"
    assert len(series) == 6  # weeks starting 24/2, 3/3, 10/3, 17/3, 24/3, 31/3
    assert sum(n for _label, n, _held in series) == 4
    assert ("10/03–16/03", 3, 1) in series  # A (ended), B and C


def test_a_meeting_on_the_last_evening_of_the_period_counts_in_local_time(cast: Cast) -> None:
    meeting(cast, cast.snv, datetime(2025, 3, 31, 23, 30, tzinfo=VN))
    meeting(cast, cast.snv, datetime(2025, 4, 1, 0, 0, tzinfo=VN))
    assert sum(values(compute(cast.snv, MARCH, now=NOW).section("meetings_status")).values()) == 1


@pytest.mark.parametrize(
    ("kind", "day", "first", "last"),
    [
        (PeriodKind.WEEK, date(2025, 3, 12), date(2025, 3, 10), date(2025, 3, 16)),
        (PeriodKind.MONTH, date(2024, 2, 10), date(2024, 2, 1), date(2024, 2, 29)),
        (PeriodKind.QUARTER, date(2025, 11, 3), date(2025, 10, 1), date(2025, 12, 31)),
        (PeriodKind.YEAR, date(2025, 6, 30), date(2025, 1, 1), date(2025, 12, 31)),
    ],
)
def test_a_period_is_the_week_month_quarter_or_year_around_the_day(
    kind: str, day: date, first: date, last: date
) -> None:
    period = Period.around(kind, day)
    assert (period.first, period.last) == (first, last)


def test_a_range_of_five_years_is_accepted_and_one_day_more_is_not() -> None:
    assert not range_too_long(date(2020, 1, 1), date(2024, 12, 31))
    assert range_too_long(date(2020, 1, 1), date(2025, 1, 1))
    assert range_too_long(date(2020, 2, 29), date(2025, 2, 28))
