"""Processing state of a version: polled by the document pages, and the retry button."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from accounts.permissions import Perm, can
from core.http import AuthedRequest
from documents.access import access_version
from documents.models import DocumentVersion
from documents.tasks import do_retry_processing


def _status(version: DocumentVersion) -> dict[str, Any]:
    return {
        "state": version.state,
        "label": version.get_state_display(),
        "progress": version.progress,
        "page_count": version.page_count,
        "error": version.error,
    }


def _wants_json(request: AuthedRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "") or request.headers.get("HX-Request") == "true"


@login_required
@require_GET
@never_cache
def processing_status(request: AuthedRequest, version_id: int) -> JsonResponse:
    """{state, label, progress, page_count, error} for anyone who may view the version."""
    version = access_version(request.user, version_id)
    return JsonResponse(_status(version), json_dumps_params={"ensure_ascii": False})


@login_required
@require_POST
def retry_processing(request: AuthedRequest, version_id: int) -> HttpResponse:
    """Queue a failed version again; for the people who manage the meeting's documents only."""
    try:
        version = DocumentVersion.objects.select_related("document__meeting__unit").get(pk=version_id)
    except DocumentVersion.DoesNotExist:
        raise Http404 from None
    if version.document.is_deleted or not can(request.user, Perm.MANAGE_DOCUMENTS, version.document.meeting):
        raise Http404
    try:
        do_retry_processing(request.user, version)
    except ValidationError as exc:
        if _wants_json(request):
            return JsonResponse({**_status(version), "errors": exc.messages}, status=409)
        for message in exc.messages:
            messages.error(request, message)
    else:
        if _wants_json(request):
            return JsonResponse(_status(version), json_dumps_params={"ensure_ascii": False})
        messages.success(request, _("The document will be processed again."))
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect("meetings:detail", meeting_id=version.document.meeting_id)
