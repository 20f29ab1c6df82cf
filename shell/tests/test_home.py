"""The home page (shell.views.home): the user's summary and the panels the apps registered in
core.home; it needs a sign-in."""

from __future__ import annotations

import pytest

from conftest import login
from core import home


@pytest.fixture
def registry(monkeypatch):  # type: ignore[no-untyped-def]
    """An empty panel registry for the test; the real one comes back afterwards."""
    monkeypatch.setattr(home, "_PANELS", {})
    return home


def test_home_renders_the_registered_panels(client, snv_member, registry, tmp_path, settings) -> None:
    (tmp_path / "probe.html").write_text('<div data-testid="probe">{{ panel.word }}</div>', encoding="utf-8")
    # Assigned, not changed in place, so Django rebuilds its template engines (setting_changed).
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [*settings.TEMPLATES[0]["DIRS"], tmp_path]}]
    registry.register_panel(1, "probe.html", lambda user: {"word": user.username})
    login(client, snv_member)
    html = client.get("/").content.decode()
    assert f'<div data-testid="probe">{snv_member.username}</div>' in html


def test_home_shows_the_panels_of_the_apps_to_a_member(client, snv_member) -> None:
    login(client, snv_member)
    response = client.get("/")
    assert response.status_code == 200
    names = [t.name for t in response.templates]
    assert "shell/home.html" in names and "meetings/_home_panel.html" in names


def test_home_needs_a_sign_in(client, db) -> None:
    response = client.get("/")
    assert response.status_code == 302 and "/auth/login/" in response["Location"]
