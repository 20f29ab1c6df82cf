"""The meeting room's websockets, through the real ASGI application: authentication (4401),
authorisation like the pages (4404), the snapshot on connect and on request, numbered events
after an action, check-in over the socket, and the projector's token."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from asgiref.sync import sync_to_async
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.db import connections
from django.test import Client
from django.utils import timezone

from conftest import login
from live import rules
from live.actions import checkin
from live.actions import room as room_actions
from live.actions.common import live_state
from live.models import Attendance

ORIGIN = (b"origin", b"http://127.0.0.1")
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
async def _close_connections(settings) -> AsyncIterator[None]:  # type: ignore[no-untyped-def]
    """In-process consumer tests use the in-memory layer even when REDIS_URL is set: each test runs
    its own event loop, and channels_redis keeps a receive loop blocked in Redis that the loop's
    teardown could wait on for ever. Redis itself is covered across real processes by
    test_two_processes.py and by the browser test of the room."""
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    yield
    # The thread that ran the sync code keeps its own connection; close it so the test
    # database can be dropped on PostgreSQL.
    await sync_to_async(connections.close_all)()


async def communicator_for(user: Any, path: str) -> WebsocketCommunicator:
    from ecabinet.asgi import application

    headers = [ORIGIN]
    if user is not None:
        client = await sync_to_async(lambda: login(Client(), user))()
        headers.append((b"cookie", f"sessionid={client.cookies['sessionid'].value}".encode()))
    return WebsocketCommunicator(application, path, headers=headers)


async def connected(user: Any, path: str) -> tuple[WebsocketCommunicator, dict[str, Any]]:
    communicator = await communicator_for(user, path)
    ok, _code = await communicator.connect()
    assert ok
    message = await communicator.receive_json_from(timeout=5)
    assert message["type"] == "snapshot"
    return communicator, message["data"]


async def test_anonymous_socket_is_closed_4401(meeting, _close_connections) -> None:
    communicator = await communicator_for(None, f"/ws/meetings/{meeting.pk}/")
    ok, code = await communicator.connect()
    assert not ok and code == 4401


async def test_outsider_socket_is_closed_4404(meeting, outsider, _close_connections) -> None:
    communicator = await communicator_for(outsider, f"/ws/meetings/{meeting.pk}/")
    ok, code = await communicator.connect()
    assert not ok and code == 4404


async def test_socket_of_an_unknown_meeting_is_closed_4404(attendee, _close_connections) -> None:
    communicator = await communicator_for(attendee, "/ws/meetings/999999/")
    ok, code = await communicator.connect()
    assert not ok and code == 4404


async def test_attendee_gets_the_snapshot_then_the_next_numbered_event(
    meeting, attendee, colleague, _close_connections
) -> None:
    communicator, data = await connected(attendee, f"/ws/meetings/{meeting.pk}/")
    assert data["meeting"]["id"] == meeting.pk and data["me"]["attendance"] is None
    await database_sync_to_async(checkin.do_check_in)(colleague, meeting)
    event = await communicator.receive_json_from(timeout=5)
    assert event["type"] == "event" and event["kind"] == "attendance"
    assert event["seq"] == data["seq"] + 1
    assert event["data"]["counts"]["present"] == 1
    await communicator.disconnect()


async def test_snapshot_on_request_is_current(meeting, attendee, colleague, _close_connections) -> None:
    communicator, first = await connected(attendee, f"/ws/meetings/{meeting.pk}/")
    await database_sync_to_async(checkin.do_check_in)(colleague, meeting)
    await communicator.receive_json_from(timeout=5)  # the event
    await communicator.send_json_to({"type": "snapshot"})
    answer = await communicator.receive_json_from(timeout=5)
    assert answer["type"] == "snapshot"
    assert answer["data"]["seq"] == first["seq"] + 1
    assert answer["data"]["attendance"]["counts"]["present"] == 1
    await communicator.disconnect()


async def test_check_in_over_the_socket_answers_ok(meeting, attendee, _close_connections) -> None:
    communicator, data = await connected(attendee, f"/ws/meetings/{meeting.pk}/")
    await communicator.send_json_to({"type": "checkin", "ref": "a1"})
    messages = [await communicator.receive_json_from(timeout=5) for _ in range(2)]
    answer = next(m for m in messages if m["type"] != "event")
    event = next(m for m in messages if m["type"] == "event")
    assert answer["type"] == "ok" and answer["ref"] == "a1" and answer["data"] == {"status": "present"}
    # Socket check-ins are batched: everyone gets throttled counts (unnumbered), the console the rows.
    assert event["kind"] == "attendance" and event["seq"] is None and event["data"]["counts"]["present"] == 1
    assert await database_sync_to_async(Attendance.objects.filter(user=attendee).exists)()
    await communicator.disconnect()


async def test_check_in_with_an_expired_code_over_the_socket_is_an_error(meeting, attendee, _close_connections) -> None:
    live = await database_sync_to_async(live_state)(meeting)
    old = rules.qr_code(live, timezone.now(), offset=-3)
    communicator, _data = await connected(attendee, f"/ws/meetings/{meeting.pk}/")
    await communicator.send_json_to({"type": "checkin", "code": old, "ref": 7})
    answer = await communicator.receive_json_from(timeout=5)
    assert answer["type"] == "error" and answer["ref"] == 7 and answer["error"]
    assert not await database_sync_to_async(Attendance.objects.exists)()
    await communicator.disconnect()


async def test_display_socket_with_its_token_gets_snapshot_and_events(meeting, leader, _close_connections) -> None:
    live = await database_sync_to_async(live_state)(meeting)
    communicator, data = await connected(None, f"/ws/display/{live.display_token}/")
    assert "me" not in data and data["meeting"]["id"] == meeting.pk
    await database_sync_to_async(room_actions.do_start_meeting)(leader, meeting)
    event = await communicator.receive_json_from(timeout=5)
    assert event["kind"] == "meeting" and event["seq"] == data["seq"] + 1
    assert event["data"]["status"] == "in_progress"
    await communicator.send_json_to({"type": "checkin"})
    assert (await communicator.receive_json_from(timeout=5))["type"] == "error"  # read-only
    await communicator.disconnect()


async def test_display_socket_with_a_wrong_token_is_closed(meeting, _close_connections) -> None:
    communicator = await communicator_for(None, f"/ws/display/{'x' * 32}/")
    ok, code = await communicator.connect()
    assert not ok and code == 4404


@pytest.mark.parametrize(
    "raw",
    ["not json at all", '{"type": ', "[" * 5000, "\u0000\u0001", ""],
    ids=["text", "truncated", "deeply_nested", "control_characters", "empty"],
)
async def test_a_message_that_is_not_json_gets_an_error_and_the_connection_stays(
    raw: str, meeting, attendee, _close_connections
) -> None:
    communicator, first = await connected(attendee, f"/ws/meetings/{meeting.pk}/")
    await communicator.send_input({"type": "websocket.receive", "text": raw})
    answer = await communicator.receive_json_from(timeout=5)
    assert answer["type"] == "error" and answer["error"]
    # Still connected and answering.
    await communicator.send_json_to({"type": "snapshot"})
    again = await communicator.receive_json_from(timeout=5)
    assert again["type"] == "snapshot" and again["data"]["meeting"]["id"] == meeting.pk
    await communicator.disconnect()


async def test_a_binary_frame_gets_an_error_and_the_connection_stays(meeting, attendee, _close_connections) -> None:
    communicator, _first = await connected(attendee, f"/ws/meetings/{meeting.pk}/")
    await communicator.send_to(bytes_data=b"\x00\xff")
    assert (await communicator.receive_json_from(timeout=5))["type"] == "error"
    await communicator.send_json_to({"type": "snapshot"})
    assert (await communicator.receive_json_from(timeout=5))["type"] == "snapshot"
    await communicator.disconnect()


async def test_the_room_display_survives_a_message_that_is_not_json(meeting, _close_connections) -> None:
    live = await database_sync_to_async(live_state)(meeting)
    communicator, _data = await connected(None, f"/ws/display/{live.display_token}/")
    await communicator.send_to(text_data="}{")
    assert (await communicator.receive_json_from(timeout=5))["type"] == "error"
    await communicator.send_json_to({"type": "snapshot"})
    assert (await communicator.receive_json_from(timeout=5))["type"] == "snapshot"
    await communicator.disconnect()
