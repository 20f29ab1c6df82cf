"""The rules of follow-up that depend on who someone is or on the calendar, kept apart from the
writes so that permissions, queries and tasks share them.

- Who answers for a unit's assigned work: its document receiver (văn thư, the person who receives
  what is sent to the unit) or one of its leaders (Right.LEADER in that unit). They accept a task
  and assign it inside the unit.
- The PPC Office oversees every unit's tasks: its leaders, organisers and unit administrators, the
  PPC's leaders, and system administrators.
- Overdue: the deadline (a calendar day in Vietnam) has passed and the task is neither done nor
  cancelled.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from accounts.models import OrgUnit, Right, UnitKind, User
from accounts.permissions import has_right, is_system_admin
from followups.models import OPEN_STATUSES

if TYPE_CHECKING:
    from core.http import AnyUser
    from followups.models import Task

OVERSEEING_UNIT_KINDS = (UnitKind.OFFICE, UnitKind.PROVINCE)
OVERSEEING_RIGHTS = (Right.LEADER, Right.ORGANISER, Right.UNIT_ADMIN)


def today() -> date:
    return timezone.localdate()


def is_overdue(task: Task, on: date | None = None) -> bool:
    return task.status in OPEN_STATUSES and task.deadline < (on or today())


def overdue_q(on: date | None = None) -> Q:
    return Q(status__in=OPEN_STATUSES, deadline__lt=on or today())


def answers_for(user: User, unit: OrgUnit | None) -> bool:
    """The unit's document receiver or one of its leaders."""
    if unit is None or not user.is_active or user.is_external:
        return False
    if unit.document_receiver_id == user.pk:
        return True
    return user.unit_id == unit.pk and has_right(user, Right.LEADER)


def answered_units_q(user: User, prefix: str = "") -> Q:
    """Filter for the units `user` answers for (same rule as `answers_for`)."""
    q = Q(**{f"{prefix}document_receiver": user})
    if user.unit_id is not None and has_right(user, Right.LEADER):
        q |= Q(**{f"{prefix}pk": user.unit_id})
    return q


def oversees_all(user: AnyUser) -> bool:
    """The PPC Office's follow-up of every unit (and system administrators)."""
    if is_system_admin(user):
        return True
    if not user.is_authenticated or user.is_external or user.unit_id is None:
        return False
    unit = user.unit
    return (
        unit is not None
        and unit.kind in OVERSEEING_UNIT_KINDS
        and any(has_right(user, right) for right in OVERSEEING_RIGHTS)
    )


def reminder_days() -> list[int]:
    """Days before the deadline on which the assignee is reminded (FOLLOWUPS_REMINDER_DAYS),
    largest first."""
    return sorted({int(d) for d in getattr(settings, "FOLLOWUPS_REMINDER_DAYS", [3, 1]) if int(d) >= 0}, reverse=True)


def reminder_due(task: Task, on: date | None = None) -> int | None:
    """The days-before reminder due on `on` for the task's deadline, or None: the closest
    configured day whose date has come (one missed while the worker was down is still sent; an
    earlier one overtaken by a later one is not sent any more), until the deadline itself."""
    on = on or today()
    if task.deadline < on:
        return None
    due = [days for days in reminder_days() if task.deadline - timedelta(days=days) <= on]
    return min(due) if due else None
