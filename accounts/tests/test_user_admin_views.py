"""Unit admins create, edit and deactivate accounts; bad input changes nothing."""

from __future__ import annotations

import re

import pytest

from accounts.models import User
from audit.models import AuditEntry
from conftest import login


def temporary_password(response) -> str:  # type: ignore[no-untyped-def]
    match = re.search(r'data-testid="temporary-password">([^<]+)<', response.content.decode())
    assert match, "the page shows no temporary password"
    return match.group(1)


def valid_form(unit_id: int, **overrides):  # type: ignore[no-untyped-def]
    data = {
        "username": "nguyen.van.an",
        "full_name": "Nguyễn Văn An",
        "position": "Chuyên viên",
        "unit": str(unit_id),
        "email": "an@snv.example",
        "phone": "0912 345 678",
        "receive_email": "on",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_unit_admin_creates_an_account_with_a_temporary_password(client, snv_admin, province) -> None:
    login(client, snv_admin)
    response = client.post("/admin-units/users/new/", valid_form(province["snv"].pk))
    assert response.status_code == 200
    password = temporary_password(response)
    user = User.objects.get(username="nguyen.van.an")
    assert user.unit == province["snv"] and user.must_change_password
    assert user.check_password(password)
    entry = AuditEntry.objects.get(action="user.created")
    assert (entry.actor, entry.unit, entry.target_id) == (snv_admin, province["snv"], str(user.pk))
    assert password not in str(entry.data)


@pytest.mark.parametrize(
    "overrides",
    [
        {"username": "Nguyễn Văn An"},  # accents and spaces
        {"username": ""},
        {"full_name": ""},
        {"email": "khong-phai-email"},
        {"phone": "abc"},
        {"email": "", "receive_email": "on"},
        {"receive_sms": "on", "phone": ""},
        {"is_external": "on", "organisation": ""},
        {"unit": "999999"},
        {"unit": "khong-phai-so"},
    ],
)
def test_bad_input_is_refused_and_creates_nothing(client, snv_admin, province, overrides) -> None:
    login(client, snv_admin)
    before = AuditEntry.objects.count()
    response = client.post("/admin-units/users/new/", valid_form(province["snv"].pk, **overrides))
    assert response.status_code == 200
    assert "invalid-feedback" in response.content.decode()
    assert not User.objects.filter(full_name="Nguyễn Văn An").exists()
    assert AuditEntry.objects.count() == before


def test_duplicate_username_is_refused(client, snv_admin, snv_member, province) -> None:
    login(client, snv_admin)
    response = client.post("/admin-units/users/new/", valid_form(province["snv"].pk, username=snv_member.username))
    assert response.status_code == 200
    assert User.objects.filter(username=snv_member.username).count() == 1


def test_unit_admin_cannot_create_in_another_unit(client, snv_admin, province) -> None:
    login(client, snv_admin)
    client.post("/admin-units/users/new/", valid_form(province["stc"].pk))
    assert not User.objects.filter(username="nguyen.van.an").exists()


def test_edit_records_before_and_after(client, snv_admin, snv_member) -> None:
    login(client, snv_admin)
    form = {
        "full_name": snv_member.full_name,
        "position": "Phó Trưởng phòng",
        "email": "mai@snv.example",
        "receive_email": "on",
    }
    assert client.post(f"/admin-units/users/{snv_member.pk}/", form).status_code == 302
    snv_member.refresh_from_db()
    assert snv_member.position == "Phó Trưởng phòng"
    entry = AuditEntry.objects.get(action="user.updated")
    assert entry.data == {"before": {"position": ""}, "after": {"position": "Phó Trưởng phòng"}}


def test_deactivate_and_reactivate(client, snv_admin, snv_member) -> None:
    login(client, snv_admin)
    client.post(f"/admin-units/users/{snv_member.pk}/active/", {"active": "0"})
    snv_member.refresh_from_db()
    assert not snv_member.is_active
    client.post(f"/admin-units/users/{snv_member.pk}/active/", {"active": "1"})
    snv_member.refresh_from_db()
    assert snv_member.is_active
    codes = list(AuditEntry.objects.filter(target_id=str(snv_member.pk)).values_list("action", flat=True))
    assert "user.deactivated" in codes and "user.reactivated" in codes


def test_admin_cannot_deactivate_themselves(client, snv_admin) -> None:
    login(client, snv_admin)
    client.post(f"/admin-units/users/{snv_admin.pk}/active/", {"active": "0"})
    snv_admin.refresh_from_db()
    assert snv_admin.is_active


def test_reset_password_shows_a_new_temporary_password(client, snv_admin, snv_member) -> None:
    login(client, snv_admin)
    response = client.post(f"/admin-units/users/{snv_member.pk}/reset-password/")
    password = temporary_password(response)
    snv_member.refresh_from_db()
    assert snv_member.check_password(password) and snv_member.must_change_password


def test_search_finds_by_name_and_filters_by_status(client, snv_admin, snv_member) -> None:
    login(client, snv_admin)
    assert snv_member.full_name in client.get("/admin-units/users/?q=Mai").content.decode()
    assert snv_member.full_name not in client.get("/admin-units/users/?q=Khong+Co").content.decode()
    assert snv_member.full_name not in client.get("/admin-units/users/?status=inactive").content.decode()


def test_unit_admin_sets_the_document_receiver(client, snv_admin, snv_member, stc_member, province) -> None:
    login(client, snv_admin)
    url = f"/admin-units/units/{province['snv'].pk}/"
    assert client.post(url, {"receiver": str(stc_member.pk)}).status_code == 200  # not a member: refused
    province["snv"].refresh_from_db()
    assert province["snv"].document_receiver is None
    assert client.post(url, {"receiver": str(snv_member.pk)}).status_code == 302
    province["snv"].refresh_from_db()
    assert province["snv"].document_receiver == snv_member


def test_system_admin_creates_and_moves_units(client, sysadmin, province) -> None:
    from accounts.models import OrgUnit

    login(client, sysadmin)
    data = {
        "code": "SNV-P1",
        "name": "Phòng Công chức",
        "kind": "office",
        "parent": str(province["snv"].pk),
        "sort_order": "1",
        "is_active": "on",
    }
    assert client.post("/admin-units/units/new/", data).status_code == 302
    unit = OrgUnit.objects.get(code="SNV-P1")
    assert unit.is_within(province["snv"])
    data["parent"] = str(province["stc"].pk)
    client.post(f"/admin-units/units/{unit.pk}/edit/", data)
    unit.refresh_from_db()
    assert unit.is_within(province["stc"]) and not unit.is_within(province["snv"])


def test_a_unit_cannot_be_moved_under_its_own_sub_unit(client, sysadmin, province) -> None:
    login(client, sysadmin)
    snv = province["snv"]
    data = {
        "code": snv.code,
        "name": snv.name,
        "kind": snv.kind,
        "parent": str(province["snv_sub"].pk),
        "sort_order": "0",
        "is_active": "on",
    }
    response = client.post(f"/admin-units/units/{snv.pk}/edit/", data)
    assert response.status_code == 200
    snv.refresh_from_db()
    assert snv.parent == province["root"]
