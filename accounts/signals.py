from __future__ import annotations

from typing import TYPE_CHECKING, Any

from allauth.account.signals import user_logged_in as allauth_user_logged_in
from allauth.mfa.signals import authenticator_added, authenticator_removed, authenticator_reset
from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.dispatch import receiver

from accounts.actions.sessions import do_record_login_success, do_record_logout
from accounts.actions.two_factor import do_record_authenticator_change
from audit.context import client_ip

if TYPE_CHECKING:
    from allauth.mfa.models import Authenticator
    from allauth.socialaccount.models import SocialLogin
    from django.http import HttpRequest

    from accounts.models import User

# Session key: how this session signed in ("password" or "sso").
SIGNIN_METHOD_KEY = "signin_method"


def _signin_method(request: HttpRequest) -> str:
    """allauth records each authentication step of the session; the first one is how it began."""
    from allauth.account.internal.flows.login import AUTHENTICATION_METHODS_SESSION_KEY

    records = request.session.get(AUTHENTICATION_METHODS_SESSION_KEY) or []
    methods = [record.get("method") for record in records]
    return "sso" if "socialaccount" in methods else "password"


@receiver(user_logged_in)
def on_login(sender: Any, request: HttpRequest | None, user: User, **kwargs: Any) -> None:
    if request is None:
        return
    method = _signin_method(request)
    request.session[SIGNIN_METHOD_KEY] = method
    do_record_login_success(
        user,
        session_key=request.session.session_key,
        ip=client_ip(request.META),
        user_agent=request.META.get("HTTP_USER_AGENT", "")[:500],
        method=method,
    )


@receiver(allauth_user_logged_in)
def on_allauth_login(
    sender: Any, request: HttpRequest, user: User, sociallogin: SocialLogin | None = None, **kwargs: Any
) -> None:
    """Sign-ins through allauth's pages (password or single sign-on, never a test's force_login):
    note where single sign-on ends, and whether two-factor must be set up first."""
    from accounts.mfa import flag_setup_if_required
    from accounts.sso import END_SESSION_KEY, end_session_endpoint

    if sociallogin is not None:
        endpoint = end_session_endpoint(sociallogin, request)
        if endpoint:
            request.session[END_SESSION_KEY] = endpoint
    flag_setup_if_required(request, user)


@receiver(user_logged_out)
def on_logout(sender: Any, request: HttpRequest | None, user: User | None, **kwargs: Any) -> None:
    if user is None or request is None:
        return
    do_record_logout(user, session_key=request.session.session_key)


# allauth.mfa writes the authenticators itself (its views and flows); the audit trail records it.


@receiver(authenticator_added)
def on_authenticator_added(
    sender: Any, request: HttpRequest, user: User, authenticator: Authenticator, **kwargs: Any
) -> None:
    do_record_authenticator_change(user, event="added", authenticator_type=authenticator.type)


@receiver(authenticator_removed)
def on_authenticator_removed(
    sender: Any, request: HttpRequest, user: User, authenticator: Authenticator, **kwargs: Any
) -> None:
    do_record_authenticator_change(user, event="removed", authenticator_type=authenticator.type)


@receiver(authenticator_reset)
def on_authenticator_reset(
    sender: Any, request: HttpRequest, user: User, authenticator: Authenticator, **kwargs: Any
) -> None:
    do_record_authenticator_change(user, event="reset", authenticator_type=authenticator.type)
