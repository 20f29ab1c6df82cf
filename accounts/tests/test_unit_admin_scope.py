"""A unit admin acts on their own unit and its sub-units only; outsiders get 404."""

from __future__ import annotations

import pytest
from django.test import Client

from accounts.actions.users import do_set_user_active
from accounts.models import Right, User
from accounts.permissions import Perm, can
from conftest import login, make_user


@pytest.fixture
def sub_member(province):  # type: ignore[no-untyped-def]
    return make_user("snv.vanphong", province["snv_sub"], full_name="Cao Văn Phòng")


def member_urls(user: User) -> list[tuple[str, str]]:
    base = f"/admin-units/users/{user.pk}"
    return [
        ("get", f"{base}/"),
        ("post", f"{base}/"),
        ("post", f"{base}/right/"),
        ("post", f"{base}/active/"),
        ("post", f"{base}/reset-password/"),
        ("post", f"{base}/unlock/"),
        ("post", f"{base}/transfer/"),
    ]


def test_unit_admin_of_another_unit_gets_404_everywhere(client, stc_admin: User, snv_member: User) -> None:
    login(client, stc_admin)
    for method, url in member_urls(snv_member):
        response = getattr(client, method)(url, {"right": "organiser", "grant": "1", "active": "0"})
        assert response.status_code == 404, url
    snv_member.refresh_from_db()
    assert snv_member.is_active and not snv_member.grants.exists()


def test_unit_admin_does_not_see_other_units_in_the_list(client, snv_admin, snv_member, stc_member, sub_member) -> None:
    login(client, snv_admin)
    page = client.get("/admin-units/users/").content.decode()
    assert snv_member.full_name in page
    assert sub_member.full_name in page  # sub-units are within reach
    assert stc_member.full_name not in page


def test_unit_admin_reaches_users_of_sub_units(client, snv_admin: User, sub_member: User) -> None:
    login(client, snv_admin)
    assert client.get(f"/admin-units/users/{sub_member.pk}/").status_code == 200


def test_admin_of_a_sub_unit_cannot_reach_the_parent_unit(client, province, snv_member: User) -> None:
    sub_admin = make_user("snv.vp.quantri", province["snv_sub"], Right.UNIT_ADMIN)
    login(client, sub_admin)
    assert client.get(f"/admin-units/users/{snv_member.pk}/").status_code == 404
    assert client.get(f"/admin-units/units/{province['snv'].pk}/").status_code == 404


def test_ordinary_official_gets_404_on_admin_screens(client, snv_member: User, stc_member: User, province) -> None:
    login(client, snv_member)
    for url in (
        "/admin-units/users/",
        "/admin-units/users/new/",
        f"/admin-units/users/{stc_member.pk}/",
        "/admin-units/transfers/",
        "/admin-units/units/",
        f"/admin-units/units/{province['snv'].pk}/",
        "/audit/",
        "/audit/export.csv",
    ):
        assert client.get(url).status_code == 404, url


def test_unit_admin_cannot_manage_units_tree(client, snv_admin: User, province) -> None:
    login(client, snv_admin)
    assert client.get("/admin-units/units/new/").status_code == 403
    assert client.get(f"/admin-units/units/{province['snv'].pk}/edit/").status_code == 403


def test_menu_shows_only_what_the_role_may_use(client, snv_admin: User, snv_member: User) -> None:
    login(client, snv_member)
    page = client.get("/").content.decode()
    assert "/admin-units/users/" not in page and "/audit/" not in page
    login(Client(), snv_admin)
    admin_page = login(Client(), snv_admin).get("/").content.decode()
    assert "/admin-units/users/" in admin_page and "/audit/" in admin_page


def test_unit_admin_grants_organiser_and_leader_in_their_unit(client, snv_admin: User, snv_member: User) -> None:
    login(client, snv_admin)
    for right in ("organiser", "leader", "opinion_collector"):
        assert (
            client.post(f"/admin-units/users/{snv_member.pk}/right/", {"right": right, "grant": "1"}).status_code == 302
        )
    snv_member.forget_rights()
    assert {"organiser", "leader", "opinion_collector"} <= snv_member.rights()
    assert can(snv_member, Perm.REGISTER_MEETINGS)
    client.post(f"/admin-units/users/{snv_member.pk}/right/", {"right": "organiser", "grant": "0"})
    snv_member.forget_rights()
    assert not can(snv_member, Perm.REGISTER_MEETINGS)


def test_unit_admin_cannot_grant_admin_rights(client, snv_admin: User, snv_member: User) -> None:
    login(client, snv_admin)
    for right in ("unit_admin", "system_admin"):
        response = client.post(f"/admin-units/users/{snv_member.pk}/right/", {"right": right, "grant": "1"})
        assert response.status_code == 403
    assert not snv_member.grants.exists()


def test_system_admin_acts_everywhere(client, sysadmin: User, snv_member: User, stc_member: User) -> None:
    login(client, sysadmin)
    for user in (snv_member, stc_member):
        assert client.get(f"/admin-units/users/{user.pk}/").status_code == 200
    client.post(f"/admin-units/users/{stc_member.pk}/right/", {"right": "unit_admin", "grant": "1"})
    stc_member.forget_rights()
    assert Right.UNIT_ADMIN in stc_member.rights()


def test_external_guest_holds_no_rights(snv_admin: User, province) -> None:
    guest = make_user("khach.dn", province["snv"], is_external=True, organisation="Công ty TNHH Minh Phát")
    assert not can(snv_admin, Perm.GRANT_RIGHT, (guest, Right.ORGANISER))
    guest.grants.create(right=Right.ORGANISER)  # even if a grant row slipped in
    assert not can(guest, Perm.REGISTER_MEETINGS)


def test_deactivated_admin_can_do_nothing(snv_admin: User, snv_member: User, sysadmin: User) -> None:
    do_set_user_active(sysadmin, snv_admin, active=False)
    assert not can(snv_admin, Perm.MANAGE_USER, snv_member)


def test_user_list_query_count_does_not_grow_with_users(client, snv_admin, province) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    login(client, snv_admin)

    def queries_for_the_list() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/admin-units/users/").status_code == 200
        return len(captured)

    make_user("nguoi.dau", province["snv"], Right.ORGANISER)
    few = queries_for_the_list()
    for n in range(30):
        make_user(f"nguoi.{n}", province["snv"], Right.ORGANISER)
    assert queries_for_the_list() == few
