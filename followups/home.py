"""The home page's "assigned tasks waiting for me" panel and the menu entry "Việc được giao"
(registered in FollowupsConfig.ready through core.home and core.menu)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.home import register_panel
from core.http import AnyUser
from followups import queries, rules

TEMPLATE = "followups/_home_panel.html"
LIMIT = 5


def panel_context(user: Any) -> dict[str, Any] | None:
    if not user.is_authenticated or user.is_external:
        return None
    tasks = list(queries.waiting_for(user)[: LIMIT + 1])
    if not tasks:
        return None
    today = rules.today()
    for task in tasks:
        task.overdue = rules.is_overdue(task, today)  # type: ignore[attr-defined]
    return {"tasks": tasks[:LIMIT], "more": len(tasks) > LIMIT}


def menu_entry(user: AnyUser) -> dict[str, Any] | None:
    if not user.is_authenticated or user.is_external:
        return None
    return {"label": _("Assigned tasks"), "url": reverse("followups:mine"), "key": "followups"}


def register() -> None:
    register_panel(50, TEMPLATE, panel_context)
