"""The unit tree: units, their materialised paths, document receivers and meeting approvers."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.access import require
from accounts.models import OrgUnit, Right, User
from accounts.permissions import Perm
from accounts.units_data import province_units
from audit.log import log_action


def _compute_path(unit: OrgUnit) -> str:
    return f"{unit.parent.path if unit.parent else '/'}{unit.pk}/"


def check_unit_parent(unit: OrgUnit | None, parent: OrgUnit | None) -> None:
    if unit is not None and unit.pk and parent is not None and parent.is_within(unit):
        raise ValidationError(_("A unit cannot be placed under itself or one of its sub-units."), code="cycle")


def save_unit_tree(unit: OrgUnit) -> None:
    """Save a unit and refresh the materialised paths of it and its sub-units. Caller is atomic."""
    old_path = unit.path
    if not unit.pk:
        unit.save()
    unit.path = _compute_path(unit)
    unit.save()
    if old_path and old_path != unit.path:
        for child in OrgUnit.objects.filter(path__startswith=old_path).exclude(pk=unit.pk):
            child.path = unit.path + child.path[len(old_path) :]
            child.save(update_fields=["path"])


def do_create_unit(actor: User | None, **fields: Any) -> OrgUnit:
    """Create a unit. `actor` is None only for the loaders run by management commands."""
    if actor is not None:
        require(actor, Perm.MANAGE_UNITS)
    with transaction.atomic():
        unit = OrgUnit(**fields)
        save_unit_tree(unit)
        log_action("unit.created", actor=actor, target=unit, unit=unit, data={"code": unit.code, "name": unit.name})
    return unit


# What the unit's own administrators keep current (Điều 9.2d); the rest is for system admins.
UNIT_DETAIL_FIELDS = ("name", "short_name", "address", "phone", "email")
UNIT_STRUCTURE_FIELDS = ("code", "kind", "parent", "sort_order", "is_active")


def do_update_unit(actor: User, unit: OrgUnit, **changes: Any) -> list[str]:
    """Change a unit. Its name and contact data: its administrators (Perm.EDIT_UNIT_DETAILS,
    Điều 9.2d); its code, type, parent, order and state: system administrators only."""
    unknown = set(changes) - {*UNIT_DETAIL_FIELDS, *UNIT_STRUCTURE_FIELDS}
    if unknown:
        raise TypeError(f"unknown unit fields: {sorted(unknown)}")
    changed = {k: v for k, v in changes.items() if getattr(unit, k) != v}
    if set(changes) <= set(UNIT_DETAIL_FIELDS):
        require(actor, Perm.EDIT_UNIT_DETAILS, unit)
    else:
        require(actor, Perm.MANAGE_UNITS)
    if "parent" in changes:
        check_unit_parent(unit, changes["parent"])
    if not changed:
        return []
    with transaction.atomic():
        before = {k: getattr(unit, k) for k in changed}
        for key, value in changed.items():
            setattr(unit, key, value)
        save_unit_tree(unit)
        log_action(
            "unit.updated",
            actor=actor,
            target=unit,
            unit=unit,
            data={"before": {k: str(v) for k, v in before.items()}, "after": {k: str(v) for k, v in changed.items()}},
        )
    return list(changed)


def do_load_province_units() -> tuple[int, int]:
    """Create or update the province's units from `units_data` (`load_units`, `seed_demo`).

    Idempotent; returns (created, updated)."""
    created = updated = 0
    with transaction.atomic():
        by_code = {u.code: u for u in OrgUnit.objects.all()}
        for spec in province_units():
            parent = by_code.get(spec.parent_code) if spec.parent_code else None
            unit = by_code.get(spec.code)
            fields = {
                "name": spec.name,
                "short_name": spec.short_name,
                "kind": spec.kind,
                "parent": parent,
                "sort_order": spec.sort_order,
            }
            if unit is None:
                unit = OrgUnit(code=spec.code, **fields)
                save_unit_tree(unit)
                by_code[spec.code] = unit
                created += 1
            elif any(getattr(unit, k) != v for k, v in fields.items()):
                for key, value in fields.items():
                    setattr(unit, key, value)
                save_unit_tree(unit)
                updated += 1
        if created or updated:
            log_action(
                "unit.loaded", actor=None, actor_name="load_units", data={"created": created, "updated": updated}
            )
    return created, updated


def do_set_document_receiver(actor: User, unit: OrgUnit, receiver: User | None) -> None:
    require(actor, Perm.SET_DOCUMENT_RECEIVER, unit)
    if receiver is not None and (receiver.unit_id != unit.pk or not receiver.is_active):
        raise ValidationError(_("The document receiver must be an active member of the unit."), code="not_member")
    with transaction.atomic():
        unit.document_receiver = receiver
        unit.save(update_fields=["document_receiver"])
        log_action(
            "unit.receiver_set",
            actor=actor,
            target=unit,
            unit=unit,
            data={"receiver": receiver.username if receiver else None},
        )


def do_set_meeting_approver(actor: User, unit: OrgUnit, approver: User | None) -> None:
    """Điều 6.2: who approves the unit's meeting registrations (empty: any leader of the unit)."""
    require(actor, Perm.SET_DOCUMENT_RECEIVER, unit)
    if approver is not None and (
        approver.unit_id != unit.pk or not approver.is_active or Right.LEADER not in approver.rights()
    ):
        raise ValidationError(_("The meeting approver must be an active leader of the unit."), code="not_leader")
    if unit.meeting_approver_id == (approver.pk if approver else None):
        return
    with transaction.atomic():
        unit.meeting_approver = approver
        unit.save(update_fields=["meeting_approver"])
        log_action(
            "unit.meeting_approver_set",
            actor=actor,
            target=unit,
            unit=unit,
            data={"approver": approver.username if approver else None},
        )
