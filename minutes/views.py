"""Pages of the minutes (`/minutes/<meeting id>/`) and the conclusion notice (`.../notice/`): the
document with its NĐ 30 header and signature block, the conclusions (with what other apps plug in
next to each, minutes.hooks), the versions and their differences, the editor, approval, issue,
and the .docx and PDF exports; and a unit's issued notices (`/minutes/notices/`). Thin: every write
is an action, every read goes through minutes.access."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.models import OrgUnit
from accounts.permissions import Perm, can
from core.fetch import parse_id
from core.http import AnyUser, AuthedRequest, perform, perform_and_redirect
from minutes import actions, export, generate
from minutes.access import access_minutes, access_minutes_meeting, access_notice
from minutes.diff import diff
from minutes.forms import BodyForm, NoticeForm
from minutes.hooks import conclusion_actions
from minutes.models import ConclusionNotice, Minutes, NoticeStatus, SignedCopy
from minutes.permissions import sees_drafts

SIGNED_MAX_BYTES = 20 * 1024 * 1024
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _conclusion_rows(request: AuthedRequest, meeting: Any, notice: ConclusionNotice | None) -> list[dict[str, Any]]:
    return [
        {"item": item, "text": text, "actions": conclusion_actions(request, meeting, item, notice)}
        for item, text in generate.conclusions(meeting)
    ]


def _version(versions: list[Any], raw: str | None) -> Any:
    if not versions:
        return None
    if raw in (None, ""):
        return versions[-1]
    number = parse_id(raw)
    for version in versions:
        if version.number == number:
            return version
    raise Http404


def _signed(target: Minutes | ConclusionNotice | None, drafts: bool) -> SignedCopy | None:
    """The latest signed copy, shown to the readers of the approved document."""
    if target is None or not (target.is_approved or drafts):
        return None
    return target.signed_copies.filter(signed_at__isnull=False).select_related("signer").order_by("-signed_at").first()


# --- minutes -------------------------------------------------------------------------------------


@login_required
@require_GET
def minutes_page(request: AuthedRequest, meeting_id: int) -> HttpResponse:
    meeting = access_minutes_meeting(request.user, meeting_id)
    minutes = (
        Minutes.objects.filter(meeting=meeting)
        .select_related("secretary", "issuing_unit__parent", "approved_by")
        .first()
    )
    drafts = sees_drafts(request.user, meeting)
    versions = list(minutes.versions.select_related("author")) if minutes else []
    if minutes is not None and not drafts:
        versions = versions[-1:] if minutes.is_approved else []
    shown = _version(versions, request.GET.get("version"))
    notice = ConclusionNotice.objects.filter(meeting=meeting).first()
    return render(
        request,
        "minutes/detail.html",
        {
            "meeting": meeting,
            "minutes": minutes,
            "sees_drafts": drafts,
            "versions": versions,
            "shown": shown,
            "is_current": shown is not None and shown is versions[-1],
            "conclusions": _conclusion_rows(request, meeting, None),
            "may_edit": can(request.user, Perm.EDIT_MINUTES, meeting),
            "may_approve": can(request.user, Perm.APPROVE_MINUTES, meeting),
            "notice": notice if notice is not None and can(request.user, Perm.VIEW_NOTICE, notice) else None,
            "may_draft_notice": can(request.user, Perm.EDIT_NOTICE, meeting),
            "signed": _signed(minutes, drafts),
            "may_sign": minutes is not None
            and minutes.is_approved
            and can(request.user, Perm.APPROVE_MINUTES, meeting),
        },
    )


@login_required
@require_POST
def generate_minutes(request: AuthedRequest, meeting_id: int) -> HttpResponse:
    meeting = access_minutes_meeting(request.user, meeting_id, Perm.EDIT_MINUTES)
    return perform_and_redirect(
        request,
        lambda: actions.do_generate_minutes(request.user, meeting),
        "minutes:detail",
        meeting.pk,
        success=_("A draft was written from the meeting's data."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def edit_minutes(request: AuthedRequest, meeting_id: int) -> HttpResponse:
    minutes = access_minutes(request.user, meeting_id, Perm.EDIT_MINUTES)
    current = minutes.current_version
    form = BodyForm(
        request.POST or None,
        initial={"body": current.body if current else "", "base_version": current.number if current else None},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        outcome = perform(
            request,
            lambda: actions.do_save_minutes(
                request.user, minutes, data["body"], reason=data["reason"], base_version=data["base_version"]
            ),
            form=form,
            success=_("The minutes were saved as a new version."),
        )
        if outcome.ok:
            return redirect("minutes:detail", minutes.meeting_id)
    body = form["body"].value() or ""
    return render(
        request,
        "minutes/edit.html",
        {
            "meeting": minutes.meeting,
            "document": minutes,
            "form": form,
            "body": body,
            "correction": minutes.is_approved,
            "title": _("Edit the minutes"),
            "back": reverse("minutes:detail", args=[minutes.meeting_id]),
        },
    )


def _diff_context(versions: list[Any], request: AuthedRequest, meeting: Any) -> dict[str, Any]:
    if not sees_drafts(request.user, meeting):
        raise PermissionDenied
    if not versions:
        raise Http404
    old = _version(versions, request.GET.get("a") or str(versions[max(len(versions) - 2, 0)].number))
    new = _version(versions, request.GET.get("b") or str(versions[-1].number))
    return {"versions": versions, "old": old, "new": new, "rows": diff(old.body, new.body)}


def _download(data: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@dataclass(frozen=True)
class _Kind:
    """What differs between the minutes' and the notice's shared pages (exports, differences,
    signature): how the document is fetched, who signs it, its page."""

    fetch: Callable[[AnyUser, Any, Perm], Minutes | ConclusionNotice]
    read: Perm
    approve: Perm
    sign: Perm
    page: str
    approved: str | Promise


KINDS = {
    "minutes": _Kind(
        access_minutes,
        Perm.VIEW_MINUTES,
        Perm.APPROVE_MINUTES,
        Perm.APPROVE_MINUTES,
        "minutes:detail",
        gettext_lazy("The minutes are approved."),
    ),
    "notice": _Kind(
        access_notice,
        Perm.VIEW_NOTICE,
        Perm.APPROVE_NOTICE,
        Perm.EDIT_NOTICE,
        "minutes:notice",
        gettext_lazy("The conclusion notice is approved."),
    ),
}


def _document(request: AuthedRequest, meeting_id: int, kind: str, perm: str = "read") -> Minutes | ConclusionNotice:
    spec = KINDS[kind]
    return spec.fetch(request.user, meeting_id, getattr(spec, perm))


@login_required
@require_POST
def approve(request: AuthedRequest, meeting_id: int, kind: str) -> HttpResponse:
    """The chair approves the version they read (`version`)."""
    target = _document(request, meeting_id, kind, "approve")
    raw = request.POST.get("version")
    number = parse_id(raw) if raw else None
    call: Callable[[], object]
    if isinstance(target, Minutes):
        call = partial(actions.do_approve_minutes, request.user, target, version_number=number)
    else:
        call = partial(actions.do_approve_notice, request.user, target, version_number=number)
    return perform_and_redirect(request, call, _back(target), success=str(KINDS[kind].approved))


def _back(target: Minutes | ConclusionNotice) -> str:
    return reverse(KINDS["minutes" if isinstance(target, Minutes) else "notice"].page, args=[target.meeting_id])


@login_required
@require_GET
def document_diff(request: AuthedRequest, meeting_id: int, kind: str) -> HttpResponse:
    target = _document(request, meeting_id, kind)
    versions = list(target.versions.select_related("author"))
    context = _diff_context(versions, request, target.meeting)
    title = pgettext("meeting record", "Minutes") if kind == "minutes" else _("Conclusion notice")
    context.update(meeting=target.meeting, back=_back(target), title=title)
    return render(request, "minutes/diff.html", context)


@login_required
@require_GET
def document_export(request: AuthedRequest, meeting_id: int, kind: str, what: str) -> HttpResponse:
    """The .docx or PDF of a version (the approved one for readers who do not see drafts)."""
    target = _document(request, meeting_id, kind)
    versions = list(target.versions.all())
    if not sees_drafts(request.user, target.meeting):
        versions = versions[-1:] if target.is_approved else []
    version = _version(versions, request.GET.get("version"))
    if version is None:
        raise Http404
    data = export.document_docx(target, version.body)
    if what == "pdf":
        try:
            data = export.to_pdf(data)
        except Exception as exc:  # noqa: BLE001 - the converter raises several kinds; the user gets a message
            messages.error(request, _("The PDF could not be made: %(error)s") % {"error": exc})
            return redirect(_back(target))
    actions.do_log_export(request.user, target, what=what)
    return _download(
        data, DOCX if what == "docx" else "application/pdf", f"{target.file_stem}-v{version.number}.{what}"
    )


# --- conclusion notice ---------------------------------------------------------------------------


@login_required
@require_GET
def notice_page(request: AuthedRequest, meeting_id: int) -> HttpResponse:
    notice = access_notice(request.user, meeting_id)
    meeting = notice.meeting
    drafts = sees_drafts(request.user, meeting)
    versions = list(notice.versions.select_related("author"))
    if not drafts:
        versions = versions[-1:] if notice.is_approved else []
    shown = _version(versions, request.GET.get("version"))
    return render(
        request,
        "minutes/notice.html",
        {
            "meeting": meeting,
            "notice": notice,
            "sees_drafts": drafts,
            "versions": versions,
            "shown": shown,
            "is_current": shown is not None and shown is versions[-1],
            "concerned": list(notice.concerned_units.all()),
            "conclusions": _conclusion_rows(request, meeting, notice),
            "may_edit": can(request.user, Perm.EDIT_NOTICE, meeting) and notice.status != NoticeStatus.ISSUED,
            "may_approve": can(request.user, Perm.APPROVE_NOTICE, meeting),
            "reads_minutes": can(request.user, Perm.VIEW_MINUTES, meeting),
            "signed": _signed(notice, drafts),
            "may_sign": notice.status == NoticeStatus.ISSUED
            and notice.issued_by_id == request.user.pk
            and can(request.user, Perm.EDIT_NOTICE, meeting),
        },
    )


@login_required
@require_POST
def draft_notice(request: AuthedRequest, meeting_id: int) -> HttpResponse:
    meeting = access_minutes_meeting(request.user, meeting_id, Perm.EDIT_NOTICE)
    outcome = perform(
        request,
        lambda: actions.do_draft_notice(request.user, meeting),
        success=_("The conclusion notice was drafted from the minutes' conclusions."),
    )
    return redirect("minutes:notice" if outcome.ok else "minutes:detail", meeting.pk)


@login_required
@require_http_methods(["GET", "POST"])
def edit_notice(request: AuthedRequest, meeting_id: int) -> HttpResponse:
    notice = access_notice(request.user, meeting_id, Perm.EDIT_NOTICE)
    if notice.status == NoticeStatus.ISSUED:
        messages.error(request, _("An issued notice is not changed."))
        return redirect("minutes:notice", notice.meeting_id)
    current = notice.current_version
    form = NoticeForm(
        request.POST or None,
        initial={
            "body": current.body if current else "",
            "base_version": current.number if current else None,
            "concerned_units": list(notice.concerned_units.all()),
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        outcome = perform(
            request,
            lambda: actions.do_save_notice(
                request.user,
                notice,
                data["body"],
                concerned_units=list(data["concerned_units"]),
                reason=data["reason"],
                base_version=data["base_version"],
            ),
            form=form,
            success=_("The notice was saved."),
        )
        if outcome.ok:
            return redirect("minutes:notice", notice.meeting_id)
    return render(
        request,
        "minutes/edit.html",
        {
            "meeting": notice.meeting,
            "document": notice,
            "form": form,
            "body": form["body"].value() or "",
            "correction": notice.is_approved,
            "title": _("Edit the conclusion notice"),
            "back": reverse("minutes:notice", args=[notice.meeting_id]),
        },
    )


@login_required
@require_POST
def issue_notice(request: AuthedRequest, meeting_id: int) -> HttpResponse:
    notice = access_notice(request.user, meeting_id, Perm.EDIT_NOTICE)
    return perform_and_redirect(
        request,
        lambda: actions.do_issue_notice(request.user, notice),
        "minutes:notice",
        notice.meeting_id,
        success=_("The conclusion notice was issued and sent."),
    )


@login_required
@require_GET
def unit_notices(request: AuthedRequest) -> HttpResponse:
    """The issued conclusion notices of the user's unit: issued by it or sent to it."""
    unit: OrgUnit | None = request.user.unit
    notices = (
        ConclusionNotice.objects.filter(actions.visible_notices_q(request.user))
        .select_related("meeting", "issuing_unit")
        .distinct()
        .order_by("-issued_at")
    )
    return render(request, "minutes/unit_notices.html", {"unit": unit, "notices": notices})


