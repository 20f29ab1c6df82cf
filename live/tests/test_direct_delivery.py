"""A group's message to an idle screen is written at once by the relay (live/consumers.py,
`RoomJsonConsumer.deliver`); to a screen that is busy or whose socket is paused it waits its
turn. Either way every screen gets the frames in the order sent, and nothing before it is
authorised."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from live.consumers import RoomJsonConsumer

# The consumer closes stale database connections when a socket disconnects (channels' database
# thread), so these tests need database access although they read nothing.
pytestmark = pytest.mark.django_db


class Screen(RoomJsonConsumer):
    async def connect(self) -> None:
        await self.accept()
        self.authorised = True

    async def live_event(self, message: dict[str, Any]) -> None:
        if self.authorised:
            await self.send(text_data=message["text"])


class Socket:
    """An ASGI websocket whose writes can be paused (a client that reads slowly)."""

    def __init__(self) -> None:
        self.incoming: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self.frames: list[str] = []
        self.writable = asyncio.Event()
        self.writable.set()

    async def receive(self) -> dict[str, Any]:
        return await self.incoming.get()

    async def send(self, message: dict[str, Any]) -> None:
        await self.writable.wait()
        if message["type"] == "websocket.send":
            self.frames.append(message["text"])


def event(text: str) -> dict[str, Any]:
    return {"type": "live.event", "text": text, "group": "meeting.1"}


async def _open(screen: Screen, socket: Socket) -> asyncio.Task[None]:
    task = asyncio.get_running_loop().create_task(
        screen({"type": "websocket", "path": "/", "headers": []}, socket.receive, socket.send)
    )
    await socket.incoming.put({"type": "websocket.connect"})
    for _ in range(100):
        if screen.authorised and screen._idle:
            break
        await asyncio.sleep(0)
    return task


async def _close(socket: Socket, task: asyncio.Task[None]) -> None:
    await socket.incoming.put({"type": "websocket.disconnect", "code": 1000})
    await asyncio.wait_for(task, 5)


async def test_an_idle_screen_gets_the_frame_written_at_once() -> None:
    screen, socket = Screen(), Socket()
    task = await _open(screen, socket)
    screen.deliver(event("one"))
    assert socket.frames == ["one"]  # no turn of the loop needed
    await _close(socket, task)


async def test_a_paused_screen_gets_every_frame_in_order_once_it_reads_again() -> None:
    screen, socket = Screen(), Socket()
    task = await _open(screen, socket)
    socket.writable.clear()
    for text in ("one", "two", "three"):
        screen.deliver(event(text))
    await asyncio.sleep(0.05)
    assert socket.frames == []
    socket.writable.set()
    for _ in range(100):
        if len(socket.frames) == 3:
            break
        await asyncio.sleep(0.01)
    assert socket.frames == ["one", "two", "three"]
    screen.deliver(event("four"))  # idle again: written at once
    assert socket.frames[-1] == "four"
    await _close(socket, task)


class Waiting(Screen):
    """Accepted, its access not decided yet (a meeting-room socket reading its seat)."""

    async def connect(self) -> None:
        await self.accept()


async def test_nothing_is_written_before_the_screen_is_authorised() -> None:
    screen, socket = Waiting(), Socket()
    task = asyncio.get_running_loop().create_task(
        screen({"type": "websocket", "path": "/", "headers": []}, socket.receive, socket.send)
    )
    await socket.incoming.put({"type": "websocket.connect"})
    for _ in range(100):
        if screen._idle:
            break
        await asyncio.sleep(0)
    screen.deliver(event("early"))
    await asyncio.sleep(0.05)
    assert socket.frames == []
    await _close(socket, task)
