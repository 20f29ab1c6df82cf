"""Websockets of the meeting room: one consumer for people (`/ws/meetings/<id>/`) and one for the
projector (`/ws/display/<token>/`, no login, read-only).

Consumers only authenticate, authorise the subscription with the same rules as the views
(close code 4404 for anyone who may not see the meeting, exactly like the 404 of the pages),
join the meeting's group and deliver. Client messages are validated against a small schema;
check-ins and ballots go through the same actions as the HTTP endpoints, in batches
(live/batching.py).
"""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any

from channels.db import database_sync_to_async
from channels.exceptions import StopConsumer
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from channels.layers import get_channel_layer
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils.translation import gettext as _

from core.fetch import parse_id
from live import events
from live.access import RoomSeat, access_display, access_live, room_seat
from live.batching import BallotWriter, CheckinWriter, SeatReader
from live.fanout import LocalGroups
from live.queries import shared_snapshot, snapshot_frame

logger = logging.getLogger(__name__)

CLOSE_UNAUTHENTICATED = 4401
CLOSE_NOT_FOUND = 4404
MAX_MESSAGE_BYTES = 8192


class FastDispatchMixin:
    """Skip channels' per-message `aclose_old_connections()`: it hops through Django's single
    sync thread before every handler, so a fan-out to 2,000 sockets queued behind one thread
    and every database call (measured: p99 1.4 s → 0.2–0.4 s without it). Our handlers that
    touch the database do it through `database_sync_to_async`, which closes stale
    connections itself."""

    async def dispatch(self, message: dict[str, Any]) -> None:
        from channels.consumer import get_handler_name

        handler = getattr(self, get_handler_name(message), None)
        if handler is None:
            raise ValueError(f"No handler for message type {message['type']}")
        await handler(message)


class _Failed:
    def __init__(self, exc: BaseException) -> None:
        self.exc = exc


