"""What the meetings app holds about a person, for their data export (core.personal_data)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from accounts.models import User
from meetings.models import CalendarFeed, Invitation, Meeting, SupportRequest


def _meeting(m: Meeting) -> dict[str, Any]:
    return {"id": m.pk, "title": m.title, "start": m.start, "end": m.end, "status": m.status}


def export(user: User) -> dict[str, Any]:
    invitations = [
        {
            "meeting": _meeting(inv.meeting),
            "kind": inv.kind,
            "role": inv.role,
            "answer": inv.answer,
            "reason": inv.reason,
            "answered_at": inv.answered_at,
            "answered_by_self": inv.answered_by_id == user.pk if inv.answered_by_id else None,
            "substitute_for": inv.substitute_for.label if inv.substitute_for else None,
            "named_by_unit": inv.named_by_unit.label if inv.named_by_unit else None,
        }
        for inv in Invitation.objects.filter(user=user)
        .select_related("meeting", "substitute_for__user", "substitute_for__unit", "named_by_unit__unit")
        .order_by("meeting__start", "id")
    ]
    roles = Meeting.objects.filter(
        Q(organiser=user) | Q(chair=user) | Q(document_approver=user) | Q(document_preparer=user) | Q(approver=user)
    ).order_by("start")
    meetings_with_a_role = [
        {
            **_meeting(m),
            "organiser": m.organiser_id == user.pk,
            "chair": m.chair_id == user.pk,
            "document_approver": m.document_approver_id == user.pk,
            "document_preparer": m.document_preparer_id == user.pk,
            "approver": m.approver_id == user.pk,
        }
        for m in roles
    ]
    support = [
        {"meeting": _meeting(r.meeting), "kind": r.kind, "note": r.note, "status": r.status, "created_at": r.created_at}
        for r in SupportRequest.objects.filter(requester=user).select_related("meeting").order_by("created_at")
    ]
    feed = CalendarFeed.objects.filter(user=user).first()
    return {
        "invitations": invitations,
        "meetings_with_a_role": meetings_with_a_role,
        "support_requests": support,
        # The feed's secret address is not included: it works like a password.
        "calendar_feed_created_at": feed.created_at if feed else None,
    }
