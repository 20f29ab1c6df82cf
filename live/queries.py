"""Shared reads of the meeting room: who may attend, attendance counts and quorum, the floor,
and the snapshot a screen starts from."""

from __future__ import annotations

import time
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from accounts.permissions import Perm, can
from live import rules
from live.models import (
    PRESENT_STATUSES,
    Attendance,
    AttendanceStatus,
    ItemConclusion,
    LiveState,
    SpeakRequest,
    SpeakState,
)
from meetings.models import Answer, Invitation, InvitationKind, InvitationRole, Meeting


def eligible_invitations(meeting: Meeting) -> QuerySet[Invitation]:
    """Invitations of people who attend: officials (not those who sent a substitute), their
    substitutes, people named by invited units, and outside guests."""
    return Invitation.objects.filter(meeting=meeting, role=InvitationRole.ATTENDEE).filter(
        Q(kind=InvitationKind.USER) & ~Q(answer=Answer.DELEGATED) | Q(kind=InvitationKind.GUEST)
    )


def attendance_counts(meeting: Meeting, live: LiveState) -> dict[str, Any]:
    """Invited, present (late included), late, absent, excused, substitutes and quorum.

    Quorum counts officials only (guests attend but do not count)."""
    invitations = eligible_invitations(meeting)
    totals = invitations.aggregate(
        invited=Count("pk", filter=Q(kind=InvitationKind.USER)),
        guests=Count("pk", filter=Q(kind=InvitationKind.GUEST)),
        substitutes=Count("pk", filter=Q(substitute_for__isnull=False)),
    )
    by_status = dict(
        Attendance.objects.filter(meeting=meeting, invitation__in=invitations)
        .values_list("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    present_officials = Attendance.objects.filter(
        meeting=meeting,
        invitation__in=invitations.filter(kind=InvitationKind.USER),
        status__in=PRESENT_STATUSES,
    ).count()
    quorum = rules.quorum(live.quorum_rule, totals["invited"], present_officials)
    present = by_status.get(AttendanceStatus.PRESENT, 0) + by_status.get(AttendanceStatus.LATE, 0)
    return {
        "invited": totals["invited"],
        "guests": totals["guests"],
        "present": present,
        "late": by_status.get(AttendanceStatus.LATE, 0),
        "absent": by_status.get(AttendanceStatus.ABSENT, 0),
        "excused": by_status.get(AttendanceStatus.EXCUSED, 0),
        "not_checked_in": totals["invited"] + totals["guests"] - sum(by_status.values()),
        "substitutes": totals["substitutes"],
        "quorum_rule": quorum.rule,
        "quorum_required": quorum.required,
        "quorum_reached": quorum.reached,
    }


def attendance_row(attendance: Attendance) -> dict[str, Any]:
    invitation = attendance.invitation
    user = invitation.user
    return {
        "invitation_id": attendance.invitation_id,
        "user_id": attendance.user_id,
        "name": invitation.label,
        "unit": user.unit.name if user is not None and user.unit is not None else invitation.guest_organisation,
        "status": attendance.status,
        "status_label": str(AttendanceStatus(attendance.status).label),
        "checked_in_at": attendance.checked_in_at.isoformat() if attendance.checked_in_at else None,
    }


def attendance_list(meeting: Meeting) -> list[dict[str, Any]]:
    """Everyone expected, with their attendance (for the chair console and the secretary)."""
    rows = []
    invitations = eligible_invitations(meeting).select_related("user__unit", "attendance", "substitute_for__user")
    for inv in invitations.order_by("kind", "user__full_name", "guest_name", "pk"):
        attendance = getattr(inv, "attendance", None)
        rows.append(
            {
                "invitation_id": inv.pk,
                "user_id": inv.user_id,
                "name": inv.label,
                "unit": inv.user.unit.name
                if inv.user is not None and inv.user.unit is not None
                else inv.guest_organisation,
                "substitute_for": inv.substitute_for.label if inv.substitute_for is not None else "",
                "status": attendance.status if attendance else "",
                "status_label": str(AttendanceStatus(attendance.status).label) if attendance else "",
            }
        )
    return rows


def _speaker_row(request: SpeakRequest) -> dict[str, Any]:
    return {
        "id": request.pk,
        "user_id": request.user_id,
        "name": request.user.display_name,
        "unit": request.user.unit.name if request.user.unit is not None else "",
        "topic": request.topic,
        "agenda_item_id": request.agenda_item_id,
        "state": request.state,
        "requested_at": request.requested_at.isoformat(),
        "started_at": request.started_at.isoformat() if request.started_at else None,
        "ended_at": request.ended_at.isoformat() if request.ended_at else None,
    }


def floor_data(meeting: Meeting, live: LiveState) -> dict[str, Any]:
    """The speaker on the floor (with the limit, so every screen runs the same timer) and the queue."""
    open_requests = list(
        SpeakRequest.objects.filter(meeting=meeting, state__in=[SpeakState.WAITING, SpeakState.SPEAKING])
        .select_related("user__unit")
        .order_by("position", "requested_at", "pk")
    )
    speaker = next((r for r in open_requests if r.state == SpeakState.SPEAKING), None)
    return {
        "speaker": _speaker_row(speaker) if speaker else None,
        "limit_seconds": live.speaking_limit_seconds,
        "queue": [_speaker_row(r) for r in open_requests if r.state == SpeakState.WAITING],
    }


def floor_timeline(meeting: Meeting) -> list[dict[str, Any]]:
    turns = (
        SpeakRequest.objects.filter(meeting=meeting, started_at__isnull=False)
        .select_related("user__unit")
        .order_by("started_at", "pk")
    )
    return [{**_speaker_row(t), "duration_seconds": t.duration_seconds} for t in turns]


def agenda_data(meeting: Meeting) -> list[dict[str, Any]]:
    conclusions = {c.agenda_item_id: c.text for c in ItemConclusion.objects.filter(agenda_item__meeting=meeting)}
    return [
        {
            "id": item.pk,
            "order": item.order,
            "title": item.title,
            "presenter": item.presenter,
            "minutes": item.duration_minutes,
            "conclusion": conclusions.get(item.pk, ""),
        }
        for item in meeting.agenda_items.order_by("order")
    ]


# (name, function(meeting, live, user), personal) added by other modules (the votes).
SNAPSHOT_SECTIONS: list[tuple[str, Any, bool]] = []

# The part of a snapshot that is the same for every screen, per meeting: (seq, monotonic time,
# data). When 2,000 delegates connect at once it is built once, not 2,000 times. A cached copy
# is used only for the same sequence number and for at most a second, so counts (sent
# unnumbered) are never staler than that.
_SHARED_CACHE: dict[tuple[int, str], tuple[int, float, dict[str, Any]]] = {}
SHARED_CACHE_SECONDS = 1.0


def _shared(meeting: Meeting, live: LiveState, seq: int) -> dict[str, Any]:
    key = (meeting.pk, live.display_token)  # the token tells apart rows that reuse an id (tests)
    cached = _SHARED_CACHE.get(key)
    now = time.monotonic()
    if cached is not None and cached[0] == seq and now - cached[1] < SHARED_CACHE_SECONDS:
        return cached[2]
    live.refresh_from_db()
    data: dict[str, Any] = {
        "meeting": {
            "id": meeting.pk,
            "title": meeting.title,
            "status": meeting.status,
            "start": meeting.start.isoformat(),
            "end": meeting.end.isoformat(),
            "started_at": live.started_at.isoformat() if live.started_at else None,
            "ended_at": live.ended_at.isoformat() if live.ended_at else None,
            "current_item_id": live.current_item_id,
            "discussion_open": live.discussion_open,
        },
        "agenda": agenda_data(meeting),
        "attendance": {"counts": attendance_counts(meeting, live), "row": None},
        "floor": floor_data(meeting, live),
        "settings": {"quorum_rule": live.quorum_rule, "speaking_limit": live.speaking_limit_seconds},
    }
    for name, section, personal in SNAPSHOT_SECTIONS:
        if not personal:
            data[name] = section(meeting, live, None)
    if len(_SHARED_CACHE) > 1000:
        _SHARED_CACHE.clear()
    _SHARED_CACHE[key] = (seq, now, data)
    return data


def snapshot(meeting: Meeting, live: LiveState, user: Any) -> dict[str, Any]:
    """Everything a screen shows, current to `seq`. The number is read FIRST: any change committed
    after it carries a larger number, and events hold whole sections, so applying one twice is
    harmless."""
    seq = LiveState.objects.filter(pk=live.pk).values_list("seq", flat=True).get()
    data: dict[str, Any] = {"seq": seq, "now": timezone.now().isoformat(), **_shared(meeting, live, seq)}
    runs = user is not None and can(user, Perm.RUN_MEETING, meeting)
    if runs:
        data["attendance_list"] = attendance_list(meeting)
    if user is not None and getattr(user, "is_authenticated", False):
        mine = Attendance.objects.filter(meeting=meeting, user=user).select_related("invitation__user__unit").first()
        data["me"] = {
            "user_id": user.pk,
            "runs": runs,
            "attends": can(user, Perm.ATTEND_MEETING, meeting),
            "attendance": attendance_row(mine) if mine else None,
        }
    for name, section, personal in SNAPSHOT_SECTIONS:
        if personal:
            data[name] = section(meeting, live, user)
    return data
