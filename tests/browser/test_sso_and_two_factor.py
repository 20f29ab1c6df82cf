"""Single sign-on and two-factor sign-in in a real browser, on a phone and on a desktop.

Single sign-on runs against the real OpenID provider of tests/oidc (started on loopback): the
official presses the button, signs in at the provider, lands on eCabinet under her own account,
and signing out ends both sessions and returns to eCabinet's sign-in page. A unit administrator
without an authenticator app is sent to set one up right after signing in, scans (reads) the
secret, enters the code a phone would show, and keeps the recovery codes.
"""

from __future__ import annotations

from typing import Any

import pytest
from allauth.mfa.models import Authenticator
from playwright.sync_api import expect

from accounts.models import OrgUnit, Right
from accounts.tests.test_two_factor import totp, wrong_code
from conftest import TEST_PASSWORD, make_user
from tests.browser.conftest import UI
from tests.oidc.conftest import OIDCProvider, oidc_provider, sso_settings  # noqa: F401

pytestmark = pytest.mark.browser


def test_an_official_signs_in_through_the_province_s_sso_and_signs_out_of_both(
    ui: UI,
    province: dict[str, OrgUnit],
    sso_settings: OIDCProvider,  # noqa: F811
    settings: Any,
) -> None:
    make_user("snv.hang", province["snv"], full_name="Nguyễn Thị Hằng")
    ui.page.goto("/auth/login/")
    button = ui.page.get_by_test_id("sso-login")
    expect(button).to_have_text(settings.OIDC_NAME)
    ui.click_and_wait(button)
    assert ui.page.url.startswith(sso_settings.issuer + "/interaction/")
    ui.page.locator('input[name="sub"]').fill("hang")
    ui.click_and_wait(ui.page.locator('button[type="submit"]'))
    ui.expect_path("/")
    expect(ui.page.locator("body")).to_contain_text("Nguyễn Thị Hằng")

    ui.sign_out()  # through the provider's end-session page and back to our sign-in page
    ui.page.goto("/account/")
    expect(ui.page).to_have_url(ui.url("/auth/login/?next=/account/"))
    ui.assert_no_page_problems()


def test_an_administrator_sets_up_two_factor_right_after_signing_in_and_then_needs_the_code(
    ui: UI, province: dict[str, OrgUnit], settings: Any
) -> None:
    settings.MFA_REQUIRED_FOR_ADMINS = True
    admin = make_user("snv.quantri", province["snv"], Right.UNIT_ADMIN, full_name="Đỗ Minh Tuấn")
    ui.sign_in("snv.quantri", TEST_PASSWORD)
    ui.expect_path("/auth/2fa/totp/activate/")
    expect(ui.page.locator("main")).to_contain_text("bắt buộc đăng nhập hai bước")
    expect(ui.page.get_by_test_id("totp-qr")).to_be_visible()
    secret = ui.page.get_by_test_id("totp-secret").input_value()
    ui.page.locator('input[name="code"]').fill(totp(secret))
    ui.click_and_wait(ui.page.get_by_test_id("totp-confirm"))
    ui.expect_path("/auth/2fa/recovery-codes/")
    expect(ui.page.get_by_test_id("recovery-codes").locator("li")).to_have_count(10)
    ui.click_and_wait(ui.page.get_by_test_id("recovery-codes-done"))
    ui.expect_path("/")
    assert Authenticator.objects.filter(user=admin, type="totp").exists()

    ui.sign_out()
    ui.sign_in("snv.quantri", TEST_PASSWORD)
    ui.expect_path("/auth/2fa/authenticate/")
    ui.page.locator('input[name="code"]').fill(wrong_code(secret))
    ui.click_and_wait(ui.page.get_by_test_id("mfa-submit"))
    expect(ui.page.get_by_test_id("mfa-error")).to_contain_text("Mã không đúng hoặc đã hết hạn")
    ui.page.locator('input[name="code"]').fill(totp(secret, step=1))  # the setup code cannot be replayed
    ui.click_and_wait(ui.page.get_by_test_id("mfa-submit"))
    ui.expect_path("/")
    ui.assert_no_page_problems()
