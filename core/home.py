"""The home page's panels, filled by the apps above core (docs/conventions.md §15).

core stands on floor 0 and knows nothing of meetings, documents or opinions. Each of those apps
registers a panel from its AppConfig.ready(): a template and a function that reads what the panel
shows for one user. The home view renders the registered panels in order; a panel whose function
returns None is left out (nothing to show for this user).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from core.http import AnyUser

ContextFn = Callable[[Any], "dict[str, Any] | None"]


@dataclass(frozen=True)
class Panel:
    order: int
    template: str
    context_fn: ContextFn


@dataclass(frozen=True)
class RenderedPanel:
    template: str
    context: dict[str, Any]


_PANELS: dict[str, Panel] = {}


def register_panel(order: int, template: str, context_fn: ContextFn) -> None:
    """Add (or replace, keyed by template) a home panel; lower `order` comes first."""
    _PANELS[template] = Panel(order, template, context_fn)


def registered_panels() -> list[Panel]:
    return sorted(_PANELS.values(), key=lambda p: (p.order, p.template))


def panels_for(user: AnyUser) -> list[RenderedPanel]:
    """The panels `user` sees, each with the context its app computed."""
    rendered = []
    for panel in registered_panels():
        context = panel.context_fn(user)
        if context is not None:
            rendered.append(RenderedPanel(panel.template, context))
    return rendered
