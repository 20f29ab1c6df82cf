"""Assigned tasks shown on pages of lower apps, which may not import followups (conventions §15):
the meeting page's panel of its tasks and the "Assign a task" button."""

from __future__ import annotations

from typing import Any

from django import template

from accounts.permissions import Perm, can
from followups import queries, rules

register = template.Library()


@register.inclusion_tag("followups/_meeting_tasks.html", takes_context=True)
def meeting_tasks(context: template.Context, meeting: Any) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"meeting": meeting, "tasks": [], "may_assign": False}
    tasks = queries.of_meeting(user, meeting)
    today = rules.today()
    for task in tasks:
        task.overdue = rules.is_overdue(task, today)  # type: ignore[attr-defined]
    return {"meeting": meeting, "tasks": tasks, "may_assign": can(user, Perm.ASSIGN_TASKS, meeting)}
