"""Check-in and attendance (Điều 3.1c): an attendee checks in from their own device or by the
room's QR code, within the window the room's settings give; many at once over the websocket; the
secretary records anyone invited as present, late, absent or excused."""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Field, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.access import require
from accounts.models import User
from accounts.permissions import Perm
from audit.log import log_action
from live import events, rules
from live.actions.common import STARTABLE, lock_room, lock_room_shared
from live.models import PRESENT_STATUSES, Attendance, AttendanceStatus, CheckinMethod, LiveState
from live.permissions import attendee_invitation
from live.queries import attendance_counts, attendance_row, attendance_rows, eligible_invitations
from meetings.models import Invitation, Meeting, MeetingStatus


def do_check_in(user: User, meeting: Meeting, *, code: str | None = None, now: datetime | None = None) -> Attendance:
    """Self check-in from the attendee's own device, or by the room's QR code (`code`).

    Only invitees with attendee rights (or their substitutes), within the window. Checking in
    twice changes nothing and returns the first check-in."""
    now = now or timezone.now()
    require(user, Perm.ATTEND_MEETING, meeting)
    invitation = attendee_invitation(user, meeting)
    if invitation is None:  # lost the right between the check and here
        raise PermissionDenied
    with transaction.atomic():
        locked, live = lock_room(meeting)
        if locked.status not in (*STARTABLE, MeetingStatus.IN_PROGRESS):
            raise ValidationError(_("Check-in is closed: the meeting is not open."))
        if not rules.checkin_open(live, now):
            opens, closes = rules.checkin_window(live)
            raise ValidationError(
                _("Check-in is open from %(opens)s to %(closes)s.")
                % {
                    "opens": timezone.localtime(opens).strftime("%H:%M %d/%m/%Y"),
                    "closes": timezone.localtime(closes).strftime("%H:%M %d/%m/%Y"),
                }
            )
        method = CheckinMethod.SELF
        if code is not None:
            if not rules.qr_code_valid(live, code, now):
                raise ValidationError(_("This room code has expired. Scan the code on the screen again."))
            method = CheckinMethod.QR
        existing = Attendance.objects.filter(invitation=invitation).first()
        if existing is not None and existing.status in PRESENT_STATUSES:
            return existing
        if existing is not None and existing.frozen:
            raise ValidationError(_("Attendance of this meeting is closed."))
        status = AttendanceStatus.LATE if rules.is_late(live, now) else AttendanceStatus.PRESENT
        attendance = _save_attendance(locked, invitation, existing, status=status, method=method, by=user, now=now)
        log_action(
            "meeting.checked_in",
            actor=user,
            target=locked,
            unit=locked.unit,
            data={"invitation": invitation.pk, "status": status, "method": method},
        )
        _attendance_event(locked, live, attendance)
    return attendance


