from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.permissions import Perm, can, is_admin
from core.menu import admin_entries_for, approval_entries_for, footer_entries_for, main_entries_for


def navigation(request: HttpRequest) -> dict[str, Any]:
    """The menu shows only what the user's rights allow them to use.

    `nav_items` are the entries of the menu bar; an entry with `children` is a dropdown. The
    approval pages share one dropdown (the apps above core register theirs in `core.menu`), the
    administration screens another, so that the bar of a user with every right still fits on one
    line of a 1366-pixel screen (tests/browser/test_shell.py).
    """
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": [], "footer_items": []}
    items: list[dict[str, Any]] = [
        {"label": _("Home"), "url": reverse("home"), "key": "home"},
        {"label": _("Meetings"), "url": reverse("meetings:list"), "key": "meetings"},
        {"label": _("Weekly schedule"), "url": reverse("meetings:calendar"), "key": "calendar"},
        {"label": _("Documents"), "url": reverse("documents:search"), "key": "documents"},
    ]
    # Opinion collection and the pages the apps register in core.menu (assigned work) share one
    # dropdown, "Công việc", like the approvals below: the bar has no room for one more entry.
    work: list[dict[str, Any]] = [
        {"label": _("Opinion collection"), "url": reverse("opinions:list"), "key": "opinions"},
        *main_entries_for(user),
    ]
    if len(work) > 1:
        items.append({"label": _("Work"), "key": "work_menu", "children": work})
    else:
        items.extend(work)
    approvals: list[dict[str, Any]] = []
    if can(user, Perm.APPROVE_MEETINGS):
        approvals.append({"label": _("Approvals"), "url": reverse("meetings:approvals"), "key": "approvals"})
    approvals += approval_entries_for(user)
    if len(approvals) > 1:
        approvals[0] = {**approvals[0], "label": _("Meetings to approve")}
        items.append({"label": _("Approvals"), "key": "approvals_menu", "children": approvals})
    else:
        items.extend(approvals)
    admin: list[dict[str, Any]] = []
    if is_admin(user):
        admin.append({"label": _("Users"), "url": reverse("unitadmin:user_list"), "key": "users"})
        admin.append({"label": _("Transfers"), "url": reverse("unitadmin:transfer_list"), "key": "transfers"})
        admin.append({"label": _("Units"), "url": reverse("unitadmin:unit_list"), "key": "units"})
        admin.append({"label": _("Rooms"), "url": reverse("meetings:rooms"), "key": "rooms"})
        admin.append({"label": _("Certificates"), "url": reverse("signing:pending"), "key": "certificates"})
    if can(user, Perm.VIEW_AUDIT):
        admin.append({"label": _("Audit log"), "url": reverse("audit:list"), "key": "audit"})
    admin += admin_entries_for(user)
    if len(admin) == 1:
        items.extend(admin)
    elif admin:
        items.append({"label": _("Administration"), "key": "admin", "children": admin})
    return {"nav_items": items, "footer_items": footer_entries_for(user)}
