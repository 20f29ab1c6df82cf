"""ADMIN_IP_ALLOWLIST: the administration screens answer only from the listed networks."""

from __future__ import annotations

import pytest
from django.test import Client

from accounts.middleware import ip_allowed

ADMIN_PAGES = ("/admin-units/users/", "/admin-units/units/", "/audit/", "/rooms/", "/signing/certificates/")


@pytest.fixture
def admin_client(sysadmin):  # type: ignore[no-untyped-def]
    def make(ip: str) -> Client:
        client = Client(REMOTE_ADDR=ip)
        client.force_login(sysadmin)
        return client

    return make


def test_without_a_list_the_admin_screens_answer_from_anywhere(admin_client, settings) -> None:  # type: ignore[no-untyped-def]
    settings.ADMIN_IP_ALLOWLIST = []
    client = admin_client("203.0.113.9")
    for path in ADMIN_PAGES:
        assert client.get(path).status_code == 200, path


def test_outside_the_list_the_admin_screens_answer_403_in_vietnamese(admin_client, settings) -> None:  # type: ignore[no-untyped-def]
    settings.ADMIN_IP_ALLOWLIST = ["10.0.0.0/8", "2001:db8::/32"]
    outside = admin_client("203.0.113.9")
    for path in ADMIN_PAGES:
        response = outside.get(path)
        assert response.status_code == 403, path
        assert "chỉ dùng được từ những mạng tỉnh cho phép" in response.content.decode()
    assert outside.post("/admin-units/users/force-password-change/").status_code == 403
    # The rest of the site is not an administration screen.
    assert outside.get("/").status_code == 200
    assert outside.get("/account/").status_code == 200


def test_inside_the_list_the_admin_screens_answer(admin_client, settings) -> None:  # type: ignore[no-untyped-def]
    settings.ADMIN_IP_ALLOWLIST = ["10.0.0.0/8", "2001:db8::/32"]
    for ip in ("10.20.30.40", "2001:db8::7"):
        client = admin_client(ip)
        for path in ADMIN_PAGES:
            assert client.get(path).status_code == 200, (ip, path)


@pytest.mark.parametrize(
    "ip, allowed",
    [("192.168.1.5", True), ("192.168.2.5", False), ("127.0.0.1", True), (None, False), ("khong-phai-ip", False)],
)
def test_addresses_are_matched_against_networks(ip, allowed) -> None:  # type: ignore[no-untyped-def]
    assert ip_allowed(ip, ["192.168.1.0/24", "127.0.0.1"]) is allowed
