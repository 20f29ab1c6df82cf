"""Điều 4.3a: a transfer needs the system admin, or both units' admins."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.actions.rights import do_grant_right
from accounts.actions.transfers import do_accept_transfer, do_decline_transfer, do_request_transfer, do_transfer_user
from accounts.models import Right, TransferStatus, User
from conftest import login


def test_sending_admin_proposes_and_receiving_admin_accepts(client, snv_admin, stc_admin, snv_member, province) -> None:
    do_grant_right(snv_admin, snv_member, Right.ORGANISER)
    province["snv"].document_receiver = snv_member
    province["snv"].meeting_approver = snv_member
    province["snv"].save()
    login(client, snv_admin)
    client.post(
        f"/admin-units/users/{snv_member.pk}/transfer/", {"to_unit": province["stc"].pk, "new_position": "Chuyên viên"}
    )
    snv_member.refresh_from_db()
    assert snv_member.unit == province["snv"]  # not yet
    transfer = snv_member.transfers.get()
    assert transfer.status == TransferStatus.PENDING

    login(client, stc_admin)
    assert snv_member.full_name in client.get("/admin-units/transfers/").content.decode()
    assert client.post(f"/admin-units/transfers/{transfer.pk}/accept/").status_code == 302
    snv_member.refresh_from_db()
    snv_member.forget_rights()
    assert snv_member.unit == province["stc"]
    assert snv_member.rights() == frozenset()  # rights do not travel
    province["snv"].refresh_from_db()
    assert province["snv"].document_receiver is None and province["snv"].meeting_approver is None


def test_sending_admin_cannot_accept_their_own_proposal(client, snv_admin, snv_member, province) -> None:
    transfer = do_request_transfer(snv_admin, snv_member, province["stc"])
    login(client, snv_admin)
    assert client.post(f"/admin-units/transfers/{transfer.pk}/accept/").status_code == 404
    snv_member.refresh_from_db()
    assert snv_member.unit == province["snv"]


def test_receiving_admin_may_decline(stc_admin, snv_admin, snv_member, province) -> None:
    transfer = do_request_transfer(snv_admin, snv_member, province["stc"])
    do_decline_transfer(stc_admin, transfer)
    transfer.refresh_from_db()
    assert transfer.status == TransferStatus.DECLINED
    with pytest.raises(ValidationError):
        do_accept_transfer(stc_admin, transfer)
    snv_member.refresh_from_db()
    assert snv_member.unit == province["snv"]


def test_one_pending_transfer_per_user(snv_admin, snv_member, province) -> None:
    do_request_transfer(snv_admin, snv_member, province["stc"])
    with pytest.raises(ValidationError):
        do_request_transfer(snv_admin, snv_member, province["office"])
    assert snv_member.transfers.count() == 1


def test_system_admin_transfers_directly(sysadmin, snv_member, province) -> None:
    do_transfer_user(sysadmin, snv_member, province["stc"])
    snv_member.refresh_from_db()
    assert snv_member.unit == province["stc"]


def test_unit_admin_cannot_transfer_directly_out_of_reach(snv_admin, snv_member, province) -> None:
    with pytest.raises(PermissionDenied):
        do_transfer_user(snv_admin, snv_member, province["stc"])


def test_admin_covering_both_units_transfers_directly(client, snv_admin, snv_member, province) -> None:
    login(client, snv_admin)
    client.post(f"/admin-units/users/{snv_member.pk}/transfer/", {"to_unit": province["snv_sub"].pk})
    snv_member.refresh_from_db()
    assert snv_member.unit == province["snv_sub"]


def test_transfer_to_the_same_unit_is_refused(snv_admin, snv_member, province) -> None:
    with pytest.raises(ValidationError):
        do_request_transfer(snv_admin, snv_member, province["snv"])


def test_sending_admin_can_cancel(client, snv_admin, stc_admin, snv_member, province) -> None:
    transfer = do_request_transfer(snv_admin, snv_member, province["stc"])
    login(client, stc_admin)
    assert client.post(f"/admin-units/transfers/{transfer.pk}/cancel/").status_code == 404
    login(client, snv_admin)
    client.post(f"/admin-units/transfers/{transfer.pk}/cancel/")
    transfer.refresh_from_db()
    assert transfer.status == TransferStatus.CANCELLED


def test_outsider_cannot_see_or_decide_a_transfer(client, snv_admin, snv_member, province) -> None:
    from conftest import make_user

    transfer = do_request_transfer(snv_admin, snv_member, province["stc"])
    office_admin = make_user("vp.quantri", province["office"], Right.UNIT_ADMIN)
    login(client, office_admin)
    assert snv_member.full_name not in client.get("/admin-units/transfers/").content.decode()
    assert client.post(f"/admin-units/transfers/{transfer.pk}/accept/").status_code == 404
    assert User.objects.get(pk=snv_member.pk).unit == province["snv"]
