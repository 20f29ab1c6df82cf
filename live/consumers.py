"""Websockets of the meeting room: one consumer for people (`/ws/meetings/<id>/`) and one for the
projector (`/ws/display/<token>/`, no login, read-only).

Consumers only authenticate, authorise the subscription with the same rules as the views
(close code 4404 for anyone who may not see the meeting, exactly like the 404 of the pages),
join the meeting's group and deliver. Client messages are validated against a small schema;
check-ins and ballots go through the same actions as the HTTP endpoints.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
import weakref
from typing import Any

from channels.db import database_sync_to_async
from channels.exceptions import StopConsumer
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils.translation import gettext as _

from accounts.permissions import Perm, can
from live import events
from live.access import access_display, access_live
from live.queries import snapshot

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


class RoomJsonConsumer(FastDispatchMixin, AsyncJsonWebsocketConsumer):
    """JSON over a websocket, forgiving of bad clients: a message too large, not text or not JSON
    gets an error event and the connection stays open (channels would raise and close it)."""

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
    group: str

    async def connect(self) -> None:
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.close(code=CLOSE_UNAUTHENTICATED)
            return
        try:
            meeting_id, runs = await database_sync_to_async(self._authorise)(
                user, self.scope["url_route"]["kwargs"]["meeting_id"]
            )
        except (Http404, PermissionDenied):
            await self.close(code=CLOSE_NOT_FOUND)
            return
        self.meeting_id = meeting_id
        self.group = events.group_name(meeting_id)
        await self.channel_layer.group_add(self.group, self.channel_name)
        self.runners_group = events.runners_group_name(meeting_id) if runs else ""
        if self.runners_group:
            await self.channel_layer.group_add(self.runners_group, self.channel_name)
        await self.accept()
        await self.send_snapshot()

    def _authorise(self, user: Any, meeting_id: Any) -> tuple[int, bool]:
        meeting, live = access_live(user, meeting_id)
        # The first snapshot (just after joining the group) reuses this check instead of running
        # the access rules a second time: connecting is the costly part of a 2,000-seat meeting.
        self._granted: tuple[Any, Any] | None = (meeting, live)
        return meeting.pk, can(user, Perm.RUN_MEETING, meeting)

    async def disconnect(self, code: int) -> None:
        if getattr(self, "group", None):
            await self.channel_layer.group_discard(self.group, self.channel_name)
        if getattr(self, "runners_group", ""):
            await self.channel_layer.group_discard(self.runners_group, self.channel_name)
        raise StopConsumer

    async def send_snapshot(self) -> None:
        data = await database_sync_to_async(self._snapshot)()
        if data is None:  # lost access meanwhile (meeting no longer visible)
            await self.close(code=CLOSE_NOT_FOUND)
            return
        await self.send_json({"type": "snapshot", "data": data})

    def _snapshot(self) -> dict[str, Any] | None:
        granted, self._granted = getattr(self, "_granted", None), None
        if granted is not None:  # checked a moment ago by _authorise: only re-read the rows
            meeting, live = granted
            meeting.refresh_from_db(fields=["status"])
            live.refresh_from_db()
        else:
            try:
                meeting, live = access_live(self.scope["user"], self.meeting_id)
            except Http404:
                return None
        return snapshot(meeting, live, self.scope["user"])

    async def receive_json(self, content: Any, **kwargs: Any) -> None:
        if not isinstance(content, dict) or not isinstance(content.get("type"), str):
            await self.send_json({"type": "error", "error": _("The message was not understood.")})
            return
        kind = content["type"]
        ref = content.get("ref") if isinstance(content.get("ref"), (str, int)) else None
        if kind == "snapshot":
            await self.send_snapshot()
        elif kind == "checkin":
            code = content.get("code")
            if code is not None and not isinstance(code, str):
                await self.send_json({"type": "error", "ref": ref, "error": _("This room code is not valid.")})
                return
            if code is None:
                await self._check_in_batched(ref)
            else:
                await self._run(ref, self._check_in, code)
        elif kind == "vote":
            from live.voting import receive_ballot

            await receive_ballot(self, content, ref)
        else:
            await self.send_json({"type": "error", "ref": ref, "error": _("The message was not understood.")})

    def _check_in(self, code: str | None) -> dict[str, Any]:
        from live.actions import do_check_in

        meeting, _live = access_live(self.scope["user"], self.meeting_id)
        attendance = do_check_in(self.scope["user"], meeting, code=code)
        return {"status": attendance.status}

    async def _check_in_batched(self, ref: Any) -> None:
        result = await checkin_writer().submit(self.meeting_id, self.scope["user"])
        if isinstance(result, ValidationError):
            await self.send_json({"type": "error", "ref": ref, "error": " ".join(result.messages)})
        elif isinstance(result, Exception):
            await self.send_json({"type": "error", "ref": ref, "error": _("You are not allowed to do this.")})
        else:
            await self.send_json({"type": "ok", "ref": ref, "data": {"status": result}})

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
        await self.send(text_data=message["text"])


class CheckinWriter:
    """Self check-ins from the websocket, written in batches (one transaction, one event per batch)
    so that 2,000 delegates checking in at once cost tens of events on every screen, not 2,000."""

    MAX_BATCH = 500
    COUNTS_INTERVAL = 0.5

    def __init__(self) -> None:
        self.pending: list[tuple[int, Any, asyncio.Future[Any]]] = []
        self.wake = asyncio.Event()
        self.dirty: set[int] = set()  # meetings whose counts changed since they were last sent
        self.last_counts: dict[int, float] = {}
        self.task = asyncio.get_running_loop().create_task(self.run())

    async def submit(self, meeting_id: int, user: Any) -> Any:
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self.pending.append((meeting_id, user, future))
        self.wake.set()
        return await future

    async def run(self) -> None:
        while True:
            await self.wake.wait()
            self.wake.clear()
            while self.pending:
                batch, self.pending = self.pending[: self.MAX_BATCH], self.pending[self.MAX_BATCH :]
                by_meeting: dict[int, list[tuple[int, Any, asyncio.Future[Any]]]] = {}
                for entry in batch:
                    by_meeting.setdefault(entry[0], []).append(entry)
                for meeting_id, entries in by_meeting.items():
                    rows: list[dict[str, Any]] = []
                    try:
                        results, rows = await database_sync_to_async(_check_in_many)(
                            meeting_id, [e[1] for e in entries]
                        )
                    except Exception as exc:
                        logger.exception("check-in batch of meeting %s failed", meeting_id)
                        results = [exc] * len(entries)
                    for entry, result in zip(entries, results, strict=True):
                        if not entry[2].done():
                            entry[2].set_result(result)
                    if rows:
                        await events.abroadcast(meeting_id, "attendance_rows", {"rows": rows}, runners_only=True)
                        self.dirty.add(meeting_id)
            # Also when woken only by the timer below: what the throttle held back goes out now.
            await self.send_counts()
            if self.dirty:
                asyncio.get_running_loop().call_later(self.COUNTS_INTERVAL, self.wake.set)

    async def send_counts(self) -> None:
        """Counts to every screen, at most twice a second per meeting (unnumbered: whole section)."""
        now = time.monotonic()
        for meeting_id in list(self.dirty):
            if now - self.last_counts.get(meeting_id, 0.0) < self.COUNTS_INTERVAL:
                continue
            self.dirty.discard(meeting_id)
            self.last_counts[meeting_id] = now
            counts = await database_sync_to_async(_counts)(meeting_id)
            await events.abroadcast(meeting_id, "attendance", {"counts": counts, "row": None})


def _counts(meeting_id: int) -> dict[str, Any]:
    from live.actions import live_state
    from live.queries import attendance_counts
    from meetings.models import Meeting

    meeting = Meeting.objects.get(pk=meeting_id)
    return attendance_counts(meeting, live_state(meeting))


def _check_in_many(meeting_id: int, users: list[Any]) -> tuple[list[Any], list[dict[str, Any]]]:
    from live.actions import do_check_in_many
    from meetings.models import Meeting

    meeting = Meeting.objects.select_related("unit").get(pk=meeting_id)
    return do_check_in_many(meeting, users)


_checkin_writers: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, CheckinWriter] = weakref.WeakKeyDictionary()


def checkin_writer() -> CheckinWriter:
    loop = asyncio.get_running_loop()
    current = _checkin_writers.get(loop)
    if current is None or current.task.done():
        current = _checkin_writers[loop] = CheckinWriter()
    return current


class DisplayConsumer(RoomJsonConsumer):
    """The room display: a per-meeting token instead of a login; it only listens."""

    meeting_id: int
    group: str

    async def connect(self) -> None:
        try:
            self.meeting_id = await database_sync_to_async(self._authorise)(self.scope["url_route"]["kwargs"]["token"])
        except Http404:
            await self.close(code=CLOSE_NOT_FOUND)
            return
        self.group = events.group_name(self.meeting_id)
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()
        await self.send_snapshot()

    def _authorise(self, token: str) -> int:
        meeting, _live = access_display(token)
        return meeting.pk

    async def disconnect(self, code: int) -> None:
        if getattr(self, "group", None):
            await self.channel_layer.group_discard(self.group, self.channel_name)
        raise StopConsumer

    async def send_snapshot(self) -> None:
        data = await database_sync_to_async(self._snapshot)()
        await self.send_json({"type": "snapshot", "data": data})

    def _snapshot(self) -> dict[str, Any]:
        meeting, live = access_display(self.scope["url_route"]["kwargs"]["token"])
        return snapshot(meeting, live, None)

    async def receive_json(self, content: Any, **kwargs: Any) -> None:
        if isinstance(content, dict) and content.get("type") == "snapshot":
            await self.send_snapshot()
        else:
            await self.send_json({"type": "error", "error": _("The room display only shows the meeting.")})

    async def live_event(self, message: dict[str, Any]) -> None:
        await self.send(text_data=message["text"])
