"""Reading documents: the viewer, page images, inline PDF, download, read receipts, private
notes and search. Every view fetches through documents.access (404 for anyone who may not see
the document) and writes through documents.actions.reading and documents.actions.notes."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any, TypeVar

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.permissions import Perm, can
from core.http import AuthedRequest
from documents import viewer
from documents.access import access_document, access_managed_document, access_note, access_version
from documents.actions.notes import (
    NOTE_MAX_LENGTH,
    check_note,
    check_note_text,
    do_add_note,
    do_delete_note,
    do_edit_note,
)
from documents.actions.reading import check_page, do_record_download, do_record_open, do_record_page_seen
from documents.models import Document, DocumentVersion, PrivateNote
from documents.search import MAX_QUERY_CHARS, Explanation, explain, parse_query
from documents.watermark import stamp_image, stamp_pdf, watermark_line

SEARCH_PAGE_SIZE = 20
R = TypeVar("R", bound=HttpResponseBase)


def _version_for(request: AuthedRequest, document: Document) -> DocumentVersion | None:
    """The current version, or with ?v= an older one (for those who manage the documents)."""
    raw = request.GET.get("v")
    if not raw or raw == str(document.current_version_id):
        return document.current_version
    version = access_version(request.user, raw)
    if version.document_id != document.pk:
        raise Http404
    return version


def _no_store(response: R) -> R:
    """Watermarked output is for one person at one time: no browser or proxy may keep it."""
    patch_cache_control(response, no_store=True, private=True)
    return response


def _download_name(document: Document, version: DocumentVersion, suffix: str | None = None) -> str:
    name = PurePath(version.original_name.replace("\\", "/")).name or document.title
    name = "".join(c for c in name if c.isprintable())[:150] or "tai-lieu"
    if suffix is not None:
        name = f"{PurePath(name).stem or 'tai-lieu'}{suffix}"
    return name


@login_required
@require_GET
def document_view(request: AuthedRequest, document_id: int) -> HttpResponse:
    user = request.user
    document = access_document(user, document_id)
    version = _version_for(request, document)
    is_current = version is not None and version.pk == document.current_version_id
    pages = viewer.pages_of(version) if version is not None else []
    do_record_open(user, document, version)
    notes = viewer.notes_by_page(user, document) if is_current else {}
    page_numbers = {page.number for page in pages}
    may_download = can(user, Perm.DOWNLOAD_DOCUMENT, document)
    context = {
        "document": document,
        "meeting": document.meeting,
        "version": version,
        "is_current": is_current,
        "pages": [(page, notes.get(page.number, [])) for page in pages],
        "stray_notes": [n for number, group in notes.items() if number not in page_numbers for n in group],
        "scales": list(viewer.SCALES),
        "may_download": may_download and version is not None,
        # Unrestricted documents may also open in the browser's own PDF viewer — but that hands
        # over the whole file, so only to people who may download it.
        "inline_pdf": may_download
        and not document.is_restricted
        and version is not None
        and viewer.pdf_of(version) is not None,
        "may_see_receipts": can(user, Perm.MANAGE_DOCUMENTS, document.meeting),
        "note_max_length": NOTE_MAX_LENGTH,
        "nav_active": "meetings",
    }
    response = render(request, "documents/viewer/viewer.html", context)
    if document.is_restricted:
        _no_store(response)
    return response


@login_required
@require_GET
def page_image(request: AuthedRequest, document_id: int, number: int) -> HttpResponse:
    """One page as PNG. Not audited: the open of the viewer was."""
    user = request.user
    document = access_document(user, document_id)
    version = _version_for(request, document)
    if version is None or not viewer.pages_ready(version):
        raise Http404
    scale_key = request.GET.get("scale", "1")
    if scale_key not in viewer.SCALES:
        return HttpResponseBadRequest("scale")
    try:
        if document.is_restricted:
            image = viewer.render_page(version, number, viewer.SCALES[scale_key])
            png = viewer.encode_png(stamp_image(image, watermark_line(user, timezone.now())))
        else:
            png = viewer.cached_page_png(version, number, scale_key)
    except viewer.PageNotFound:
        raise Http404 from None
    response = HttpResponse(png, content_type="image/png")
    if document.is_restricted:
        return _no_store(response)
    # The URL names the version (?v=), so a page never changes under it; private because it
    # is still only for signed-in readers.
    patch_cache_control(response, private=True, max_age=3600)
    return response


@login_required
@require_GET
def pdf_inline(request: AuthedRequest, document_id: int) -> FileResponse:
    """The PDF for the browser's own viewer: unrestricted documents, for those who may download."""
    user = request.user
    document = access_document(user, document_id, perm=Perm.DOWNLOAD_DOCUMENT)
    version = _version_for(request, document)
    if document.is_restricted or version is None:
        raise Http404
    pdf = viewer.pdf_of(version)
    if pdf is None:
        raise Http404
    do_record_open(user, document, version, via="pdf")
    response = FileResponse(
        pdf.open("rb"), content_type="application/pdf", filename=_download_name(document, version, ".pdf")
    )
    patch_cache_control(response, private=True)
    return response


