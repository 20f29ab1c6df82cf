"""Processing state of a version: polled by the document pages, the retry button, and the
thumbnail of a document's first page shown in the document lists."""

from __future__ import annotations

import io
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from core.http import AuthedRequest, perform
from documents.access import access_document, access_version
from documents.actions.processing import do_retry_processing
from documents.models import DocumentVersion
from documents.watermark import stamp_image, watermark_line


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
    version = access_version(request.user, version_id, manage=True)
    if _wants_json(request):
        try:
            do_retry_processing(request.user, version)
        except ValidationError as exc:
            return JsonResponse({**_status(version), "errors": exc.messages}, status=409)
        return JsonResponse(_status(version), json_dumps_params={"ensure_ascii": False})
    perform(
        request, lambda: do_retry_processing(request.user, version), success=_("The document will be processed again.")
    )
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect("meetings:detail", meeting_id=version.document.meeting_id)


@login_required
@require_GET
def thumbnail(request: AuthedRequest, document_id: int) -> HttpResponseBase:
    """The first page of the document's current version, small (documents/tasks.py makes it).

    The same rule as opening the document (404 for anyone who may not). A restricted document's
    thumbnail carries the reader's watermark and is not cached, as its pages in the viewer; the
    lists name the version in the URL (?v=), so the others may be cached privately."""
    document = access_document(request.user, document_id)
    version = document.current_version
    if version is None or not version.thumbnail:
        raise Http404
    try:
        handle = version.thumbnail.open("rb")
    except OSError:
        raise Http404 from None
    if not document.is_restricted:
        cached = FileResponse(handle, content_type="image/png")
        patch_cache_control(cached, private=True, max_age=3600)
        return cached
    from PIL import Image

    with handle, Image.open(handle) as image:
        stamped = stamp_image(image.convert("RGB"), watermark_line(request.user, timezone.now()))
    buffer = io.BytesIO()
    stamped.save(buffer, format="PNG")
    response = HttpResponse(buffer.getvalue(), content_type="image/png")
    patch_cache_control(response, private=True, no_store=True)
    return response