class RoomJsonConsumer(FastDispatchMixin, AsyncJsonWebsocketConsumer):
    """JSON over a websocket, forgiving of bad clients: a message too large, not text or not JSON
    gets an error event and the connection stays open (channels would raise and close it)."""

    authorised = False  # accepted, and its first snapshot sent: group messages may be written
    _idle = False  # waiting for its next message, none pending
    _sending: asyncio.Future[Any] | None = None  # a frame of `deliver` still being written

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        """channels' `AsyncConsumer.__call__` with a leaner loop. Channels gives every socket a
        channel-layer channel and waits on it and on the socket with `asyncio.wait`, starting a
        new task after EVERY message: for one broadcast to 2,000 screens, 2,000 channel-layer
        messages, waits and tasks on the one event loop. Here the socket has no channel of its
        own: the process's relay (live/fanout.py) puts the groups' messages in its inbox
        (`deliver`), one long-lived task feeds it what the client sends, and messages are handled
        one at a time in arrival order, as before."""
        self.scope = scope
        self.channel_layer = get_channel_layer(self.channel_layer_alias)
        self.channel_name = ""
        self.base_send = send
        self._inbox: asyncio.Queue[Any] = asyncio.Queue()
        self._local_groups: list[str] = []
        inbox = self._inbox

        async def pump(source: Any) -> None:
            try:
                while True:
                    inbox.put_nowait(await source())
            except asyncio.CancelledError:
                raise
            except BaseException as exc:  # handed to the loop below, which raises it
                inbox.put_nowait(_Failed(exc))

        pumping = asyncio.ensure_future(pump(receive))
        try:
            while True:
                self._idle = True
                message = await inbox.get()
                self._idle = False
                if self._sending is not None:  # a frame written by `deliver` goes out first
                    await asyncio.shield(self._sending)
                if isinstance(message, _Failed):
                    raise message.exc
                await self.dispatch(message)
        except StopConsumer:
            pass
        finally:
            pumping.cancel()
            await asyncio.gather(pumping, return_exceptions=True)
            await self.leave_groups()

    def deliver(self, message: dict[str, Any]) -> None:
        """A group's message, from the process's relay (live/fanout.py).

        A screen that is idle (accepted and authorised, waiting with nothing pending) gets the
        frame written at once, from the relay's own turn of the loop: for one broadcast to 2,000
        screens that is 2,000 writes instead of 2,000 task wake-ups, dispatches and sends (it
        halves the loop's time per broadcast). Otherwise the message waits in the inbox and is
        handled in turn, so a screen still gets its snapshot before any event that came while it
        was read, and events in the order sent."""
        if not (self._idle and self.authorised and self._sending is None and self._inbox.empty()):
            self._inbox.put_nowait(message)
            return
        if message.get("type") != "live.event":
            self._inbox.put_nowait(message)
            return
        sending = self.base_send({"type": "websocket.send", "text": message["text"]})
        if not asyncio.iscoroutine(sending):  # an ASGI server whose `send` is another awaitable
            self._sending = asyncio.ensure_future(sending)
            self._sending.add_done_callback(self._sent)
            return
        try:
            waiting_for = sending.send(None)
        except StopIteration:  # written (the usual case: the socket was writable)
            return
        except Exception:  # the socket is closing: its disconnect arrives through `receive`
            logger.debug("live: writing to a closing socket failed", exc_info=True)
            return
        # The socket is paused (its client reads slowly): the rest of this write is driven from
        # the futures it waits on, as a task would, and everything after it waits for it
        # (`_sending`, awaited by the loop above before its next message).
        self._sending = asyncio.get_running_loop().create_future()
        self._sending.add_done_callback(self._sent)
        self._drive(sending, waiting_for, self._sending)

    def _sent(self, _future: Any) -> None:
        self._sending = None

    @staticmethod
    def _drive(sending: Any, waiting_for: Any, finished: asyncio.Future[None]) -> None:
        """Run a suspended coroutine to its end the way an asyncio task does: resume it when
        the future it yielded is done (at once for a bare yield); then set `finished`."""
        loop = asyncio.get_running_loop()

        def wait_on(future: Any) -> None:
            if future is None:
                loop.call_soon(step)
            else:
                future._asyncio_future_blocking = False  # taken, as Task.__step does
                future.add_done_callback(step)

        def step(_done: Any = None) -> None:
            try:
                following = sending.send(None)
            except StopIteration:
                finished.set_result(None)
            except Exception:
                logger.debug("live: writing to a closing socket failed", exc_info=True)
                finished.set_result(None)
            else:
                wait_on(following)

        wait_on(waiting_for)

    async def join_group(self, group: str) -> None:
        """Receive the group's messages from now on (returns once they are sure to arrive)."""
        self._local_groups.append(group)
        await LocalGroups.get().join(group, self)

    async def leave_groups(self) -> None:
        groups, self._local_groups = self._local_groups, []
        for group in groups:
            await LocalGroups.get().leave(group, self)

    async def websocket_receive(self, message: dict[str, Any]) -> None:
        text = message.get("text")
        if text is None:
            await self.send_json({"type": "error", "error": _("The message was not understood.")})
            return
        if len(text) > MAX_MESSAGE_BYTES:
            await self.send_json({"type": "error", "error": _("The message is too large.")})
            return
        try:
            content = json.loads(text)
        except (ValueError, RecursionError):  # not JSON, or nested deeper than the parser goes
            await self.send_json({"type": "error", "error": _("The message was not understood.")})
            return
        await self.receive_json(content)


