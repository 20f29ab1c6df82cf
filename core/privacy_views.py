"""The privacy notice (readable without signing in) and a person's data export (Luật 91/2025)."""

from __future__ import annotations

from django.apps import apps
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from accounts.access import access_user_for_admin, require
from accounts.permissions import Perm
from core.actions import do_export_personal_data
from core.http import AuthedRequest


@require_GET
def notice(request: HttpRequest) -> HttpResponse:
    context = {
        "audit_days": settings.AUDIT_PERSONAL_DATA_DAYS,
        "sign_in_days": settings.SIGN_IN_RECORDS_DAYS,
        "contact": settings.PRIVACY_CONTACT,
        "recordings": apps.is_installed("recordings"),
        "nav_active": "privacy",
    }
    return render(request, "core/privacy.html", context)


@login_required
@require_POST
def export_personal_data(request: AuthedRequest, user_id: int) -> HttpResponse:
    """The ZIP of one person's data, for the system administrator to hand to them on request.
    404 for anyone who does not administer the person, 403 for a unit administrator who does."""
    target = access_user_for_admin(request.user, user_id)
    require(request.user, Perm.EXPORT_PERSONAL_DATA, target)
    archive = do_export_personal_data(request.user, target)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response = HttpResponse(archive, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="personal-data-{target.username}-{stamp}.zip"'
    response["Cache-Control"] = "no-store"
    return response
