"""Deactivation or a password reset ends sessions at once; users see and end their sessions."""

from __future__ import annotations

from django.contrib.sessions.models import Session
from django.test import Client

from accounts.actions.passwords import do_reset_password
from accounts.actions.users import do_set_user_active
from accounts.models import User, UserSession
from conftest import login


def signed_in(client: Client) -> bool:
    return client.get("/account/").status_code == 200


def test_deactivation_signs_the_user_out_everywhere(snv_admin: User, snv_member: User) -> None:
    phone, desk = login(Client(), snv_member), login(Client(), snv_member)
    assert signed_in(phone) and signed_in(desk)
    do_set_user_active(snv_admin, snv_member, active=False)
    assert not signed_in(phone)
    assert not signed_in(desk)
    assert not UserSession.objects.filter(user=snv_member).exists()


def test_deactivated_user_cannot_sign_in(client, snv_admin: User, snv_member: User) -> None:
    do_set_user_active(snv_admin, snv_member, active=False)
    response = client.post("/auth/login/", {"login": snv_member.username, "password": "Matkhau2026vn"})
    assert response["Location"] == "/auth/inactive/"
    assert "_auth_user_id" not in client.session
    assert client.get("/account/").status_code == 302


def test_password_reset_signs_the_user_out_everywhere(snv_admin: User, snv_member: User) -> None:
    browser = login(Client(), snv_member)
    do_reset_password(snv_admin, snv_member, new_password="Datlai2026abc")
    response = browser.get("/account/")
    assert response.status_code == 302
    assert response["Location"].startswith("/auth/login/")


def test_sign_out_everywhere_else_keeps_this_session(snv_member: User) -> None:
    here, elsewhere = login(Client(), snv_member), login(Client(), snv_member)
    assert UserSession.objects.filter(user=snv_member).count() == 2
    response = here.post("/account/sessions/end-others/")
    assert response.status_code == 302
    assert signed_in(here)
    assert not signed_in(elsewhere)
    assert UserSession.objects.filter(user=snv_member).count() == 1


def test_my_account_lists_active_sessions(client, snv_member: User) -> None:
    login(client, snv_member)
    login(Client(), snv_member)
    page = client.get("/account/").content.decode()
    assert page.count('class="list-group-item"') >= 2


def test_logout_removes_the_tracked_session(client, snv_member: User) -> None:
    login(client, snv_member)
    key = client.session.session_key
    client.post("/auth/logout/")
    assert not UserSession.objects.filter(session_key=key).exists()
    assert not Session.objects.filter(session_key=key).exists()


def test_idle_timeout_is_the_session_cookie_age(settings) -> None:
    assert settings.SESSION_COOKIE_AGE == settings.SESSION_IDLE_TIMEOUT_MINUTES * 60 == 30 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST


def test_idle_session_expires(client, snv_member: User) -> None:
    from datetime import timedelta

    from django.utils import timezone

    login(client, snv_member)
    Session.objects.filter(session_key=client.session.session_key).update(
        expire_date=timezone.now() - timedelta(seconds=1)
    )
    assert not signed_in(client)


def test_profile_preferences_are_saved_and_validated(client, snv_member: User) -> None:
    login(client, snv_member)
    response = client.post(
        "/account/", {"email": "", "phone": "0912345678", "receive_email": "on", "receive_sms": "on"}
    )
    assert response.status_code == 200  # email required while email notifications are on
    snv_member.refresh_from_db()
    assert snv_member.phone == ""
    response = client.post("/account/", {"email": "mai@snv.example", "phone": "0912345678", "receive_sms": "on"})
    assert response.status_code == 302
    snv_member.refresh_from_db()
    assert (snv_member.receive_email, snv_member.receive_sms, snv_member.phone) == (False, True, "0912345678")


def test_password_change_keeps_one_tracked_session_for_the_browser(client, snv_member: User) -> None:
    login(client, snv_member)
    response = client.post(
        "/auth/password/change/",
        {"oldpassword": "Matkhau2026vn", "password1": "Doimoi2026abc", "password2": "Doimoi2026abc"},
    )
    assert response.status_code == 302 and response["Location"] == "/"
    assert signed_in(client)
    sessions = UserSession.objects.filter(user=snv_member)
    assert sessions.count() == 1
    assert sessions.get().session_key == client.session.session_key
