"""Meeting reminders. Rules are decided by the clock in the actions; these only remind."""

from __future__ import annotations

from django.db import transaction
from django_tasks import task

from meetings import notify
from meetings.models import Meeting, MeetingStatus


@task()
def remind_approver(meeting_id: int, submitted_at: str) -> bool:
    """Remind the approver, unless the meeting was decided or resubmitted since."""
    with transaction.atomic():
        meeting = Meeting.objects.select_related("unit", "organiser", "chair", "approver").filter(pk=meeting_id).first()
        if meeting is None or meeting.status != MeetingStatus.SUBMITTED:
            return False
        if (meeting.submitted_at.isoformat() if meeting.submitted_at else "") != submitted_at:
            return False
        notify.remind_approvers(meeting)
    return True


@task()
def remind_unanswered(meeting_id: int, sequence: int) -> int:
    """Remind invitees who have not answered, unless the meeting changed since scheduling."""
    with transaction.atomic():
        meeting = Meeting.objects.select_related("unit", "organiser", "chair").filter(pk=meeting_id).first()
        if meeting is None or meeting.sequence != sequence or not meeting.is_scheduled:
            return 0
        return notify.remind_unanswered(meeting)