@login_required
@require_GET
def download(request: AuthedRequest, document_id: int) -> HttpResponseBase:
    """Unrestricted: the original file. Restricted: a copy watermarked for the downloader."""
    user = request.user
    document = access_document(user, document_id, perm=Perm.DOWNLOAD_DOCUMENT)
    version = _version_for(request, document)
    if version is None:
        raise Http404
    response: HttpResponseBase
    if not document.is_restricted:
        response = FileResponse(version.file.open("rb"), as_attachment=True, filename=_download_name(document, version))
        patch_cache_control(response, private=True)
    elif viewer.is_image(version):
        line = watermark_line(user, timezone.now())
        png = viewer.encode_png(stamp_image(viewer.render_page(version, 1, max(viewer.SCALES.values())), line))
        response = HttpResponse(png, content_type="image/png")
        response["Content-Disposition"] = content_disposition_header(True, _download_name(document, version, ".png"))
        _no_store(response)
    else:
        pdf = viewer.pdf_of(version)
        if pdf is None:
            messages.error(
                request, _("This document is still being prepared. Try the download again in a few minutes.")
            )
            return redirect("documents:view", document_id=document.pk)
        line = watermark_line(user, timezone.now())
        out = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it
        with pdf.open("rb") as source:
            stamp_pdf(source, line, out)
        out.seek(0)
        response = FileResponse(
            out, as_attachment=True, content_type="application/pdf", filename=_download_name(document, version, ".pdf")
        )
        _no_store(response)
    do_record_download(user, document, version, watermarked=document.is_restricted)
    return response


@login_required
@require_POST
def page_seen(request: AuthedRequest, document_id: int, number: int) -> HttpResponse:
    """Called by the viewer's script when a page scrolls into view."""
    user = request.user
    document = access_document(user, document_id)
    try:
        page = check_page(document, number)
    except ValidationError:
        raise Http404 from None
    do_record_page_seen(user, document, page)
    return HttpResponse(status=204)


@login_required
@require_GET
def receipts(request: AuthedRequest, document_id: int) -> HttpResponse:
    document = access_managed_document(request.user, document_id, hidden=True)
    rows = viewer.receipt_rows(document)
    return render(
        request,
        "documents/viewer/receipts.html",
        {
            "document": document,
            "meeting": document.meeting,
            "rows": rows,
            "page_count": viewer.page_count(document.current_version),
            "not_opened": viewer.not_opened(document),
            "downloads": sum(row.receipt.download_count for row in rows),
            "nav_active": "meetings",
        },
    )


# --- private notes ------------------------------------------------------------------------------


