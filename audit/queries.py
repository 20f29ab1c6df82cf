from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from django.core.paginator import Paginator
from django.db import models
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.functional import cached_property

from accounts.models import User
from accounts.permissions import administered_units_q
from audit.models import AuditEntry

if TYPE_CHECKING:
    from core.http import AnyUser


def object_history(target: models.Model) -> QuerySet[AuditEntry]:
    """Every audit entry written about one object, oldest first (the history panels of the apps)."""
    return (
        AuditEntry.objects.filter(target_type=target._meta.label_lower, target_id=str(target.pk))
        .select_related("actor")
        .order_by("seq")
    )


def visible_entries(actor: AnyUser) -> QuerySet[AuditEntry]:
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
            # The accounts whose user name or name contains the text (a few among thousands) are
            # found first, so the trail is read through its (actor, at) index instead of joining
            # every entry to its account; entries without an account (failed sign-ins, system
            # work, erased accounts) are matched by the name they recorded.
            actors = list(
                User.objects.filter(Q(username__icontains=self.user) | Q(full_name__icontains=self.user)).values_list(
                    "pk", flat=True
                )
            )
            entries = entries.filter(Q(actor_id__in=actors) | Q(actor__isnull=True, actor_name__icontains=self.user))
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


class WindowPaginator(Paginator):
    """A Paginator that counts the entries only up to `window` pages past the requested page.

    Counting a million-row trail (and its filters) for "1 / 20000" took most of the viewer's time
    (bench/pages.py). The count is exact when the entries end within the window; otherwise `more`
    is true and `num_pages` is a lower bound that still lets "Next" go on, page after page."""

    def __init__(self, object_list: Any, per_page: int, *, number: Any, window: int = 10) -> None:
        super().__init__(object_list, per_page)
        wanted = int(number) if str(number or "").isdigit() and int(number) > 0 else 1
        self.limit = (wanted + window) * per_page
        self.more = False

    @cached_property
    def count(self) -> int:
        counted = self.object_list[: self.limit + 1].count()  # type: ignore[attr-defined]  # a QuerySet
        self.more = counted > self.limit
        return min(counted, self.limit)
