"""Pages of "Lấy ý kiến" (voters) and "Quản lý biểu quyết" (creators and followers).

Every page fetches through `opinions.access` (404 for outsiders, 403 for a step the user may not
take) and writes through `opinions.actions`. Pages bring the stored state in line with the clock
(`ensure_released`, `ensure_closed`), so nothing waits for the task worker.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.models import OrgUnit, User
from accounts.permissions import Perm, can
from core.fetch import parse_id
from core.http import AuthedRequest, perform, perform_and_redirect
from opinions import queries
from opinions.access import access_collection, access_revision
from opinions.actions.answers import Receipt, do_answer
from opinions.actions.collections import (
    do_create_collection,
    do_extend_expiry,
    do_set_recommendation,
    do_update_collection,
)
from opinions.actions.lifecycle import ensure_closed, ensure_released
from opinions.actions.signatures import do_sign_remotely, do_submit_signed_ballot
from opinions.forms import CollectionForm, ExtendForm, RecommendationForm, initial_from
from opinions.log import check_receipt, is_receipt_code
from opinions.models import AnswerRevision, Collection, QuestionAttachment, RevisionState
from opinions.rules import Phase, ballot_owners, phase

if TYPE_CHECKING:
    from meetings.models import Meeting

MAX_SIGNED_UPLOAD = 10 * 1024 * 1024


def _sync_with_clock(collection: Collection) -> None:
    ensure_released(collection)
    ensure_closed(collection)


@login_required
@require_GET
def collection_list(request: AuthedRequest) -> HttpResponse:
    user = request.user
    mine = list(queries.managed_or_followed(user)[:200])
    consulted = list(queries.answered_by_voter(user)[:200])
    for collection in {c.pk: c for c in [*mine, *consulted]}.values():
        _sync_with_clock(collection)
    open_now = [c for c in consulted if phase(c) == Phase.OPEN]
    past = [c for c in consulted if phase(c) == Phase.EXPIRED]
    return render(
        request,
        "opinions/list.html",
        {
            "open_now": open_now,
            "past": past,
            "mine": mine,
            "may_create": can(user, Perm.CREATE_COLLECTION, None),
            "Phase": Phase,
        },
    )


def _meeting_from(request: AuthedRequest) -> Meeting | None:
    meeting_id = request.GET.get("meeting") or request.POST.get("meeting")
    if not meeting_id:
        return None
    from meetings.access import access_meeting

    return access_meeting(request.user, meeting_id, perm=Perm.RUN_MEETING)


@login_required
def create(request: AuthedRequest) -> HttpResponse:
    meeting = _meeting_from(request)
    if not can(request.user, Perm.CREATE_COLLECTION, meeting):
        raise PermissionDenied
    form = CollectionForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        created = perform(
            request,
            lambda: do_create_collection(request.user, form.to_input(), meeting=meeting, files=form.question_files()),
            success=_("The opinion collection was created. It is released at the time you set."),
            form=form,
        ).value
        if created is not None:
            return redirect("opinions:detail", created.pk)
    return render(request, "opinions/form.html", {"form": form, "meeting": meeting, "collection": None})


@login_required
def edit(request: AuthedRequest, collection_id: int) -> HttpResponse:
    collection = access_collection(request.user, collection_id, perm=Perm.MANAGE_POLL)
    if phase(collection) != Phase.SCHEDULED:
        messages.error(request, _("The collection has been released: only its expiry can be extended now."))
        return redirect("opinions:detail", collection.pk)
    form = CollectionForm(
        request.POST or None, request.FILES or None, initial=initial_from(collection), collection=collection
    )
    if request.method == "POST" and form.is_valid():
        saved = perform(
            request,
            lambda: do_update_collection(
                request.user,
                collection,
                form.to_input(),
                files=form.question_files(),
                keep_attachments=form.kept_attachments(),
            ),
            success=_("The opinion collection was saved."),
            form=form,
        )
        if saved.ok:
            return redirect("opinions:detail", collection.pk)
    return render(
        request, "opinions/form.html", {"form": form, "meeting": collection.poll.meeting, "collection": collection}
    )


def _current_answers(revision: AnswerRevision | None) -> dict[int, dict[str, Any]]:
    return {a["question"]: a for a in revision.answers} if revision is not None else {}


def _ballots(user: User, collection: Collection) -> list[dict[str, Any]]:
    """The ballots `user` answers: their own and each consulted unit they receive for."""
    result = []
    for unit in ballot_owners(user, collection):
        history = queries.history(collection, user, unit)
        counted = next((r for r in history if r.state == RevisionState.COUNTED), None)
        awaiting = next((r for r in history if r.state == RevisionState.AWAITING_SIGNATURE), None)
        if awaiting is not None and counted is not None and counted.number > awaiting.number:
            awaiting = None
        answered_secretly = (
            collection.poll.is_secret
            and collection.poll.participations.filter(
                **({"unit": unit} if unit is not None else {"voter": user, "unit__isnull": True})
            ).exists()
        )
        result.append(
            {
                "unit": unit,
                "key": unit.pk if unit is not None else "",
                "history": history,
                "counted": counted,
                "awaiting": awaiting,
                "answered_secretly": answered_secretly,
                "current": _current_answers(awaiting or counted),
            }
        )
    return result


@login_required
@require_GET
def detail(request: AuthedRequest, collection_id: int) -> HttpResponse:
    collection = access_collection(request.user, collection_id)
    _sync_with_clock(collection)
    poll = collection.poll
    user = request.user
    # Điều 7.1đ: from the expiry on, the people consulted no longer see the content; Điều 7.1a:
    # those of a non-secret collection see its counts instead.
    content_visible = can(user, Perm.VIEW_COLLECTION_CONTENT, collection)
    may_see_results = can(user, Perm.VIEW_POLL_RESULTS, poll)
    public_counts = None
    if not may_see_results and can(user, Perm.VIEW_COLLECTION_COUNTS, collection):
        public_counts = queries.counts_many([collection])[collection.pk]
    questions = (
        list(poll.questions.order_by("order").prefetch_related("options", "attachments")) if content_visible else []
    )
    return render(
        request,
        "opinions/detail.html",
        {
            "collection": collection,
            "poll": poll,
            "questions": questions,
            "content_visible": content_visible,
            "public_counts": public_counts,
            "phase": phase(collection),
            "Phase": Phase,
            "ballots": _ballots(user, collection),
            "may_manage": can(user, Perm.MANAGE_POLL, poll),
            "may_see_results": may_see_results,
            "extend_form": ExtendForm(),
            "receipt": request.session.pop(f"opinion-receipt-{collection.pk}", None),
        },
    )


def _owner_unit(raw: str) -> OrgUnit | None:
    """The consulted unit an answer is given for (None: for oneself); `do_answer` checks it."""
    if not raw:
        return None
    try:
        return OrgUnit.objects.get(pk=parse_id(raw))
    except (OrgUnit.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


@login_required
@require_POST
def answer(request: AuthedRequest, collection_id: int) -> HttpResponse:
    collection = access_collection(request.user, collection_id)
    unit = _owner_unit(request.POST.get("unit", ""))
    choices = {k.removeprefix("option_"): v for k, v in request.POST.items() if k.startswith("option_")}
    others = {k.removeprefix("other_"): v for k, v in request.POST.items() if k.startswith("other_")}
    outcome = perform(request, lambda: do_answer(request.user, collection, choices, others, unit=unit)).value
    if outcome is not None:
        request.session[f"opinion-receipt-{collection.pk}"] = {"seq": outcome.receipt.seq, "hash": outcome.receipt.hash}
        if outcome.counted:
            messages.success(request, _("Your opinion was recorded. Keep the receipt below."))
        else:
            messages.info(request, _("Your answer is saved. It counts once you sign the ballot (step 2 below)."))
    return redirect("opinions:detail", collection.pk)


@login_required
@require_GET
def ballot(request: AuthedRequest, collection_id: int, revision_id: int) -> HttpResponseBase:
    # The ballot PDF repeats the questions: hidden with them at the expiry (Điều 7.1đ).
    collection = access_collection(request.user, collection_id, perm=Perm.VIEW_COLLECTION_CONTENT)
    revision = access_revision(request.user, collection, revision_id)
    if not revision.ballot:
        raise Http404
    return FileResponse(revision.ballot.open("rb"), as_attachment=True, filename=f"phieu-lay-y-kien-{revision.pk}.pdf")


@login_required
@require_POST
def sign_upload(request: AuthedRequest, collection_id: int, revision_id: int) -> HttpResponse:
    collection = access_collection(request.user, collection_id)
    revision = access_revision(request.user, collection, revision_id)
    upload = request.FILES.get("signed")
    if upload is None:
        messages.error(request, _("Choose the signed ballot file (PDF)."))
    elif upload.size is not None and upload.size > MAX_SIGNED_UPLOAD:
        messages.error(request, _("The signed ballot is too large (at most 10 MB)."))
    else:
        _sign(request, collection, lambda: do_submit_signed_ballot(request.user, revision, upload.read()))
    return redirect("opinions:detail", collection.pk)


def _sign(request: AuthedRequest, collection: Collection, step: Callable[[], Receipt]) -> None:
    """Run a signing step; keep the receipt for the page, or say why the signature was refused."""
    receipt = perform(request, step, success=_("The signature was verified and your opinion counts.")).value
    if receipt is not None:
        request.session[f"opinion-receipt-{collection.pk}"] = {"seq": receipt.seq, "hash": receipt.hash}


@login_required
@require_POST
def sign_remote(request: AuthedRequest, collection_id: int, revision_id: int) -> HttpResponse:
    collection = access_collection(request.user, collection_id)
    revision = access_revision(request.user, collection, revision_id)
    pin, otp = request.POST.get("pin", ""), request.POST.get("otp", "")
    _sign(request, collection, lambda: do_sign_remotely(request.user, revision, pin=pin, otp=otp))
    return redirect("opinions:detail", collection.pk)


@login_required
@require_GET
def attachment(request: AuthedRequest, collection_id: int, attachment_id: int) -> HttpResponseBase:
    collection = access_collection(request.user, collection_id, perm=Perm.VIEW_COLLECTION_CONTENT)
    try:
        item = QuestionAttachment.objects.get(pk=parse_id(attachment_id), question__poll=collection.poll)
    except (QuestionAttachment.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    return FileResponse(item.file.open("rb"), as_attachment=True, filename=item.name)


def _results_context(collection: Collection) -> dict[str, Any]:
    return {
        "collection": collection,
        "poll": collection.poll,
        "results": queries.results(collection),
        "progress": queries.progress(collection),
        "phase": phase(collection),
        "Phase": Phase,
    }


@login_required
@require_GET
def results(request: AuthedRequest, collection_id: int) -> HttpResponse:
    collection = access_collection(request.user, collection_id, perm=Perm.VIEW_POLL_RESULTS)
    _sync_with_clock(collection)
    context = _results_context(collection)
    context["may_manage"] = can(request.user, Perm.MANAGE_POLL, collection.poll)
    context["recommendation_form"] = RecommendationForm(initial={"recommendation": collection.recommendation})
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "opinions/_results_body.html", context)
    return render(request, "opinions/results.html", context)


@login_required
@require_GET
def export(request: AuthedRequest, collection_id: int) -> HttpResponse:
    from opinions.export import results_workbook

    collection = access_collection(request.user, collection_id, perm=Perm.VIEW_POLL_RESULTS)
    _sync_with_clock(collection)
    data = results_workbook(queries.results(collection))
    response = HttpResponse(data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="ket-qua-lay-y-kien-{collection.pk}.xlsx"'
    return response


@login_required
@require_POST
def extend(request: AuthedRequest, collection_id: int) -> HttpResponse:
    collection = access_collection(request.user, collection_id, perm=Perm.MANAGE_POLL)
    form = ExtendForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Enter the new expiry time."))
        return redirect("opinions:detail", collection.pk)
    return perform_and_redirect(
        request,
        lambda: do_extend_expiry(request.user, collection, form.cleaned_data["expires_at"]),
        "opinions:detail",
        collection.pk,
        success=_("The expiry was extended and everyone was notified."),
    )


@login_required
@require_POST
def recommendation(request: AuthedRequest, collection_id: int) -> HttpResponse:
    collection = access_collection(request.user, collection_id, perm=Perm.MANAGE_POLL)
    form = RecommendationForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The recommendation is too long (at most 5,000 characters)."))
        return redirect("opinions:results", collection.pk)
    return perform_and_redirect(
        request,
        lambda: do_set_recommendation(request.user, collection, form.cleaned_data["recommendation"]),
        "opinions:results",
        collection.pk,
        success=_("The recommendation was saved."),
    )


@login_required
@require_GET
def receipt(request: AuthedRequest, collection_id: int) -> HttpResponse:
    """Anyone who may see the collection checks a receipt, by its short code or its full hash
    (and, optionally, its entry number): is that entry in the log, is the log intact, and is it
    covered by the final hash?"""
    collection = access_collection(request.user, collection_id)
    _sync_with_clock(collection)
    seq_raw = request.GET.get("seq", "").strip()
    code = (request.GET.get("code") or request.GET.get("hash") or "").strip()
    check = None
    error = ""
    if seq_raw or code:
        seq: int | None = None
        if seq_raw:
            try:
                seq = int(seq_raw)
            except ValueError:
                error = _("The entry number is a whole number, such as 12. Leave it empty if you do not have it.")
        if not error and not is_receipt_code(code):
            error = _(
                "Enter the receipt code (10 letters and digits, such as 3F2A-91C0-7B) or the full "
                "64-character code shown under “Details”."
            )
        if not error:
            check = check_receipt(collection, seq, code)
            if check.ambiguous:
                error = _(
                    "Several entries start with this code. Enter the full 64-character code shown under "
                    "“Details” on your receipt."
                )
                check = None
    return render(
        request,
        "opinions/receipt.html",
        {"collection": collection, "check": check, "error": error, "seq": seq_raw, "code": code},
    )
