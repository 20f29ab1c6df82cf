"""Managing meeting documents: the chunked upload endpoints (JSON), the plain upload form, new
versions, restriction, deletion, and the approver's queue with approve / return.

Every view fetches through meetings.access / documents.access (404 for anyone who may not see
the object) and writes through the actions of documents.actions (the upload protocol's pieces
that write nothing are in documents.upload).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.permissions import Perm
from audit.queries import object_history
from core.http import AuthedRequest, perform, perform_and_redirect
from documents import upload
from documents.access import access_document, access_managed_document, access_upload
from documents.actions.approval import do_approve_document, do_approve_documents, do_return_document
from documents.actions.restriction import do_set_restriction
from documents.actions.uploads import do_append_chunk, do_finish_upload, do_receive_whole, do_start_upload
from documents.actions.versions import do_delete_document
from documents.forms import DocumentForm, RestrictionForm, ReturnForm
from documents.models import Upload
from documents.queries import approval_queue
from documents.templatetags.documents_tags import panel_context
from meetings.access import access_meeting
from meetings.models import Meeting

# Turns a received upload (and the content type the browser declared) into a document or version.
Build = Callable[[Upload, "str | None"], None]


def _error(message: str, *, status: int = 400, code: str = "", **extra: Any) -> JsonResponse:
    return JsonResponse(
        {"error": message, "code": code, **extra}, status=status, json_dumps_params={"ensure_ascii": False}
    )


def _refusal(exc: ValidationError, *, status: int = 400) -> JsonResponse:
    fields = exc.message_dict if hasattr(exc, "error_dict") else {}
    return _error(" ".join(exc.messages), status=status, code=getattr(exc, "code", None) or "", fields=fields)


def _back(request: AuthedRequest, fallback: str) -> HttpResponse:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect(fallback)


def _meeting_page(meeting_id: int) -> str:
    return reverse("meetings:detail", args=[meeting_id]) + "#documents"


# --- chunked upload (JSON) --------------------------------------------------------------------


@login_required
@require_POST
def upload_start(request: AuthedRequest, meeting_id: int) -> JsonResponse:
    meeting = access_meeting(request.user, meeting_id, perm=Perm.MANAGE_DOCUMENTS)
    if request.content_type == "application/json":
        try:
            data = json.loads(request.body or b"{}")
        except ValueError:
            return _error(_("The upload request is malformed."), code="bad_request")
        if not isinstance(data, dict):
            return _error(_("The upload request is malformed."), code="bad_request")
    else:
        data = request.POST.dict()
    try:
        size = int(data.get("size", ""))
    except (TypeError, ValueError):
        return _error(_("The upload request is malformed."), code="bad_request")
    try:
        started = do_start_upload(request.user, meeting, filename=str(data.get("filename", "")), size=size)
    except ValidationError as exc:
        return _refusal(exc)
    return JsonResponse(
        {
            **upload.status(started),
            "chunk_size": upload.CLIENT_CHUNK_BYTES,
            "url": reverse("documents:upload", args=[started.pk]),
            "finish_url": reverse("documents:upload_finish", args=[started.pk]),
        },
        status=201,
        json_dumps_params={"ensure_ascii": False},
    )


@login_required
@never_cache
@require_http_methods(["GET", "PUT", "POST", "DELETE"])
def upload_chunk(request: AuthedRequest, upload_id: str) -> HttpResponse:
    """GET: the offset to resume from. PUT/POST: append one chunk. DELETE: give up."""
    current = access_upload(request.user, upload_id)
    if request.method == "GET":
        return JsonResponse(upload.status(current), json_dumps_params={"ensure_ascii": False})
    if request.method == "DELETE":
        upload.discard(current)
        return HttpResponse(status=204)
    try:
        start, end, total = upload.parse_content_range(request.headers.get("Content-Range"))
        declared = request.META.get("CONTENT_LENGTH")
        if declared not in (None, "") and int(declared) != end - start + 1:
            raise ValidationError(_("The upload request is malformed (Content-Range)."), code="bad_range")
        received = do_append_chunk(current, start=start, end=end, total=total, stream=request)
    except upload.OffsetMismatch as exc:
        return _error(
            _("This part of the file is not the next one expected; resume from the server's offset."),
            status=409,
            code="offset",
            received=exc.received,
            size=current.size,
        )
    except upload.UploadConflict:
        return _error(_("This upload is busy or already finished."), status=409, code="busy", size=current.size)
    except ValidationError as exc:
        return _refusal(exc)
    return JsonResponse({"id": current.pk, "received": received, "size": current.size})


@login_required
@require_POST
def upload_finish(request: AuthedRequest, upload_id: str) -> JsonResponse:
    current = access_upload(request.user, upload_id)
    meeting = current.meeting
    declared_type = request.POST.get("declared_type") or None
    try:
        if request.POST.get("replace"):
            document = access_managed_document(request.user, request.POST["replace"])
            if document.meeting_id != meeting.pk:
                raise Http404
            version = do_finish_upload(request.user, current, replace=document, declared_type=declared_type)
        else:
            form = DocumentForm(request.POST, meeting=meeting)
            if not form.is_valid():
                errors = {name: [str(e) for e in errs] for name, errs in form.errors.items()}
                first = next(iter(errors.values()))[0]
                return _error(first, code="invalid", fields=errors)
            version = do_finish_upload(
                request.user,
                current,
                fields=_fields(form),
                declared_type=declared_type,
            )
    except upload.UploadConflict:
        return _error(_("This upload is busy or already finished."), status=409, code="busy")
    except ValidationError as exc:
        return _refusal(exc)
    document = version.document
    return JsonResponse(
        {
            "document": document.pk,
            "version": version.number,
            "title": document.title,
            "status": document.status,
            "status_label": document.get_status_display(),
            "url": _meeting_page(meeting.pk),
        },
        status=201,
        json_dumps_params={"ensure_ascii": False},
    )


def _fields(form: DocumentForm, *, many: bool = False) -> upload.DocumentFields:
    data = form.cleaned_data
    title = (data.get("title") or "").strip()
    return upload.DocumentFields(
        title="" if many else title,  # empty: do_finish_upload takes the file's name
        kind=data["kind"],
        agenda_item=data.get("agenda_item"),
        security=data["security"],
        readers=list(data.get("readers") or []),
        allow_download=bool(data.get("allow_download")),
    )


# --- plain form (without JavaScript), new versions ----------------------------------------------


def _receive_files(
    request: AuthedRequest, meeting: Meeting, files: list[UploadedFile], build: Build
) -> tuple[int, int]:
    """Store each posted file through the same checks as the chunked path; each refusal is shown
    as a message naming the file. Returns (stored, refused)."""
    stored, refused = 0, 0
    for posted in files:
        name = posted.name or ""
        try:
            started = do_start_upload(request.user, meeting, filename=name, size=posted.size or 0)
            try:
                do_receive_whole(started, posted.chunks())
                build(started, posted.content_type)
            except BaseException:
                upload.discard(started)
                raise
        except ValidationError as exc:
            messages.error(request, f"{name}: {' '.join(exc.messages)}")
            refused += 1
        else:
            stored += 1
    return stored, refused


@login_required
@require_http_methods(["GET", "POST"])
def add_documents(request: AuthedRequest, meeting_id: int) -> HttpResponse:
    """The upload page; its form posts here when JavaScript is off (several files allowed)."""
    meeting = access_meeting(request.user, meeting_id, perm=Perm.MANAGE_DOCUMENTS)
    form = DocumentForm(request.POST if request.method == "POST" else None, meeting=meeting)
    if request.method == "POST":
        files = request.FILES.getlist("file")
        if not files:
            form.add_error(None, _("Choose at least one file."))
        elif form.is_valid():
            many = len(files) > 1

            def build(started: Upload, content_type: str | None) -> None:
                do_finish_upload(
                    request.user,
                    started,
                    fields=_fields(form, many=many),
                    declared_type=content_type,
                )

            stored, refused = _receive_files(request, meeting, files, build)
            if stored:
                messages.success(
                    request,
                    _("%(count)s file(s) uploaded; they wait for the approver before attendees see them.")
                    % {"count": stored},
                )
            if not refused:
                return redirect(_meeting_page(meeting.pk))
    return render(
        request,
        "documents/manage/add.html",
        {"meeting": meeting, "docs": panel_context(request.user, meeting, form=form), "nav_active": "meetings"},
    )


@login_required
@require_http_methods(["GET", "POST"])
def versions(request: AuthedRequest, document_id: int) -> HttpResponse:
    """Version history (managers only: attendees never learn of other versions) and the form to
    upload a replacement."""
    document = access_managed_document(request.user, document_id, hidden=True)
    meeting = document.meeting
    if request.method == "POST":
        files = request.FILES.getlist("file")[:1]
        if not files:
            messages.error(request, _("Choose the file of the new version."))
        else:

            def build(started: Upload, content_type: str | None) -> None:
                do_finish_upload(request.user, started, replace=document, declared_type=content_type)

            stored, _refused = _receive_files(request, meeting, files, build)
            if stored:
                messages.success(request, _("The new version was uploaded and waits for the approver."))
                return redirect("documents:versions", document_id=document.pk)
    return render(
        request,
        "documents/manage/versions.html",
        {
            "meeting": meeting,
            "document": document,
            "versions": document.versions.select_related("uploaded_by").order_by("-number"),
            "history": object_history(document),
            "max_upload_bytes": settings.DOCUMENT_MAX_UPLOAD_BYTES,
            "nav_active": "meetings",
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def restriction(request: AuthedRequest, document_id: int) -> HttpResponse:
    document = access_managed_document(request.user, document_id)
    meeting = document.meeting
    initial = {
        "security": document.security,
        "readers": list(document.readers.all()),
        "allow_download": document.allow_download,
    }
    form = RestrictionForm(request.POST if request.method == "POST" else None, meeting=meeting, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        saved = perform(
            request,
            lambda: do_set_restriction(
                request.user,
                document,
                data["security"],
                list(data.get("readers") or []),
                bool(data.get("allow_download")),
            ),
            success=_("Who may open the document was saved."),
            form=form,
        )
        if saved.ok:
            return redirect(_meeting_page(meeting.pk))
    return render(
        request,
        "documents/manage/restriction.html",
        {"meeting": meeting, "document": document, "form": form, "nav_active": "meetings"},
    )


@login_required
@require_POST
def delete(request: AuthedRequest, document_id: int) -> HttpResponse:
    document = access_managed_document(request.user, document_id)
    return perform_and_redirect(
        request,
        lambda: do_delete_document(request.user, document),
        _meeting_page(document.meeting_id),
        success=_("The document “%(title)s” was deleted.") % {"title": document.title},
    )


# --- approval (Điều 6.1c) ---------------------------------------------------------------------


@login_required
@require_GET
def approvals(request: AuthedRequest) -> HttpResponse:
    """The approver's queue, one section per meeting with "approve all" and "approve the chosen"."""
    groups: dict[int, dict[str, Any]] = {}
    for document in approval_queue(request.user):
        groups.setdefault(document.meeting_id, {"meeting": document.meeting, "documents": []})["documents"].append(
            document
        )
    return render(
        request,
        "documents/manage/approvals.html",
        {"groups": list(groups.values()), "return_form": ReturnForm(), "nav_active": "document_approvals"},
    )


