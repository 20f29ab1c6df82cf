"""Connecting a meeting-room socket (live/consumers.py): the socket joins the meeting's group
before its snapshot is read, so nothing numbered after the snapshot is missed; a refused socket
leaves no membership behind and is sent nothing; a guest's socket gets a guest's snapshot."""

from __future__ import annotations

import pytest
from channels.db import database_sync_to_async
from channels.layers import get_channel_layer

from conftest import make_user
from live import events
from live.actions import room as room_actions
from live.tests.test_consumers import _close_connections, communicator_for, connected  # noqa: F401 - fixture
from meetings.models import Answer, Invitation, InvitationKind, InvitationRole

pytestmark = pytest.mark.django_db(transaction=True)


async def test_a_refused_socket_leaves_no_membership_and_gets_nothing(meeting, outsider, _close_connections) -> None:  # noqa: F811
    communicator = await communicator_for(outsider, f"/ws/meetings/{meeting.pk}/")
    ok, code = await communicator.connect()
    assert not ok and code == 4404
    layer = get_channel_layer()
    assert not layer.groups.get(events.group_name(meeting.pk))  # type: ignore[attr-defined]


async def test_an_event_after_the_snapshot_reaches_the_new_screen_with_the_next_number(
    meeting,
    leader,
    attendee,
    _close_connections,  # noqa: F811
) -> None:
    communicator, data = await connected(attendee, f"/ws/meetings/{meeting.pk}/")
    await database_sync_to_async(room_actions.do_start_meeting)(leader, meeting)
    event = await communicator.receive_json_from(timeout=5)
    assert event["type"] == "event" and event["seq"] == data["seq"] + 1
    await communicator.disconnect()


async def test_a_guests_socket_gets_a_guests_snapshot(meeting, province, _close_connections) -> None:  # noqa: F811
    guest = await database_sync_to_async(make_user)("khach.socket", province["stc"], is_external=True)
    await database_sync_to_async(Invitation.objects.create)(
        meeting=meeting, kind=InvitationKind.USER, role=InvitationRole.ATTENDEE, user=guest, answer=Answer.CONFIRMED
    )
    communicator, data = await connected(guest, f"/ws/meetings/{meeting.pk}/")
    assert data["me"] == {"user_id": guest.pk, "runs": False, "attends": True, "attendance": None}
    assert "attendance_list" not in data  # the list of everyone is for the people who run the meeting
    assert data["meeting"]["id"] == meeting.pk
    await communicator.disconnect()


async def test_the_chairs_socket_gets_the_attendance_list(meeting, leader, _close_connections) -> None:  # noqa: F811
    communicator, data = await connected(leader, f"/ws/meetings/{meeting.pk}/")
    assert data["me"]["runs"] is True and isinstance(data["attendance_list"], list)
    layer = get_channel_layer()
    assert layer.groups.get(events.runners_group_name(meeting.pk))  # type: ignore[attr-defined]
    await communicator.disconnect()
