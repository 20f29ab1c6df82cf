"""The pages of the shell: the home page, the privacy notice, and the project's answers to an
expired form and to a self-service password reset."""

from __future__ import annotations

from django.apps import apps
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from accounts import queries as account_queries
from core.home import panels_for
from core.http import AuthedRequest


@login_required
def home(request: AuthedRequest) -> HttpResponse:
    """A summary of the user's account (and, for an administrator, of the accounts they manage),
    then the panels the apps registered in `core.home`."""
    context = account_queries.home_summary(request.user)
    context["panels"] = panels_for(request.user)
    return render(request, "shell/home.html", context)


@require_GET
def privacy_notice(request: HttpRequest) -> HttpResponse:
    """The privacy notice (Luật 91/2025), readable without signing in."""
    context = {
        "audit_days": settings.AUDIT_PERSONAL_DATA_DAYS,
        "sign_in_days": settings.SIGN_IN_RECORDS_DAYS,
        "contact": settings.PRIVACY_CONTACT,
        "recordings": apps.is_installed("recordings"),
        "nav_active": "privacy",
    }
    return render(request, "shell/privacy.html", context)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form sent from an expired page (often after the idle timeout): say what to do."""
    return render(request, "shell/csrf_failure.html", status=403)


def password_reset_by_admin(request: HttpRequest) -> HttpResponse:
    """Self-service reset by email is off: accounts and passwords are managed by unit
    administrators (Điều 4.3), who reset a password and hand over a temporary one."""
    return render(request, "shell/password_reset_by_admin.html", status=200)