@login_required
@require_POST
def approve(request: AuthedRequest, document_id: int) -> HttpResponse:
    document = access_document(request.user, document_id, perm=Perm.APPROVE_DOCUMENT)
    perform(
        request,
        lambda: do_approve_document(request.user, document),
        success=_("“%(title)s” is approved and published to the attendees.") % {"title": document.title},
    )
    return _back(request, reverse("documents:approvals"))


@login_required
@require_POST
def approve_many(request: AuthedRequest, meeting_id: int) -> HttpResponse:
    """Approve the chosen pending documents of a meeting (`document` ids), or all of them (`all`).

    404 for those who may not see the meeting, 403 for those who see it but do not approve its
    documents; a refused batch changes nothing."""
    meeting = access_meeting(request.user, meeting_id)
    ids: list[int] | None = None
    if not request.POST.get("all"):
        try:
            ids = [int(value) for value in request.POST.getlist("document")]
        except ValueError:
            ids = [-1]  # refused below as "not waiting for approval"
    approved = perform(request, lambda: do_approve_documents(request.user, meeting, ids)).value
    if approved:
        messages.success(
            request,
            ngettext(
                "%(count)s document is approved and published to the attendees.",
                "%(count)s documents are approved and published to the attendees.",
                len(approved),
            )
            % {"count": len(approved)},
        )
    return _back(request, reverse("documents:approvals"))


@login_required
@require_POST
def return_document(request: AuthedRequest, document_id: int) -> HttpResponse:
    document = access_document(request.user, document_id, perm=Perm.APPROVE_DOCUMENT)
    form = ReturnForm(request.POST)
    # A comment the form refuses (too long) is refused by the action as an empty one, with the
    # same message.
    comment = form.cleaned_data["comment"] if form.is_valid() else ""
    perform(
        request,
        lambda: do_return_document(request.user, document, comment),
        success=_("“%(title)s” was returned with your comment.") % {"title": document.title},
    )
    return _back(request, reverse("documents:approvals"))


# --- the meeting page's panel, refreshed while files are processed ---------------------------------


@login_required
@require_GET
@never_cache
def meeting_panel(request: AuthedRequest, meeting_id: int) -> HttpResponse:
    meeting = access_meeting(request.user, meeting_id)
    return render(
        request,
        "documents/_meeting_documents_list.html",
        {"meeting": meeting, "docs": panel_context(request.user, meeting)},
    )
