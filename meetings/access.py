"""Fetch-and-authorize helpers for meetings: 404 for anyone who may not see the object."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from accounts.permissions import Perm, can
from core.fetch import get_or_404, parse_id
from meetings.models import Invitation, Meeting, Room, SupportRequest
from meetings.permissions import visible_meetings_q


def visible_meetings(user: Any) -> QuerySet[Meeting]:
    meetings = Meeting.objects.select_related("unit", "room", "chair", "organiser")
    scope = visible_meetings_q(user)
    return meetings if scope is None else meetings.filter(scope)


def access_meeting(user: Any, meeting_id: Any, *, perm: Perm | None = None) -> Meeting:
    """The meeting if the user may see it (else 404); with `perm`, 403 when they may see
    it but not do that (they already know it exists)."""
    try:
        meeting = Meeting.objects.select_related("unit", "room", "chair", "organiser", "approver").get(
            pk=parse_id(meeting_id)
        )
    except (Meeting.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    if not can(user, Perm.VIEW_MEETING, meeting):
        raise Http404
    if perm is not None and not can(user, perm, meeting):
        raise PermissionDenied
    return meeting


def access_invitation(user: Any, invitation_id: Any, perm: Perm) -> Invitation:
    invitation = get_or_404(Invitation.objects.select_related("meeting", "user", "unit"), invitation_id)
    if not can(user, Perm.VIEW_MEETING, invitation.meeting):
        raise Http404
    if not can(user, perm, invitation) and not can(user, Perm.MANAGE_ATTENDANCE, invitation.meeting):
        raise PermissionDenied
    return invitation


def access_support_request(user: Any, request_id: Any) -> SupportRequest:
    request = get_or_404(SupportRequest.objects.select_related("meeting", "requester"), request_id)
    if not can(user, Perm.MANAGE_ATTENDANCE, request.meeting):
        raise Http404
    return request


def access_room(user: Any, room_id: Any) -> Room:
    room = get_or_404(Room.objects.select_related("unit"), room_id)
    if not can(user, Perm.MANAGE_ROOMS, room):
        raise Http404
    return room