def do_check_in_many(
    meeting: Meeting, users: list[User], *, now: datetime | None = None
) -> tuple[list[str | Exception], list[dict[str, Any]]]:
    """Self check-ins of many attendees in one transaction (the websocket's burst path): the same
    rules as `do_check_in`, one audit entry and one event for the whole batch. Returns, per user,
    the attendance status or the exception that refused them, and the rows that changed."""
    now = now or timezone.now()
    results: list[str | Exception] = []
    with transaction.atomic():
        # Shared: the batches of several server processes write at once (different people's
        # rows; the same person twice is settled by the insert below); ending the meeting or a
        # secretary's mark waits for them.
        locked, live = lock_room_shared(meeting)
        if locked.status not in (*STARTABLE, MeetingStatus.IN_PROGRESS):
            return [ValidationError(_("Check-in is closed: the meeting is not open."))] * len(users), []
        if not rules.checkin_open(live, now):
            return [ValidationError(_("Check-in is closed: the meeting is not open."))] * len(users), []
        status = AttendanceStatus.LATE if rules.is_late(live, now) else AttendanceStatus.PRESENT
        # Plain values, no model instances, and one query for the invitations with their
        # attendance: this runs for bursts of hundreds under the room's lock, which the other
        # server processes' batches wait for (docs/live.md).
        invitation_of: dict[int, int] = {}
        existing: dict[int, tuple[int | None, str | None, bool]] = {}
        for user_id, row_invitation, row_pk, row_status, row_frozen in (
            eligible_invitations(locked)
            .filter(user__in=[u.pk for u in users if u.is_active])
            .values_list("user_id", "pk", "attendance__pk", "attendance__status", "attendance__frozen")
        ):
            invitation_of[user_id] = row_invitation
            existing[row_invitation] = (row_pk, row_status, bool(row_frozen))
        new: dict[int, int] = {}  # invitation -> user: first check-ins, inserted together below
        updated: list[int] = []  # attendance rows marked absent or excused before: updated together
        for user in users:
            invitation_id = invitation_of.get(user.pk) if user.is_active else None
            if invitation_id is None:
                results.append(PermissionDenied())
                continue
            pk, current, frozen = existing.get(invitation_id, (None, None, False))
            if current in PRESENT_STATUSES:
                results.append(current)  # also the same person twice in one batch
                continue
            if frozen:
                results.append(ValidationError(_("Attendance of this meeting is closed.")))
                continue
            if pk is None:
                new[invitation_id] = user.pk
            else:
                updated.append(pk)
            existing[invitation_id] = (pk, status, False)
            results.append(status)
        changed = _save_many(locked, new, updated, status=status, now=now)
        if changed:
            log_action(
                "meeting.checked_in_many",
                actor=None,
                actor_name=_("Self check-in"),
                target=locked,
                unit=locked.unit,
                data={"invitations": changed, "status": status},
            )
    # No numbered event per batch: the caller (the websocket's check-in writer) sends the rows
    # to the runners and throttled counts to everyone, so a burst of 2,000 check-ins costs a few
    # messages per screen instead of one per batch. Read once the room's lock is released (the
    # other server processes' batches wait for it).
    return results, attendance_rows(locked, changed)


def do_mark_attendance(actor: User, meeting: Meeting, invitation: Invitation, *, status: str) -> Attendance:
    """The secretary or organiser records anyone invited as present, late, absent or excused."""
    require(actor, Perm.RUN_MEETING, meeting)
    if status not in AttendanceStatus.values:
        raise ValidationError(_("Choose an attendance status from the list."))
    if invitation.meeting_id != meeting.pk or not eligible_invitations(meeting).filter(pk=invitation.pk).exists():
        raise ValidationError(_("This person is not an attendee of the meeting."))
    with transaction.atomic():
        locked, live = lock_room(meeting)
        if locked.status not in (*STARTABLE, MeetingStatus.IN_PROGRESS):
            raise ValidationError(_("Attendance of this meeting is closed."))
        existing = Attendance.objects.filter(invitation=invitation).first()
        if existing is not None and existing.frozen:
            raise ValidationError(_("Attendance of this meeting is closed."))
        attendance = _save_attendance(
            locked, invitation, existing, status=status, method=CheckinMethod.SECRETARY, by=actor, now=timezone.now()
        )
        log_action(
            "meeting.attendance_marked",
            actor=actor,
            target=locked,
            unit=locked.unit,
            data={"invitation": invitation.pk, "status": status},
        )
        _attendance_event(locked, live, attendance)
    return attendance


def _mark(attendance: Attendance, *, status: str, method: str, by: User, now: datetime) -> None:
    attendance.status = status
    attendance.method = method
    attendance.marked_by = by
    attendance.updated_at = now
    if status in PRESENT_STATUSES and attendance.checked_in_at is None:
        attendance.checked_in_at = now


def _save_attendance(
    meeting: Meeting,
    invitation: Invitation,
    existing: Attendance | None,
    *,
    status: str,
    method: str,
    by: User,
    now: datetime,
) -> Attendance:
    attendance = existing or Attendance(meeting=meeting, invitation=invitation, user=invitation.user)
    _mark(attendance, status=status, method=method, by=by, now=now)
    try:
        with transaction.atomic():
            attendance.save()
    except IntegrityError:  # a concurrent first check-in of the same invitation won
        attendance = Attendance.objects.get(invitation=invitation)
    return attendance


