"""What several topics of live.actions share: the room's row of a meeting and the lock that
serialises state changes per meeting."""

from __future__ import annotations

from django.db import connection

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
    meeting). Returns both, fresh from the database: one statement once the room row exists (the
    check-in burst holds this lock, so every round trip under it counts; docs/live.md)."""
    rows = LiveState.objects.select_for_update(of=("self", "meeting")).select_related("meeting__unit")
    live = rows.filter(pk=meeting.pk).first()
    if live is None:
        live_state(meeting)
        live = rows.get(pk=meeting.pk)
    return live.meeting, live


def lock_room_shared(meeting: Meeting) -> tuple[Meeting, LiveState]:
    """Caller is atomic: like `lock_room`, but held by several transactions at once, for writes
    that commute with each other and change neither row (self check-ins of different people);
    every change of the room's state takes `lock_room` and waits for them, and they for it. On
    PostgreSQL a `FOR SHARE` lock of both rows (Django's ORM offers only FOR UPDATE), so two
    server processes' check-in batches no longer queue behind each other (docs/live.md); SQLite
    serialises writers anyway, so there it is `lock_room`."""
    if connection.vendor != "postgresql":
        return lock_room(meeting)
    quote = connection.ops.quote_name
    live_table, meeting_table = quote(LiveState._meta.db_table), quote(Meeting._meta.db_table)
    sql = (
        f"SELECT 1 FROM {live_table} JOIN {meeting_table} ON {meeting_table}.id = {live_table}.meeting_id "  # noqa: S608
        f"WHERE {live_table}.meeting_id = %s FOR SHARE OF {live_table}, {meeting_table}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [meeting.pk])
        if cursor.fetchone() is None:
            live_state(meeting)
            cursor.execute(sql, [meeting.pk])
    # Read after the lock: what the last committed change of the room's state left.
    live = LiveState.objects.select_related("meeting__unit").get(pk=meeting.pk)
    return live.meeting, live
