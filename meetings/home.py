"""The meetings panel of the home page (registered in MeetingsConfig.ready through core.home)."""

from __future__ import annotations

from typing import Any

from core.home import register_panel
from core.http import AnyUser
from meetings import queries

TEMPLATE = "meetings/_home_panel.html"


def panel_context(user: AnyUser) -> dict[str, Any] | None:
    if not user.is_authenticated:
        return None
    return queries.home_summary(user)


def register() -> None:
    register_panel(10, TEMPLATE, panel_context)
