"""Writes that arrive in bursts over the websockets (self check-ins, ballots), written in batches.

2,000 delegates checking in or voting within a second or two would otherwise cost 2,000
transactions queued one behind the other in Django's single sync thread. Instead each socket
hands its item to the process's writer and waits; one worker takes whatever is pending (up to
`max_batch`), groups it by key (a meeting, a vote), writes each group in ONE transaction
through the kind's action, and answers every sender with its own result after the commit.

If a batch fails as a whole (an unexpected error, not a refusal: actions refuse per item), its
items are written again one by one, so one bad item costs only its own sender an error.

What the screens see of a burst is throttled: a kind marks a key "dirty" after a batch and its
`notify` (counts, vote progress: unnumbered messages a later one supersedes) runs at most once
per `notify_interval` per key.
"""

from __future__ import annotations

import asyncio
import logging
import time
import weakref
from collections.abc import Hashable
from typing import Any, ClassVar, Generic, TypeVar

from channels.db import database_sync_to_async
from django.utils.translation import gettext as _

from live import events

logger = logging.getLogger(__name__)

KeyT = TypeVar("KeyT", bound=Hashable)  # what one transaction is about: a meeting, (meeting, vote)
ItemT = TypeVar("ItemT")  # one sender's item
ResultT = TypeVar("ResultT")  # one sender's answer

_instances: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict[type, BatchWriter[Any, Any, Any]]] = (
    weakref.WeakKeyDictionary()
)


class BatchWriter(Generic[KeyT, ItemT, ResultT]):
    """One per kind and event loop (per server process): `await Kind.get().submit(key, item)`.

    A kind implements `write` (sync, in the database thread, one transaction for all `items`,
    returning one result per item plus "notes" for `written`), `refused` (the answer for an item
    whose write raised) and optionally `written` and `notify`."""

    max_batch: ClassVar[int] = 500
    notify_interval: ClassVar[float] = 0.5
    # How long the worker, woken by a lone item, waits for more before it writes: in a burst
    # the first item would otherwise be a transaction of its own (on PostgreSQL, with two
    # processes, one more turn on the room's lock for everybody behind it).
    linger: ClassVar[float] = 0.0

    def __init__(self) -> None:
        self.pending: list[tuple[KeyT, ItemT, asyncio.Future[ResultT]]] = []
        self.wake = asyncio.Event()
        self.dirty: dict[Hashable, Any] = {}  # key -> what `notify` needs, waiting for the throttle
        self.last_notified: dict[Hashable, float] = {}
        self.task: asyncio.Task[None] | None = None

    @classmethod
    def get(cls) -> Any:
        """The writer of this kind for the running event loop (started on first use)."""
        loop = asyncio.get_running_loop()
        writers = _instances.setdefault(loop, {})
        current = writers.get(cls)
        if current is None or current.task is None or current.task.done():
            current = writers[cls] = cls()
            current.task = loop.create_task(current.run())
        return current

    # --- what a kind implements -------------------------------------------------------------

    def write(self, key: KeyT, items: list[ItemT]) -> tuple[list[ResultT], list[Any]]:
        """Write `items` in one transaction; one result per item, in order, and notes."""
        raise NotImplementedError

    def refused(self, key: KeyT, item: ItemT, exc: Exception) -> ResultT:
        raise NotImplementedError

    async def written(self, key: KeyT, results: list[ResultT], notes: list[Any]) -> None:
        """After the commit, once the senders are answered (events, `mark_dirty`)."""

    async def notify(self, dirty_key: Hashable, value: Any) -> None:
        """The throttled message for a key marked dirty."""

    # --- the machinery ----------------------------------------------------------------------

    async def submit(self, key: KeyT, item: ItemT) -> ResultT:
        future: asyncio.Future[ResultT] = asyncio.get_running_loop().create_future()
        self.pending.append((key, item, future))
        self.wake.set()
        return await future

    def mark_dirty(self, dirty_key: Hashable, value: Any = None) -> None:
        self.dirty[dirty_key] = value

    async def run(self) -> None:
        while True:
            await self.wake.wait()
            self.wake.clear()
            if self.linger and len(self.pending) == 1:
                await asyncio.sleep(self.linger)
            while self.pending:
                batch, self.pending = self.pending[: self.max_batch], self.pending[self.max_batch :]
                groups: dict[KeyT, list[tuple[ItemT, asyncio.Future[ResultT]]]] = {}
                for key, item, future in batch:
                    groups.setdefault(key, []).append((item, future))
                for key, entries in groups.items():
                    await self._write_group(key, entries)
            # Also when woken only by the timer below: what the throttle held back goes out now.
            await self._notify_due()
            if self.dirty:
                asyncio.get_running_loop().call_later(self.notify_interval, self.wake.set)

    async def _write_group(self, key: KeyT, entries: list[tuple[ItemT, asyncio.Future[ResultT]]]) -> None:
        items = [item for item, _future in entries]
        results, notes = await self._write(key, items)
        for (_item, future), result in zip(entries, results, strict=True):
            if not future.done():  # the sender may have gone (socket closed): its item is written anyway
                future.set_result(result)
        try:
            await self.written(key, results, notes)
        except Exception:  # the items are committed and answered; screens catch up from a snapshot
            logger.exception("%s: after-write step for %r failed", type(self).__name__, key)

    async def _write(self, key: KeyT, items: list[ItemT]) -> tuple[list[ResultT], list[Any]]:
        try:
            results, notes = await database_sync_to_async(self.write)(key, items)
            if len(results) != len(items):
                raise RuntimeError(f"{len(results)} results for {len(items)} items")
            return results, notes
        except Exception as exc:
            if len(items) == 1:
                logger.exception("%s: writing one item of %r failed", type(self).__name__, key)
                return [self.refused(key, items[0], exc)], []
            logger.exception(
                "%s: a batch of %s items of %r failed; writing them one by one", type(self).__name__, len(items), key
            )
        results, notes = [], []
        for item in items:
            one, more = await self._write(key, [item])
            results.extend(one)
            notes.extend(more)
        return results, notes

    async def _notify_due(self) -> None:
        now = time.monotonic()
        for dirty_key, value in list(self.dirty.items()):
            if now - self.last_notified.get(dirty_key, float("-inf")) < self.notify_interval:
                continue
            del self.dirty[dirty_key]
            self.last_notified[dirty_key] = now
            try:
                await self.notify(dirty_key, value)
            except Exception:
                logger.exception("%s: notifying %r failed", type(self).__name__, dirty_key)


