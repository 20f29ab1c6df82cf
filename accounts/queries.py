"""Reads shared by views, reports and (later) the API."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from accounts.access import administered_units, manageable_users
from accounts.models import OrgUnit, Right, RightGrant, TransferRequest, TransferStatus, User, UserSession
from accounts.passwords import password_expires_at
from accounts.permissions import SYSTEM_ADMIN_GRANTED, administered_units_q, is_admin
from core.fetch import MAX_ID


def rights_labels(user: User) -> list[str]:
    return [str(label) for value, label in Right.choices if value in user.rights()]


def search_users(actor: User, *, q: str = "", unit_id: str = "", status: str = "") -> QuerySet[User]:
    users = manageable_users(actor).prefetch_related(
        Prefetch("grants", queryset=RightGrant.objects.only("user_id", "right"))
    )
    if q:
        users = users.filter(
            Q(full_name__icontains=q) | Q(username__icontains=q) | Q(email__icontains=q) | Q(position__icontains=q)
        )
    if unit_id.isdigit():
        unit = administered_units(actor).filter(pk=int(unit_id)).first() if int(unit_id) <= MAX_ID else None
        users = users.filter(unit__path__startswith=unit.path) if unit else users.none()
    if status == "active":
        users = users.filter(is_active=True)
    elif status == "inactive":
        users = users.filter(is_active=False)
    elif status == "locked":
        users = users.filter(locked_until__gt=timezone.now())
    elif status == "external":
        users = users.filter(is_external=True)
    return users.order_by("unit__sort_order", "unit__name", "full_name")


def incoming_transfers(actor: User) -> QuerySet[TransferRequest]:
    scope = administered_units_q(actor, prefix="to_unit__")
    pending = TransferRequest.objects.filter(status=TransferStatus.PENDING).select_related(
        "user", "from_unit", "to_unit", "requested_by"
    )
    # A system administrator's scope is None; anyone else never sees moves of accounts they do not outrank.
    return pending if scope is None else pending.filter(scope).exclude(user__grants__right__in=SYSTEM_ADMIN_GRANTED)


def outgoing_transfers(actor: User) -> QuerySet[TransferRequest]:
    scope = administered_units_q(actor, prefix="from_unit__")
    pending = TransferRequest.objects.filter(status=TransferStatus.PENDING).select_related(
        "user", "from_unit", "to_unit", "requested_by"
    )
    return pending if scope is None else pending.filter(scope).exclude(user__grants__right__in=SYSTEM_ADMIN_GRANTED)


def transfer_history(actor: User, limit: int = 50) -> QuerySet[TransferRequest]:
    scope = administered_units_q(actor, prefix="to_unit__")
    scope_from = administered_units_q(actor, prefix="from_unit__")
    done = TransferRequest.objects.exclude(status=TransferStatus.PENDING).select_related(
        "user", "from_unit", "to_unit", "requested_by", "decided_by"
    )
    if scope is not None and scope_from is not None:
        done = done.filter(scope | scope_from)
    return done[:limit]


def unit_tree(actor: User) -> list[dict[str, Any]]:
    """Units in the actor's reach with depth and member counts, in tree order."""
    units = list(
        administered_units(actor)
        .select_related("document_receiver")
        .annotate(member_count=Count("members", filter=Q(members__is_active=True)))
    )
    by_parent: dict[int | None, list[OrgUnit]] = {}
    ids = {u.pk for u in units}
    for unit in units:
        key = unit.parent_id if unit.parent_id in ids else None
        by_parent.setdefault(key, []).append(unit)
    rows: list[dict[str, Any]] = []

    def walk(parent: int | None, depth: int) -> None:
        for unit in sorted(by_parent.get(parent, []), key=lambda u: (u.sort_order, u.name)):
            rows.append({"unit": unit, "depth": depth})
            walk(unit.pk, depth + 1)

    walk(None, 0)
    return rows


def home_summary(user: User) -> dict[str, Any]:
    summary: dict[str, Any] = {
        "unit": user.unit,
        "rights": rights_labels(user),
        "password_expires_at": password_expires_at(user),
        "session_count": UserSession.objects.filter(user=user).count(),
        "is_admin": is_admin(user),
    }
    if summary["is_admin"]:
        users = manageable_users(user)
        summary["managed_user_count"] = users.filter(is_active=True).count()
        summary["locked_user_count"] = users.filter(locked_until__gt=timezone.now()).count()
        summary["incoming_transfer_count"] = incoming_transfers(user).count()
        summary["units_without_receiver"] = (
            administered_units(user).filter(document_receiver__isnull=True, is_active=True).count()
        )
    return summary
