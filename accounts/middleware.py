"""Session bookkeeping and the password policy gate (Điều 4.5)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import UserSession
from accounts.passwords import password_expired
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
ALWAYS_ALLOWED_PREFIXES = ("/static/", "/i18n/", "/jsi18n/", "/healthz", "/favicon")


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
                if user.must_change_password:
                    reason = _("You are using a temporary password. Choose your own password to continue.")
                elif password_expired(user):
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
