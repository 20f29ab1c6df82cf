"""The page shell in a real browser: the menu bar of a user with every right fits on one line of a
1366×768 laptop screen, and on a phone it folds behind the toggler; the administration screens
are reached through the "Administration" dropdown on both.
"""

from __future__ import annotations

import re

import pytest
from django.db import transaction
from playwright.sync_api import expect

from accounts.models import OrgUnit, Right
from conftest import TEST_PASSWORD, make_user
from notifications.actions import do_notify
from tests.browser.conftest import UI

pytestmark = pytest.mark.browser

USERS_URL = "/admin-units/users/"
AUDIT_URL = "/audit/"
DOCUMENT_APPROVALS_URL = "/documents/approvals/"


@pytest.fixture
def everything_user(province: dict[str, OrgUnit]):  # type: ignore[no-untyped-def]
    """System and unit administrator, organiser, leader and opinion collector, with a long name
    and unread notifications: the widest menu bar there is."""
    user = make_user(
        "vp.tatca",
        province["office"],
        Right.SYSTEM_ADMIN,
        Right.UNIT_ADMIN,
        Right.ORGANISER,
        Right.LEADER,
        Right.OPINION_COLLECTOR,
        full_name="Nguyễn Thị Phương Thảo",
    )
    with transaction.atomic():
        for n in range(12):
            do_notify([user], event="test", title=f"Thông báo {n}", body="Nội dung", url="/", email=False, sms=False)
    return user


def menu_centres(ui: UI) -> list[float]:
    """The vertical centres of the brand and of the menu bar's entries."""
    return ui.page.evaluate(
        """() => [document.querySelector('nav.navbar .navbar-brand'),
                  ...document.querySelectorAll('#main-nav > ul > li')]
                 .map(el => el.getBoundingClientRect())
                 .map(r => (r.top + r.bottom) / 2)"""
    )


def test_menu_of_a_user_with_every_right_fits_on_one_line_of_a_laptop(ui: UI, everything_user) -> None:  # type: ignore[no-untyped-def]
    if not ui.is_phone:
        ui.page.set_viewport_size({"width": 1366, "height": 768})
    ui.sign_in(everything_user.username, TEST_PASSWORD)
    ui.expect_bootstrap_applied()
    if ui.is_phone:
        expect(ui.page.locator("#main-nav")).to_be_hidden()
    else:
        # 1366×768, the province's laptops, and 1200 px, the narrowest width without the toggler.
        for width in (1366, 1200):
            ui.page.set_viewport_size({"width": width, "height": 768})
            centres = menu_centres(ui)
            assert len(centres) >= 10 and max(centres) - min(centres) < 10, (width, centres)  # one line
            navbar_height = ui.page.locator("nav.navbar").bounding_box()["height"]  # type: ignore[index]
            assert navbar_height < 80, (width, navbar_height)
            # ... and within the screen: nothing sticks out to the right.
            overflow = ui.page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 0, (width, overflow)
            expect(ui.page.get_by_test_id("logout")).to_be_in_viewport()
        ui.page.set_viewport_size({"width": 1366, "height": 768})
    ui.go_via_menu(USERS_URL)
    admin_toggle = ui.open_menu().get_by_test_id("nav-admin")
    expect(admin_toggle).to_have_class(re.compile(r"\bactive\b"))
    ui.go_via_menu(AUDIT_URL)
    ui.go_via_menu(DOCUMENT_APPROVALS_URL)
    ui.assert_no_page_problems()
