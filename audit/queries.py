from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db import models
from django.db.models import Q, QuerySet
from django.utils import timezone

from accounts.permissions import administered_units_q
from audit.models import AuditEntry


def object_history(target: models.Model) -> QuerySet[AuditEntry]:
    """Every audit entry written about one object, oldest first (the history panels of the apps)."""
    return (
        AuditEntry.objects.filter(target_type=target._meta.label_lower, target_id=str(target.pk))
        .select_related("actor")
        .order_by("seq")
    )


def visible_entries(actor: Any) -> QuerySet[AuditEntry]:
    """System admins see everything; unit admins the rows filed under their units."""
    entries = AuditEntry.objects.select_related("actor", "unit")
    scope = administered_units_q(actor, prefix="unit__")
    return entries if scope is None else entries.filter(scope)


def parse_day(value: str) -> date | None:
    for fmt in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(value.strip(), fmt).date()  # noqa: DTZ007 - a calendar day, not an instant
        except ValueError:
            continue
    return None


@dataclass
class AuditFilter:
    user: str = ""
    unit: str = ""
    action: str = ""
    date_from: str = ""
    date_to: str = ""

    @classmethod
    def from_query(cls, params: Any) -> AuditFilter:
        return cls(**{f: params.get(f, "").strip() for f in ("user", "unit", "action", "date_from", "date_to")})

    def errors(self) -> list[str]:
        from django.utils.translation import gettext as _

        problems = []
        for value in (self.date_from, self.date_to):
            if value and parse_day(value) is None:
                problems.append(_("Enter dates as dd/mm/yyyy (for example 01/10/2026)."))
                break
        return problems

    def apply(self, entries: QuerySet[AuditEntry]) -> QuerySet[AuditEntry]:
        if self.user:
            entries = entries.filter(
                Q(actor__username__icontains=self.user)
                | Q(actor__full_name__icontains=self.user)
                | Q(actor_name__icontains=self.user)
            )
        if self.unit.isdigit():
            entries = entries.filter(unit_id=int(self.unit))
        if self.action:
            entries = entries.filter(action__startswith=self.action)
        tz = timezone.get_current_timezone()
        start = parse_day(self.date_from) if self.date_from else None
        end = parse_day(self.date_to) if self.date_to else None
        if start:
            entries = entries.filter(at__gte=datetime.combine(start, time.min, tzinfo=tz))
        if end:
            entries = entries.filter(at__lt=datetime.combine(end + timedelta(days=1), time.min, tzinfo=tz))
        return entries
