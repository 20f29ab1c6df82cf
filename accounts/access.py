"""Fetch-and-authorize helpers: return the object or raise 404 (never 403), so a user cannot
learn that a unit or user outside their reach exists."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from accounts.models import OrgUnit, TransferRequest, TransferStatus, User
from accounts.permissions import Perm, administered_units_q, can, is_admin
from core.fetch import get_or_404

if TYPE_CHECKING:
    from core.http import AnyUser


def require(user: AnyUser, perm: Perm, obj: Any = None) -> None:
    """For pages that exist for everyone but not every role: 403 with a reason."""
    if not can(user, perm, obj):
        raise PermissionDenied


def administered_units(user: AnyUser) -> QuerySet[OrgUnit]:
    scope = administered_units_q(user)
    units = OrgUnit.objects.all()
    return units if scope is None else units.filter(scope)


def manageable_users(user: AnyUser) -> QuerySet[User]:
    scope = administered_units_q(user, prefix="unit__")
    users = User.objects.select_related("unit").filter(is_superuser=False)
    return users if scope is None else users.filter(scope)


def access_unit(user: AnyUser, unit_id: int) -> OrgUnit:
    if not is_admin(user):
        raise Http404
    return get_or_404(administered_units(user), unit_id)


def access_user_for_admin(user: AnyUser, user_id: int) -> User:
    if not is_admin(user):
        raise Http404
    return get_or_404(manageable_users(user), user_id)


def _pending_transfer(transfer_id: int) -> TransferRequest:
    transfers = TransferRequest.objects.select_related("user", "from_unit", "to_unit")
    return get_or_404(transfers, transfer_id, status=TransferStatus.PENDING)


def access_incoming_transfer(user: AnyUser, transfer_id: int) -> TransferRequest:
    """A pending transfer the user may accept or decline (admin of the receiving unit)."""
    transfer = _pending_transfer(transfer_id)
    if not can(user, Perm.DECIDE_TRANSFER, transfer):
        raise Http404
    return transfer


def access_outgoing_transfer(user: AnyUser, transfer_id: int) -> TransferRequest:
    """A pending transfer the user may cancel (admin of the user's current unit)."""
    transfer = _pending_transfer(transfer_id)
    if not can(user, Perm.MANAGE_USER, transfer.user):
        raise Http404
    return transfer
