"""Điều 9.2d: a unit's administrators keep its name and contact data (and, already, its meeting
approver and document receiver) current. Its code, type and parent stay with system
administrators. Another unit's admin gets 404, a plain official of the unit 403."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client

from accounts.actions.units import do_update_unit
from accounts.models import OrgUnit, User
from accounts.permissions import Perm, can
from audit.models import AuditEntry
from conftest import login

pytestmark = pytest.mark.django_db

DETAILS = {
    "name": "Sở Nội vụ tỉnh Ninh Bình",
    "short_name": "SNV",
    "address": "Số 2 Lê Hồng Phong, Hoa Lư, Ninh Bình",
    "phone": "02293871234",
    "email": "snv@ninhbinh.gov.vn",
}


def url(unit: OrgUnit) -> str:
    return f"/admin-units/units/{unit.pk}/details/"


def test_unit_admin_keeps_own_unit_details_current_dieu_9_2d(client: Client, province, snv_admin: User) -> None:
    snv = province["snv"]
    login(client, snv_admin)
    page = client.get(f"/admin-units/units/{snv.pk}/")
    assert page.status_code == 200 and 'data-testid="unit-details"' in page.content.decode()
    response = client.post(url(snv), DETAILS)
    assert response.status_code == 302
    snv.refresh_from_db()
    assert (snv.name, snv.address, snv.phone, snv.email) == (
        DETAILS["name"],
        DETAILS["address"],
        DETAILS["phone"],
        DETAILS["email"],
    )
    entry = AuditEntry.objects.filter(action="unit.updated", target_id=str(snv.pk)).latest("pk")
    assert entry.data["after"]["email"] == DETAILS["email"]
    assert "Số 2 Lê Hồng Phong" in client.get(f"/admin-units/units/{snv.pk}/").content.decode()


def test_unit_admin_of_another_unit_gets_404_for_unit_details(client: Client, province, stc_admin: User) -> None:
    snv = province["snv"]
    login(client, stc_admin)
    assert client.post(url(snv), DETAILS).status_code == 404
    snv.refresh_from_db()
    assert snv.name == "Sở Nội vụ" and snv.email == ""


def test_plain_official_gets_403_for_own_unit_details(client: Client, province, snv_member: User) -> None:
    snv = province["snv"]
    login(client, snv_member)
    assert client.post(url(snv), DETAILS).status_code == 403
    assert client.post(url(province["stc"]), DETAILS).status_code == 404
    snv.refresh_from_db()
    assert snv.name == "Sở Nội vụ"


def test_bad_contact_data_is_refused_with_nothing_changed(client: Client, province, snv_admin: User) -> None:
    snv = province["snv"]
    login(client, snv_admin)
    response = client.post(url(snv), {**DETAILS, "name": "", "email": "không-phải-email"})
    assert response.status_code == 200
    snv.refresh_from_db()
    assert snv.name == "Sở Nội vụ" and snv.email == ""
    assert not AuditEntry.objects.filter(action="unit.updated", target_id=str(snv.pk)).exists()


def test_code_and_parent_stay_with_system_admins_dieu_9_2d(province, snv_admin: User, sysadmin: User) -> None:
    snv = province["snv"]
    assert can(snv_admin, Perm.EDIT_UNIT_DETAILS, snv)
    assert not can(snv_admin, Perm.EDIT_UNIT_DETAILS, province["stc"])
    for change in ({"code": "SNV2"}, {"parent": province["office"]}, {"name": "X", "kind": snv.kind}):
        with pytest.raises(PermissionDenied):
            do_update_unit(snv_admin, snv, **change)
    snv.refresh_from_db()
    assert snv.code == "SNV" and snv.parent == province["root"]
    assert do_update_unit(sysadmin, snv, code="SNV2", phone="0229") == ["code", "phone"]


def test_unit_details_post_ignores_code_and_parent_fields(client: Client, province, snv_admin: User) -> None:
    snv = province["snv"]
    login(client, snv_admin)
    client.post(url(snv), {**DETAILS, "code": "HACK", "parent": province["office"].pk})
    snv.refresh_from_db()
    assert snv.code == "SNV" and snv.parent == province["root"] and snv.name == DETAILS["name"]
