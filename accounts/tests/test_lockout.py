"""Lockout for 15 minutes after 5 failed sign-ins per account, and a per-address limit."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from accounts.models import LoginFailure, User
from audit.models import AuditEntry
from conftest import TEST_PASSWORD


def attempt(client, username: str, password: str, ip: str = "10.0.0.1"):  # type: ignore[no-untyped-def]
    return client.post("/auth/login/", {"login": username, "password": password}, REMOTE_ADDR=ip)


def test_five_failures_lock_the_account_for_fifteen_minutes(client, snv_member: User) -> None:
    for _ in range(4):
        assert attempt(client, snv_member.username, "sai-mat-khau-1").status_code == 200
    snv_member.refresh_from_db()
    assert snv_member.locked_until is None
    response = attempt(client, snv_member.username, "sai-mat-khau-1")
    snv_member.refresh_from_db()
    assert snv_member.locked_until is not None
    assert timedelta(minutes=14) < snv_member.locked_until - timezone.now() <= timedelta(minutes=15)
    assert "15" in response.content.decode()


def test_locked_account_refuses_even_the_right_password(client, snv_member: User) -> None:
    User.objects.filter(pk=snv_member.pk).update(locked_until=timezone.now() + timedelta(minutes=10))
    response = attempt(client, snv_member.username, TEST_PASSWORD)
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_lock_expires_by_time(client, snv_member: User) -> None:
    User.objects.filter(pk=snv_member.pk).update(locked_until=timezone.now() - timedelta(seconds=1))
    assert attempt(client, snv_member.username, TEST_PASSWORD).status_code == 302


def test_success_resets_the_failure_count(client, snv_member: User) -> None:
    for _ in range(3):
        attempt(client, snv_member.username, "sai-mat-khau-1")
    assert attempt(client, snv_member.username, TEST_PASSWORD).status_code == 302
    snv_member.refresh_from_db()
    assert snv_member.failed_login_count == 0


def test_failures_and_lockout_are_audited(client, snv_member: User) -> None:
    for _ in range(5):
        attempt(client, snv_member.username, "sai-mat-khau-1")
    assert AuditEntry.objects.filter(action="auth.login_failed", actor=snv_member).count() == 5
    locked = AuditEntry.objects.get(action="auth.locked")
    assert locked.target_id == str(snv_member.pk)
    assert locked.ip == "10.0.0.1"


def test_unknown_username_is_audited_without_an_actor(client, province) -> None:
    attempt(client, "khong.ton.tai", "bat-ky-1")
    entry = AuditEntry.objects.get(action="auth.login_failed")
    assert entry.actor is None
    assert entry.data["username"] == "khong.ton.tai"


def test_too_many_failures_from_one_address_are_refused(client, snv_member: User, settings) -> None:
    settings.LOGIN_MAX_FAILURES_PER_IP = 3
    for n in range(3):
        attempt(client, f"doan.mo.{n}", "bat-ky-1", ip="10.9.9.9")
    # Even a correct password from that address waits.
    response = attempt(client, snv_member.username, TEST_PASSWORD, ip="10.9.9.9")
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    # Another address is not affected.
    assert attempt(client, snv_member.username, TEST_PASSWORD, ip="10.1.1.1").status_code == 302
    assert LoginFailure.objects.filter(ip="10.9.9.9").count() == 3


def test_admin_unlock_clears_the_lock(client, snv_admin: User, snv_member: User) -> None:
    from accounts.actions.sessions import do_unlock_user

    User.objects.filter(pk=snv_member.pk).update(locked_until=timezone.now() + timedelta(minutes=10))
    snv_member.refresh_from_db()
    do_unlock_user(snv_admin, snv_member)
    assert attempt(client, snv_member.username, TEST_PASSWORD).status_code == 302


def test_login_and_logout_are_audited(client, snv_member: User) -> None:
    attempt(client, snv_member.username, TEST_PASSWORD)
    client.post("/auth/logout/")
    actions_logged = list(AuditEntry.objects.filter(actor=snv_member).order_by("seq").values_list("action", flat=True))
    assert actions_logged[-2:] == ["auth.login", "auth.logout"]


def test_sign_up_is_closed(client, db) -> None:
    response = client.post("/auth/signup/", {"username": "tu.dang.ky", "password1": "Tudangky2026"})
    assert not User.objects.filter(username="tu.dang.ky").exists()
    assert response.status_code == 200


def test_self_service_password_reset_by_email_is_off(client, snv_member: User) -> None:
    from django.core import mail

    response = client.post("/auth/password/reset/", {"email": snv_member.email or "mai@snv.example"})
    assert response.status_code == 200
    assert mail.outbox == []
    assert "/auth/password/reset/key/" not in response.content.decode()


def _error_text(response) -> str:  # type: ignore[no-untyped-def]
    """The sign-in form's error, with numbers and names masked, as the visitor reads it."""
    import re

    errors = response.context["form"].non_field_errors()
    return re.sub(r"\d+", "N", " ".join(errors))


def test_unknown_name_is_locked_like_an_account_so_names_cannot_be_probed(client, snv_member: User) -> None:
    """The lockout message must not tell an attacker whether a username exists."""
    known = [attempt(client, snv_member.username, "sai-mat-khau-1", ip=f"10.0.1.{n}") for n in range(6)]
    unknown = [attempt(client, "khong.ton.tai", "sai-mat-khau-1", ip=f"10.0.2.{n}") for n in range(6)]
    assert [_error_text(r) for r in known] == [_error_text(r) for r in unknown]
    assert "N" in _error_text(unknown[4])  # the 5th failure announces the lock, with its minutes
    assert _error_text(unknown[3]) != _error_text(unknown[4]) != ""
    # While "locked", even another password for the unknown name gets the locked message.
    assert _error_text(attempt(client, "khong.ton.tai", "khac-1", ip="10.0.3.1")) == _error_text(known[5])


def test_unknown_name_lock_ends_with_the_lockout_period(client, province) -> None:
    for n in range(5):
        attempt(client, "khong.ton.tai", "sai-mat-khau-1", ip=f"10.0.4.{n}")
    LoginFailure.objects.filter(username="khong.ton.tai").update(at=timezone.now() - timedelta(minutes=16))
    response = attempt(client, "khong.ton.tai", "sai-mat-khau-1", ip="10.0.4.9")
    ordinary = attempt(client, "ten.moi.khac", "sai-mat-khau-1", ip="10.0.4.10")
    assert _error_text(response) == _error_text(ordinary)  # an ordinary wrong-password message again
    assert LoginFailure.objects.filter(username="khong.ton.tai").count() == 6
