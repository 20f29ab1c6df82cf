"""The menu registries (core.menu) the apps above core fill for the shell's menu: an entry function
is kept once, and a function with nothing for the user leaves no entry."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from core import menu


@pytest.fixture
def registry(monkeypatch):  # type: ignore[no-untyped-def]
    """An empty registry for the test; the real one comes back afterwards."""
    monkeypatch.setattr(menu._APPROVALS, "functions", [])
    return menu


def test_entries_come_in_registration_order_and_an_entry_without_content_is_left_out(registry) -> None:
    registry.register_approval_entry(lambda user: {"key": "b", "who": user})
    registry.register_approval_entry(lambda user: None)
    registry.register_approval_entry(lambda user: {"key": "a", "who": user})
    assert registry.approval_entries_for("u") == [{"key": "b", "who": "u"}, {"key": "a", "who": "u"}]


def test_registering_the_same_function_twice_keeps_one_entry(registry) -> None:
    def entry(user):  # type: ignore[no-untyped-def]
        return {"key": "x"}

    registry.register_approval_entry(entry)
    registry.register_approval_entry(entry)
    assert registry.approval_entries_for(None) == [{"key": "x"}]


def test_documents_registers_its_approval_page_at_start_up() -> None:
    from documents.apps import _approval_menu_entry

    assert _approval_menu_entry in menu._APPROVALS.functions


def test_each_registry_keeps_its_own_entries(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    for registry in (menu._ADMIN, menu._FOOTER):
        monkeypatch.setattr(registry, "functions", [])
    menu.register_footer_entry(lambda user: {"key": "footer"})
    assert menu.footer_entries_for(AnonymousUser()) == [{"key": "footer"}]
    assert menu.admin_entries_for(AnonymousUser()) == []


def test_feedback_registers_its_footer_link_and_admin_entry_at_start_up() -> None:
    from feedback import home

    assert home.footer_entry in menu._FOOTER.functions and home.admin_entry in menu._ADMIN.functions