class MeetingConsumer(RoomJsonConsumer):
    meeting_id: int

    async def connect(self) -> None:
        try:
            meeting_id = parse_id(self.scope["url_route"]["kwargs"]["meeting_id"])
        except Http404:
            await self.close(code=CLOSE_NOT_FOUND)
            return
        # Join BEFORE the snapshot is read, so that no event numbered after it can be missed.
        # Nothing reaches the socket until it is accepted: messages wait in the inbox (this
        # consumer handles one message at a time) and `live_event` drops them unless authorised.
        await self.join_group(events.group_name(meeting_id))
        # Who is signed in (the session; ecabinet/routing.py gives this route no auth middleware),
        # the access rules and the first snapshot, read together and for every screen connecting
        # at the same moment in one trip to the database thread (live.batching.SeatReader):
        # connecting is the costly part of a 2,000-seat meeting (docs/live.md).
        try:
            if "session_key" in self.scope:  # our lean middleware: the user is resolved here
                answer = await SeatReader.get().submit(meeting_id, self.scope["session_key"])
                if isinstance(answer, Exception):
                    raise answer
                self.scope["user"], seat, frame = answer
            else:
                seat, frame = await database_sync_to_async(self._connect)(meeting_id)
        except (Http404, PermissionDenied):
            await self.leave_groups()
            await self.close(code=CLOSE_NOT_FOUND)
            return
        if seat is None:
            await self.leave_groups()
            await self.close(code=CLOSE_UNAUTHENTICATED)
            return
        self.meeting_id = seat.meeting_id
        if seat.runs:
            # The chair's and secretaries' details (attendance rows) come on their own group;
            # their snapshot is read again once they are in it (a handful of people).
            await self.join_group(events.runners_group_name(seat.meeting_id))
            seat, frame = await database_sync_to_async(self._seat_and_snapshot)(meeting_id)
        self.authorised = True
        await self.accept()
        await self.send(text_data=frame)

    def _connect(self, meeting_id: int) -> tuple[RoomSeat | None, str]:
        """Behind channels' AuthMiddlewareStack (the user resolved already): None when not signed
        in, else `_seat_and_snapshot`."""
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            return None, ""
        return self._seat_and_snapshot(meeting_id)

    def _seat_and_snapshot(self, meeting_id: Any) -> tuple[RoomSeat, str]:
        user = self.scope["user"]
        seat = room_seat(user, meeting_id)
        shared = shared_snapshot(seat.meeting or seat.meeting_id, None, seat.seq, seat.token)
        frame = snapshot_frame(
            shared,
            user,
            runs=seat.runs,
            attends=seat.attends,
            attendance_known=seat.attendance_known,
            attendance_id=seat.attendance_id,
        )
        return seat, frame

    async def disconnect(self, code: int) -> None:
        await self.leave_groups()
        raise StopConsumer

    async def send_snapshot(self) -> None:
        try:
            _seat, frame = await database_sync_to_async(self._seat_and_snapshot)(self.meeting_id)
        except (Http404, PermissionDenied):  # lost access meanwhile (meeting no longer visible)
            self.authorised = False
            await self.close(code=CLOSE_NOT_FOUND)
            return
        await self.send(text_data=frame)

    async def receive_json(self, content: Any, **kwargs: Any) -> None:
        if not isinstance(content, dict) or not isinstance(content.get("type"), str):
            await self.send_json({"type": "error", "error": _("The message was not understood.")})
            return
        kind = content["type"]
        ref = content.get("ref") if isinstance(content.get("ref"), (str, int)) else None
        if kind == "snapshot":
            await self.send_snapshot()
        elif kind == "checkin":
            await self._check_in(content, ref)
        elif kind == "vote":
            await self._vote(content, ref)
        else:
            await self.send_json({"type": "error", "ref": ref, "error": _("The message was not understood.")})

    async def _check_in(self, content: dict[str, Any], ref: Any) -> None:
        """{"type": "checkin"} (batched) or {"type": "checkin", "code": "<room code>"}."""
        code = content.get("code")
        if code is not None and not isinstance(code, str):
            await self.send_json({"type": "error", "ref": ref, "error": _("This room code is not valid.")})
            return
        if code is not None:
            await self._run(ref, self._check_in_with_code, code)
            return
        result = await CheckinWriter.get().submit(self.meeting_id, self.scope["user"])
        if isinstance(result, ValidationError):
            await self.send_json({"type": "error", "ref": ref, "error": " ".join(result.messages)})
        elif isinstance(result, Exception):
            await self.send_json({"type": "error", "ref": ref, "error": _("You are not allowed to do this.")})
        else:
            await self.send_json({"type": "ok", "ref": ref, "data": {"status": result}})

    def _check_in_with_code(self, code: str) -> dict[str, Any]:
        from live.actions.checkin import do_check_in

        meeting, _live = access_live(self.scope["user"], self.meeting_id)
        attendance = do_check_in(self.scope["user"], meeting, code=code)
        return {"status": attendance.status}

    async def _vote(self, content: dict[str, Any], ref: Any) -> None:
        """{"type": "vote", "poll": <id>, "choices": {"<question id>": <option id>}, "other": {...}}"""
        from polls.actions import ACCEPTED

        poll_id, choices, other = content.get("poll"), content.get("choices"), content.get("other")
        if (
            not isinstance(poll_id, int)
            or not isinstance(choices, dict)
            or not (other is None or isinstance(other, dict))
        ):
            await self.send_json(
                {
                    "type": "error",
                    "ref": ref,
                    "error": _("The ballot is not valid. Choose one option for each question."),
                }
            )
            return
        outcome = await BallotWriter.get().submit((self.meeting_id, poll_id), (self.scope["user"], choices, other))
        data = {"status": outcome.status, "poll": poll_id}
        if outcome.status == ACCEPTED:
            await self.send_json({"type": "ok", "ref": ref, "data": data})
        else:
            await self.send_json({"type": "error", "ref": ref, "error": outcome.message, "data": data})

    async def _run(self, ref: Any, func: Any, *args: Any) -> None:
        """Run an action in the sync thread and answer with ok/error (Vietnamese message)."""
        try:
            result = await database_sync_to_async(func)(*args)
        except ValidationError as exc:
            await self.send_json({"type": "error", "ref": ref, "error": " ".join(exc.messages)})
        except (PermissionDenied, Http404):
            await self.send_json({"type": "error", "ref": ref, "error": _("You are not allowed to do this.")})
        else:
            await self.send_json({"type": "ok", "ref": ref, "data": result})

    async def live_event(self, message: dict[str, Any]) -> None:
        if self.authorised:
            await self.send(text_data=message["text"])