# --- self check-ins -------------------------------------------------------------------------


class CheckinWriter(BatchWriter[int, Any, Any]):
    """Key: the meeting; item: the user checking themselves in; result: the attendance status or
    the exception that refused them. One audit entry per batch; the changed rows go to the
    runners' screens and the counts to everyone, throttled (unnumbered: the whole section)."""

    linger = 0.01

    def write(self, key: int, items: list[Any]) -> tuple[list[Any], list[Any]]:
        from live.actions.checkin import do_check_in_many
        from meetings.models import Meeting

        meeting = Meeting.objects.select_related("unit").get(pk=key)
        results, rows = do_check_in_many(meeting, items)
        return list(results), rows

    def refused(self, key: int, item: Any, exc: Exception) -> Any:
        return exc

    async def written(self, key: int, results: list[Any], notes: list[Any]) -> None:
        if notes:
            from live.queries import forget_shared

            forget_shared(key)
            await events.abroadcast(key, "attendance_rows", {"rows": notes}, runners_only=True)
            self.mark_dirty(key, key)

    async def notify(self, dirty_key: Hashable, value: Any) -> None:
        counts = await database_sync_to_async(_counts)(value)
        await events.abroadcast(value, "attendance", {"counts": counts, "row": None})


def _counts(meeting_id: int) -> dict[str, Any]:
    from live.actions.common import live_state
    from live.queries import attendance_counts
    from meetings.models import Meeting

    meeting = Meeting.objects.get(pk=meeting_id)
    return attendance_counts(meeting, live_state(meeting))


# --- ballots --------------------------------------------------------------------------------


