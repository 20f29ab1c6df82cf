"""Running the meeting (Điều 5.5): the room's settings, start and end, the agenda item on
screen, the discussion, and each item's conclusion. Only the meeting's runners (Perm.RUN_MEETING)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.access import require
from accounts.models import User
from accounts.permissions import Perm
from audit.log import log_action
from live import events, hooks
from live.actions.common import STARTABLE, lock_room
from live.models import (
    Attendance,
    AttendanceStatus,
    CheckinMethod,
    ItemConclusion,
    LiveState,
    QuorumRule,
    SpeakRequest,
    SpeakState,
)
from live.queries import attendance_counts, eligible_invitations, floor_data
from meetings.models import AgendaItem, Meeting, MeetingStatus


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


def do_update_room_settings(
    actor: User,
    meeting: Meeting,
    *,
    quorum_rule: str,
    speaking_limit_seconds: int,
    checkin_opens_minutes: int,
    checkin_closes_minutes: int,
) -> LiveState:
    require(actor, Perm.RUN_MEETING, meeting)
    if quorum_rule not in QuorumRule.values:
        raise ValidationError(_("Choose a quorum rule from the list."))
    if not 30 <= speaking_limit_seconds <= 3600:
        raise ValidationError(_("The speaking time limit must be between 30 seconds and 60 minutes."))
    if not (0 <= checkin_opens_minutes <= 24 * 60 and 0 <= checkin_closes_minutes <= 24 * 60):
        raise ValidationError(_("The check-in window must be between 0 and 1,440 minutes around the start."))
    with transaction.atomic():
        locked, live = lock_room(meeting)
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


def do_start_meeting(actor: User, meeting: Meeting) -> Meeting:
    require(actor, Perm.RUN_MEETING, meeting)
    with transaction.atomic():
        locked, live = lock_room(meeting)
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


def do_end_meeting(actor: User, meeting: Meeting) -> Meeting:
    """End the meeting: the floor is closed, open polls are closed, attendance is frozen (everyone
    invited who never checked in is recorded absent) for the reports."""
    require(actor, Perm.RUN_MEETING, meeting)
    with transaction.atomic():
        locked, live = lock_room(meeting)
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
        # Only these fields: closing the open votes above numbered events (LiveState.seq), and a
        # full save would write the stale number back, giving "ended" the number of a vote's
        # event; open screens would drop it as already seen and never learn the meeting ended.
        live.save(update_fields=["ended_at", "ended_by", "discussion_open"])
        counts = attendance_counts(locked, live)
        log_action("meeting.ended", actor=actor, target=locked, unit=locked.unit, data={"attendance": counts})
        _meeting_event(locked, live)
        events.emit(locked.pk, "floor", floor_data(locked, live))
        events.emit(locked.pk, "attendance", {"counts": counts, "row": None})
        transaction.on_commit(lambda: hooks.meeting_ended(locked, actor))
    return locked


def _close_open_polls(actor: User, meeting: Meeting) -> None:
    """Votes still open when the meeting ends are closed with it (polls app, if installed)."""
    from django.apps import apps

    if not apps.is_installed("polls"):
        return
    from live.actions.voting import close_all_open

    close_all_open(actor, meeting)


def do_set_current_item(actor: User, meeting: Meeting, item: AgendaItem | None) -> LiveState:
    require(actor, Perm.RUN_MEETING, meeting)
    if item is not None and item.meeting_id != meeting.pk:
        raise ValidationError(_("This agenda item belongs to another meeting."))
    with transaction.atomic():
        locked, live = lock_room(meeting)
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


def do_set_discussion(actor: User, meeting: Meeting, *, open: bool) -> LiveState:
    require(actor, Perm.RUN_MEETING, meeting)
    with transaction.atomic():
        locked, live = lock_room(meeting)
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


def do_conclude_item(actor: User, meeting: Meeting, item: AgendaItem, *, text: str) -> ItemConclusion:
    require(actor, Perm.RUN_MEETING, meeting)
    text = (text or "").strip()
    if not text:
        raise ValidationError(_("Write the conclusion of the agenda item."))
    if len(text) > 5000:
        raise ValidationError(_("The conclusion is too long (at most 5,000 characters)."))
    if item.meeting_id != meeting.pk:
        raise ValidationError(_("This agenda item belongs to another meeting."))
    with transaction.atomic():
        locked, _live = lock_room(meeting)
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
