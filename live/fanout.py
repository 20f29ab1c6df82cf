"""One channel-layer subscription per server process and group, fanned out to the process's own
sockets (docs/live.md, "Performance at 2,000 delegates").

Before, every screen joined the meeting's channel-layer group with a channel of its own: one
event to 2,000 screens was 2,000 channel-layer messages (with Redis, 2,000 entries written to and
read back from Redis) and 2,000 receives on the one event loop. Here a process subscribes ONE
channel (its relay) to a group when its first local socket joins, and the relay task hands each
message it receives to every local member, in the order received: one channel-layer message per
process, whatever the number of screens.

A member is any object with `deliver(message)` (sync, must not block): the room consumers put
the message in their inbox, which they handle one message at a time, so a socket still gets its
snapshot before any event that arrived meanwhile, and events in the order the relay got them.

`join` returns once the relay is in the group (the caller then reads its snapshot: nothing
numbered after it can be missed); `leave` of the last local member takes the relay out of the
group. Messages carry the group they were sent to (`events.py` adds it), so one relay serves
every group of the process.
"""

from __future__ import annotations

import asyncio
import logging
import weakref
from typing import Any, Protocol

from channels.layers import get_channel_layer

logger = logging.getLogger(__name__)


class Member(Protocol):
    def deliver(self, message: dict[str, Any]) -> None: ...


class LocalGroups:
    """The groups of one event loop (one server process) and one channel layer."""

    def __init__(self, layer: Any) -> None:
        self.layer = layer
        self.members: dict[str, dict[Member, None]] = {}  # group -> local members, in join order
        self.subscribed: set[str] = set()  # groups the relay is in
        self.lock = asyncio.Lock()  # subscribing and unsubscribing, one at a time
        self.channel: str | None = None
        self.task: asyncio.Task[None] | None = None
        self.delivered = 0  # messages handed to members (tests, diagnostics)

    @classmethod
    def get(cls) -> LocalGroups:
        loop = asyncio.get_running_loop()
        layer = get_channel_layer()
        current = _registries.get(loop)
        if current is None or current.layer is not layer:
            current = _registries[loop] = cls(layer)
        return current

    def local_members(self, group: str) -> list[Member]:
        return list(self.members.get(group, ()))

    async def join(self, group: str, member: Member) -> None:
        """Add a local member; returns once the process receives the group's messages."""
        self.members.setdefault(group, {})[member] = None
        if group in self.subscribed or self.layer is None:
            return
        async with self.lock:
            if group in self.subscribed or not self.members.get(group):
                return
            if self.channel is None:
                self.channel = await self.layer.new_channel()
                self.task = asyncio.get_running_loop().create_task(self._relay(self.channel))
            await self.layer.group_add(group, self.channel)
            self.subscribed.add(group)

    async def leave(self, group: str, member: Member) -> None:
        members = self.members.get(group)
        if members is None:
            return
        members.pop(member, None)
        if members or self.layer is None:
            return
        async with self.lock:
            if self.members.get(group) or group not in self.subscribed:
                return  # someone joined meanwhile, or already out
            del self.members[group]
            # Out of `subscribed` first: a socket joining during the discard waits for the lock
            # and subscribes again, instead of trusting a subscription that is going away.
            self.subscribed.discard(group)
            if self.channel is not None:
                await self.layer.group_discard(group, self.channel)

    def fan_out(self, message: dict[str, Any]) -> None:
        group = message.get("group")
        members = self.members.get(group) if isinstance(group, str) else None
        if not members:
            return
        for member in list(members):
            member.deliver(message)
        self.delivered += len(members)

    async def _relay(self, channel: str) -> None:
        while True:
            try:
                message = await self.layer.receive(channel)
            except asyncio.CancelledError:
                raise
            except Exception:  # Redis gone for a moment: screens see a gap and fetch a snapshot
                logger.exception("live fan-out: receiving on %s failed", channel)
                await asyncio.sleep(1)
                continue
            try:
                self.fan_out(message)
            except Exception:
                logger.exception("live fan-out: delivering a message to group %s failed", message.get("group"))


_registries: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, LocalGroups] = weakref.WeakKeyDictionary()