class BallotWriter(BatchWriter[tuple[int, int], tuple[Any, Any, Any], Any]):
    """Key: (meeting, vote); item: (voter, choices, other texts); result: a `BallotOutcome`.
    `polls.actions.do_cast_ballots` writes a batch in one transaction, one ballot per voter by
    the unique constraint; the progress ("37/52 voted") goes out at most twice a second per vote."""

    def write(self, key: tuple[int, int], items: list[tuple[Any, Any, Any]]) -> tuple[list[Any], list[Any]]:
        from polls import actions as poll_actions
        from polls.models import Poll, PollKind

        meeting_id, poll_id = key
        poll = Poll.objects.filter(pk=poll_id, meeting_id=meeting_id, kind=PollKind.MEETING_VOTE).first()
        if poll is None:
            return [poll_actions.BallotOutcome(poll_actions.REFUSED, _("This vote does not exist."))] * len(items), []
        return list(poll_actions.do_cast_ballots(poll, items)), []

    def refused(self, key: tuple[int, int], item: tuple[Any, Any, Any], exc: Exception) -> Any:
        from polls import actions as poll_actions

        return poll_actions.BallotOutcome(poll_actions.REFUSED, _("Something went wrong. Try again."))

    async def written(self, key: tuple[int, int], results: list[Any], notes: list[Any]) -> None:
        from polls import actions as poll_actions

        if any(r.status == poll_actions.ACCEPTED for r in results):
            self.mark_dirty(key, key)

    async def notify(self, dirty_key: Hashable, value: Any) -> None:
        from polls.models import Participation

        meeting_id, poll_id = value
        voted = await database_sync_to_async(Participation.objects.filter(poll_id=poll_id).count)()
        await events.abroadcast(meeting_id, "poll_progress", {"id": poll_id, "voted": voted})


# --- screens connecting ---------------------------------------------------------------------


class SeatReader(BatchWriter[int, Any, Any]):
    """Not a write: 2,000 screens connecting within seconds, read in batches for the same reason
    (one trip to the database thread and a handful of queries per batch instead of four queries
    and a trip per screen). Key: the meeting; item: the socket's session key; result:
    `(user, seat, frame)`: the session's user (anonymous: seat None), their `RoomSeat` and
    snapshot frame, or the Http404/PermissionDenied that refuses them. The same rules as
    `core.ws_auth.user_for_session`, `live.access.room_seat` and `live.queries.snapshot_frame`,
    current when read (no cache). No transaction: reads, the event number first."""

    max_batch = 250

    def write(self, key: int, items: list[Any]) -> tuple[list[Any], list[Any]]:
        from django.core.exceptions import PermissionDenied
        from django.http import Http404

        from core.ws_auth import users_for_sessions
        from live.access import room_seats
        from live.queries import Personal, shared_snapshot, snapshot_frames

        users = users_for_sessions(items)
        signed_in = [u for u in users if u.is_authenticated]
        seats = dict(zip((id(u) for u in signed_in), room_seats(signed_in, key), strict=True))
        results: list[Any] = []
        people: list[tuple[int, Any, Any]] = []  # (index in results, user, seat) to build frames for
        for user in users:
            seat = seats.get(id(user))
            if not user.is_authenticated:
                results.append((user, None, ""))
            elif isinstance(seat, Exception):
                results.append(seat)
            else:
                people.append((len(results), user, seat))
                results.append(None)
        if people:
            first = people[0][2]
            try:
                shared = shared_snapshot(first.meeting or first.meeting_id, None, first.seq, first.token)
            except (Http404, PermissionDenied) as exc:
                return [exc if r is None else r for r in results], []
            # Seats read at one moment share one number; a seat read before a change committed
            # meanwhile gets the snapshot current to its own number (rare: its own read).
            same = [p for p in people if p[2].seq == first.seq and p[2].token == first.token]
            frames = snapshot_frames(
                shared,
                [Personal(u, s.runs, s.attends, s.attendance_known, s.attendance_id) for _i, u, s in same],
            )
            for (index, user, seat), frame in zip(same, frames, strict=True):
                results[index] = (user, seat, frame)
            for index, user, seat in people:
                if results[index] is None:
                    one = shared_snapshot(seat.meeting or seat.meeting_id, None, seat.seq, seat.token)
                    results[index] = (
                        user,
                        seat,
                        snapshot_frames(
                            one, [Personal(user, seat.runs, seat.attends, seat.attendance_known, seat.attendance_id)]
                        )[0],
                    )
        return results, []

    def refused(self, key: int, item: Any, exc: Exception) -> Any:
        return exc
