"""What the meeting room holds about a person, for their data export (core.personal_data)."""

from __future__ import annotations

from typing import Any

from accounts.models import User
from live.models import Attendance, Comment, Incident, ItemConclusion, SpeakRequest


def export(user: User) -> dict[str, Any]:
    attendance = list(
        Attendance.objects.filter(user=user)
        .order_by("meeting__start", "id")
        .values("meeting_id", "meeting__title", "status", "method", "checked_in_at", "updated_at")
    )
    speaking = list(
        SpeakRequest.objects.filter(user=user)
        .order_by("requested_at", "id")
        .values("meeting_id", "meeting__title", "topic", "state", "requested_at", "started_at", "ended_at")
    )
    comments = list(
        Comment.objects.filter(author=user)
        .order_by("created_at", "id")
        .values("meeting_id", "meeting__title", "agenda_item_id", "document_id", "text", "created_at")
    )
    incidents = list(
        Incident.objects.filter(reporter=user)
        .order_by("created_at", "id")
        .values("meeting_id", "kind", "description", "status", "created_at", "resolved_at")
    )
    conclusions = list(
        ItemConclusion.objects.filter(concluded_by=user)
        .order_by("concluded_at")
        .values("agenda_item__meeting_id", "agenda_item__title", "text", "concluded_at")
    )
    return {
        "attendance": attendance,
        "requests_to_speak": speaking,
        "comments": comments,
        "incidents_reported": incidents,
        "conclusions_written": conclusions,
    }
