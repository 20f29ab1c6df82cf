"""Single sign-on with the province's OpenID Connect provider (Điều 4.3).

An identity from the provider signs in to the account the unit administrator already created,
found by the claim OIDC_LINK_CLAIM names (`preferred_username` or `email`, case-insensitive).
The first sign-in links the identity to that account (a `SocialAccount` row, `auth.sso_linked`);
later ones follow the link. Nothing here creates an account unless OIDC_CREATE_ACCOUNTS=1.
Deactivated and locked accounts are refused, like at the password sign-in.
"""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import urlencode

import requests
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.conf import settings
from django.http import HttpRequest
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.actions.sso import do_create_user_from_sso, do_link_sso_identity, do_record_sso_refusal
from accounts.models import OrgUnit, User

logger = logging.getLogger(__name__)

# Session key: where to send the browser at sign-out (the provider's end_session_endpoint).
END_SESSION_KEY = "sso_end_session_endpoint"

CLAIMS = {"username": "preferred_username", "email": "email"}


def _apps() -> list[dict[str, Any]]:
    providers: dict[str, Any] = settings.SOCIALACCOUNT_PROVIDERS
    return list(providers.get("openid_connect", {}).get("APPS", []))


def sso_enabled() -> bool:
    return bool(_apps())


def identity_claims(sociallogin: Any) -> dict[str, Any]:
    """The claims of the ID token, completed by the userinfo answer (which wins)."""
    data = sociallogin.account.extra_data or {}
    claims = dict(data.get("id_token") or {})
    claims.update(data.get("userinfo") or {})
    return claims


def _link_value(claims: dict[str, Any]) -> str:
    value = claims.get(CLAIMS[settings.OIDC_LINK_CLAIM]) or ""
    return str(value).strip()


def find_account(claims: dict[str, Any]) -> tuple[User | None, str]:
    """The one account the identity names, or None with the refusal reason."""
    value = _link_value(claims)
    if not value:
        return None, "no_claim"
    accounts = User.objects.select_related("unit").filter(is_superuser=False)
    if settings.OIDC_LINK_CLAIM == "email":
        if claims.get("email_verified") is False:
            return None, "email_unverified"
        matches = list(accounts.filter(email__iexact=value)[:2])
    else:
        matches = list(accounts.filter(username__iexact=value)[:2])
    if len(matches) > 1:
        return None, "ambiguous"
    if not matches:
        return None, "unknown"
    return matches[0], ""


def _refuse(request: HttpRequest, reason: str, claims: dict[str, Any], user: User | None = None) -> None:
    value = _link_value(claims)
    do_record_sso_refusal(reason, user=user, claim_value=value, subject=str(claims.get("sub", "")))
    messages = {
        "unknown": _(
            "The account %(name)s has not been created in eCabinet yet. Contact your unit administrator, "
            "who creates the accounts of the unit."
        )
        % {"name": value},
        "ambiguous": _(
            "Several eCabinet accounts have the address %(name)s, so the single sign-on cannot tell which one is "
            "yours. Sign in with your username and password, or ask your unit administrator to correct the addresses."
        )
        % {"name": value},
        "no_claim": _(
            "The single sign-on service did not say which account you are. Sign in with your username and password, "
            "or contact your unit administrator."
        ),
        "email_unverified": _(
            "The single sign-on service has not confirmed your email address, so it cannot be used to find your "
            "eCabinet account. Sign in with your username and password."
        ),
        "inactive": _(
            "The eCabinet account %(name)s is deactivated and cannot sign in. Contact your unit administrator."
        )
        % {"name": user.username if user else value},
        "locked": _(
            "The eCabinet account %(name)s is locked after too many failed sign-ins. Wait and try again, or ask "
            "your unit administrator to unlock it."
        )
        % {"name": user.username if user else value},
        "invalid_username": _(
            "The single sign-on name %(name)s cannot be used as an eCabinet username. Contact your unit administrator."
        )
        % {"name": value},
    }
    response = render(request, "socialaccount/sso_refused.html", {"reason": messages[reason]}, status=403)
    raise ImmediateHttpResponse(response)


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest, sociallogin: Any) -> bool:
        # Never allauth's sign-up form: accounts come from the unit administrator (or, when
        # configured, from pre_social_login below).
        return False

    def pre_social_login(self, request: HttpRequest, sociallogin: Any) -> None:
        claims = identity_claims(sociallogin)
        if sociallogin.is_existing:
            user = sociallogin.user
        else:
            user, reason = find_account(claims)
            if user is None and reason == "unknown" and settings.OIDC_CREATE_ACCOUNTS:
                user, reason = _create_account(claims)
            if user is None:
                _refuse(request, reason, claims)
        assert user is not None  # noqa: S101 (for mypy: _refuse raised otherwise)
        if not user.is_active:
            _refuse(request, "inactive", claims, user)
        if user.locked_until and user.locked_until > timezone.now():
            _refuse(request, "locked", claims, user)
        if not sociallogin.is_existing:
            do_link_sso_identity(user, sociallogin, request)


def _create_account(claims: dict[str, Any]) -> tuple[User | None, str]:
    from django.core.exceptions import ValidationError

    unit = OrgUnit.objects.filter(code=settings.OIDC_NEW_ACCOUNT_UNIT, is_active=True).first()
    if unit is None:
        logger.error(
            "OIDC_NEW_ACCOUNT_UNIT=%s is not an active unit: no account created", settings.OIDC_NEW_ACCOUNT_UNIT
        )
        return None, "unknown"
    try:
        user = do_create_user_from_sso(
            unit=unit,
            username=str(claims.get("preferred_username") or ""),
            full_name=str(claims.get("name") or ""),
            email=str(claims.get("email") or ""),
        )
    except ValidationError:
        return None, "invalid_username"
    return user, ""


def end_session_endpoint(sociallogin: Any, request: HttpRequest) -> str:
    """The provider's end_session_endpoint from its discovery document ('' when it has none)."""
    try:
        config = sociallogin.account.get_provider().get_oauth2_adapter(request).openid_config
    except (requests.RequestException, ValueError):
        logger.warning("single sign-on: the discovery document could not be read for sign-out")
        return ""
    return str(config.get("end_session_endpoint") or "")


def logout_redirect_url(request: HttpRequest) -> str | None:
    """RP-initiated logout: the provider's end-session address, which sends the browser back to our
    sign-in page (the address to register with the provider as post_logout_redirect_uri)."""
    endpoint = request.session.get(END_SESSION_KEY) if hasattr(request, "session") else None
    apps = _apps()
    if not endpoint or not apps:
        return None
    query = urlencode(
        {
            "client_id": apps[0]["client_id"],
            "post_logout_redirect_uri": request.build_absolute_uri(reverse("account_login")),
        }
    )
    separator = "&" if "?" in endpoint else "?"
    return f"{endpoint}{separator}{query}"