def _save_many(meeting: Meeting, new: dict[int, int], updated: list[int], *, status: str, now: datetime) -> list[int]:
    """Write a batch of self check-ins with two statements: the first check-ins (`new`:
    invitation -> user) inserted together, the people marked absent or excused who came after
    all (`updated`: their rows) updated together. Returns the invitations whose row changed, the
    new ones first. Caller holds the room lock, shared with other check-in batches: a first
    check-in of the same invitation committed by another batch meanwhile (one attendance per
    invitation is a unique constraint) makes the insert skip that row (ON CONFLICT DO NOTHING)
    and the existing row wins, as in `do_check_in`."""
    changed: list[int] = []
    if updated:
        Attendance.objects.filter(pk__in=updated).update(
            status=status,
            method=CheckinMethod.SELF,
            marked_by=F("user"),  # a self check-in: the person whose invitation it is
            updated_at=now,
            checked_in_at=Coalesce("checked_in_at", Value(now)),
        )
        changed += list(Attendance.objects.filter(pk__in=updated).values_list("invitation_id", flat=True))
    if not new:
        return changed
    values = {
        "meeting": meeting.pk,
        "status": status,
        "method": CheckinMethod.SELF.value,
        "checked_in_at": now,
        "updated_at": now,
        "frozen": False,
    }
    # Prepared once for the batch: only the invitation and the person vary from row to row.
    prepared = {f: _field(f).get_db_prep_save(v, connection) for f, v in values.items()}
    inserted: set[int] = set()
    pairs = list(new.items())
    with connection.cursor() as cursor:
        for start in range(0, len(pairs), _INSERT_ROWS):  # within both databases' parameter limits
            chunk = pairs[start : start + _INSERT_ROWS]
            cursor.execute(_insert_sql(len(chunk)), [p for pair in chunk for p in _insert_params(prepared, *pair)])
            inserted.update(row[0] for row in cursor.fetchall())
    # A row that was there already (the same invitation checked in by another process's batch
    # at the same moment) is not this batch's change: the existing row wins, as in do_check_in.
    return [invitation_id for invitation_id in new if invitation_id in inserted] + changed


# The columns of a self check-in's row; `invitation`, `user` and `marked_by` vary per row.
_INSERT_FIELDS = (
    "meeting",
    "invitation",
    "user",
    "status",
    "method",
    "checked_in_at",
    "marked_by",
    "updated_at",
    "frozen",
)


_INSERT_ROWS = 500  # 9 parameters a row: 4,500 a statement (SQLite allows 32,766, PostgreSQL 65,535)


def _insert_sql(rows: int) -> str:
    """One INSERT of `rows` rows: one statement for a batch, a few milliseconds for 500 rows,
    where building them as models for `bulk_create` took 50–60 (docs/live.md). Names come from
    the model, values are parameters."""
    quote = connection.ops.quote_name
    columns = ", ".join(quote(str(_field(f).column)) for f in _INSERT_FIELDS)
    row = "(" + ", ".join(["%s"] * len(_INSERT_FIELDS)) + ")"
    invitation = quote(str(_field("invitation").column))
    return (
        f"INSERT INTO {quote(Attendance._meta.db_table)} ({columns}) VALUES "  # noqa: S608
        + ", ".join([row] * rows)
        + f" ON CONFLICT ({invitation}) DO NOTHING RETURNING {invitation}"
    )


def _field(name: str) -> Field[Any, Any]:
    return cast("Field[Any, Any]", Attendance._meta.get_field(name))


def _insert_params(prepared: dict[str, Any], invitation_id: int, user_id: int) -> list[Any]:
    row = {**prepared, "invitation": invitation_id, "user": user_id, "marked_by": user_id}
    return [row[f] for f in _INSERT_FIELDS]


def _attendance_event(meeting: Meeting, live: LiveState, attendance: Attendance) -> None:
    events.emit(
        meeting.pk,
        "attendance",
        {"counts": attendance_counts(meeting, live), "row": attendance_row(attendance)},
    )
