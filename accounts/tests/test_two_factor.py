"""Two-factor sign-in (Điều 8.2): TOTP with recovery codes, required for administrators.

Codes are computed here from the secret with RFC 6238 (independently of allauth), as a phone would.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import struct
import time

import pytest
from allauth.mfa.models import Authenticator
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.test import Client

from accounts.actions.two_factor import do_reset_two_factor
from accounts.models import Right, User
from audit.models import AuditEntry
from conftest import TEST_PASSWORD, make_user

LOGIN = "/auth/login/"
SETUP = "/auth/2fa/totp/activate/"
CODE_PAGE = "/auth/2fa/authenticate/"


def totp(secret: str, *, step: int = 0) -> str:
    """RFC 6238 (SHA-1, 30 seconds, 6 digits), `step` periods from now."""
    key = base64.b32decode(secret.upper() + "=" * (-len(secret) % 8))
    counter = int(time.time()) // 30 + step
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = (struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF) % 1_000_000
    return f"{value:06d}"


def wrong_code(secret: str) -> str:
    valid = {totp(secret, step=s) for s in (-1, 0, 1)}
    return next(c for c in ("000000", "111111", "222222", "333333") if c not in valid)


@pytest.fixture(autouse=True)
def _required_for_admins(settings):  # type: ignore[no-untyped-def]
    settings.MFA_REQUIRED_FOR_ADMINS = True
    cache.clear()  # allauth remembers used codes per user id in the cache
    yield
    cache.clear()


def sign_in(client: Client, username: str, password: str = TEST_PASSWORD):  # type: ignore[no-untyped-def]
    return client.post(LOGIN, {"login": username, "password": password})


def set_up_totp(client: Client) -> str:
    """Go through the setup page as the user would; returns the secret."""
    page = client.get(SETUP)
    assert page.status_code == 200
    match = re.search(r'id="authenticator_secret"[^>]*value="([A-Z2-7]+)"', page.content.decode())
    assert match
    response = client.post(SETUP, {"code": totp(match.group(1))})
    assert response.status_code == 302
    assert response["Location"] == "/auth/2fa/recovery-codes/"
    return match.group(1)


def give_totp(user: User) -> tuple[str, list[str]]:
    """An authenticator app and recovery codes, as allauth's setup stores them."""
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    codes = RecoveryCodes.activate(user).generate_codes()
    return secret, codes


def test_an_admin_without_an_authenticator_is_sent_to_set_one_up_before_anything_else(snv_admin, db):  # type: ignore[no-untyped-def]
    client = Client()
    response = sign_in(client, snv_admin.username)
    assert response.status_code == 302
    for path in ("/", "/admin-units/users/", "/account/", "/audit/"):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"] == SETUP
    assert client.get(SETUP).status_code == 200


def test_setting_up_with_a_real_code_turns_two_factor_on_and_shows_recovery_codes(
    snv_admin, db, django_capture_on_commit_callbacks
):  # type: ignore[no-untyped-def]
    client = Client()
    sign_in(client, snv_admin.username)
    with django_capture_on_commit_callbacks(execute=True):  # allauth announces it after the commit
        set_up_totp(client)
    assert Authenticator.objects.filter(user=snv_admin, type="totp").exists()
    codes_page = client.get("/auth/2fa/recovery-codes/")
    assert codes_page.status_code == 200
    shown = re.findall(r"<li class=\"col\">(\w+)</li>", codes_page.content.decode())
    assert len(shown) == 10
    assert client.get("/admin-units/users/").status_code == 200  # released
    assert AuditEntry.objects.filter(action="auth.two_factor_enabled", actor=snv_admin).count() == 1


def test_a_wrong_code_at_setup_is_refused_in_vietnamese_and_changes_nothing(snv_admin, db):  # type: ignore[no-untyped-def]
    client = Client()
    sign_in(client, snv_admin.username)
    page = client.get(SETUP).content.decode()
    secret = re.search(r'id="authenticator_secret"[^>]*value="([A-Z2-7]+)"', page).group(1)  # type: ignore[union-attr]
    response = client.post(SETUP, {"code": wrong_code(secret)})
    assert response.status_code == 200
    assert "Mã không đúng hoặc đã hết hạn" in response.content.decode()
    assert not Authenticator.objects.filter(user=snv_admin).exists()


def test_sign_in_asks_for_the_code_and_signs_in_only_with_the_right_one(snv_admin, db):  # type: ignore[no-untyped-def]
    secret, _codes = give_totp(snv_admin)
    client = Client()
    response = sign_in(client, snv_admin.username)
    assert response["Location"] == CODE_PAGE
    assert client.get("/").status_code == 302  # not signed in yet
    assert not AuditEntry.objects.filter(action="auth.login", actor=snv_admin).exists()

    response = client.post(CODE_PAGE, {"code": wrong_code(secret)})
    assert response.status_code == 200
    assert "Mã không đúng hoặc đã hết hạn" in response.content.decode()
    assert AuditEntry.objects.filter(action="auth.login_failed", actor=snv_admin, data__stage="mfa").count() == 1

    response = client.post(CODE_PAGE, {"code": totp(secret)})
    assert response.status_code == 302
    assert client.get("/admin-units/users/").status_code == 200
    login = AuditEntry.objects.get(action="auth.login", actor=snv_admin)
    assert login.data["method"] == "password"


