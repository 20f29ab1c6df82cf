"""The batch writer of the websockets (live/batching.py): what is pending is written together, one
transaction per key; every sender gets its own answer; a batch that fails is written again item
by item so one bad item costs only its own sender; notifications are throttled. And the two
kinds on the database: check-ins and ballots."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Hashable
from typing import Any

import pytest

from live.actions import checkin
from live.actions import voting as vote_actions
from live.batching import BallotWriter, BatchWriter, CheckinWriter
from live.tests.test_voting import vote_choices
from polls.actions import ACCEPTED, REFUSED, BallotOutcome
from polls.models import Participation

# The writer runs `write` through channels' database_sync_to_async, which closes stale database
# connections: allowed only in tests marked for the database, whatever order they run in.
in_database_thread = pytest.mark.django_db


class Recorder(BatchWriter[str, int, str]):
    """Writes ints; refuses the batch that holds a negative one; records what it wrote."""

    notify_interval = 0.2

    def __init__(self) -> None:
        super().__init__()
        self.calls: list[tuple[str, list[int]]] = []
        self.written_items: list[int] = []
        self.notified: list[tuple[Hashable, float]] = []
        self.fail_after_write = False

    def write(self, key: str, items: list[int]) -> tuple[list[str], list[Any]]:
        self.calls.append((key, list(items)))
        if any(i < 0 for i in items):
            raise ValueError("negative")
        self.written_items.extend(items)
        return [f"{key}:{i}" for i in items], [i for i in items if i % 2 == 0]

    def refused(self, key: str, item: int, exc: Exception) -> str:
        return f"refused {item}"

    async def written(self, key: str, results: list[str], notes: list[Any]) -> None:
        if self.fail_after_write:
            raise RuntimeError("the event could not be sent")
        self.mark_dirty(key, len(notes))

    async def notify(self, dirty_key: Hashable, value: Any) -> None:
        self.notified.append((dirty_key, asyncio.get_running_loop().time()))


@in_database_thread
async def test_what_is_pending_is_written_in_one_batch_per_key_and_each_sender_gets_its_own_answer() -> None:
    writer = Recorder.get()
    answers = await asyncio.gather(*(writer.submit("a" if n % 2 else "b", n) for n in range(6)))
    assert answers == ["b:0", "a:1", "b:2", "a:3", "b:4", "a:5"]
    assert sorted(writer.calls) == [("a", [1, 3, 5]), ("b", [0, 2, 4])]


@in_database_thread
async def test_a_failing_item_does_not_lose_the_others() -> None:
    writer = Recorder.get()
    answers = await asyncio.gather(*(writer.submit("a", n) for n in [1, -2, 3]))
    assert answers == ["a:1", "refused -2", "a:3"]
    assert writer.written_items == [1, 3]
    assert writer.calls[0] == ("a", [1, -2, 3])  # tried together first


@in_database_thread
async def test_a_batch_larger_than_the_limit_is_split() -> None:
    class Small(Recorder):
        max_batch = 2

    writer = Small.get()
    answers = await asyncio.gather(*(writer.submit("a", n) for n in range(5)))
    assert answers == [f"a:{n}" for n in range(5)]
    assert [len(items) for _key, items in writer.calls] == [2, 2, 1]


@in_database_thread
async def test_senders_are_answered_and_the_writer_goes_on_when_the_after_write_step_fails() -> None:
    writer = Recorder.get()
    writer.fail_after_write = True
    assert await writer.submit("a", 1) == "a:1"
    writer.fail_after_write = False
    assert await writer.submit("a", 2) == "a:2"
    assert not writer.task.done()


@in_database_thread
async def test_a_sender_that_went_away_does_not_hold_up_the_others() -> None:
    writer = Recorder.get()
    gone = asyncio.ensure_future(writer.submit("a", 1))
    stays = asyncio.ensure_future(writer.submit("a", 3))
    await asyncio.sleep(0)
    gone.cancel()
    assert await stays == "a:3"
    assert writer.written_items == [1, 3]  # the item of the one who left is written all the same


@in_database_thread
async def test_notifications_are_throttled_and_what_was_held_back_goes_out_later() -> None:
    writer = Recorder.get()
    for n in range(5):
        await writer.submit("a", n)
    await asyncio.sleep(writer.notify_interval * 2.5)
    times = [at for key, at in writer.notified if key == "a"]
    assert 1 <= len(times) <= 3  # not one per batch
    assert all(later - earlier >= writer.notify_interval * 0.9 for earlier, later in itertools.pairwise(times))
    assert not writer.dirty  # the last change was sent too


@in_database_thread
async def test_one_writer_per_kind_and_event_loop() -> None:
    assert Recorder.get() is Recorder.get()
    assert CheckinWriter.get() is not Recorder.get()


# --- the two kinds, on the database ---------------------------------------------------------


@pytest.mark.django_db
def test_a_batch_of_check_ins_answers_each_person_and_sends_the_changed_rows(
    meeting, attendee, colleague, outsider
) -> None:
    results, rows = CheckinWriter().write(meeting.pk, [attendee, outsider, colleague])
    assert results[0] == "present" and results[2] == "present"
    assert isinstance(results[1], Exception)  # not invited
    assert sorted(r["user_id"] for r in rows) == sorted([attendee.pk, colleague.pk])


@pytest.mark.django_db
def test_a_batch_of_ballots_records_each_once_and_refuses_a_second(started, leader, attendee, colleague) -> None:
    checkin.do_check_in(attendee, started)
    checkin.do_check_in(colleague, started)
    poll = vote_actions.do_create_vote(leader, started, question="Thông qua?", open_now=True)
    items = [(attendee, vote_choices(poll, 0), None), (colleague, vote_choices(poll, 1), None)]
    outcomes, _notes = BallotWriter().write((started.pk, poll.pk), [*items, items[0]])
    assert [o.status for o in outcomes][:2] == [ACCEPTED, ACCEPTED] and outcomes[2].status != ACCEPTED
    assert Participation.objects.filter(poll=poll).count() == 2


@pytest.mark.django_db
def test_a_ballot_for_a_vote_of_another_meeting_is_refused(started, leader, attendee, meeting) -> None:
    poll = vote_actions.do_create_vote(leader, started, question="Thông qua?", open_now=True)
    outcomes, _notes = BallotWriter().write((started.pk + 1, poll.pk), [(attendee, vote_choices(poll, 0), None)])
    assert outcomes == [BallotOutcome(REFUSED, outcomes[0].message)]
