"""The footer link "Góp ý, phản ánh" (every signed-in user), the administration menu's entry to the
handlers' inbox, and the handlers' home panel of items waiting for an answer (registered in
FeedbackConfig.ready through core.menu and core.home)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.permissions import Perm, can
from core.home import register_panel
from core.http import AnyUser
from feedback import queries

TEMPLATE = "feedback/_home_panel.html"
LIMIT = 5


def footer_entry(user: AnyUser) -> dict[str, Any] | None:
    if not can(user, Perm.SEND_FEEDBACK):
        return None
    return {"label": _("Feedback and reports"), "url": reverse("feedback:create"), "key": "feedback"}


def admin_entry(user: AnyUser) -> dict[str, Any] | None:
    if not can(user, Perm.VIEW_FEEDBACK_INBOX):
        return None
    return {"label": _("Feedback to handle"), "url": reverse("feedback:inbox"), "key": "feedback_inbox"}


def panel_context(user: Any) -> dict[str, Any] | None:
    if not can(user, Perm.VIEW_FEEDBACK_INBOX):
        return None
    items = list(queries.waiting(user)[: LIMIT + 1])
    if not items:
        return None
    return {"items": items[:LIMIT], "more": len(items) > LIMIT}


def register() -> None:
    from core.menu import register_admin_entry, register_footer_entry

    register_footer_entry(footer_entry)
    register_admin_entry(admin_entry)
    register_panel(60, TEMPLATE, panel_context)
