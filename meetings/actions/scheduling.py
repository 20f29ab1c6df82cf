"""Changing an approved meeting's time, or calling it off; everyone invited hears of it again."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.permissions import Perm
from audit.log import log_action
from meetings import notify
from meetings.actions.common import check_room_free, check_times, lock_room, require
from meetings.models import SCHEDULED_STATUSES, Meeting, MeetingStatus


def do_postpone_meeting(actor: User, meeting: Meeting, *, start: datetime, end: datetime, reason: str) -> Meeting:
    """Move an approved meeting to a new time; everyone is notified again."""
    require(actor, Perm.RESCHEDULE_MEETING, meeting)
    if meeting.status not in SCHEDULED_STATUSES:
        raise ValidationError(_("Only an approved meeting can be postponed."), code="not_scheduled")
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": [_("Give the reason for postponing.")]})
    check_times(start, end)
    with transaction.atomic():
        lock_room(meeting)
        locked = Meeting.objects.select_for_update(of=("self",)).select_related("unit").get(pk=meeting.pk)
        if locked.status not in SCHEDULED_STATUSES:
            raise ValidationError(_("Only an approved meeting can be postponed."), code="not_scheduled")
        check_room_free(locked.room, start, end, meeting_id=locked.pk)
        old = {"start": locked.start, "end": locked.end}
        locked.start, locked.end = start, end
        locked.status = MeetingStatus.POSTPONED
        locked.postpone_count += 1
        locked.sequence += 1
        locked.save()
        log_action(
            "meeting.postponed",
            actor=actor,
            target=locked,
            unit=locked.unit,
            data={"from": old, "to": {"start": start, "end": end}, "reason": reason},
        )
        notify.meeting_changed(locked, reason=reason, cancelled=False)
    return locked


def do_cancel_meeting(actor: User, meeting: Meeting, *, reason: str) -> Meeting:
    require(actor, Perm.RESCHEDULE_MEETING, meeting)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": [_("Give the reason for cancelling.")]})
    with transaction.atomic():
        locked = Meeting.objects.select_for_update(of=("self",)).select_related("unit").get(pk=meeting.pk)
        was_scheduled = locked.status in SCHEDULED_STATUSES
        if locked.status in (MeetingStatus.CANCELLED, MeetingStatus.REJECTED):
            raise ValidationError(_("This meeting is already closed."), code="closed")
        locked.status = MeetingStatus.CANCELLED
        locked.cancel_reason = reason
        locked.sequence += 1
        locked.save()
        log_action("meeting.cancelled", actor=actor, target=locked, unit=locked.unit, data={"reason": reason})
        if was_scheduled:
            notify.meeting_changed(locked, reason=reason, cancelled=True)
    return locked
