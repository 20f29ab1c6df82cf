"""allauth adapter: no self sign-up, our lockout rules, password changes through our action."""

from __future__ import annotations

import math
from datetime import datetime, timedelta
from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.shortcuts import resolve_url
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.actions.passwords import do_change_own_password
from accounts.actions.sessions import do_record_login_failure
from accounts.models import LoginFailure, User
from audit.context import client_ip


def _minutes_left(until: datetime) -> int:
    return max(1, math.ceil((until - timezone.now()).total_seconds() / 60))


def _find_user(username: str) -> User | None:
    return User.objects.filter(username=username.strip().lower()).select_related("unit").first()


def _unknown_name_locked_until(username: str) -> datetime | None:
    """When a name that belongs to no account is "locked": after LOGIN_MAX_FAILURES failures within
    the lockout window, until the lockout period after the last of them (as an account would be)."""
    name = username.strip().lower()[:150]
    if not name:
        return None
    window_start = timezone.now() - timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES)
    recent = list(
        LoginFailure.objects.filter(username__iexact=name, at__gte=window_start)
        .order_by("-at")
        .values_list("at", flat=True)[: settings.LOGIN_MAX_FAILURES]
    )
    if len(recent) < settings.LOGIN_MAX_FAILURES:
        return None
    return recent[0] + timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES)


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        # Accounts are created by unit administrators (Điều 4.3), never by sign-up.
        return False

    def pre_authenticate(self, request: HttpRequest, **credentials: Any) -> None:
        ip = client_ip(request.META)
        window_start = timezone.now() - timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES)
        if (
            ip
            and LoginFailure.objects.filter(ip=ip, at__gte=window_start).count() >= settings.LOGIN_MAX_FAILURES_PER_IP
        ):
            raise ValidationError(
                _(
                    "Too many failed sign-ins from this network address. Wait %(minutes)d minutes and try again, "
                    "or contact your unit administrator."
                )
                % {"minutes": settings.LOGIN_LOCKOUT_MINUTES},
                code="ip_limited",
            )
        username = credentials.get("username", "")
        user = _find_user(username)
        locked_until = user.locked_until if user is not None else _unknown_name_locked_until(username)
        if locked_until and locked_until > timezone.now():
            raise ValidationError(
                _(
                    "This account is locked for %(minutes)d more minutes after %(failures)d failed sign-ins. "
                    "Wait and try again, or ask your unit administrator to unlock it."
                )
                % {"minutes": _minutes_left(locked_until), "failures": settings.LOGIN_MAX_FAILURES},
                code="locked",
            )

    def authenticate(self, request: HttpRequest, **credentials: Any) -> User | None:
        if "username" in credentials:
            credentials["username"] = credentials["username"].strip().lower()
        return super().authenticate(request, **credentials)

    def authentication_failed(self, request: HttpRequest, **credentials: Any) -> None:
        username = credentials.get("username", "")
        user = _find_user(username)
        locked = do_record_login_failure(username, user, client_ip(request.META))
        if user is None:
            # An unknown name is "locked" exactly like an account, so the message does not tell an
            # attacker which usernames exist.
            until = _unknown_name_locked_until(username)
            locked = until is not None and until > timezone.now()
        if locked:
            raise ValidationError(
                _(
                    "Wrong password %(failures)d times: the account is locked for %(minutes)d minutes. "
                    "Wait and try again, or ask your unit administrator to unlock it."
                )
                % {"failures": settings.LOGIN_MAX_FAILURES, "minutes": settings.LOGIN_LOCKOUT_MINUTES},
                code="locked",
            )

    def set_password(self, user: User, password: str) -> None:
        do_change_own_password(user, password)

    def get_logout_redirect_url(self, request: HttpRequest) -> str:
        # A session begun by single sign-on ends at the provider too (RP-initiated logout), which
        # then sends the browser back to our sign-in page. Called before the session is flushed.
        from accounts.sso import logout_redirect_url

        return logout_redirect_url(request) or super().get_logout_redirect_url(request)

    def get_password_change_redirect_url(self, request: HttpRequest) -> str:
        # After the forced first-login change the user goes on to their work.
        return resolve_url("home")
