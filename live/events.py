"""Events for the screens of a running meeting: numbered, sent after commit, to one group.

`emit()` is called by an action inside its transaction. It takes the meeting's next sequence
number (an UPDATE of the LiveState row, so concurrent actions on the same meeting are numbered
in commit order and never share a number) and sends the event to the meeting's channel-layer
group once the transaction commits; a rolled-back action sends nothing and its number is
never used. Consumers only deliver (docs/conventions.md §9): the server decides what each event holds.

Clients keep the last number they applied. An event with the next number is applied; an older
one is ignored; a gap means something was lost (the in-memory layer drops messages when a
channel is full): the client asks for a snapshot, which carries the number it is current to.

`broadcast()` sends an unnumbered "ephemeral" message (vote progress, which a later message
always supersedes) without touching the database.

Every message is encoded to JSON once, here, and travels through the channel layer as text: the
in-memory layer deep-copies a message for each of its 2,000 channels and every consumer would
encode it again (measured: a closed vote's results reached 2,000 screens in 15 s p50 that way).
It also carries the group it was sent to: each server process receives it ONCE and hands the same
text to its own sockets of that group (live/fanout.py).
"""

from __future__ import annotations

import json
import logging
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction
from django.db.models import F

from live.models import LiveState

logger = logging.getLogger(__name__)


def group_name(meeting_id: int) -> str:
    return f"meeting.{meeting_id}"


def runners_group_name(meeting_id: int) -> str:
    """The chair console and secretaries' screens: details only they show (attendance rows)."""
    return f"meeting.{meeting_id}.runners"


def emit(meeting_id: int, kind: str, data: dict[str, Any]) -> int:
    """Number an event and send it after commit. Caller is inside transaction.atomic."""
    if not LiveState.objects.filter(pk=meeting_id).update(seq=F("seq") + 1):
        LiveState.objects.get_or_create(meeting_id=meeting_id)  # a meeting whose room was never opened
        LiveState.objects.filter(pk=meeting_id).update(seq=F("seq") + 1)
    seq = LiveState.objects.filter(pk=meeting_id).values_list("seq", flat=True).get()
    message = encode(seq, kind, data)
    transaction.on_commit(lambda: _send(meeting_id, message))
    return seq


def encode(seq: int | None, kind: str, data: dict[str, Any]) -> dict[str, Any]:
    """The channel-layer message: the frame every screen receives, already encoded."""
    frame = {"type": "event", "seq": seq, "kind": kind, "data": data}
    return {"type": "live.event", "text": json.dumps(frame, separators=(",", ":"), ensure_ascii=False)}


def broadcast(meeting_id: int, kind: str, data: dict[str, Any]) -> None:
    """An unnumbered message to every screen of the meeting, sent now (no transaction involved)."""
    _send(meeting_id, encode(None, kind, data))


def _send(meeting_id: int, message: dict[str, Any]) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    group = group_name(meeting_id)
    try:
        async_to_sync(layer.group_send)(group, {**message, "group": group})
    except Exception:  # the change is committed; screens catch up from a snapshot
        logger.exception("could not send a live event for meeting %s", meeting_id)


async def abroadcast(meeting_id: int, kind: str, data: dict[str, Any], *, runners_only: bool = False) -> None:
    """`broadcast` from async code (the consumer's ballot and check-in writers)."""
    layer = get_channel_layer()
    if layer is not None:
        group = runners_group_name(meeting_id) if runners_only else group_name(meeting_id)
        await layer.group_send(group, {**encode(None, kind, data), "group": group})
