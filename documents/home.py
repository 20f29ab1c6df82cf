"""The home page's "documents to approve" panel (registered in DocumentsConfig.ready through
core.home): shown only to someone with documents waiting for their decision (Điều 6.1c)."""

from __future__ import annotations

from typing import Any

from accounts.permissions import is_guest
from core.home import register_panel
from core.http import AnyUser
from documents.queries import approval_queue

TEMPLATE = "documents/_home_panel.html"
LIMIT = 5


def panel_context(user: AnyUser) -> dict[str, Any] | None:
    if not user.is_authenticated or is_guest(user):
        return None
    waiting = approval_queue(user)
    if not waiting:
        return None
    return {"documents": waiting[:LIMIT], "count": len(waiting)}


def register() -> None:
    register_panel(30, TEMPLATE, panel_context)