# --- PAdES signature (the chair signs the minutes; the issuer signs the issued notice) ----------


@login_required
@require_GET
def sign_pdf(request: AuthedRequest, meeting_id: int, kind: str) -> HttpResponse:
    """The PDF of the version to sign, for the signer's own tool (kept: the upload must be these
    bytes with a signature appended)."""
    target = _document(request, meeting_id, kind, "sign")
    try:
        copy = actions.do_prepare_signing(request.user, target)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(_back(target))
    with copy.original.open("rb") as handle:
        data = handle.read()
    return _download(data, "application/pdf", f"{target.file_stem}-v{copy.version_number}-de-ky.pdf")


@login_required
@require_POST
def sign_upload(request: AuthedRequest, meeting_id: int, kind: str) -> HttpResponse:
    target = _document(request, meeting_id, kind, "sign")
    upload = request.FILES.get("signed")
    if upload is None:
        messages.error(request, _("Choose the signed PDF file."))
        return redirect(_back(target))
    signed = upload.read(SIGNED_MAX_BYTES + 1)
    return perform_and_redirect(
        request,
        lambda: actions.do_submit_signed(request.user, target, signed),
        _back(target),
        success=_("The signed document was verified and kept."),
    )


@login_required
@require_POST
def sign_remote(request: AuthedRequest, meeting_id: int, kind: str) -> HttpResponse:
    target = _document(request, meeting_id, kind, "sign")
    pin, otp = request.POST.get("pin", ""), request.POST.get("otp", "")
    return perform_and_redirect(
        request,
        lambda: actions.do_sign_remotely(request.user, target, pin=pin, otp=otp),
        _back(target),
        success=_("The signed document was verified and kept."),
    )


@login_required
@require_GET
def signed_pdf(request: AuthedRequest, meeting_id: int, kind: str) -> HttpResponse:
    """The latest signed copy, for whoever reads the approved minutes or the issued notice."""
    target = _document(request, meeting_id, kind)
    if not target.is_approved and not sees_drafts(request.user, target.meeting):
        raise Http404
    copy = target.signed_copies.filter(signed_at__isnull=False).order_by("-signed_at").first()
    if copy is None:
        raise Http404
    with copy.file.open("rb") as handle:
        data = handle.read()
    return _download(data, "application/pdf", f"{target.file_stem}-v{copy.version_number}-da-ky.pdf")
