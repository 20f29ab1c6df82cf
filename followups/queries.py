"""Reads shared by the pages, the export, the home panel and the meeting page."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Q, QuerySet

from accounts.models import OrgUnit, User
from accounts.permissions import Perm, administered_units_q, can, is_system_admin
from audit.models import AuditEntry
from audit.queries import object_history
from followups import rules
from followups.models import OPEN_STATUSES, Task, TaskStatus


def _base() -> QuerySet[Task]:
    return Task.objects.select_related("meeting", "assignee_unit", "assignee", "assigned_by", "assigner_unit")


def mine(user: User) -> QuerySet[Task]:
    """Assigned to the user in person, or assigned by them."""
    return _base().filter(Q(assignee=user) | Q(assigned_by=user))


def of_unit(unit: OrgUnit) -> QuerySet[Task]:
    return _base().filter(assignee_unit=unit)


def every_unit() -> QuerySet[Task]:
    return _base()


def units_of(user: User) -> list[OrgUnit]:
    """The units whose task list `user` may open: those they answer for and those they administer
    (every unit for the PPC Office would be too long a list: they use the all-units page)."""
    q = rules.answered_units_q(user)
    admin = administered_units_q(user)
    if admin is not None and not is_system_admin(user):
        q |= admin
    units = OrgUnit.objects.filter(q, is_active=True).order_by("sort_order", "name")
    return [u for u in units if can(user, Perm.VIEW_UNIT_TASKS, u)]


def of_meeting(user: User, meeting: Any) -> list[Task]:
    """The tasks of a meeting the user may see (the meeting page)."""
    rows = _base().filter(meeting=meeting).order_by("deadline", "pk")
    return [t for t in rows if can(user, Perm.VIEW_TASK, t)]


@dataclass
class Filters:
    status: str = ""  # a TaskStatus value, "open" or "overdue"
    deadline_from: date | None = None
    deadline_to: date | None = None
    meeting: int | None = None
    unit: int | None = None
    errors: list[str] = field(default_factory=list)

    def as_query(self) -> dict[str, str]:
        values = {
            "status": self.status,
            "deadline_from": self.deadline_from.isoformat() if self.deadline_from else "",
            "deadline_to": self.deadline_to.isoformat() if self.deadline_to else "",
            "meeting": str(self.meeting or ""),
            "unit": str(self.unit or ""),
        }
        return {k: v for k, v in values.items() if v}


STATUS_FILTERS = ("open", "overdue", *TaskStatus.values)


def _day(raw: str) -> date | None:
    from audit.queries import parse_day

    return parse_day(raw) if raw.strip() else None


def parse_filters(params: Any) -> Filters:
    """The list filters from a query string; a malformed value is ignored (and said)."""
    filters = Filters()
    status = params.get("status", "")
    filters.status = status if status in STATUS_FILTERS else ""
    for name in ("deadline_from", "deadline_to"):
        raw = params.get(name, "") or ""
        value = _day(raw)
        if raw.strip() and value is None:
            filters.errors.append(name)
        setattr(filters, name, value)
    for name in ("meeting", "unit"):
        raw = params.get(name, "") or ""
        if raw.strip():
            try:
                number = int(raw)
                setattr(filters, name, number if 0 < number < 2**63 else None)
            except ValueError:
                filters.errors.append(name)
    return filters


def apply(tasks: QuerySet[Task], filters: Filters, on: date | None = None) -> QuerySet[Task]:
    if filters.status == "open":
        tasks = tasks.filter(status__in=OPEN_STATUSES)
    elif filters.status == "overdue":
        tasks = tasks.filter(rules.overdue_q(on))
    elif filters.status:
        tasks = tasks.filter(status=filters.status)
    if filters.deadline_from:
        tasks = tasks.filter(deadline__gte=filters.deadline_from)
    if filters.deadline_to:
        tasks = tasks.filter(deadline__lte=filters.deadline_to)
    if filters.meeting:
        tasks = tasks.filter(meeting_id=filters.meeting)
    if filters.unit:
        tasks = tasks.filter(assignee_unit_id=filters.unit)
    return tasks.order_by("deadline", "pk")


def counts(tasks: QuerySet[Task], on: date | None = None) -> dict[str, int]:
    return {
        "open": tasks.filter(status__in=OPEN_STATUSES).count(),
        "overdue": tasks.filter(rules.overdue_q(on)).count(),
        "done": tasks.filter(status=TaskStatus.DONE).count(),
    }


def history(task: Task) -> QuerySet[AuditEntry]:
    return object_history(task)


def waiting_for(user: User) -> QuerySet[Task]:
    """Open tasks the user should act on: theirs in person, the units' they answer for still to
    accept, and those whose completion they must confirm (the home panel)."""
    answered = OrgUnit.objects.filter(rules.answered_units_q(user)).values("pk")
    return (
        _base()
        .filter(
            Q(assignee=user, status__in=OPEN_STATUSES)
            | Q(assignee_unit__in=answered, status=TaskStatus.NEW)
            | Q(assigned_by=user, status=TaskStatus.COMPLETION_REQUESTED)
        )
        .exclude(status=TaskStatus.COMPLETION_REQUESTED, assignee=user)
        .order_by("deadline", "pk")
    )
