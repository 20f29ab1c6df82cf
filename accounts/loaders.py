"""Idempotent loaders used by `load_units` and `seed_demo`."""

from __future__ import annotations

from django.db import transaction

from accounts.actions import save_unit_tree
from accounts.models import OrgUnit
from accounts.units_data import province_units
from audit.log import log_action


def load_province_units() -> tuple[int, int]:
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
