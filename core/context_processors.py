from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.permissions import Perm, can, is_admin
from documents.queries import may_approve_documents


def navigation(request: HttpRequest) -> dict[str, Any]:
    """The menu shows only what the user's rights allow them to use."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    items = [
        {"label": _("Home"), "url": reverse("home"), "key": "home"},
        {"label": _("Meetings"), "url": reverse("meetings:list"), "key": "meetings"},
        {"label": _("Weekly schedule"), "url": reverse("meetings:calendar"), "key": "calendar"},
        {"label": _("Documents"), "url": reverse("documents:search"), "key": "documents"},
        {"label": _("Opinion collection"), "url": reverse("opinions:list"), "key": "opinions"},
    ]
    if can(user, Perm.APPROVE_MEETINGS):
        items.append({"label": _("Approvals"), "url": reverse("meetings:approvals"), "key": "approvals"})
    if may_approve_documents(user):
        items.append(
            {"label": _("Documents to approve"), "url": reverse("documents:approvals"), "key": "document_approvals"}
        )
    if is_admin(user):
        items.append({"label": _("Users"), "url": reverse("unitadmin:user_list"), "key": "users"})
        items.append({"label": _("Transfers"), "url": reverse("unitadmin:transfer_list"), "key": "transfers"})
        items.append({"label": _("Units"), "url": reverse("unitadmin:unit_list"), "key": "units"})
        items.append({"label": _("Rooms"), "url": reverse("meetings:rooms"), "key": "rooms"})
        items.append({"label": _("Certificates"), "url": reverse("signing:pending"), "key": "certificates"})
    if can(user, Perm.VIEW_AUDIT):
        items.append({"label": _("Audit log"), "url": reverse("audit:list"), "key": "audit"})
    return {"nav_items": items}
