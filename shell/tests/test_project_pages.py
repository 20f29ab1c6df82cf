"""The shell's answers where the project, not an app, speaks: a form sent from an expired page gets
a page that says what to do, and a self-service password reset points to the unit administrator."""

from __future__ import annotations

from django.test import Client


def test_expired_form_gets_a_page_that_says_what_to_do(db) -> None:
    client = Client(enforce_csrf_checks=True)
    response = client.post("/auth/login/", {"login": "x", "password": "y"})
    assert response.status_code == 403
    assert "shell/csrf_failure.html" in [t.name for t in response.templates]


def test_password_reset_sends_the_user_to_their_unit_administrator(client: Client, db) -> None:
    response = client.get("/auth/password/reset/")
    assert response.status_code == 200
    assert "shell/password_reset_by_admin.html" in [t.name for t in response.templates]
    assert 'name="email"' not in response.content.decode()
