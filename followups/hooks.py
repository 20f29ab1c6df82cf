"""The "Assign a task" button next to each conclusion on the minutes and notice pages, plugged into
minutes.hooks (minutes stands below followups and does not import it)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse

from accounts.permissions import Perm, can
from followups import rules
from followups.models import Task


def conclusion_action(request: HttpRequest, meeting: Any, item: Any, notice: Any) -> str:
    user = request.user
    if not user.is_authenticated:
        return ""
    may_assign = can(user, Perm.ASSIGN_TASKS, meeting)
    rows = Task.objects.filter(meeting=meeting, agenda_item=item).select_related("assignee_unit", "meeting")
    if item is None:
        rows = rows.filter(agenda_item__isnull=True)
    today = rules.today()
    tasks = [t for t in rows.order_by("pk") if can(user, Perm.VIEW_TASK, t)]
    if not may_assign and not tasks:
        return ""
    for task in tasks:
        task.overdue = rules.is_overdue(task, today)  # type: ignore[attr-defined]
    params = {k: v.pk for k, v in (("item", item), ("notice", notice)) if v is not None}
    create_url = reverse("followups:create", args=[meeting.pk]) + (f"?{urlencode(params)}" if params else "")
    return render_to_string(
        "followups/_conclusion_action.html",
        {"may_assign": may_assign, "tasks": tasks, "create_url": create_url},
        request=request,
    )


def register() -> None:
    from minutes.hooks import register_conclusion_action

    register_conclusion_action(conclusion_action)
