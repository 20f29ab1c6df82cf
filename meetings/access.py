"""Fetch-and-authorize helpers for meetings: 404 for anyone who may not see the object."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from accounts.access import administered_units
from accounts.models import OrgUnit
from accounts.permissions import Perm, can
from core.fetch import get_or_404, parse_id
from core.http import AnyUser
from meetings.models import Invitation, Meeting, Room, SupportRequest
from meetings.permissions import room_schedules_q, visible_meetings_q
from notifications.models import Delivery


def visible_meetings(user: AnyUser) -> QuerySet[Meeting]:
    meetings = Meeting.objects.select_related("unit", "room", "chair", "organiser")
    if not user.is_authenticated:
        return meetings.none()
    scope = visible_meetings_q(user)
    return meetings if scope is None else meetings.filter(scope)


def access_meeting(user: AnyUser, meeting_id: Any, *, perm: Perm | None = None) -> Meeting:
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


def access_meeting_delivery(user: AnyUser, meeting_id: Any, delivery_id: Any) -> Delivery:
    """A notification delivery about a meeting whose attendance `user` manages (the organiser's
    dashboard); 404 for a delivery about anything else."""
    meeting = access_meeting(user, meeting_id, perm=Perm.MANAGE_ATTENDANCE)
    return get_or_404(Delivery.objects.all(), delivery_id, target_type="meetings.meeting", target_id=str(meeting.pk))


def access_invitation(user: AnyUser, invitation_id: Any, perm: Perm) -> Invitation:
    invitation = get_or_404(Invitation.objects.select_related("meeting", "user", "unit"), invitation_id)
    if not can(user, Perm.VIEW_MEETING, invitation.meeting):
        raise Http404
    if not can(user, perm, invitation) and not can(user, Perm.MANAGE_ATTENDANCE, invitation.meeting):
        raise PermissionDenied
    return invitation


def access_unit_invitation(user: AnyUser, invitation_id: Any) -> Invitation:
    """A unit's invitation whose attendees `user` may name (Perm.NAME_UNIT_ATTENDEES): 403 for
    people of the meeting who may neither name nor manage its attendance, 404 for the rest."""
    invitation = access_invitation(user, invitation_id, Perm.NAME_UNIT_ATTENDEES)
    if invitation.unit is None or not can(user, Perm.NAME_UNIT_ATTENDEES, invitation):
        raise Http404
    return invitation


def access_support_request(user: AnyUser, request_id: Any) -> SupportRequest:
    request = get_or_404(SupportRequest.objects.select_related("meeting", "requester"), request_id)
    if not can(user, Perm.MANAGE_ATTENDANCE, request.meeting):
        raise Http404
    return request


def room_units(user: AnyUser) -> QuerySet[OrgUnit]:
    """The units whose rooms `user` manages (Perm.MANAGE_ROOMS); 404 for whoever manages none."""
    if not can(user, Perm.MANAGE_ROOMS):
        raise Http404
    return administered_units(user)


def access_room(user: AnyUser, room_id: Any) -> Room:
    room = get_or_404(Room.objects.select_related("unit"), room_id)
    if not can(user, Perm.MANAGE_ROOMS, room):
        raise Http404
    return room


def schedule_rooms(user: AnyUser) -> QuerySet[Room]:
    """Rooms in use whose schedule `user` may see (Perm.VIEW_ROOM_SCHEDULE)."""
    rooms = Room.objects.select_related("unit").filter(is_active=True)
    if not user.is_authenticated:
        return rooms.none()
    scope = room_schedules_q(user)
    return rooms if scope is None else rooms.filter(scope)


def access_schedule_room(user: AnyUser, room_id: Any) -> Room:
    """A room whose schedule `user` may see, in use or not (an old room keeps its history); else 404."""
    room = get_or_404(Room.objects.select_related("unit"), room_id)
    if not can(user, Perm.VIEW_ROOM_SCHEDULE, room):
        raise Http404
    return room
