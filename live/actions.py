"""Every write of the meeting room that concerns running it and attendance (Điều 3.1c, 5.5).

Each action is atomic, checks the rule with `can()` again (the view or consumer already did),
writes an audit entry, and emits a numbered event for the meeting's screens on commit.
Requests to speak live in live/speaking.py, comments and incidents in live/contributions.py.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.permissions import Perm, can
from audit.log import log_action
from live import events, rules
from live.models import (
    PRESENT_STATUSES,
    Attendance,
    AttendanceStatus,
    CheckinMethod,
    ItemConclusion,
    LiveState,
    QuorumRule,
    SpeakRequest,
    SpeakState,
)
from live.permissions import attendee_invitation
from live.queries import attendance_counts, attendance_row, eligible_invitations, floor_data
from meetings.models import AgendaItem, Invitation, Meeting, MeetingStatus

STARTABLE = (MeetingStatus.APPROVED, MeetingStatus.POSTPONED)


def _require(actor: Any, perm: Perm, obj: Any) -> None:
    if not can(actor, perm, obj):
        raise PermissionDenied


def live_state(meeting: Meeting) -> LiveState:
    live, _created = LiveState.objects.get_or_create(meeting=meeting)
    live.meeting = meeting
    return live


def _locked(meeting: Meeting) -> tuple[Meeting, LiveState]:
    """Caller is atomic: lock the meeting row (state changes are serialised per meeting)."""
    live_state(meeting)
    locked = Meeting.objects.select_for_update(of=("self",)).select_related("unit").get(pk=meeting.pk)
    live = LiveState.objects.select_for_update().get(pk=meeting.pk)
    live.meeting = locked
    return locked, live


def _meeting_event(meeting: Meeting, live: LiveState) -> None:
    events.emit(
        meeting.pk,
        "meeting",
        {
            "status": meeting.status,
            "started_at": live.started_at.isoformat() if live.started_at else None,
            "ended_at": live.ended_at.isoformat() if live.ended_at else None,
            "current_item_id": live.current_item_id,
            "discussion_open": live.discussion_open,
        },
    )


# --- running the meeting ----------------------------------------------------------------------


def do_update_room_settings(
    actor: Any,
    meeting: Meeting,
    *,
    quorum_rule: str,
    speaking_limit_seconds: int,
    checkin_opens_minutes: int,
    checkin_closes_minutes: int,
) -> LiveState:
    _require(actor, Perm.RUN_MEETING, meeting)
    if quorum_rule not in QuorumRule.values:
        raise ValidationError(_("Choose a quorum rule from the list."))
    if not 30 <= speaking_limit_seconds <= 3600:
        raise ValidationError(_("The speaking time limit must be between 30 seconds and 60 minutes."))
    if not (0 <= checkin_opens_minutes <= 24 * 60 and 0 <= checkin_closes_minutes <= 24 * 60):
        raise ValidationError(_("The check-in window must be between 0 and 1,440 minutes around the start."))
    with transaction.atomic():
        locked, live = _locked(meeting)
        if locked.status == MeetingStatus.ENDED:
            raise ValidationError(_("The meeting has ended; its settings can no longer change."))
        live.quorum_rule = quorum_rule
        live.speaking_limit_seconds = speaking_limit_seconds
        live.checkin_opens_minutes = checkin_opens_minutes
        live.checkin_closes_minutes = checkin_closes_minutes
        live.save()
        log_action(
            "meeting.room_settings_changed",
            actor=actor,
            target=locked,
            unit=locked.unit,
            data={"quorum": quorum_rule, "speaking_limit": speaking_limit_seconds},
        )
        events.emit(locked.pk, "settings", {"quorum_rule": quorum_rule, "speaking_limit": speaking_limit_seconds})
        events.emit(locked.pk, "attendance", {"counts": attendance_counts(locked, live), "row": None})
    return live


def do_start_meeting(actor: Any, meeting: Meeting) -> Meeting:
    _require(actor, Perm.RUN_MEETING, meeting)
    with transaction.atomic():
        locked, live = _locked(meeting)
        if locked.status not in STARTABLE:
            raise ValidationError(_("Only an approved meeting that has not started can be started."))
        now = timezone.now()
        locked.status = MeetingStatus.IN_PROGRESS
        locked.save(update_fields=["status", "updated_at"])
        live.started_at, live.started_by = now, actor
        if live.current_item_id is None:
            live.current_item = locked.agenda_items.order_by("order").first()
        live.save()
        log_action("meeting.started", actor=actor, target=locked, unit=locked.unit)
        _meeting_event(locked, live)
    return locked


def do_end_meeting(actor: Any, meeting: Meeting) -> Meeting:
    """End the meeting: the floor is closed, open polls are closed, attendance is frozen (everyone
    invited who never checked in is recorded absent) for the reports."""
    _require(actor, Perm.RUN_MEETING, meeting)
    with transaction.atomic():
        locked, live = _locked(meeting)
        if locked.status != MeetingStatus.IN_PROGRESS:
            raise ValidationError(_("Only a meeting in progress can be ended."))
        now = timezone.now()
        SpeakRequest.objects.filter(meeting=locked, state=SpeakState.SPEAKING).update(
            state=SpeakState.DONE, ended_at=now
        )
        SpeakRequest.objects.filter(meeting=locked, state=SpeakState.WAITING).update(state=SpeakState.SKIPPED)
        _close_open_polls(actor, locked)
        missing = eligible_invitations(locked).filter(attendance__isnull=True)
        Attendance.objects.bulk_create(
            [
                Attendance(
                    meeting=locked,
                    invitation=inv,
                    user=inv.user,
                    status=AttendanceStatus.ABSENT,
                    method=CheckinMethod.SECRETARY,
                    marked_by=actor,
                )
                for inv in missing
            ]
        )
        Attendance.objects.filter(meeting=locked).update(frozen=True)
        locked.status = MeetingStatus.ENDED
        locked.save(update_fields=["status", "updated_at"])
        live.ended_at, live.ended_by, live.discussion_open = now, actor, False
        live.save()
        counts = attendance_counts(locked, live)
        log_action("meeting.ended", actor=actor, target=locked, unit=locked.unit, data={"attendance": counts})
        _meeting_event(locked, live)
        events.emit(locked.pk, "floor", floor_data(locked, live))
        events.emit(locked.pk, "attendance", {"counts": counts, "row": None})
    return locked


def _close_open_polls(actor: Any, meeting: Meeting) -> None:
    """Votes still open when the meeting ends are closed with it (polls app, if installed)."""
    from django.apps import apps

    if not apps.is_installed("polls"):
        return
    from live.voting import close_all_open

    close_all_open(actor, meeting)


def do_set_current_item(actor: Any, meeting: Meeting, item: AgendaItem | None) -> LiveState:
    _require(actor, Perm.RUN_MEETING, meeting)
    if item is not None and item.meeting_id != meeting.pk:
        raise ValidationError(_("This agenda item belongs to another meeting."))
    with transaction.atomic():
        locked, live = _locked(meeting)
        if locked.status != MeetingStatus.IN_PROGRESS:
            raise ValidationError(_("Start the meeting before moving through the agenda."))
        live.current_item = item
        live.discussion_open = False
        live.save()
        log_action(
            "meeting.agenda_moved",
            actor=actor,
            target=locked,
            unit=locked.unit,
            data={"item": item.pk if item else None, "title": item.title if item else ""},
        )
        _meeting_event(locked, live)
    return live


def do_set_discussion(actor: Any, meeting: Meeting, *, open: bool) -> LiveState:
    _require(actor, Perm.RUN_MEETING, meeting)
    with transaction.atomic():
        locked, live = _locked(meeting)
        if locked.status != MeetingStatus.IN_PROGRESS:
            raise ValidationError(_("Discussion can be opened only while the meeting is in progress."))
        if live.discussion_open == open:
            return live
        live.discussion_open = open
        live.save(update_fields=["discussion_open"])
        log_action(
            "meeting.discussion_opened" if open else "meeting.discussion_closed",
            actor=actor,
            target=locked,
            unit=locked.unit,
            data={"item": live.current_item_id},
        )
        _meeting_event(locked, live)
    return live


def do_conclude_item(actor: Any, meeting: Meeting, item: AgendaItem, *, text: str) -> ItemConclusion:
    _require(actor, Perm.RUN_MEETING, meeting)
    text = (text or "").strip()
    if not text:
        raise ValidationError(_("Write the conclusion of the agenda item."))
    if len(text) > 5000:
        raise ValidationError(_("The conclusion is too long (at most 5,000 characters)."))
    if item.meeting_id != meeting.pk:
        raise ValidationError(_("This agenda item belongs to another meeting."))
    with transaction.atomic():
        locked, live = _locked(meeting)
        if locked.status != MeetingStatus.IN_PROGRESS:
            raise ValidationError(_("Agenda items are concluded while the meeting is in progress."))
        conclusion, _created = ItemConclusion.objects.update_or_create(
            agenda_item=item, defaults={"text": text, "concluded_by": actor, "concluded_at": timezone.now()}
        )
        log_action(
            "meeting.item_concluded",
            actor=actor,
            target=locked,
            unit=locked.unit,
            data={"item": item.pk, "conclusion": text[:500]},
        )
        events.emit(locked.pk, "conclusion", {"item_id": item.pk, "text": text})
    return conclusion


# --- check-in (Điều 3.1c) ---------------------------------------------------------------------


def do_check_in(user: Any, meeting: Meeting, *, code: str | None = None, now: datetime | None = None) -> Attendance:
    """Self check-in from the attendee's own device, or by the room's QR code (`code`).

    Only invitees with attendee rights (or their substitutes), within the window. Checking in
    twice changes nothing and returns the first check-in."""
    now = now or timezone.now()
    _require(user, Perm.ATTEND_MEETING, meeting)
    invitation = attendee_invitation(user, meeting)
    if invitation is None:  # lost the right between the check and here
        raise PermissionDenied
    with transaction.atomic():
        locked, live = _locked(meeting)
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
    meeting: Meeting, users: list[Any], *, now: datetime | None = None
) -> tuple[list[str | Exception], list[dict[str, Any]]]:
    """Self check-ins of many attendees in one transaction (the websocket's burst path): the same
    rules as `do_check_in`, one audit entry and one event for the whole batch. Returns, per user,
    the attendance status or the exception that refused them, and the rows that changed."""
    now = now or timezone.now()
    results: list[str | Exception] = []
    with transaction.atomic():
        locked, live = _locked(meeting)
        if locked.status not in (*STARTABLE, MeetingStatus.IN_PROGRESS):
            return [ValidationError(_("Check-in is closed: the meeting is not open."))] * len(users), []
        if not rules.checkin_open(live, now):
            return [ValidationError(_("Check-in is closed: the meeting is not open."))] * len(users), []
        invitations = {
            inv.user_id: inv
            for inv in eligible_invitations(locked).filter(user__in=[u.pk for u in users]).select_related("user__unit")
        }
        existing = {a.invitation_id: a for a in Attendance.objects.filter(invitation__in=list(invitations.values()))}
        status = AttendanceStatus.LATE if rules.is_late(live, now) else AttendanceStatus.PRESENT
        changed: list[Attendance] = []
        for user in users:
            invitation = invitations.get(user.pk)
            if invitation is None or not user.is_active:
                results.append(PermissionDenied())
                continue
            current = existing.get(invitation.pk)
            if current is not None and current.status in PRESENT_STATUSES:
                results.append(current.status)
                continue
            if current is not None and current.frozen:
                results.append(ValidationError(_("Attendance of this meeting is closed.")))
                continue
            attendance = _save_attendance(
                locked, invitation, current, status=status, method=CheckinMethod.SELF, by=user, now=now
            )
            attendance.invitation = invitation
            existing[invitation.pk] = attendance
            changed.append(attendance)
            results.append(attendance.status)
        if changed:
            log_action(
                "meeting.checked_in_many",
                actor=None,
                actor_name=_("Self check-in"),
                target=locked,
                unit=locked.unit,
                data={"invitations": [a.invitation_id for a in changed], "status": status},
            )
        # No numbered event per batch: the caller (the websocket's check-in writer) sends the rows
        # to the runners and throttled counts to everyone, so a burst of 2,000 check-ins costs a few
        # messages per screen instead of one per batch.
        rows = [attendance_row(a) for a in changed]
    return results, rows


def do_mark_attendance(actor: Any, meeting: Meeting, invitation: Invitation, *, status: str) -> Attendance:
    """The secretary or organiser records anyone invited as present, late, absent or excused."""
    _require(actor, Perm.RUN_MEETING, meeting)
    if status not in AttendanceStatus.values:
        raise ValidationError(_("Choose an attendance status from the list."))
    if invitation.meeting_id != meeting.pk or not eligible_invitations(meeting).filter(pk=invitation.pk).exists():
        raise ValidationError(_("This person is not an attendee of the meeting."))
    with transaction.atomic():
        locked, live = _locked(meeting)
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


def _save_attendance(
    meeting: Meeting,
    invitation: Invitation,
    existing: Attendance | None,
    *,
    status: str,
    method: str,
    by: Any,
    now: datetime,
) -> Attendance:
    attendance = existing or Attendance(meeting=meeting, invitation=invitation, user=invitation.user)
    attendance.status = status
    attendance.method = method
    attendance.marked_by = by
    attendance.updated_at = now
    if status in PRESENT_STATUSES and attendance.checked_in_at is None:
        attendance.checked_in_at = now
    try:
        with transaction.atomic():
            attendance.save()
    except IntegrityError:  # a concurrent first check-in of the same invitation won
        attendance = Attendance.objects.get(invitation=invitation)
    return attendance


def _attendance_event(meeting: Meeting, live: LiveState, attendance: Attendance) -> None:
    events.emit(
        meeting.pk,
        "attendance",
        {"counts": attendance_counts(meeting, live), "row": attendance_row(attendance)},
    )
