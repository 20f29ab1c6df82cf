"""Single sign-on is configured only by environment variables; unset, it does not exist.

The end-to-end tests against a real provider are in tests/oidc/.
"""

from __future__ import annotations

import runpy
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import Client

SETTINGS = Path(__file__).resolve().parents[2] / "ecabinet" / "settings.py"


def load_settings(monkeypatch: pytest.MonkeyPatch, **env: str) -> dict[str, object]:
    monkeypatch.setenv("DEBUG", "1")
    for name in ("OIDC_SERVER_URL", "OIDC_CLIENT_ID", "OIDC_CLIENT_SECRET", "OIDC_LINK_CLAIM", "ADMIN_IP_ALLOWLIST"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(SETTINGS))


def test_without_configuration_there_is_no_button_and_the_sso_pages_answer_404(db) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    page = client.get("/auth/login/").content.decode()
    assert 'data-testid="sso-login"' not in page
    for path in (
        "/auth/oidc/sso/login/",
        "/auth/oidc/sso/login/callback/",
        "/auth/3rdparty/",
        "/auth/3rdparty/signup/",
        "/auth/3rdparty/login/error/",
        "/auth/3rdparty/login/cancelled/",
    ):
        assert client.get(path).status_code == 404, path
        assert client.post(path).status_code in (403, 404), path  # no CSRF token: 403 before anything


def test_configured_sso_shows_a_button_with_the_configured_name(db, settings) -> None:  # type: ignore[no-untyped-def]
    from ecabinet.settings import oidc_apps

    settings.SOCIALACCOUNT_PROVIDERS = {
        "openid_connect": {"APPS": oidc_apps("https://sso.ninhbinh.gov.vn", "ecabinet", "s", "Tài khoản một cửa")}
    }
    page = Client().get("/auth/login/").content.decode()
    assert 'data-testid="sso-login">Tài khoản một cửa</button>' in page
    assert Client().get("/auth/3rdparty/signup/").status_code == 404  # never a sign-up form


def test_environment_variables_configure_the_provider(monkeypatch: pytest.MonkeyPatch) -> None:
    values = load_settings(
        monkeypatch,
        OIDC_SERVER_URL="https://sso.ninhbinh.gov.vn/realms/tinh/",
        OIDC_CLIENT_ID="ecabinet",
        OIDC_CLIENT_SECRET="bi-mat",
        OIDC_LINK_CLAIM="Email",
    )
    app = values["SOCIALACCOUNT_PROVIDERS"]["openid_connect"]["APPS"][0]  # type: ignore[index]
    assert app["client_id"] == "ecabinet"
    assert app["secret"] == "bi-mat"
    assert app["settings"]["server_url"] == "https://sso.ninhbinh.gov.vn/realms/tinh"
    assert app["name"] == "Đăng nhập bằng tài khoản một cửa của tỉnh"
    assert values["OIDC_LINK_CLAIM"] == "email"
    assert values["OIDC_CREATE_ACCOUNTS"] is False
    assert values["MFA_REQUIRED_FOR_ADMINS"] is True


def test_the_client_secret_can_come_from_a_file(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    secret = tmp_path / "secret"
    secret.write_text("tu-tep\n", encoding="utf-8")
    values = load_settings(
        monkeypatch, OIDC_SERVER_URL="https://sso.example.vn", OIDC_CLIENT_ID="e", OIDC_CLIENT_SECRET_FILE=str(secret)
    )
    assert values["SOCIALACCOUNT_PROVIDERS"]["openid_connect"]["APPS"][0]["secret"] == "tu-tep"  # type: ignore[index]


@pytest.mark.parametrize(
    "env, message",
    [
        ({"OIDC_SERVER_URL": "https://sso.example.vn"}, "needs both OIDC_SERVER_URL and OIDC_CLIENT_ID"),
        ({"OIDC_SERVER_URL": "http://sso.example.vn", "OIDC_CLIENT_ID": "e"}, "must be an https:// address"),
        ({"OIDC_LINK_CLAIM": "phone"}, "OIDC_LINK_CLAIM must be username or email"),
        ({"OIDC_CREATE_ACCOUNTS": "1"}, "needs OIDC_NEW_ACCOUNT_UNIT"),
        ({"ADMIN_IP_ALLOWLIST": "10.0.0.0/8, so-nha"}, "'so-nha' is not an address or network"),
    ],
)
def test_a_bad_value_stops_start_up(monkeypatch: pytest.MonkeyPatch, env: dict[str, str], message: str) -> None:
    with pytest.raises(ImproperlyConfigured, match=message):
        load_settings(monkeypatch, **env)
