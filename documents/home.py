"""The home page's "documents to approve" panel (registered in DocumentsConfig.ready through
core.home): shown only to someone with documents waiting for their decision (Điều 6.1c)."""

from __future__ import annotations

from typing import Any

from core.home import register_panel
from documents.queries import approval_queue

TEMPLATE = "documents/_home_panel.html"
LIMIT = 5


def panel_context(user: Any) -> dict[str, Any] | None:
    if getattr(user, "is_external", False):
        return None
    waiting = approval_queue(user)
    if not waiting:
        return None
    return {"documents": waiting[:LIMIT], "count": len(waiting)}


def register() -> None:
    register_panel(30, TEMPLATE, panel_context)
