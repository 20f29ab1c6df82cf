"""Meeting fixtures: an organiser and a leader in Sở Nội vụ, attendees, a room."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from accounts.models import Right, User
from conftest import make_user
from meetings.actions.approval import do_approve_meeting
from meetings.actions.registration import AgendaLine, MeetingData, do_create_meeting, do_submit_meeting
from meetings.models import Meeting, Room


@pytest.fixture
def organiser(province):  # type: ignore[no-untyped-def]
    return make_user(
        "snv.daumoi", province["snv"], Right.ORGANISER, full_name="Hoàng Anh Dũng", email="dung@snv.example"
    )


@pytest.fixture
def ppc_organiser(province):  # type: ignore[no-untyped-def]
    """An organiser of the PPC Office: may register meetings of the PPC (Điều 6.1c)."""
    return make_user("vp.daumoi", province["office"], Right.ORGANISER, full_name="Đinh Thị Lan")


@pytest.fixture
def leader(province):  # type: ignore[no-untyped-def]
    return make_user("snv.giamdoc", province["snv"], Right.LEADER, full_name="Vũ Thị Hồng", position="Giám đốc Sở")


@pytest.fixture
def attendee(province):  # type: ignore[no-untyped-def]
    return make_user(
        "snv.phong1", province["snv"], full_name="Phan Văn Hải", email="hai@snv.example", receive_email=True
    )


@pytest.fixture
def colleague(province):  # type: ignore[no-untyped-def]
    return make_user("snv.phong2", province["snv"], full_name="Lý Thị Hoa")


@pytest.fixture
def stc_leader(province):  # type: ignore[no-untyped-def]
    return make_user("stc.giamdoc", province["stc"], Right.LEADER, full_name="Tạ Văn Cường")


@pytest.fixture
def room(province):  # type: ignore[no-untyped-def]
    return Room.objects.create(
        unit=province["snv"], name="Phòng họp tầng 3", location="Số 2 Lê Hồng Phong", capacity=30
    )


def data_for(
    chair: User, attendees: list[User], *, start_in: timedelta = timedelta(days=5), hours: int = 2, **extra: Any
) -> MeetingData:
    start = (timezone.now() + start_in).replace(second=0, microsecond=0)
    values: dict[str, Any] = {
        "title": "Họp giao ban tháng 12",
        "start": start,
        "end": start + timedelta(hours=hours),
        "chair": chair,
        "place": "Hội trường Sở Nội vụ",
        "agenda": [AgendaLine("Báo cáo tình hình", "Văn phòng Sở", 20), AgendaLine("Thảo luận", "", 40)],
        "attendees": attendees,
    }
    values.update(extra)
    return MeetingData(**values)


def create(organiser: User, chair: User, attendees: list[User], **kwargs: Any) -> Meeting:
    return do_create_meeting(organiser, data_for(chair, attendees, **kwargs))


def approved(organiser: User, leader: User, attendees: list[User], **kwargs: Any) -> Meeting:
    """A meeting chaired by `leader`, approved by `approver=` (a leader of the organising unit;
    `leader` when not given)."""
    approver: User | None = kwargs.pop("approver", None)
    meeting = create(organiser, leader, attendees, **kwargs)
    do_submit_meeting(organiser, meeting)
    meeting.refresh_from_db()
    justification = "Cần họp gấp" if kwargs.get("start_in", timedelta(days=5)) < timedelta(days=2) else ""
    return do_approve_meeting(approver or leader, meeting, justification=justification)


def form_post(**extra: Any) -> dict[str, Any]:
    """The smallest valid POST of the registration form, a week ahead (add chair, attendees...)."""
    start = timezone.localtime(timezone.now() + timedelta(days=7)).replace(hour=8, minute=0)
    return {
        "title": "Họp thử",
        "kind": "regular",
        "start": start.strftime("%Y-%m-%dT%H:%M"),
        "end": (start + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        "format": "in_person",
        "place": "Hội trường",
        "agenda-TOTAL_FORMS": "0",
        "agenda-INITIAL_FORMS": "0",
    } | extra
