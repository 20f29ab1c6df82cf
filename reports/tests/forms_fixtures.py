"""A hand-built data set for the appendix forms (built with the ORM: the forms only read).

Sở Nội vụ (SNV), in October 2026 (Q4):
- meeting A (ended, 05/10 08:00–10:00), chaired by the director: invited officials `present`
  (present), `late` (late), `absent` (absent), `replaced` (sent `substitute`, who checked in),
  `never` (never checked in), a guest who checked in, and support staff who checked in. Present:
  present + late + substitute + guest = 4. One incident (audio, resolved). A recommendation.
- meeting B (ended, 20/10), nobody checked in; meeting C (approved, not held) and meeting D of
  Sở Tài chính (ended): not in SNV's Mẫu 01.
- collection X of SNV (expired 15/10): three people and one unit consulted; one agrees, one
  disagrees, the unit answers "other"; one person silent → Đồng ý 2 (1 implied).
- in-meeting vote V of meeting A (closed 05/10 09:00): 2 agree, 1 abstain; eligible 4 (present,
  late, substitute, support staff: the room's rule; the guest has no account).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from accounts.models import Right, User
from conftest import make_user
from live.models import Attendance, AttendanceStatus, Incident, LiveState
from meetings.models import Answer, Invitation, InvitationKind, InvitationRole, Meeting, MeetingStatus
from opinions.models import Collection, ConsultedPerson, ConsultedUnit
from polls.models import Choice, Option, OptionCode, Participation, Poll, PollKind, PollState, Question

TZ = timezone.get_current_timezone()


def at(day: int, hour: int = 8, month: int = 10) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, tzinfo=TZ)


def meeting(
    unit: Any, chair: User, organiser: User, day: int, *, status: str = MeetingStatus.ENDED, **extra: Any
) -> Meeting:
    m = Meeting.objects.create(
        title=extra.pop("title", f"Họp ngày {day}"),
        unit=unit,
        organiser=organiser,
        chair=chair,
        start=at(day),
        end=at(day, 10),
        status=status,
        **extra,
    )
    LiveState.objects.create(meeting=m)
    return m


def attend(m: Meeting, user: User | None, status: str | None, **invitation: Any) -> Invitation:
    kind = InvitationKind.GUEST if user is None else InvitationKind.USER
    inv = Invitation.objects.create(meeting=m, kind=kind, user=user, **invitation)
    if status is not None:
        Attendance.objects.create(meeting=m, invitation=inv, user=user, status=status, method="secretary")
    return inv


def poll_with_options(
    kind: str, unit: Any, creator: User, title: str, **extra: Any
) -> tuple[Poll, Question, dict[str, Option]]:
    poll = Poll.objects.create(kind=kind, unit=unit, created_by=creator, title=title, **extra)
    question = Question.objects.create(poll=poll, order=1, text=title)
    options: dict[str, Option] = {
        str(code): Option.objects.create(question=question, order=n, label=code, code=code)
        for n, code in enumerate([OptionCode.AGREE, OptionCode.DISAGREE, OptionCode.ABSTAIN, OptionCode.OTHER])
    }
    return poll, question, options


def ballot(poll: Poll, question: Question, option: Option, voter: User, unit: Any = None) -> None:
    participation = Participation.objects.create(poll=poll, voter=voter, unit=unit)
    Choice.objects.create(poll=poll, question=question, option=option, participation=participation)


@pytest.fixture
def people(province) -> dict[str, User]:  # type: ignore[no-untyped-def]
    snv = province["snv"]
    names = ["present", "late", "absent", "replaced", "substitute", "never", "support", "silent"]
    users = {name: make_user(f"snv.{name}", snv, full_name=f"Người {name}") for name in names}
    users["director"] = make_user("snv.giamdoc", snv, Right.LEADER, full_name="Vũ Thị Hồng", position="Giám đốc Sở")
    users["organiser"] = make_user("snv.daumoi", snv, Right.ORGANISER, full_name="Phan Văn Đức")
    users["admin"] = make_user("snv.quantri", snv, Right.UNIT_ADMIN, full_name="Đỗ Minh Tuấn")
    users["stc_admin"] = make_user("stc.quantri", province["stc"], Right.UNIT_ADMIN, full_name="Ngô Đức Long")
    users["office"] = make_user("vp.lanhdao", province["office"], Right.LEADER, full_name="Nguyễn Văn Thành")
    users["outsider"] = make_user("ubnd.chuyenvien", province["root"], full_name="Tạ Văn Bình")
    users["member"] = make_user("snv.chuyenvien", snv, full_name="Bùi Thị Mai")
    return users


@pytest.fixture
def dataset(province, people) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    snv, stc = province["snv"], province["stc"]
    director, organiser = people["director"], people["organiser"]
    a = meeting(snv, director, organiser, 5, title="Họp giao ban tháng 10", recommendation="Bổ sung màn hình")
    attend(a, people["present"], AttendanceStatus.PRESENT, answer=Answer.CONFIRMED)
    attend(a, people["late"], AttendanceStatus.LATE)
    attend(a, people["absent"], AttendanceStatus.ABSENT)
    replaced = attend(a, people["replaced"], None, answer=Answer.DELEGATED)
    attend(a, people["substitute"], AttendanceStatus.PRESENT, substitute_for=replaced)
    attend(a, people["never"], None)
    attend(a, None, AttendanceStatus.PRESENT, guest_name="Khách mời", guest_organisation="Công ty A")
    attend(a, people["support"], AttendanceStatus.PRESENT, role=InvitationRole.SUPPORT)
    Incident.objects.create(
        meeting=a,
        reporter=people["present"],
        kind="audio",
        description="Mất tiếng",
        status="resolved",
        resolution="Thay micro",
    )
    b = meeting(snv, director, organiser, 20, title="Họp chuyên đề")
    c = meeting(snv, director, organiser, 25, status=MeetingStatus.APPROVED, title="Họp chưa diễn ra")
    d = meeting(stc, director, organiser, 6, title="Họp của Sở Tài chính")

    poll, question, options = poll_with_options(
        PollKind.OPINION, snv, organiser, "Dự thảo quy chế", closes_at=at(15), state=PollState.CLOSED
    )
    collection = Collection.objects.create(poll=poll, release_at=at(10), recommendation="Ban hành sớm")
    for name in ("present", "late", "silent"):
        ConsultedPerson.objects.create(collection=collection, user=people[name])
    ConsultedUnit.objects.create(collection=collection, unit=stc)
    ballot(poll, question, options[OptionCode.AGREE], people["present"])
    ballot(poll, question, options[OptionCode.DISAGREE], people["late"])
    ballot(poll, question, options[OptionCode.OTHER], people["stc_admin"], unit=stc)

    vote, vq, vo = poll_with_options(
        PollKind.MEETING_VOTE,
        snv,
        director,
        "Thông qua kế hoạch",
        meeting=a,
        state=PollState.CLOSED,
        closed_at=at(5, 9),
    )
    ballot(vote, vq, vo[OptionCode.AGREE], people["present"])
    ballot(vote, vq, vo[OptionCode.AGREE], people["late"])
    ballot(vote, vq, vo[OptionCode.ABSTAIN], people["substitute"])
    return {"a": a, "b": b, "c": c, "d": d, "collection": collection, "vote": vote}
