"""The approving leader's decision on a submitted meeting (Điều 6.2): approve, return, reject."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.permissions import Perm
from audit.log import log_action
from meetings import notify, rules
from meetings.actions.common import (
    check_room_free,
    late_submission_warning,
    lock_room,
    require,
    units_without_receiver,
)
from meetings.models import Meeting, MeetingStatus


def _decide(actor: User, meeting: Meeting) -> Meeting:
    """The meeting, locked, if `actor` may decide it now. Caller holds a transaction."""
    require(actor, Perm.DECIDE_MEETING, meeting)
    locked = Meeting.objects.select_for_update(of=("self",)).select_related("unit").get(pk=meeting.pk)
    if locked.status != MeetingStatus.SUBMITTED:
        raise ValidationError(_("This meeting has already been decided."), code="decided")
    return locked


def do_approve_meeting(actor: User, meeting: Meeting, *, justification: str = "") -> Meeting:
    justification = justification.strip()
    with transaction.atomic():
        lock_room(meeting)
        meeting = _decide(actor, meeting)
        now = timezone.now()
        if meeting.start <= now:
            raise ValidationError(
                _(
                    "The meeting has already started; it can no longer be approved. Return it so the organiser sets a new time."
                ),
                code="started",
            )
        late = rules.approval_is_late(meeting, now)
        if late and not justification:
            raise ValidationError(
                {"justification": [late_submission_warning(meeting) + " " + _("Enter the justification to approve.")]},
            )
        check_room_free(meeting.room, meeting.start, meeting.end, meeting_id=meeting.pk)
        meeting.status = MeetingStatus.APPROVED
        meeting.decided_at = now
        meeting.decided_by = actor
        meeting.approved_late = late
        meeting.late_justification = justification if late else ""
        meeting.sequence += 1
        meeting.save()
        log_action(
            "meeting.approved",
            actor=actor,
            target=meeting,
            unit=meeting.unit,
            data={
                "late": late,
                "justification": meeting.late_justification,
                "deadline": rules.approval_deadline(meeting),
                # Their invitation goes to their unit admins and leaders (notify.unit_receivers).
                "units_without_receiver": [m.unit.code for m in units_without_receiver(meeting)],
            },
        )
        notify.invitations_sent(meeting)
    return meeting


def _decide_with_comment(actor: User, meeting: Meeting, comment: str, status: MeetingStatus, code: str) -> Meeting:
    comment = comment.strip()
    if not comment:
        raise ValidationError({"comment": [_("Write a comment so the organiser knows what to change.")]})
    with transaction.atomic():
        meeting = _decide(actor, meeting)
        meeting.status = status
        meeting.decided_at = timezone.now()
        meeting.decided_by = actor
        meeting.decision_comment = comment
        meeting.save()
        log_action(code, actor=actor, target=meeting, unit=meeting.unit, data={"comment": comment})
        notify.decision_to_organiser(meeting, status)
    return meeting


def do_return_meeting(actor: User, meeting: Meeting, *, comment: str) -> Meeting:
    return _decide_with_comment(actor, meeting, comment, MeetingStatus.RETURNED, "meeting.returned")


def do_reject_meeting(actor: User, meeting: Meeting, *, comment: str) -> Meeting:
    return _decide_with_comment(actor, meeting, comment, MeetingStatus.REJECTED, "meeting.rejected")