class DisplayConsumer(RoomJsonConsumer):
    """The room display: a per-meeting token instead of a login; it only listens."""

    meeting_id: int

    async def connect(self) -> None:
        try:
            self.meeting_id = await database_sync_to_async(self._authorise)(self.scope["url_route"]["kwargs"]["token"])
        except Http404:
            await self.close(code=CLOSE_NOT_FOUND)
            return
        await self.join_group(events.group_name(self.meeting_id))
        await self.accept()
        await self.send_snapshot()
        self.authorised = True

    def _authorise(self, token: str) -> int:
        meeting, _live = access_display(token)
        return meeting.pk

    async def disconnect(self, code: int) -> None:
        await self.leave_groups()
        raise StopConsumer

    async def send_snapshot(self) -> None:
        try:
            frame = await database_sync_to_async(self._snapshot)()
        except Http404:  # the room closed meanwhile (the meeting is no longer shown)
            self.authorised = False
            await self.close(code=CLOSE_NOT_FOUND)
            return
        await self.send(text_data=frame)

    def _snapshot(self) -> str:
        meeting, live = access_display(self.scope["url_route"]["kwargs"]["token"])
        shared = shared_snapshot(meeting, live, live.seq, live.display_token)
        return snapshot_frame(shared, None, runs=False, attends=False)

    async def receive_json(self, content: Any, **kwargs: Any) -> None:
        if isinstance(content, dict) and content.get("type") == "snapshot":
            await self.send_snapshot()
        else:
            await self.send_json({"type": "error", "error": _("The room display only shows the meeting.")})

    async def live_event(self, message: dict[str, Any]) -> None:
        await self.send(text_data=message["text"])
