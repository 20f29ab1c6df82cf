"""Điều 4.5: an administrator makes one user, or everyone in their reach, choose a new password at
the next sign-in (and at the next page for someone signed in now)."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client

from accounts.actions.passwords import do_force_password_change
from accounts.models import Right, User
from audit.models import AuditEntry
from conftest import make_user


@pytest.fixture
def people(province, snv_admin, sysadmin):  # type: ignore[no-untyped-def]
    return {
        "official": make_user("snv.chuyenvien", province["snv"]),
        "sub_official": make_user("snvvp.chuyenvien", province["snv_sub"]),
        "stc_official": make_user("stc.chuyenvien", province["stc"]),
        "stc_admin": make_user("stc.quantri", province["stc"], Right.UNIT_ADMIN),
        "snv_second_admin": make_user("snv.quantri2", province["snv"], Right.UNIT_ADMIN),
        "retired": make_user("snv.nghihuu", province["snv"], is_active=False),
    }


def flagged() -> set[str]:
    return set(User.objects.filter(must_change_password=True).values_list("username", flat=True))


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_forcing_one_user_sends_them_to_the_password_page_at_their_next_request(snv_admin, people) -> None:  # type: ignore[no-untyped-def]
    official = people["official"]
    their_browser = client_for(official)
    assert their_browser.get("/").status_code == 200
    response = client_for(snv_admin).post(f"/admin-units/users/{official.pk}/force-password-change/")
    assert response.status_code == 302
    assert flagged() == {"snv.chuyenvien"}
    assert their_browser.get("/").headers["Location"] == "/auth/password/change/"
    entry = AuditEntry.objects.get(action="user.password_change_forced")
    assert (entry.actor, entry.target_id, entry.data["count"]) == (snv_admin, str(official.pk), 1)


def test_a_unit_admin_forces_everyone_in_their_reach_but_not_administrators_or_other_units(snv_admin, people) -> None:  # type: ignore[no-untyped-def]
    client = client_for(snv_admin)
    page = client.get("/admin-units/users/force-password-change/")
    assert page.status_code == 200
    assert "2 tài khoản" in page.content.decode()
    assert client.post("/admin-units/users/force-password-change/").status_code == 302
    assert flagged() == {"snv.chuyenvien", "snvvp.chuyenvien"}
    entry = AuditEntry.objects.get(action="user.password_change_forced")
    assert entry.data == {"count": 2, "usernames": ["snv.chuyenvien", "snvvp.chuyenvien"]}
    assert entry.target_id == ""


def test_a_system_admin_forces_every_active_account_except_their_own(sysadmin, snv_admin, people) -> None:  # type: ignore[no-untyped-def]
    client_for(sysadmin).post("/admin-units/users/force-password-change/")
    expected = {u.username for u in User.objects.filter(is_active=True).exclude(pk=sysadmin.pk)}
    assert flagged() == expected
    assert "snv.quantri" in expected and "snv.nghihuu" not in expected


def test_outsiders_cannot_force_a_password_change(snv_admin, sysadmin, people) -> None:  # type: ignore[no-untyped-def]
    official = people["official"]
    url = f"/admin-units/users/{official.pk}/force-password-change/"
    assert client_for(people["stc_admin"]).post(url).status_code == 404  # another unit
    assert client_for(people["sub_official"]).post(url).status_code == 404  # not an administrator
    assert client_for(people["sub_official"]).get("/admin-units/users/force-password-change/").status_code == 404
    assert client_for(people["sub_official"]).post("/admin-units/users/force-password-change/").status_code == 404
    # A unit administrator does not act on another administrator of their unit.
    second = people["snv_second_admin"]
    assert client_for(snv_admin).post(f"/admin-units/users/{second.pk}/force-password-change/").status_code == 403
    assert flagged() == set()
    assert not AuditEntry.objects.filter(action="user.password_change_forced").exists()


def test_the_action_is_all_or_nothing(snv_admin, people) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(PermissionDenied):
        do_force_password_change(snv_admin, [people["official"], people["stc_official"]])
    assert flagged() == set()
    assert not AuditEntry.objects.filter(action="user.password_change_forced").exists()
