"""What the apps above live (minutes) plug in, without live importing them (conventions §15):
filled from their AppConfig.ready()."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from accounts.models import User
    from meetings.models import Meeting

logger = logging.getLogger(__name__)

EndedCallback = Callable[["Meeting", "User"], None]

_ENDED: list[EndedCallback] = []


def on_meeting_ended(callback: EndedCallback) -> EndedCallback:
    """Call `callback(meeting, actor)` after the commit that ends a meeting (do_end_meeting), with
    the attendance frozen and the floor closed. Usable as a decorator."""
    if callback not in _ENDED:
        _ENDED.append(callback)
    return callback


def forget_ended_callback(callback: EndedCallback) -> None:
    if callback in _ENDED:
        _ENDED.remove(callback)


def meeting_ended(meeting: Meeting, actor: User) -> None:
    """Run the callbacks (from transaction.on_commit). A failing callback is logged and does not
    stop the others: the meeting has ended either way."""
    for callback in list(_ENDED):
        try:
            callback(meeting, actor)
        except Exception:  # noqa: BLE001 - one app's failure must not undo the end of the meeting
            logger.exception("meeting-ended callback %r failed for meeting %s", callback, meeting.pk)
