"""Reads shared by meeting views, the calendar and (later) reports."""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from accounts.models import Right
from accounts.permissions import has_right
from audit.models import AuditEntry
from meetings import rules
from meetings.access import visible_meetings
from meetings.models import Answer, Invitation, InvitationKind, Meeting, MeetingStatus


def involved_q(user: Any) -> Q:
    mine = (
        Invitation.objects.filter(kind=InvitationKind.USER, user=user)
        .exclude(answer=Answer.DELEGATED)
        .values("meeting_id")
    )
    units = Invitation.objects.filter(kind=InvitationKind.UNIT, unit__document_receiver=user).values("meeting_id")
    return Q(organiser=user) | Q(chair=user) | Q(approver=user) | Q(pk__in=mine) | Q(pk__in=units)


def my_upcoming(user: Any) -> QuerySet[Meeting]:
    return (
        visible_meetings(user)
        .filter(involved_q(user), end__gte=timezone.now())
        .exclude(status__in=[MeetingStatus.REJECTED])
        .order_by("start")
    )


def approval_queue(user: Any) -> QuerySet[Meeting]:
    """Meetings waiting for this user's decision (designated approver, or a leader of the unit)."""
    q = Q(approver=user)
    if has_right(user, Right.LEADER):
        q |= Q(approver__isnull=True, unit_id=user.unit_id)
    return (
        Meeting.objects.filter(q, status=MeetingStatus.SUBMITTED)
        .select_related("unit", "organiser", "room")
        .order_by("start")
    )


def deadline_info(meeting: Meeting) -> dict[str, Any]:
    now = timezone.now()
    deadline = rules.approval_deadline(meeting)
    return {"deadline": deadline, "overdue": now > deadline, "remaining": deadline - now}


def history(meeting: Meeting) -> QuerySet[AuditEntry]:
    return AuditEntry.objects.filter(target_type="meetings.meeting", target_id=str(meeting.pk)).order_by("seq")


def invitation_rows(meeting: Meeting) -> list[Invitation]:
    return list(
        meeting.invitations.select_related(
            "user__unit", "unit__document_receiver", "substitute_for__user", "answered_by"
        ).order_by("role", "kind", "id")
    )


def answer_counts(invitations: list[Invitation]) -> dict[str, int]:
    counts = Counter(i.answer for i in invitations if i.kind != InvitationKind.GUEST)
    return {
        "invited": sum(1 for i in invitations if i.kind == InvitationKind.USER and i.substitute_for_id is None),
        "units": sum(1 for i in invitations if i.kind == InvitationKind.UNIT),
        "guests": sum(1 for i in invitations if i.kind == InvitationKind.GUEST),
        "confirmed": counts[Answer.CONFIRMED],
        "declined": counts[Answer.DECLINED],
        "delegated": counts[Answer.DELEGATED],
        "pending": counts[Answer.PENDING],
    }


def my_invitation(meeting: Meeting, user: Any) -> Invitation | None:
    return (
        meeting.invitations.filter(kind=InvitationKind.USER, user=user).select_related("substitute_for__user").first()
    )


def home_summary(user: Any) -> dict[str, Any]:
    """What the home page shows about meetings: the next ones and what waits for the user."""
    unanswered = (
        Invitation.objects.filter(
            kind=InvitationKind.USER,
            user=user,
            answer=Answer.PENDING,
            meeting__status__in=[MeetingStatus.APPROVED, MeetingStatus.POSTPONED],
            meeting__start__gt=timezone.now(),
        )
        .select_related("meeting")
        .order_by("meeting__start")
    )
    return {
        "next_meetings": list(
            my_upcoming(user).filter(status__in=[MeetingStatus.APPROVED, MeetingStatus.POSTPONED])[:5]
        ),
        "unanswered": list(unanswered[:5]),
        "approval_count": approval_queue(user).count(),
    }
