"""Meeting rooms of a unit, kept by its administrators."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from accounts.models import OrgUnit, User
from accounts.permissions import Perm
from audit.log import log_action
from meetings.actions.common import require
from meetings.models import Room


def do_save_room(
    actor: User, room: Room | None, *, unit: OrgUnit, name: str, location: str, capacity: int, is_active: bool = True
) -> Room:
    """Create a room of `unit` (room None) or change one of its rooms."""
    require(actor, Perm.MANAGE_ROOMS, unit)
    if not name.strip():
        raise ValidationError({"name": [_("Enter the room name.")]})
    if capacity <= 0:
        raise ValidationError({"capacity": [_("Capacity must be at least 1.")]})
    with transaction.atomic():
        created = room is None
        room = room or Room(unit=unit)
        if not created and room.unit_id != unit.pk:
            raise PermissionDenied
        room.name, room.location, room.capacity, room.is_active = name.strip(), location.strip(), capacity, is_active
        try:
            with transaction.atomic():
                room.save()
        except IntegrityError:
            raise ValidationError({"name": [_("This unit already has a room with that name.")]}) from None
        log_action(
            "room.created" if created else "room.updated", actor=actor, target=room, unit=unit, data={"name": room.name}
        )
    return room
