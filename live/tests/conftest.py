"""Meeting-room fixtures: an approved meeting starting in an hour (check-in is open), chaired by
`leader`, organised by `organiser`, with `secretary` as support staff and two attendees; an
outsider of another unit; and a helper to start it."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from conftest import make_user
from live.actions import room as room_actions
from meetings.models import Meeting
from meetings.tests.conftest import approved, attendee, colleague, leader, organiser, room, stc_leader

__all__ = ["attendee", "colleague", "leader", "organiser", "room", "stc_leader"]


@pytest.fixture
def secretary(province):  # type: ignore[no-untyped-def]
    return make_user("snv.thuky", province["snv"], full_name="Đinh Thị Lan")


@pytest.fixture
def outsider(province):  # type: ignore[no-untyped-def]
    return make_user("stc.canbo", province["stc"], full_name="Tạ Văn Bình")


@pytest.fixture
def meeting(organiser, leader, attendee, colleague, secretary) -> Meeting:  # type: ignore[no-untyped-def]
    """Approved, starting in one hour, so the default check-in window (60 min before) is open."""
    return approved(organiser, leader, [attendee, colleague], start_in=timedelta(minutes=59), support_staff=[secretary])


def start(meeting: Meeting, by: Any) -> Meeting:
    return room_actions.do_start_meeting(by, meeting)


@pytest.fixture
def started(meeting, leader) -> Meeting:  # type: ignore[no-untyped-def]
    return start(meeting, leader)
