"""Time rules of the regulation, decided from the clock at the moment of the request.

- Điều 6.2: a regular meeting must be approved no later than 2 days before it starts; an urgent
  or extraordinary one at least 3 hours before.
- Điều 6.3a: invitees of a meeting in the weekly schedule answer no later than 1 day before it
  starts; for urgent/extraordinary meetings, on receiving the notice (any time before the start).
- Điều 6.3b: a "no device / no account" request is made at least 1 day before a meeting of the
  weekly schedule; an urgent/extraordinary meeting (announced with less notice, Điều 6.2 and
  6.3a) accepts requests until it starts, so the unit admin can still help (Điều 6.3c).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.utils import timezone

from meetings.models import MeetingKind

if TYPE_CHECKING:
    from meetings.models import Meeting

REGULAR_APPROVAL_LEAD = timedelta(days=2)
URGENT_APPROVAL_LEAD = timedelta(hours=3)
REGULAR_ANSWER_LEAD = timedelta(days=1)
SUPPORT_REQUEST_LEAD = timedelta(days=1)


def is_regular(meeting: Meeting) -> bool:
    return meeting.kind == MeetingKind.REGULAR


def approval_deadline(meeting: Meeting) -> datetime:
    return meeting.start - (REGULAR_APPROVAL_LEAD if is_regular(meeting) else URGENT_APPROVAL_LEAD)


def approval_is_late(meeting: Meeting, now: datetime | None = None) -> bool:
    return (now or timezone.now()) > approval_deadline(meeting)


def answer_deadline(meeting: Meeting) -> datetime:
    return meeting.start - REGULAR_ANSWER_LEAD if is_regular(meeting) else meeting.start


def answer_is_late(meeting: Meeting, now: datetime | None = None) -> bool:
    return (now or timezone.now()) > answer_deadline(meeting)


def support_request_deadline(meeting: Meeting) -> datetime:
    return meeting.start - SUPPORT_REQUEST_LEAD if is_regular(meeting) else meeting.start


def support_request_is_late(meeting: Meeting, now: datetime | None = None) -> bool:
    return (now or timezone.now()) > support_request_deadline(meeting)


def approver_reminder_time(meeting: Meeting, now: datetime | None = None) -> datetime:
    """When to remind the approver: a quarter of the remaining time before the deadline,
    but at least 1 hour (regular) or 30 minutes (urgent) before it; never in the past."""
    now = now or timezone.now()
    deadline = approval_deadline(meeting)
    margin = max((deadline - now) / 4, timedelta(hours=1) if is_regular(meeting) else timedelta(minutes=30))
    return max(now, deadline - margin)


def answer_reminder_time(meeting: Meeting, now: datetime | None = None) -> datetime:
    """Remind invitees without an answer 1 day before the answer deadline (regular meetings)
    or halfway to the start (urgent ones); never in the past."""
    now = now or timezone.now()
    deadline = answer_deadline(meeting)
    if is_regular(meeting):
        return max(now, deadline - timedelta(days=1))
    return max(now, now + (deadline - now) / 2)
