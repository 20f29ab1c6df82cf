"""Fetch-and-authorize for the meeting room: 404 for anyone who may not see the meeting."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import Http404

from accounts.models import Right
from accounts.permissions import Perm, can
from core.fetch import parse_id
from live.actions.common import live_state
from live.models import Attendance, LiveState
from live.permissions import LIVE_STATUSES, ROOM_STATUSES
from meetings.access import access_meeting
from meetings.models import Answer, Invitation, InvitationKind, InvitationRole, Meeting
from meetings.permissions import PUBLISHED_STATUSES


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


@dataclass(frozen=True)
class RoomSeat:
    """What one person may do in a meeting's room, decided when their socket connects: the
    answers of `access_live`, `can(RUN_MEETING)` and `can(ATTEND_MEETING)`, and the room's event
    number and token read in the same breath (the snapshot is current to that number)."""

    meeting_id: int
    runs: bool
    attends: bool
    seq: int
    token: str
    meeting: Meeting | None = None  # set when the full rules ran (they fetched it)
    # The person's attendance row (None: not checked in), when it was read with the rest.
    attendance_known: bool = False
    attendance_id: int | None = None


# Rights through which `is_organiser` (administers the meeting's unit) may hold: their holders go
# through the full rules.
_ADMIN_RIGHTS = (Right.SYSTEM_ADMIN, Right.UNIT_ADMIN)


def _seat_sql() -> str:
    """One statement, one round trip: the room's row with its meeting, and for one person their
    admin rights, their own invitations by kind of right, and their attendance row. Names come
    from the models; values are parameters (see `_seat_params`)."""
    from accounts.models import RightGrant

    def table(model: Any) -> str:
        return connection.ops.quote_name(model._meta.db_table)

    def column(model: Any, field: str) -> str:
        return connection.ops.quote_name(model._meta.get_field(field).column)

    inv, grant, att = table(Invitation), table(RightGrant), table(Attendance)
    own = f"FROM {inv} WHERE {column(Invitation, 'meeting')} = %s AND {column(Invitation, 'kind')} = %s AND {column(Invitation, 'user')} = %s"
    not_delegated = f"{column(Invitation, 'answer')} <> %s"
    role = column(Invitation, "role")
    # Only quoted model names are formatted in; every value is a parameter.
    return (
        f"SELECT l.{column(LiveState, 'seq')}, l.{column(LiveState, 'display_token')}, m.{column(Meeting, 'status')}, "  # noqa: S608
        f"m.{column(Meeting, 'decided_at')}, m.{column(Meeting, 'chair')}, m.{column(Meeting, 'organiser')}, "
        f"(SELECT COUNT(*) FROM {grant} WHERE {column(RightGrant, 'user')} = %s AND {column(RightGrant, 'right')} IN (%s, %s)), "
        f"(SELECT COUNT(*) {own} AND {not_delegated}), "
        f"(SELECT COUNT(*) {own} AND {role} = %s), "
        f"(SELECT COUNT(*) {own} AND {role} = %s AND {not_delegated}), "
        f"(SELECT MIN({column(Attendance, 'id')}) FROM {att} WHERE {column(Attendance, 'meeting')} = %s AND {column(Attendance, 'user')} = %s) "
        f"FROM {table(LiveState)} l INNER JOIN {table(Meeting)} m ON m.{column(Meeting, 'id')} = l.{column(LiveState, 'meeting')} "
        f"WHERE l.{column(LiveState, 'meeting')} = %s"
    )


def _seat_params(meeting_id: int, user_id: int) -> list[Any]:
    own = [meeting_id, InvitationKind.USER.value, user_id]
    return [
        user_id,
        *(r.value for r in _ADMIN_RIGHTS),
        *own,
        Answer.DELEGATED.value,
        *own,
        InvitationRole.SUPPORT.value,
        *own,
        InvitationRole.ATTENDEE.value,
        Answer.DELEGATED.value,
        meeting_id,
        user_id,
        meeting_id,
    ]


_SEAT_SQL: dict[str, str] = {}  # per database vendor


def room_seat(user: Any, meeting_id: Any) -> RoomSeat:
    """`access_live` for a socket, cheap for the 2,000 delegates of a big meeting: 404 (Http404)
    for anyone who may not see the room.

    An invited official (an own invitation not handed to a substitute) who is neither the chair,
    the organiser nor an administrator is decided from one read, current (no cache: an
    invitation added, withdrawn or delegated a moment ago counts): the room's row with its
    meeting's status, the person's admin rights and own invitations. For them the permission
    rules reduce to: they see the meeting (the invitee clause of `view_meeting`), they run it as
    support staff (`is_secretary`), they attend with an attendee invitation. Everyone else
    (organisers, chairs, administrators, unit receivers, outsiders) goes through the full rules.
    test_room_access.py checks that both give the same answers for every kind of person."""
    pk = parse_id(meeting_id)
    if user is not None and user.is_authenticated and user.is_active:
        sql = _SEAT_SQL.get(connection.vendor) or _SEAT_SQL.setdefault(connection.vendor, _seat_sql())
        with connection.cursor() as cursor:
            cursor.execute(sql, _seat_params(pk, user.pk))
            row = cursor.fetchone()
        if row is not None:
            seat = _invited_seat(user, pk, row)
            if seat is not None:
                return seat
    return _full_rules_seat(user, pk)


def _invited_seat(user: Any, pk: int, row: tuple[Any, ...]) -> RoomSeat | None:
    """The seat of an invited official from the columns of `_seat_sql`; None when the person is
    not that case (the full rules decide). Http404 when the room is not open to them."""
    seq, token, status, decided_at, chair_id, organiser_id, admin, invited, support, attendee, attendance = row
    if user.pk in (chair_id, organiser_id) or admin or not invited:
        return None
    if status not in ROOM_STATUSES:
        raise Http404
    if status not in PUBLISHED_STATUSES or decided_at is None:
        return None
    running = status in LIVE_STATUSES
    return RoomSeat(
        meeting_id=pk,
        runs=running and support > 0,
        attends=running and attendee > 0,
        seq=seq,
        token=token,
        attendance_known=True,
        attendance_id=attendance,
    )


def _full_rules_seat(user: Any, pk: int) -> RoomSeat:
    meeting, live = access_live(user, pk)
    return RoomSeat(
        meeting_id=meeting.pk,
        runs=can(user, Perm.RUN_MEETING, meeting),
        attends=can(user, Perm.ATTEND_MEETING, meeting),
        seq=live.seq,
        token=live.display_token,
        meeting=meeting,
    )


def room_seats(users: list[Any], meeting_id: Any) -> list[RoomSeat | Exception]:
    """`room_seat` for many people connecting at once, in four queries for the invited
    officials (the room with its meeting; admin rights, own invitations and attendance rows of
    all of them), the same answers: a seat, or the Http404 that refuses it. Everyone else goes
    through `room_seat`'s full rules, one by one. test_room_access.py compares the two."""
    from accounts.models import RightGrant

    pk = parse_id(meeting_id)
    eligible = [u for u in users if u is not None and u.is_authenticated and u.is_active]
    ids = {u.pk for u in eligible}
    room = (
        LiveState.objects.filter(pk=pk)
        .values_list(
            "seq",
            "display_token",
            "meeting__status",
            "meeting__decided_at",
            "meeting__chair_id",
            "meeting__organiser_id",
        )
        .first()
        if ids
        else None
    )
    admins: set[int] = set()
    own: dict[int, list[int]] = {}  # user -> [invited, support, attendee] (as `_seat_sql` counts them)
    attendance: dict[int, int] = {}
    if room is not None:
        admins = set(
            RightGrant.objects.filter(user_id__in=ids, right__in=[r.value for r in _ADMIN_RIGHTS]).values_list(
                "user_id", flat=True
            )
        )
        invitations = Invitation.objects.filter(meeting_id=pk, kind=InvitationKind.USER, user_id__in=ids)
        for user_id, role, answer in invitations.values_list("user_id", "role", "answer"):
            counts = own.setdefault(user_id, [0, 0, 0])
            not_delegated = answer is not None and answer != Answer.DELEGATED.value
            counts[0] += not_delegated
            counts[1] += role == InvitationRole.SUPPORT.value
            counts[2] += role == InvitationRole.ATTENDEE.value and not_delegated
        for user_id, attendance_id in Attendance.objects.filter(meeting_id=pk, user_id__in=ids).values_list(
            "user_id", "id"
        ):
            attendance[user_id] = min(attendance_id, attendance.get(user_id, attendance_id))
    seats: list[RoomSeat | Exception] = []
    for user in users:
        try:
            seat = None
            if room is not None and user is not None and user.pk in ids:
                invited, support, attendee = own.get(user.pk, [0, 0, 0])
                row = (*room, int(user.pk in admins), invited, support, attendee, attendance.get(user.pk))
                seat = _invited_seat(user, pk, row)
            seats.append(seat if seat is not None else _full_rules_seat(user, pk))
        except (Http404, PermissionDenied) as exc:
            seats.append(exc)
    return seats
