"""One channel-layer subscription per process and group (live/fanout.py): every local socket of
the group gets every message, in the order sent; the layer's group holds one channel per process
however many sockets; the runners' messages reach only the people who run the meeting; the last
socket to leave takes the process out of the group."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from channels.db import database_sync_to_async
from channels.layers import get_channel_layer

from live import events
from live.actions import checkin
from live.fanout import LocalGroups
from live.tests.test_consumers import _close_connections, connected  # noqa: F401 - fixture

pytestmark = pytest.mark.django_db(transaction=True)


class Screen:
    def __init__(self) -> None:
        self.received: list[str] = []

    def deliver(self, message: dict[str, Any]) -> None:
        self.received.append(message["text"])


async def _until(condition: Any) -> None:
    for _ in range(500):
        if condition():
            return
        await asyncio.sleep(0.01)


async def test_every_local_screen_gets_every_message_in_order(_close_connections) -> None:  # noqa: F811
    groups = LocalGroups.get()
    screens = [Screen() for _ in range(50)]
    for screen in screens:
        await groups.join("meeting.1", screen)
    layer = get_channel_layer()
    # One channel in the layer's group, the process's relay, however many screens.
    assert len(layer.groups["meeting.1"]) == 1  # type: ignore[attr-defined]
    texts = [f"event {n}" for n in range(20)]
    for text in texts:
        await layer.group_send("meeting.1", {"type": "live.event", "text": text, "group": "meeting.1"})
    await _until(lambda: all(len(s.received) == len(texts) for s in screens))
    assert all(s.received == texts for s in screens)


async def test_a_message_reaches_only_the_screens_of_its_group(_close_connections) -> None:  # noqa: F811
    groups = LocalGroups.get()
    room, runners = Screen(), Screen()
    await groups.join("meeting.1", room)
    await groups.join("meeting.1", runners)
    await groups.join("meeting.1.runners", runners)
    layer = get_channel_layer()
    await layer.group_send("meeting.1.runners", {"type": "live.event", "text": "rows", "group": "meeting.1.runners"})
    await layer.group_send("meeting.1", {"type": "live.event", "text": "counts", "group": "meeting.1"})
    await _until(lambda: len(runners.received) == 2 and len(room.received) == 1)
    assert room.received == ["counts"] and runners.received == ["rows", "counts"]


async def test_the_last_screen_to_leave_takes_the_process_out_of_the_group(_close_connections) -> None:  # noqa: F811
    groups = LocalGroups.get()
    first, second = Screen(), Screen()
    await groups.join("meeting.2", first)
    await groups.join("meeting.2", second)
    layer = get_channel_layer()
    await groups.leave("meeting.2", first)
    assert layer.groups.get("meeting.2")  # type: ignore[attr-defined]
    await groups.leave("meeting.2", second)
    assert not layer.groups.get("meeting.2")  # type: ignore[attr-defined]
    await groups.join("meeting.2", first)  # and back in when someone joins again
    await layer.group_send("meeting.2", {"type": "live.event", "text": "again", "group": "meeting.2"})
    await _until(lambda: first.received == ["again"])
    assert first.received == ["again"] and second.received == []


async def test_two_screens_of_the_room_get_the_same_numbered_events_in_order(
    meeting,
    attendee,
    colleague,
    secretary,
    _close_connections,  # noqa: F811
) -> None:
    path = f"/ws/meetings/{meeting.pk}/"
    (first, data), (second, _data) = await connected(attendee, path), await connected(colleague, path)
    runner, _runner_data = await connected(secretary, path)
    await database_sync_to_async(checkin.do_check_in)(attendee, meeting)
    await database_sync_to_async(checkin.do_check_in)(colleague, meeting)
    for communicator in (first, second, runner):
        seqs = [(await communicator.receive_json_from(timeout=5))["seq"] for _ in range(2)]
        assert seqs == [data["seq"] + 1, data["seq"] + 2]
    await events.abroadcast(meeting.pk, "attendance_rows", {"rows": []}, runners_only=True)
    assert (await runner.receive_json_from(timeout=5))["kind"] == "attendance_rows"
    assert await first.receive_nothing(timeout=0.2) and await second.receive_nothing(timeout=0.2)
    for communicator in (first, second, runner):
        await communicator.disconnect()
    assert not get_channel_layer().groups.get(events.group_name(meeting.pk))  # type: ignore[attr-defined]
