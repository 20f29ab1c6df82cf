"""Điều 4.5 and QĐ 742 level 3: password length and content, history, expiry, forced change."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.actions.passwords import do_change_own_password, do_reset_password
from accounts.actions.users import do_create_user
from accounts.models import User
from conftest import TEST_PASSWORD, login

CHANGE_URL = "/auth/password/change/"


def change_password(client, old: str, new: str, again: str | None = None):  # type: ignore[no-untyped-def]
    return client.post(CHANGE_URL, {"oldpassword": old, "password1": new, "password2": again or new})


@pytest.mark.parametrize(
    "password, code",
    [
        ("Ab1", "password_too_short"),
        ("chiconchu", "password_too_short"),
        ("chicochudaithe", "password_letters_digits"),
        ("12345678901234", "password_letters_digits"),
    ],
)
def test_weak_password_is_refused_with_reason(snv_member: User, password: str, code: str) -> None:
    with pytest.raises(ValidationError) as info:
        password_validation.validate_password(password, snv_member)
    assert code in [e.code for e in info.value.error_list]


def test_password_of_ten_with_letters_and_digits_is_accepted(snv_member: User) -> None:
    password_validation.validate_password("Hoanhao123", snv_member)  # raises when refused
    snv_member.set_password("Hoanhao123")
    snv_member.save()
    snv_member.refresh_from_db()
    assert snv_member.check_password("Hoanhao123")


def test_last_five_passwords_cannot_be_reused(snv_member: User) -> None:
    history = [f"Matkhau{n}moi2026" for n in range(5)]
    for pw in history:
        do_change_own_password(snv_member, pw)
    for pw in history:
        with pytest.raises(ValidationError) as info:
            password_validation.validate_password(pw, snv_member)
        assert info.value.error_list[0].code == "password_reused"
    # The one before those five is usable again.
    password_validation.validate_password(TEST_PASSWORD, snv_member)


def test_reuse_is_refused_on_the_change_page_and_nothing_changes(client, snv_member: User) -> None:
    login(client, snv_member)
    before = User.objects.get(pk=snv_member.pk).password
    response = change_password(client, TEST_PASSWORD, TEST_PASSWORD)
    assert response.status_code == 200
    assert "password_reused" not in response.content.decode()  # the message, not the code, is shown
    assert User.objects.get(pk=snv_member.pk).password == before


def test_first_login_forces_a_password_change(client, snv_admin: User, province) -> None:
    user = do_create_user(
        snv_admin, username="moi.vao", unit=province["snv"], password="Tamthoi2026x", full_name="Người Mới"
    )
    assert user.must_change_password
    login(client, user, "Tamthoi2026x")
    for path in ("/", "/account/", "/admin-units/users/"):
        response = client.get(path)
        assert response.status_code == 302
        assert response["Location"] == CHANGE_URL
    response = change_password(client, "Tamthoi2026x", "Riengtoi2026")
    assert response.status_code == 302
    user.refresh_from_db()
    assert not user.must_change_password
    assert client.get("/").status_code == 200


def test_admin_reset_forces_a_change_at_next_sign_in(client, snv_admin: User, snv_member: User) -> None:
    do_reset_password(snv_admin, snv_member, new_password="Datlai2026abc")
    login(client, snv_member, "Datlai2026abc")
    assert client.get("/")["Location"] == CHANGE_URL


def test_expired_password_allows_nothing_but_changing_it(client, snv_member: User, settings) -> None:
    login(client, snv_member)
    assert client.get("/").status_code == 200
    User.objects.filter(pk=snv_member.pk).update(
        password_changed_at=timezone.now() - timedelta(days=settings.PASSWORD_MAX_AGE_DAYS, minutes=1)
    )
    response = client.get("/account/")
    assert response.status_code == 302 and response["Location"] == CHANGE_URL
    assert client.get(CHANGE_URL).status_code == 200
    assert client.get("/healthz").status_code in (200, 503)  # health stays reachable
    change_password(client, TEST_PASSWORD, "Moihoantoan2026")
    assert client.get("/account/").status_code == 200


def test_password_age_limit_is_configurable(client, snv_member: User, settings) -> None:
    settings.PASSWORD_MAX_AGE_DAYS = 30
    User.objects.filter(pk=snv_member.pk).update(password_changed_at=timezone.now() - timedelta(days=31))
    login(client, snv_member)
    assert client.get("/")["Location"] == CHANGE_URL


def test_htmx_request_with_expired_password_gets_hx_redirect(client, snv_member: User) -> None:
    login(client, snv_member)
    User.objects.filter(pk=snv_member.pk).update(must_change_password=True)
    response = client.get("/", headers={"HX-Request": "true"})
    assert response.status_code == 204
    assert response["HX-Redirect"] == CHANGE_URL


def test_passwords_are_hashed_with_argon2(snv_member: User) -> None:
    assert snv_member.password.startswith("argon2$")


def test_own_password_change_is_audited(client, snv_member: User) -> None:
    from audit.models import AuditEntry

    login(client, snv_member)
    change_password(client, TEST_PASSWORD, "Doimatkhau2026")
    assert AuditEntry.objects.filter(action="user.password_changed", actor=snv_member).exists()


def test_mismatched_new_passwords_change_nothing(client, snv_member: User) -> None:
    login(client, snv_member)
    before = User.objects.get(pk=snv_member.pk).password
    response = change_password(client, TEST_PASSWORD, "Matkhaumoi2026", "Matkhaukhac2026")
    assert response.status_code == 200
    assert User.objects.get(pk=snv_member.pk).password == before
