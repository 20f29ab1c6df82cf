"""The kernel's endpoints: the health check and a person's data export (Luật 91/2025)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from accounts.access import access_user_for_admin, require
from accounts.permissions import Perm
from core.actions import do_export_personal_data
from core.health import health_report
from core.http import AuthedRequest


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    report = health_report()
    return JsonResponse(report, status=200 if report["ok"] else 503, json_dumps_params={"ensure_ascii": False})


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
