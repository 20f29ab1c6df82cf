"""The signed-in user's own pages: profile, notification preferences, sessions."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.actions.sessions import do_end_other_sessions
from accounts.actions.users import do_update_own_profile
from accounts.forms import ProfileForm
from accounts.mfa import has_authenticator_app
from accounts.models import User, UserSession
from accounts.passwords import password_expires_at
from accounts.queries import rights_labels
from core.http import AuthedRequest


@login_required
def my_account(request: AuthedRequest) -> HttpResponse:
    user = request.user
    if request.method == "POST":
        # The form works on its own copy: a ModelForm writes cleaned values onto its instance,
        # and the action must compare against what is stored.
        form = ProfileForm(request.POST, instance=User.objects.get(pk=user.pk))
        if form.is_valid():
            changed = do_update_own_profile(user, **{k: form.cleaned_data[k] for k in ProfileForm.Meta.fields})
            messages.success(request, _("Your profile was saved.") if changed else _("Nothing changed."))
            return redirect("my_account")
    else:
        form = ProfileForm(instance=user)
    sessions = UserSession.objects.filter(user=user)
    return render(
        request,
        "accounts/my_account.html",
        {
            "form": form,
            "rights": rights_labels(user),
            "sessions": sessions,
            "current_key": request.session.session_key,
            "password_expires_at": password_expires_at(user),
            "two_factor_on": has_authenticator_app(user),
            "nav_active": "account",
        },
    )


@login_required
@require_POST
def end_other_sessions(request: AuthedRequest) -> HttpResponse:
    count = do_end_other_sessions(request.user, current_session_key=request.session.session_key)
    messages.success(request, _("Signed out of %(count)d other sessions.") % {"count": count})
    return redirect("my_account")


def _sso_only(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        from accounts.sso import sso_enabled

        if not sso_enabled():
            raise Http404
        return view(request, *args, **kwargs)

    return wrapped


def _sso_pages() -> tuple[list[URLPattern], list[URLPattern]]:
    """allauth's single sign-on pages, answering 404 while OIDC_* is not configured: the pages under
    /auth/3rdparty/ and the provider's sign-in and callback under /auth/oidc/<provider_id>/."""
    from allauth.socialaccount import views as social_views
    from allauth.socialaccount.providers.openid_connect import views as oidc_views

    pages = [
        path("login/cancelled/", _sso_only(social_views.login_cancelled), name="socialaccount_login_cancelled"),
        path("login/error/", _sso_only(social_views.login_error), name="socialaccount_login_error"),
    ]
    provider = [
        path("<str:provider_id>/login/", _sso_only(oidc_views.login), name="openid_connect_login"),
        path("<str:provider_id>/login/callback/", _sso_only(oidc_views.callback), name="openid_connect_callback"),
    ]
    return pages, provider


sso_pages, sso_provider_pages = _sso_pages()
