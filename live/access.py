"""Fetch-and-authorize for the meeting room: 404 for anyone who may not see the meeting."""

from __future__ import annotations

from typing import Any

from django.http import Http404

from accounts.permissions import Perm
from live.actions import live_state
from live.models import LiveState
from live.permissions import ROOM_STATUSES
from meetings.access import access_meeting
from meetings.models import Meeting


def access_live(user: Any, meeting_id: Any, *, perm: Perm | None = None) -> tuple[Meeting, LiveState]:
    """The meeting and its room state. 404 when the user may not see the meeting or it has no
    room (not approved); 403 with `perm` when they see it but may not do that."""
    meeting = access_meeting(user, meeting_id, perm=perm)
    if meeting.status not in ROOM_STATUSES:
        raise Http404
    return meeting, live_state(meeting)


def access_display(token: Any) -> tuple[Meeting, LiveState]:
    if not isinstance(token, str) or not 16 <= len(token) <= 64:
        raise Http404
    live = LiveState.objects.select_related("meeting").filter(display_token=token).first()
    if live is None or live.meeting.status not in ROOM_STATUSES:
        raise Http404
    return live.meeting, live
