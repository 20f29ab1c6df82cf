"""Nobody may act on an account that holds a right they could not grant themselves: a unit
administrator cannot reset, deactivate, edit, demote or move a system administrator (or another
unit administrator) who sits in their unit. System administrators are managed only by system
administrators."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client

from accounts.actions.passwords import do_reset_password
from accounts.actions.sessions import do_unlock_user
from accounts.actions.transfers import do_accept_transfer, do_request_transfer
from accounts.actions.users import do_set_user_active, do_update_user
from accounts.models import Right, TransferRequest, TransferStatus, User
from accounts.permissions import Perm, can
from conftest import TEST_PASSWORD, login, make_user


@pytest.fixture
def snv_sysadmin(province) -> User:  # type: ignore[no-untyped-def]
    """A system administrator whose account is filed under Sở Nội vụ, the unit admin's own unit."""
    return make_user("snv.hethong", province["snv"], Right.SYSTEM_ADMIN, full_name="Lý Văn Hệ")


@pytest.fixture
def snv_second_admin(province) -> User:  # type: ignore[no-untyped-def]
    return make_user("snv.quantri2", province["snv"], Right.UNIT_ADMIN, full_name="Tạ Thị Quản")


def _untouched(user: User) -> None:
    fresh = User.objects.get(pk=user.pk)
    assert fresh.is_active
    assert fresh.check_password(TEST_PASSWORD)
    assert not fresh.must_change_password
    assert not fresh.is_external
    assert fresh.unit_id == user.unit_id
    assert set(fresh.grants.values_list("right", flat=True)) == set(user.rights())


def test_unit_admin_cannot_manage_a_system_admin_of_their_unit(snv_admin: User, snv_sysadmin: User) -> None:
    assert not can(snv_admin, Perm.MANAGE_USER, snv_sysadmin)
    assert not can(snv_admin, Perm.GRANT_RIGHT, (snv_sysadmin, Right.ORGANISER))


def test_unit_admin_cannot_manage_another_unit_admin(snv_admin: User, snv_second_admin: User) -> None:
    assert not can(snv_admin, Perm.MANAGE_USER, snv_second_admin)


def test_system_admin_manages_system_admins(sysadmin: User, snv_sysadmin: User) -> None:
    assert can(sysadmin, Perm.MANAGE_USER, snv_sysadmin)


def test_unit_admin_still_manages_ordinary_members(snv_admin: User, snv_member: User) -> None:
    assert can(snv_admin, Perm.MANAGE_USER, snv_member)


@pytest.mark.parametrize(
    "attempt",
    [
        lambda actor, target: do_reset_password(actor, target, new_password="Matkhaumoi2026x"),
        lambda actor, target: do_set_user_active(actor, target, active=False),
        lambda actor, target: do_update_user(actor, target, is_external=True),
        lambda actor, target: do_update_user(actor, target, full_name="Kẻ Mạo Danh"),
        lambda actor, target: do_unlock_user(actor, target),
        lambda actor, target: do_request_transfer(actor, target, target.unit.parent),
    ],
    ids=["reset", "deactivate", "make_guest", "edit", "unlock", "propose_transfer"],
)
def test_unit_admin_actions_on_a_system_admin_are_refused(attempt, snv_admin: User, snv_sysadmin: User) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(PermissionDenied):
        attempt(snv_admin, snv_sysadmin)
    _untouched(snv_sysadmin)
    assert not TransferRequest.objects.filter(user=snv_sysadmin).exists()


def test_reset_page_gives_no_temporary_password_for_a_system_admin(
    client: Client, province, snv_admin: User, snv_sysadmin: User
) -> None:
    login(client, snv_admin)
    base = f"/admin-units/users/{snv_sysadmin.pk}"
    for url, data in [
        (f"{base}/reset-password/", {}),
        (f"{base}/active/", {"active": "0"}),
        (f"{base}/", {"full_name": "X", "is_external": "on", "organisation": "Y"}),
        (f"{base}/right/", {"right": "organiser", "grant": "1"}),
        (f"{base}/transfer/", {"to_unit": province["stc"].pk}),
    ]:
        response = client.post(url, data)
        assert response.status_code == 403, url
    _untouched(snv_sysadmin)


def test_detail_page_of_a_protected_account_is_read_only(client: Client, snv_admin: User, snv_sysadmin: User) -> None:
    login(client, snv_admin)
    page = client.get(f"/admin-units/users/{snv_sysadmin.pk}/").content.decode()
    assert 'data-testid="protected-account"' in page
    assert "reset-password" not in page
    assert 'data-testid="deactivate"' not in page


def test_receiving_admin_cannot_accept_the_move_of_an_admin(
    province, sysadmin: User, stc_admin: User, snv_sysadmin: User
) -> None:
    """Accepting a move drops the account's rights: a unit admin would strip a system admin."""
    transfer = TransferRequest.objects.create(
        user=snv_sysadmin, from_unit=province["snv"], to_unit=province["stc"], requested_by=sysadmin
    )
    with pytest.raises(PermissionDenied):
        do_accept_transfer(stc_admin, transfer)
    assert TransferRequest.objects.get(pk=transfer.pk).status == TransferStatus.PENDING
    _untouched(snv_sysadmin)


def test_incoming_list_hides_moves_of_admins(client: Client, province, sysadmin, stc_admin, snv_sysadmin) -> None:  # type: ignore[no-untyped-def]
    transfer = TransferRequest.objects.create(
        user=snv_sysadmin, from_unit=province["snv"], to_unit=province["stc"], requested_by=sysadmin
    )
    login(client, stc_admin)
    assert snv_sysadmin.full_name not in client.get("/admin-units/transfers/").content.decode()
    assert client.post(f"/admin-units/transfers/{transfer.pk}/accept/").status_code == 404


def test_system_admin_can_reset_another_system_admin(sysadmin: User, snv_sysadmin: User) -> None:
    do_reset_password(sysadmin, snv_sysadmin, new_password="Matkhaumoi2026x")
    snv_sysadmin.refresh_from_db()
    assert snv_sysadmin.must_change_password


def test_unit_admins_of_parent_and_sub_unit_do_not_manage_each_other(province) -> None:  # type: ignore[no-untyped-def]
    """A sub-unit admin does not reach an admin of the parent either (scope and rank both apply)."""
    sub_admin = make_user("snv.vp.quantri", province["snv_sub"], Right.UNIT_ADMIN)
    parent_admin = make_user("snv.qt.cha", province["snv"], Right.UNIT_ADMIN)
    assert not can(sub_admin, Perm.MANAGE_USER, parent_admin)
    assert not can(parent_admin, Perm.MANAGE_USER, sub_admin)