def _wants_json(request: AuthedRequest) -> bool:
    return request.headers.get("Accept", "").startswith("application/json")


def _note_json(note: PrivateNote) -> dict[str, Any]:
    return {
        "id": note.pk,
        "page": note.page,
        "text": note.text,
        "url": reverse("documents:note", args=[note.pk]),
        "updated": timezone.localtime(note.updated_at).strftime("%d/%m/%Y %H:%M"),
    }


def _viewer_at(document: Document, page: int) -> str:
    return f"{reverse('documents:view', args=[document.pk])}#page-{page}"


def _note_form(
    request: AuthedRequest,
    document: Document,
    note: PrivateNote | None,
    page: Any,
    text: str,
    errors: ValidationError | None = None,
) -> HttpResponse:
    """The note form on its own page: editing without JavaScript, and errors keep the text."""
    if errors is not None and _wants_json(request):
        return JsonResponse({"errors": errors.message_dict}, status=400)
    return render(
        request,
        "documents/viewer/note_form.html",
        {
            "document": document,
            "note": note,
            "page": page,
            "text": text,
            "errors": errors.message_dict if errors is not None else {},
            "page_count": viewer.page_count(document.current_version),
            "note_max_length": NOTE_MAX_LENGTH,
            "nav_active": "meetings",
        },
        status=400 if errors is not None else 200,
    )


@login_required
@require_POST
def note_create(request: AuthedRequest, document_id: int) -> HttpResponse:
    user = request.user
    document = access_document(user, document_id)
    raw_page, raw_text = request.POST.get("page", ""), request.POST.get("text", "")
    try:
        page, text = check_note(document, raw_page, raw_text)
    except ValidationError as exc:
        return _note_form(request, document, None, raw_page, raw_text, exc)
    note = do_add_note(user, document, page, text)
    if _wants_json(request):
        return JsonResponse(_note_json(note), status=201)
    return redirect(_viewer_at(document, page))


@login_required
@require_http_methods(["GET", "POST"])
def note_detail(request: AuthedRequest, note_id: int) -> HttpResponse:
    """GET: the edit form. POST: save the new text, or delete with `delete`."""
    note, document = access_note(request.user, note_id)
    if request.method == "GET":
        return _note_form(request, document, note, note.page, note.text)
    if "delete" in request.POST:
        page = note.page
        do_delete_note(note)
        if _wants_json(request):
            return JsonResponse({"deleted": True})
        return redirect(_viewer_at(document, page))
    raw_text = request.POST.get("text", "")
    try:
        text = check_note_text(raw_text)
    except ValidationError as exc:
        return _note_form(request, document, note, note.page, raw_text, ValidationError({"text": exc}))
    do_edit_note(note, text)
    if _wants_json(request):
        return JsonResponse(_note_json(note))
    return redirect(_viewer_at(document, note.page))


# --- search -------------------------------------------------------------------------------------


@dataclass
class SearchHit:
    document: Document
    why: Explanation


@login_required
@require_GET
def search(request: AuthedRequest) -> HttpResponse:
    user = request.user
    query = parse_query(request.GET.get("q", "")[: MAX_QUERY_CHARS * 4])  # a bound before any work
    page_obj, hits = None, []
    if query:
        paginator = Paginator(viewer.search_documents(user, query), SEARCH_PAGE_SIZE)
        page_obj = paginator.get_page(request.GET.get("page"))
        for document in page_obj:
            if not can(user, Perm.VIEW_DOCUMENT, document):  # the authority, after the SQL pre-check
                continue
            version = document.current_version
            why = explain(
                document.title,
                version.text if version else "",
                version.page_texts if version else [],
                version.ocr_pages if version else [],
                query,
            )
            hits.append(SearchHit(document, why))
    return render(
        request,
        "documents/viewer/search.html",
        {"query": query, "page_obj": page_obj, "hits": hits, "nav_active": "documents"},
    )
