"""The part of the snapshot every screen shares (live/queries.py) is built once per meeting and
change, and never served stale: a numbered event, a batch of check-ins or a second's age makes
it rebuilt; the personal part stays each person's own. And the in-memory channel layer
(live/layers.py) delivers a group message to every member and counts what it drops."""

from __future__ import annotations

import asyncio
import json

import pytest

from live import queries
from live.access import room_seat
from live.actions import checkin
from live.actions.room import do_start_meeting
from live.batching import CheckinWriter
from live.layers import InMemoryChannelLayer
from live.queries import shared_snapshot, snapshot_frame

pytestmark = pytest.mark.django_db


def shared_for(user, meeting):  # type: ignore[no-untyped-def]
    seat = room_seat(user, meeting.pk)
    return seat, shared_snapshot(seat.meeting or seat.meeting_id, None, seat.seq, seat.token)


def test_screens_of_the_same_meeting_share_one_snapshot_until_something_changes(meeting, attendee, colleague) -> None:
    _seat, first = shared_for(attendee, meeting)
    _seat, second = shared_for(colleague, meeting)
    assert second is first


def test_a_numbered_event_invalidates_the_shared_snapshot(meeting, leader, attendee) -> None:
    _seat, before = shared_for(attendee, meeting)
    do_start_meeting(leader, meeting)
    _seat, after = shared_for(attendee, meeting)
    assert after is not before and after.seq > before.seq
    assert after.data["meeting"]["started_at"] is not None


def test_a_batch_of_check_ins_invalidates_the_shared_counts(meeting, attendee, colleague) -> None:
    _seat, before = shared_for(colleague, meeting)
    writer = CheckinWriter()
    results, rows = writer.write(meeting.pk, [attendee])
    asyncio.run(writer.written(meeting.pk, results, rows))  # after the commit: rows out, cache forgotten
    _seat, after = shared_for(colleague, meeting)
    assert after.data["attendance"]["counts"]["present"] == before.data["attendance"]["counts"]["present"] + 1


def test_an_old_shared_snapshot_is_not_served(meeting, attendee, monkeypatch) -> None:
    _seat, before = shared_for(attendee, meeting)
    checkin.do_check_in(attendee, meeting)  # counts change without a numbered event reaching the cache
    monkeypatch.setattr(queries, "SHARED_CACHE_SECONDS", 0.0)
    _seat, after = shared_for(attendee, meeting)
    assert after is not before


def test_the_frame_holds_the_shared_part_and_each_persons_own(meeting, attendee, secretary) -> None:
    checkin.do_check_in(attendee, meeting)
    seat, shared = shared_for(attendee, meeting)
    mine = json.loads(snapshot_frame(shared, attendee, runs=seat.runs, attends=seat.attends))
    seat_s, shared_s = shared_for(secretary, meeting)
    theirs = json.loads(snapshot_frame(shared_s, secretary, runs=seat_s.runs, attends=seat_s.attends))
    assert mine["type"] == "snapshot" and mine["data"]["seq"] == seat.seq
    assert mine["data"]["meeting"] == theirs["data"]["meeting"] == shared.data["meeting"]
    assert mine["data"]["me"]["user_id"] == attendee.pk and mine["data"]["me"]["attendance"]["status"] == "present"
    assert theirs["data"]["me"]["user_id"] == secretary.pk and theirs["data"]["me"]["attendance"] is None
    assert "attendance_list" in theirs["data"] and "attendance_list" not in mine["data"]  # runners only
    assert mine["data"]["my_votes"] == []


def test_the_room_display_frame_has_no_personal_part(meeting) -> None:
    from live.access import access_display
    from live.actions.common import live_state

    live = live_state(meeting)
    meeting_, live_ = access_display(live.display_token)
    frame = json.loads(
        snapshot_frame(
            shared_snapshot(meeting_, live_, live_.seq, live_.display_token), None, runs=False, attends=False
        )
    )
    assert "me" not in frame["data"] and "attendance_list" not in frame["data"]
    assert frame["data"]["meeting"]["id"] == meeting.pk


# --- the channel layer ----------------------------------------------------------------------


@pytest.mark.django_db(transaction=False)
async def test_the_layer_delivers_a_group_message_to_every_member_once() -> None:
    layer = InMemoryChannelLayer(capacity=10)
    channels = [await layer.new_channel() for _ in range(50)]
    for channel in channels:
        await layer.group_add("meeting.1", channel)
    await layer.group_send("meeting.1", {"type": "live.event", "text": "x"})
    received = [await layer.receive(channel) for channel in channels]
    assert received == [{"type": "live.event", "text": "x"}] * 50
    assert layer.dropped == 0


async def test_the_layer_counts_what_it_drops_when_a_channel_is_full() -> None:
    layer = InMemoryChannelLayer(capacity=2)
    await layer.group_add("meeting.1", "specific.a!x")
    for n in range(5):
        await layer.group_send("meeting.1", {"type": "live.event", "text": str(n)})
    assert layer.dropped == 3
    assert [(await layer.receive("specific.a!x"))["text"] for _ in range(2)] == ["0", "1"]


async def test_each_member_gets_its_own_copy_of_a_message() -> None:
    layer = InMemoryChannelLayer()
    await layer.group_add("g", "specific.a!1")
    await layer.group_add("g", "specific.a!2")
    await layer.group_send("g", {"type": "t", "data": {"n": 1}})
    first = await layer.receive("specific.a!1")
    first["data"]["n"] = 2
    assert (await layer.receive("specific.a!2"))["data"] == {"n": 1}
