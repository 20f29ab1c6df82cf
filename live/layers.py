"""Channels' in-memory channel layer (one server process), without its costs that grow with the
number of sockets (docs/live.md, "Performance at 2,000 delegates").

Stock `channels.layers.InMemoryChannelLayer` walks every channel and every group member to expire
old messages on EVERY `receive` and `group_send`: each socket re-enters `receive` after each
message, so one message to 2,000 screens cost 2,000 × 4,000 steps (40 % of the event loop's time
while 2,000 delegates connected). It also starts one task per member in `group_send`, deep-copies
the message for each, and drops a message silently when a channel is full.

Here: expiry runs at most once per `clean_interval`; `group_send` puts directly into each queue;
a message of plain values (ours: `{"type", "text"}`) is copied shallowly; a message dropped
because a channel is full is counted in `dropped` and logged (the client sees a gap in the
event numbers and fetches a snapshot). Same API and semantics otherwise.
"""

from __future__ import annotations

import asyncio
import logging
import time
from copy import deepcopy
from typing import Any

from channels.exceptions import ChannelFull
from channels.layers import InMemoryChannelLayer as StockInMemoryChannelLayer

logger = logging.getLogger(__name__)

_PLAIN = (str, int, float, bool, type(None), bytes)


class InMemoryChannelLayer(StockInMemoryChannelLayer):  # type: ignore[misc]
    clean_interval = 1.0

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._last_clean = float("-inf")
        self.dropped = 0

    def _clean_expired(self) -> None:
        now = time.monotonic()
        if now - self._last_clean < self.clean_interval:
            return
        self._last_clean = now
        super()._clean_expired()

    def _queue(self, channel: str) -> asyncio.Queue[Any]:
        queue = self.channels.get(channel)
        if queue is None:
            queue = self.channels[channel] = asyncio.Queue(maxsize=self.get_capacity(channel))
        return queue

    def _put(self, channel: str, message: dict[str, Any]) -> None:
        copy = dict(message) if all(type(v) in _PLAIN for v in message.values()) else deepcopy(message)
        self._queue(channel).put_nowait((time.time() + self.expiry, copy))

    async def send(self, channel: str, message: dict[str, Any]) -> None:
        if not isinstance(message, dict):
            raise TypeError("message is not a dict")
        self.require_valid_channel_name(channel)
        if "__asgi_channel__" in message:
            raise ValueError("__asgi_channel__ is reserved")
        try:
            self._put(channel, message)
        except asyncio.QueueFull:
            raise ChannelFull(channel) from None

    async def receive(self, channel: str) -> dict[str, Any]:
        self.require_valid_channel_name(channel)
        self._clean_expired()
        queue = self._queue(channel)
        try:
            _expires, message = await queue.get()
        finally:
            if queue.empty():
                self.channels.pop(channel, None)
        return message  # type: ignore[no-any-return]

    async def group_send(self, group: str, message: dict[str, Any]) -> None:
        if not isinstance(message, dict):
            raise TypeError("message is not a dict")
        self.require_valid_group_name(group)
        self._clean_expired()
        dropped = 0
        for channel in list(self.groups.get(group, ())):
            try:
                self._put(channel, message)
            except asyncio.QueueFull:
                dropped += 1
        if dropped:
            self.dropped += dropped
            logger.warning(
                "%s message(s) to group %s dropped: channel full (capacity %s)", dropped, group, self.capacity
            )
