"""Rights held in a unit (Điều 4.3): granting and revoking them."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.access import require
from accounts.models import Right, RightGrant, User
from accounts.permissions import Perm
from audit.log import log_action


def do_grant_right(actor: User, user: User, right: Right) -> bool:
    require(actor, Perm.GRANT_RIGHT, (user, right))
    with transaction.atomic():
        _grant, created = RightGrant.objects.get_or_create(user=user, right=right, defaults={"granted_by": actor})
        if created:
            log_action("user.right_granted", actor=actor, target=user, unit=user.unit, data={"right": str(right)})
    user.forget_rights()
    return created


def do_revoke_right(actor: User, user: User, right: Right) -> bool:
    require(actor, Perm.GRANT_RIGHT, (user, right))
    if right == Right.SYSTEM_ADMIN and user.pk == actor.pk:
        raise ValidationError(_("You cannot remove your own system administrator right."), code="self")
    with transaction.atomic():
        deleted, _rows = RightGrant.objects.filter(user=user, right=right).delete()
        if deleted:
            log_action("user.right_revoked", actor=actor, target=user, unit=user.unit, data={"right": str(right)})
    user.forget_rights()
    return bool(deleted)
