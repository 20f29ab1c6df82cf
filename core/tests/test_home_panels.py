"""The home page's panel registry (core.home): core stands on floor 0, so the apps above fill the
shell's home page through it; panels come in order, and a panel with nothing to show is left out."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from core import home


@pytest.fixture
def registry(monkeypatch):  # type: ignore[no-untyped-def]
    """An empty registry for the test; the real one comes back afterwards."""
    monkeypatch.setattr(home, "_PANELS", {})
    return home


def test_panels_come_in_order_and_a_panel_without_content_is_left_out(registry) -> None:
    registry.register_panel(40, "b.html", lambda user: {"who": user})
    registry.register_panel(10, "a.html", lambda user: {"who": user})
    registry.register_panel(20, "hidden.html", lambda user: None)
    rendered = registry.panels_for("u")
    assert [(p.template, p.context) for p in rendered] == [("a.html", {"who": "u"}), ("b.html", {"who": "u"})]


def test_registering_the_same_template_again_replaces_it(registry) -> None:
    registry.register_panel(10, "a.html", lambda user: {"n": 1})
    registry.register_panel(5, "a.html", lambda user: {"n": 2})
    assert [(p.order, p.context_fn(None)) for p in registry.registered_panels()] == [(5, {"n": 2})]


def test_the_apps_above_register_their_panels_at_start_up() -> None:
    templates = [p.template for p in home.registered_panels()]
    assert templates == [
        "meetings/_home_panel.html",
        "documents/_home_panel.html",
        "opinions/_home_panel.html",
        "followups/_home_panel.html",
        "feedback/_home_panel.html",
    ]


def test_core_home_imports_nothing_from_the_apps_above() -> None:
    tree = ast.parse(Path(home.__file__).read_text(encoding="utf-8"))
    imported = {(node.module or "").split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)} | {
        alias.name.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names
    }
    assert not imported & {"meetings", "documents", "opinions", "live", "notifications", "polls", "signing", "shell"}
