"""Checks and helpers shared by several topics of meetings.actions: the permission guard, the
time and room-booking checks, and the Điều 6.2 late-approval warning."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.permissions import Perm, can
from meetings import queries, rules
from meetings.models import BOOKED_STATUSES, InvitationKind, Meeting, Room


def require(actor: User, perm: Perm, obj: Any) -> None:
    if not can(actor, perm, obj):
        raise PermissionDenied


def format_local(value: datetime) -> str:
    return timezone.localtime(value).strftime("%d/%m/%Y %H:%M")


def check_times(start: datetime, end: datetime, *, now: datetime | None = None) -> None:
    now = now or timezone.now()
    if start <= now:
        raise ValidationError(_("The start time must be in the future."), code="past_start")
    if end <= start:
        raise ValidationError(_("The end time must be after the start time."), code="end_before_start")


def overlapping(meeting_id: int | None, start: datetime, end: datetime) -> QuerySet[Meeting]:
    """Other meetings overlapping [start, end) (all of them when `meeting_id` is None)."""
    others = Meeting.objects.filter(start__lt=end, end__gt=start)
    return others.exclude(pk=meeting_id) if meeting_id else others


def check_room_free(room: Room | None, start: datetime, end: datetime, *, meeting_id: int | None) -> None:
    """Refuse a double booking. Caller holds the room's row lock when it matters (submit/approve)."""
    if room is None:
        return
    clash = overlapping(meeting_id, start, end).filter(room=room, status__in=BOOKED_STATUSES).first()
    if clash is not None:
        raise ValidationError(
            _(
                "The room %(room)s is already booked from %(start)s to %(end)s for “%(title)s”. Choose another room or time."
            )
            % {
                "room": room.name,
                "start": format_local(clash.start),
                "end": format_local(clash.end),
                "title": clash.title,
            },
            code="room_clash",
        )


def lock_room(meeting: Meeting) -> None:
    """Serialise bookings of one room (PostgreSQL row lock; SQLite serialises writers anyway)."""
    if meeting.room_id is not None:
        Room.objects.select_for_update().get(pk=meeting.room_id)


def late_submission_warning(meeting: Meeting) -> str:
    """Điều 6.2, said to the organiser at submission and to the approver at approval."""
    if rules.is_regular(meeting):
        return _(
            "Điều 6.2: a regular meeting must be approved no later than 2 days before it starts "
            "(deadline %(deadline)s). The deadline has passed; the approver must record a justification."
        ) % {"deadline": format_local(rules.approval_deadline(meeting))}
    return _(
        "Điều 6.2: an urgent or extraordinary meeting must be approved at least 3 hours before it starts "
        "(deadline %(deadline)s). The deadline has passed; the approver must record a justification."
    ) % {"deadline": format_local(rules.approval_deadline(meeting))}


def units_without_receiver(meeting: Meeting) -> list[queries.MissingReceiver]:
    return queries.units_without_receiver(
        list(meeting.invitations.filter(kind=InvitationKind.UNIT).select_related("unit"))
    )
