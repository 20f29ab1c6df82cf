"""Shared fixtures: units, an owner (unit admin), a member and an outsider in another unit."""

from __future__ import annotations

import pytest
from django.test import Client

from accounts.actions.units import do_create_unit
from accounts.models import OrgUnit, Right, UnitKind, User

TEST_PASSWORD = "Matkhau2026vn"


@pytest.fixture(autouse=True)
def _fast_argon2(settings):  # type: ignore[no-untyped-def]
    """Argon2 still, with test-sized cost parameters (production cost: accounts.hashers)."""
    settings.PASSWORD_HASHERS = ["accounts.hashers.TestArgon2PasswordHasher"]


@pytest.fixture(autouse=True)
def _two_factor_not_required(settings):  # type: ignore[no-untyped-def]
    """Administrators must set up two-factor at sign-in (MFA_REQUIRED_FOR_ADMINS, on in every
    deployment). The suites of other features sign administrators in through the sign-in page and
    are not about two-factor, so it is off here; accounts/tests/test_two_factor.py turns it on."""
    settings.MFA_REQUIRED_FOR_ADMINS = False


@pytest.fixture(autouse=True)
def _fresh_channel_layer():  # type: ignore[no-untyped-def]
    """A new channel layer object for every test. Each async test runs its own event loop, and a
    Redis layer keeps locks and connection pools bound to the loop that first used them: a layer
    left over from an earlier test fails with "bound to a different event loop"."""
    from channels.layers import channel_layers

    channel_layers.backends.clear()
    yield
    channel_layers.backends.clear()


@pytest.fixture
def province(db):  # type: ignore[no-untyped-def]
    root = do_create_unit(None, code="UBND37", name="Ủy ban nhân dân tỉnh Ninh Bình", kind=UnitKind.PROVINCE)
    office = do_create_unit(None, code="VPUBND", name="Văn phòng UBND tỉnh", kind=UnitKind.OFFICE, parent=root)
    snv = do_create_unit(None, code="SNV", name="Sở Nội vụ", kind=UnitKind.DEPARTMENT, parent=root)
    stc = do_create_unit(None, code="STC", name="Sở Tài chính", kind=UnitKind.DEPARTMENT, parent=root)
    snv_sub = do_create_unit(None, code="SNV-VP", name="Văn phòng Sở Nội vụ", kind=UnitKind.OFFICE, parent=snv)
    return {"root": root, "office": office, "snv": snv, "stc": stc, "snv_sub": snv_sub}


def make_user(username: str, unit: OrgUnit, *rights: Right, password: str = TEST_PASSWORD, **fields) -> User:  # type: ignore[no-untyped-def]
    """A ready-to-use account (password already chosen by the user)."""
    user = User(username=username, unit=unit, full_name=fields.pop("full_name", username.title()), **fields)
    user.set_password(password)
    user.must_change_password = False
    user.save()
    for right in rights:
        user.grants.create(right=right)
    return user


@pytest.fixture
def sysadmin(province):  # type: ignore[no-untyped-def]
    return make_user("quantri.he.thong", province["office"], Right.SYSTEM_ADMIN, full_name="Trần Quốc Huy")


@pytest.fixture
def snv_admin(province):  # type: ignore[no-untyped-def]
    return make_user("snv.quantri", province["snv"], Right.UNIT_ADMIN, full_name="Đỗ Minh Tuấn")


@pytest.fixture
def stc_admin(province):  # type: ignore[no-untyped-def]
    return make_user("stc.quantri", province["stc"], Right.UNIT_ADMIN, full_name="Ngô Đức Long")


@pytest.fixture
def snv_member(province):  # type: ignore[no-untyped-def]
    return make_user("snv.chuyenvien", province["snv"], full_name="Bùi Thị Mai", email="mai@snv.example")


@pytest.fixture
def stc_member(province):  # type: ignore[no-untyped-def]
    return make_user("stc.chuyenvien", province["stc"], full_name="Trịnh Thị Thu")


def login(client: Client, user: User, password: str = TEST_PASSWORD) -> Client:
    client.logout()  # allauth sends signed-in visitors of the login page away without signing in
    response = client.post("/auth/login/", {"login": user.username, "password": password})
    assert response.status_code == 302, response.content.decode()[:2000]
    return client
