"""What several topics of live.actions share: the room's row of a meeting and the lock that
serialises state changes per meeting."""

from __future__ import annotations

from live.models import LiveState
from meetings.models import Meeting, MeetingStatus

# A meeting that may start: approved, or postponed to a new date.
STARTABLE = (MeetingStatus.APPROVED, MeetingStatus.POSTPONED)


def live_state(meeting: Meeting) -> LiveState:
    """The meeting's room row, created on first use."""
    live, _created = LiveState.objects.get_or_create(meeting=meeting)
    live.meeting = meeting
    return live


def lock_room(meeting: Meeting) -> tuple[Meeting, LiveState]:
    """Caller is atomic: lock the meeting row and its room row (state changes are serialised per
    meeting). Returns both, fresh from the database."""
    live_state(meeting)
    locked = Meeting.objects.select_for_update(of=("self",)).select_related("unit").get(pk=meeting.pk)
    live = LiveState.objects.select_for_update().get(pk=meeting.pk)
    live.meeting = locked
    return locked, live
