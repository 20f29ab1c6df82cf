"""Session bookkeeping and the password policy gate (Điều 4.5)."""

from __future__ import annotations

import ipaddress
from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import UserSession
from accounts.passwords import password_expired
from accounts.signals import SIGNIN_METHOD_KEY
from audit.context import client_ip

LAST_SEEN_RESOLUTION = timedelta(seconds=60)


class SessionTrackingMiddleware:
    """Keeps `UserSession.last_seen` fresh (at most one write a minute per session)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        key = request.session.session_key if hasattr(request, "session") else None
        if user is not None and user.is_authenticated and key:
            now = timezone.now()
            updated = UserSession.objects.filter(session_key=key, last_seen__lt=now - LAST_SEEN_RESOLUTION).update(
                last_seen=now
            )
            if not updated and not UserSession.objects.filter(session_key=key).exists():
                UserSession.objects.create(
                    user=user,
                    session_key=key,
                    ip=client_ip(request.META),
                    user_agent=request.META.get("HTTP_USER_AGENT", "")[:500],
                )
        response = self.get_response(request)
        if key and hasattr(request, "session"):
            new_key = request.session.session_key
            if new_key and new_key != key:
                # The key was rotated (a password change: update_session_auth_hash), and the old
                # key is gone: the tracked row follows the browser instead of lingering as a ghost.
                stale = UserSession.objects.filter(session_key=key)
                if UserSession.objects.filter(session_key=new_key).exists():
                    stale.delete()
                else:
                    stale.update(session_key=new_key)
        return response


# Paths a user with an expired or temporary password may still reach.
ALWAYS_ALLOWED_PREFIXES = ("/static/", "/i18n/", "/jsi18n/", "/healthz", "/favicon", "/privacy/")


class PasswordPolicyMiddleware:
    """A temporary or expired password allows nothing but changing it (and signing out)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            change_url = reverse("account_change_password")
            allowed = (change_url, reverse("account_logout"))
            if not request.path.startswith(ALWAYS_ALLOWED_PREFIXES) and request.path not in allowed:
                reason = None
                if not user.has_usable_password():
                    # An account made by single sign-on (OIDC_CREATE_ACCOUNTS) has no password to change.
                    pass
                elif user.must_change_password:
                    reason = _("You are using a temporary password. Choose your own password to continue.")
                elif password_expired(user) and request.session.get(SIGNIN_METHOD_KEY) != "sso":
                    # The maximum age guards the eCabinet password; a single sign-on did not use it.
                    reason = _(
                        "Your password is older than the allowed period and has expired. "
                        "Choose a new password to continue."
                    )
                if reason:
                    messages.warning(request, reason, fail_silently=True)
                    if request.headers.get("HX-Request"):
                        response = HttpResponse(status=204)
                        response["HX-Redirect"] = change_url
                        return response
                    return HttpResponseRedirect(change_url)
        return self.get_response(request)


def _redirect(request: HttpRequest, url: str) -> HttpResponse:
    if request.headers.get("HX-Request"):
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return HttpResponseRedirect(url)


class TwoFactorSetupMiddleware:
    """Right after signing in, a user for whom two-factor is required and who has no authenticator
    app sets one up before anything else (accounts/mfa.py). Only sign-ins through allauth's pages
    raise the flag, so the rule takes effect at each account's next sign-in."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from accounts.mfa import SETUP_REQUIRED_KEY, has_authenticator_app

        user = getattr(request, "user", None)
        session = getattr(request, "session", None)
        if user is not None and user.is_authenticated and session is not None and session.get(SETUP_REQUIRED_KEY):
            if has_authenticator_app(user):
                del session[SETUP_REQUIRED_KEY]
            else:
                setup_url = reverse("mfa_activate_totp")
                allowed = (setup_url, reverse("account_logout"), reverse("account_change_password"))
                if not request.path.startswith(ALWAYS_ALLOWED_PREFIXES) and request.path not in allowed:
                    messages.warning(
                        request,
                        _("Your account must use two-factor sign-in. Set up an authenticator app to continue."),
                        fail_silently=True,
                    )
                    return _redirect(request, setup_url)
        return self.get_response(request)


# The administration screens (ADMIN_IP_ALLOWLIST): users, transfers and units, the audit trail,
# meeting rooms and the confirmation of signing certificates (the "Quản trị" menu).
ADMIN_PATH_PREFIXES = ("/admin-units/", "/audit/", "/rooms/", "/signing/certificates/")


class AdminIPAllowlistMiddleware:
    """With ADMIN_IP_ALLOWLIST set, the administration screens answer only from those networks."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        allowlist = settings.ADMIN_IP_ALLOWLIST
        if (
            allowlist
            and request.path.startswith(ADMIN_PATH_PREFIXES)
            and not ip_allowed(client_ip(request.META), allowlist)
        ):
            return render(request, "accounts/admin_ip_refused.html", status=403)
        return self.get_response(request)


def ip_allowed(ip: str | None, allowlist: list[str]) -> bool:
    if not ip:
        return False
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return False
    return any(address in ipaddress.ip_network(cidr, strict=False) for cidr in allowlist)