def test_wrong_codes_lock_the_account_like_wrong_passwords(snv_admin, settings, db):  # type: ignore[no-untyped-def]
    settings.LOGIN_MAX_FAILURES = 3
    secret, _codes = give_totp(snv_admin)
    client = Client()
    sign_in(client, snv_admin.username)
    for _ in range(3):
        response = client.post(CODE_PAGE, {"code": wrong_code(secret)})
    assert "tài khoản bị khóa" in response.content.decode()
    snv_admin.refresh_from_db()
    assert snv_admin.locked_until is not None
    # Even the right code is refused now.
    response = client.post(CODE_PAGE, {"code": totp(secret)})
    assert response.status_code == 200
    assert client.get("/admin-units/users/").status_code != 200


def test_a_recovery_code_signs_in_once(snv_admin, db):  # type: ignore[no-untyped-def]
    _secret, codes = give_totp(snv_admin)
    client = Client()
    sign_in(client, snv_admin.username)
    response = client.post(CODE_PAGE, {"code": codes[0]})
    assert response.status_code == 302
    assert client.get("/admin-units/users/").status_code == 200
    client.post("/auth/logout/")

    again = Client()
    sign_in(again, snv_admin.username)
    response = again.post(CODE_PAGE, {"code": codes[0]})
    assert response.status_code == 200
    assert "Mã không đúng hoặc đã hết hạn" in response.content.decode()
    response = again.post(CODE_PAGE, {"code": codes[1]})
    assert response.status_code == 302


def test_an_admin_cannot_turn_two_factor_off_while_it_is_required(snv_admin, db):  # type: ignore[no-untyped-def]
    give_totp(snv_admin)
    client = Client()
    client.force_login(snv_admin)
    response = client.post("/auth/2fa/totp/deactivate/")
    assert response.status_code == 200
    assert "bắt buộc" in response.content.decode()
    assert Authenticator.objects.filter(user=snv_admin, type="totp").exists()


def test_an_official_is_not_required_but_may_turn_it_on_and_off(
    snv_admin, province, db, django_capture_on_commit_callbacks
):  # type: ignore[no-untyped-def]
    official = make_user("snv.chuyenvien", province["snv"])
    client = Client()
    sign_in(client, official.username)
    assert client.get("/").status_code == 200
    set_up_totp(client)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/auth/2fa/totp/deactivate/")
    assert response.status_code == 302
    assert not Authenticator.objects.filter(user=official, type="totp").exists()
    assert AuditEntry.objects.filter(action="auth.two_factor_disabled", actor=official).count() == 1


def test_mfa_required_for_all_sends_every_user_to_set_it_up(settings, province, db):  # type: ignore[no-untyped-def]
    settings.MFA_REQUIRED_FOR_ALL = True
    official = make_user("snv.chuyenvien", province["snv"])
    client = Client()
    sign_in(client, official.username)
    response = client.get("/")
    assert response["Location"] == SETUP


def test_an_admin_resets_a_lost_authenticator_and_the_user_sets_it_up_again(snv_admin, province, db):  # type: ignore[no-untyped-def]
    official = make_user("snv.chuyenvien", province["snv"], Right.ORGANISER)
    give_totp(official)
    admin = Client()
    admin.force_login(snv_admin)
    response = admin.post(f"/admin-units/users/{official.pk}/reset-two-factor/")
    assert response.status_code == 302
    assert not Authenticator.objects.filter(user=official).exists()
    assert AuditEntry.objects.get(action="user.two_factor_reset").target_id == str(official.pk)


def test_outsiders_cannot_reset_two_factor(snv_admin, sysadmin, province, db):  # type: ignore[no-untyped-def]
    give_totp(sysadmin)
    stc_admin = make_user("stc.quantri", province["stc"], Right.UNIT_ADMIN)
    official = make_user("snv.chuyenvien", province["snv"])
    give_totp(official)
    other_unit, same_unit_official, unit_admin = Client(), Client(), Client()
    other_unit.force_login(stc_admin)
    same_unit_official.force_login(make_user("snv.khac", province["snv"]))
    unit_admin.force_login(snv_admin)
    assert other_unit.post(f"/admin-units/users/{official.pk}/reset-two-factor/").status_code == 404
    assert same_unit_official.post(f"/admin-units/users/{official.pk}/reset-two-factor/").status_code == 404
    # A unit administrator does not act on a system administrator (sysadmin sits in another unit: 404).
    assert unit_admin.post(f"/admin-units/users/{sysadmin.pk}/reset-two-factor/").status_code == 404
    with pytest.raises(PermissionDenied):
        do_reset_two_factor(snv_admin, sysadmin)
    assert Authenticator.objects.filter(user=official).count() == 2
    assert Authenticator.objects.filter(user=sysadmin).count() == 2
