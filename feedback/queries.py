"""Reads shared by the pages, the home panel and the data export: the sender's items, the
handlers' inbox with its filters, an item's history."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet

from accounts.models import OrgUnit, User
from accounts.permissions import administered_units_q, is_admin
from audit.models import AuditEntry
from audit.queries import object_history
from feedback.models import UNIT_CATEGORIES, Category, Feedback, Status


def _base() -> QuerySet[Feedback]:
    return Feedback.objects.select_related("sender", "sender_unit").annotate(
        answer_count=Count("answers", distinct=True), file_count=Count("files", distinct=True)
    )


def mine(user: User) -> QuerySet[Feedback]:
    return _base().filter(sender=user)


def inbox_for(user: User) -> QuerySet[Feedback]:
    """Every item for a system administrator; the incidents of the units a unit administrator
    administers for them; nothing for anyone else."""
    if not is_admin(user):
        return Feedback.objects.none()
    scope = administered_units_q(user)
    if scope is None:
        return _base()
    units = OrgUnit.objects.filter(scope).values("pk")
    return _base().filter(category__in=UNIT_CATEGORIES, sender_unit__in=units)


@dataclass
class Filters:
    status: str = ""
    category: str = ""

    @classmethod
    def parse(cls, params: Any) -> Filters:
        status = params.get("status", "")
        category = params.get("category", "")
        return cls(
            status=status if status in (*Status.values, "open") else "",
            category=category if category in Category.values else "",
        )

    def apply(self, items: QuerySet[Feedback]) -> QuerySet[Feedback]:
        if self.status == "open":
            items = items.exclude(status=Status.CLOSED)
        elif self.status:
            items = items.filter(status=self.status)
        if self.category:
            items = items.filter(category=self.category)
        return items


def counts(items: QuerySet[Feedback]) -> dict[str, int]:
    """How many items of each status (the inbox's summary)."""
    found = dict(items.order_by().values_list("status").annotate(n=Count("pk", distinct=True)))
    return {value: found.get(value, 0) for value in Status.values}


def waiting(user: User) -> QuerySet[Feedback]:
    """The items a handler has still to answer (new or being handled): the home panel."""
    return inbox_for(user).filter(Q(status=Status.NEW) | Q(status=Status.IN_PROGRESS))


def history(item: Feedback) -> QuerySet[AuditEntry]:
    return object_history(item)
