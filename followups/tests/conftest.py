"""Follow-up fixtures: an ended meeting of Sở Nội vụ chaired by `leader` (organised by
`organiser`) with a conclusion on its first agenda item; a task it assigned to Sở Tài chính,
whose leader `stc_leader` answers for it and whose official `stc_official` may be put in charge;
an overseer of the PPC Office; an outsider of the PPC with no part in it; and the meeting's
attendee, who has no part in the task."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.utils import timezone

from accounts.models import Right, User
from conftest import make_user
from followups.actions.tasks import TaskInput, do_create_task
from followups.models import Task
from live.actions import room as room_actions
from meetings.models import Meeting
from meetings.tests.conftest import approved, attendee, colleague, leader, organiser, stc_leader

__all__ = ["attendee", "colleague", "leader", "organiser", "stc_leader"]


def today() -> date:
    return timezone.localdate()


@pytest.fixture
def stc_official(province):  # type: ignore[no-untyped-def]
    return make_user(
        "stc.chuyenvien", province["stc"], full_name="Trịnh Thị Thu", receive_email=True, email="thu@stc.example"
    )


@pytest.fixture
def overseer(province):  # type: ignore[no-untyped-def]
    return make_user("vp.lanhdao", province["office"], Right.LEADER, full_name="Nguyễn Văn Thành")


@pytest.fixture
def outsider(province):  # type: ignore[no-untyped-def]
    return make_user("ubnd.chuyenvien", province["root"], full_name="Tạ Văn Bình")


@pytest.fixture
def ended(organiser, leader, attendee, colleague) -> Meeting:  # type: ignore[no-untyped-def]
    meeting = approved(organiser, leader, [attendee, colleague], start_in=timedelta(minutes=59))
    room_actions.do_start_meeting(leader, meeting)
    item = meeting.agenda_items.order_by("order").first()
    assert item is not None
    room_actions.do_conclude_item(leader, meeting, item, text="Giao Sở Tài chính rà soát kinh phí số hóa hồ sơ.")
    room_actions.do_end_meeting(leader, meeting)
    meeting.refresh_from_db()
    return meeting


def task_input(unit: Any, *, deadline: date | None = None, person: User | None = None, **extra: Any) -> TaskInput:
    values: dict[str, Any] = {
        "title": "Rà soát kinh phí số hóa hồ sơ",
        "description": "",
        "assignee_unit": unit,
        "assignee": person,
        "deadline": deadline or today() + timedelta(days=10),
    }
    values.update(extra)
    return TaskInput(**values)


@pytest.fixture
def task(ended, leader, province) -> Task:  # type: ignore[no-untyped-def]
    return do_create_task(leader, ended, task_input(province["stc"]))
