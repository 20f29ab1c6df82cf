"""The Content-Security-Policy is enforced by the browser, and a page that breaks it is caught: an
inline handler does not run and its refusal is recorded (every browser test then asserts that
nothing was refused, tests/browser/conftest.py)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from accounts.models import User
from conftest import TEST_PASSWORD
from tests.browser.conftest import UI

pytestmark = pytest.mark.browser


def test_an_inline_handler_is_refused_and_reported(ui: UI, attendee: User) -> None:
    ui.sign_in(attendee.username, TEST_PASSWORD)
    ui.expect_bootstrap_applied()
    ui.page.evaluate(
        """() => {
        const button = document.createElement("button");
        button.id = "injected";
        button.setAttribute("onclick", "document.body.dataset.injected = 'ran'");
        document.body.appendChild(button);
    }"""
    )
    with ui.page.expect_console_message(lambda message: "Refused to" in message.text):
        ui.page.locator("#injected").click()
    expect(ui.page.locator("body")).not_to_have_attribute("data-injected", "ran")
    assert any("(script-src-attr) inline" in v for v in ui.csp_violations), ui.csp_violations
    ui.csp_violations.clear()  # expected here; the autouse check must not fail this test
    ui.assert_no_page_problems()
