"""Single sign-on end to end (Điều 4.3): eCabinet on pytest-django's live server, a real OpenID
provider on loopback (tests/oidc/provider.mjs), and an HTTP client following every redirect between
them as a browser would. The provider refuses authorization requests without PKCE, so every
successful sign-in here also shows that eCabinet sends a PKCE challenge.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from allauth.socialaccount.models import SocialAccount
from django.utils import timezone

from accounts.models import Right, User
from audit.models import AuditEntry
from conftest import make_user
from tests.oidc.conftest import LOGIN_PATH, OIDCProvider

pytestmark = pytest.mark.django_db(transaction=True)


def sso_sign_in(base_url: str, subject: str, session: requests.Session | None = None) -> requests.Response:
    """Press the single sign-on button, then sign in at the provider as `subject`."""
    http = session or requests.Session()
    login_page = http.get(base_url + LOGIN_PATH, timeout=10)
    assert login_page.status_code == 200
    action = re.search(r'<form method="post" action="([^"]+)" data-testid="sso-form"', login_page.text)
    assert action, "no single sign-on button on the sign-in page"
    provider_form = http.post(
        base_url + action.group(1), data={"csrfmiddlewaretoken": http.cookies["csrftoken"]}, timeout=10
    )
    assert provider_form.status_code == 200, provider_form.text
    target = re.search(r'<form method="post" action="([^"]+)"', provider_form.text)
    assert target, provider_form.text
    origin = "{0.scheme}://{0.netloc}".format(urlsplit(provider_form.url))
    return http.post(origin + target.group(1), data={"sub": subject}, timeout=10)


@pytest.fixture
def hang(province: Any) -> User:
    return make_user("snv.hang", province["snv"], full_name="Nguyễn Thị Hằng", email="hang.nt@ninhbinh.gov.vn")


def test_an_identity_signs_in_to_the_account_with_the_same_username_whatever_the_case(
    live_server: Any, sso_settings: OIDCProvider, hang: User
) -> None:
    response = sso_sign_in(live_server.url, "hang")
    assert response.status_code == 200
    assert response.url == live_server.url + "/"
    assert "Nguyễn Thị Hằng" in response.text
    link = SocialAccount.objects.get(user=hang)
    assert link.uid == "hang"
    assert AuditEntry.objects.filter(action="auth.sso_linked", actor=hang).count() == 1
    assert AuditEntry.objects.get(action="auth.login", actor=hang).data == {"method": "sso"}

    # The second time the link is followed (and not made again).
    again = sso_sign_in(live_server.url, "hang")
    assert again.url == live_server.url + "/"
    assert SocialAccount.objects.filter(user=hang).count() == 1
    assert AuditEntry.objects.filter(action="auth.sso_linked").count() == 1
    assert AuditEntry.objects.filter(action="auth.login", actor=hang).count() == 2


def test_with_the_email_claim_an_identity_signs_in_to_the_account_with_that_address(
    live_server: Any, sso_settings: OIDCProvider, hang: User, settings: Any
) -> None:
    settings.OIDC_LINK_CLAIM = "email"
    hang.username = "nguyen.thi.hang"  # the username no longer matches; the address does
    hang.save(update_fields=["username"])
    response = sso_sign_in(live_server.url, "hang")
    assert response.url == live_server.url + "/"
    assert SocialAccount.objects.get(uid="hang").user == hang


def test_an_unknown_identity_is_refused_in_vietnamese_and_no_account_is_created(
    live_server: Any, sso_settings: OIDCProvider, hang: User
) -> None:
    before = User.objects.count()
    response = sso_sign_in(live_server.url, "stranger")
    assert response.status_code == 403
    assert "Tài khoản khong.co.tai.khoan chưa được tạo trên eCabinet" in response.text
    assert "liên hệ quản trị đơn vị" in response.text
    assert User.objects.count() == before
    assert not SocialAccount.objects.exists()
    refusal = AuditEntry.objects.get(action="auth.sso_refused")
    assert refusal.data["reason"] == "unknown"
    assert refusal.actor is None
    assert requests.get(live_server.url + "/auth/3rdparty/signup/", timeout=10).status_code == 404


def test_email_link_refuses_an_address_two_accounts_share(
    live_server: Any, sso_settings: OIDCProvider, hang: User, province: Any, settings: Any
) -> None:
    settings.OIDC_LINK_CLAIM = "email"
    make_user("snv.hang2", province["snv"], email="HANG.NT@ninhbinh.gov.vn")
    response = sso_sign_in(live_server.url, "hang")
    assert response.status_code == 403
    assert "Nhiều tài khoản eCabinet có cùng địa chỉ" in response.text
    assert not SocialAccount.objects.exists()


def test_a_deactivated_account_cannot_sign_in_through_sso_even_once_linked(
    live_server: Any, sso_settings: OIDCProvider, hang: User
) -> None:
    assert sso_sign_in(live_server.url, "hang").url == live_server.url + "/"
    User.objects.filter(pk=hang.pk).update(is_active=False)
    response = sso_sign_in(live_server.url, "hang")
    assert response.status_code == 403
    assert "đã bị vô hiệu hóa" in response.text
    assert AuditEntry.objects.filter(action="auth.login", actor=hang).count() == 1


def test_a_deactivated_account_is_not_linked(live_server: Any, sso_settings: OIDCProvider, hang: User) -> None:
    User.objects.filter(pk=hang.pk).update(is_active=False)
    response = sso_sign_in(live_server.url, "hang")
    assert response.status_code == 403
    assert not SocialAccount.objects.exists()


def test_a_locked_account_cannot_sign_in_through_sso(live_server: Any, sso_settings: OIDCProvider, hang: User) -> None:
    User.objects.filter(pk=hang.pk).update(locked_until=timezone.now() + timedelta(minutes=10))
    response = sso_sign_in(live_server.url, "hang")
    assert response.status_code == 403
    assert "bị khóa" in response.text
    assert not AuditEntry.objects.filter(action="auth.login").exists()


def test_signing_out_ends_the_session_and_goes_to_the_provider_s_end_session_endpoint(
    live_server: Any, sso_settings: OIDCProvider, hang: User
) -> None:
    http = requests.Session()
    sso_sign_in(live_server.url, "hang", http)
    assert http.get(live_server.url + "/account/", timeout=10).url == live_server.url + "/account/"
    response = http.post(
        live_server.url + "/auth/logout/",
        data={"csrfmiddlewaretoken": http.cookies["csrftoken"]},
        allow_redirects=False,
        timeout=10,
    )
    assert response.status_code == 302
    location = urlsplit(response.headers["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == sso_settings.end_session_endpoint
    query = parse_qs(location.query)
    assert query["client_id"] == [sso_settings.client_id]
    assert query["post_logout_redirect_uri"] == [live_server.url + LOGIN_PATH]
    # The eCabinet session is over.
    assert http.get(live_server.url + "/account/", timeout=10).url.startswith(live_server.url + LOGIN_PATH)
    assert AuditEntry.objects.filter(action="auth.logout", actor=hang).count() == 1


def test_a_password_sign_out_stays_on_ecabinet(live_server: Any, sso_settings: OIDCProvider, hang: User) -> None:
    http = requests.Session()
    http.get(live_server.url + LOGIN_PATH, timeout=10)
    http.post(
        live_server.url + LOGIN_PATH,
        data={"csrfmiddlewaretoken": http.cookies["csrftoken"], "login": "snv.hang", "password": "Matkhau2026vn"},
        timeout=10,
    )
    response = http.post(
        live_server.url + "/auth/logout/",
        data={"csrfmiddlewaretoken": http.cookies["csrftoken"]},
        allow_redirects=False,
        timeout=10,
    )
    assert response.headers["Location"] == LOGIN_PATH


def test_an_administrator_signing_in_through_sso_still_sets_up_two_factor(
    live_server: Any, sso_settings: OIDCProvider, hang: User, settings: Any
) -> None:
    settings.MFA_REQUIRED_FOR_ADMINS = True
    hang.grants.create(right=Right.UNIT_ADMIN)
    response = sso_sign_in(live_server.url, "hang")
    assert response.url == live_server.url + "/auth/2fa/totp/activate/"


def test_accounts_are_created_only_when_configured(
    live_server: Any, sso_settings: OIDCProvider, province: Any, settings: Any
) -> None:
    settings.OIDC_CREATE_ACCOUNTS = True
    settings.OIDC_NEW_ACCOUNT_UNIT = "SNV"
    response = sso_sign_in(live_server.url, "stranger")
    assert response.url == live_server.url + "/"
    created = User.objects.get(username="khong.co.tai.khoan")
    assert created.unit == province["snv"]
    assert created.full_name == "Trịnh Văn Lạ"
    assert not created.has_usable_password()
    assert not created.rights()
    assert AuditEntry.objects.get(action="user.created", target_id=str(created.pk)).data["source"] == "sso"
