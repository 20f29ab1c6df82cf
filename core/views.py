from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from accounts import queries as account_queries
from core.health import health_report
from core.home import panels_for
from core.http import AuthedRequest


@login_required
def home(request: AuthedRequest) -> HttpResponse:
    context = account_queries.home_summary(request.user)
    context["panels"] = panels_for(request.user)
    return render(request, "core/home.html", context)


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    report = health_report()
    return JsonResponse(report, status=200 if report["ok"] else 503, json_dumps_params={"ensure_ascii": False})


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form sent from an expired page (often after the idle timeout): say what to do."""
    return render(request, "core/csrf_failure.html", status=403)


def password_reset_by_admin(request: HttpRequest) -> HttpResponse:
    """Self-service reset by email is off: accounts and passwords are managed by unit
    administrators (Điều 4.3), who reset a password and hand over a temporary one."""
    return render(request, "core/password_reset_by_admin.html", status=200)
