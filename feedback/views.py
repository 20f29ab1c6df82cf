"""Pages of "Góp ý, phản ánh": the sender's list and form, the handlers' inbox (htmx filters), an
item's page with the handler's answer and status forms, and its files.

Every page fetches through `feedback.access` (404 for outsiders, 403 for a step the user may not
take) and writes through `feedback.actions`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.forms import BaseForm
from django.http import FileResponse, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.permissions import Perm, can
from core.http import AuthedRequest, flash_form_errors, perform, perform_and_redirect
from feedback import queries, rules
from feedback.access import access_feedback, access_file, require_inbox
from feedback.actions import do_answer_feedback, do_send_feedback, do_set_feedback_status
from feedback.forms import AnswerForm, FeedbackForm, StatusForm
from feedback.models import Answer, Category, Feedback, Status

LIST_LIMIT = 300


def _hosts(request: AuthedRequest) -> set[str]:
    return rules.site_hosts([request.get_host()])


def _with_answers(items: Any) -> Any:
    return items.prefetch_related(Prefetch("answers", queryset=Answer.objects.select_related("author")))


@login_required
@require_GET
def mine(request: AuthedRequest) -> HttpResponse:
    items = list(_with_answers(queries.mine(request.user))[:LIST_LIMIT])
    return render(
        request,
        "feedback/mine.html",
        {
            "items": items,
            "handles": can(request.user, Perm.VIEW_FEEDBACK_INBOX),
            "nav_active": "feedback",
        },
    )


@login_required
def create(request: AuthedRequest) -> HttpResponse:
    initial: dict[str, Any] = {}
    if request.method != "POST":
        initial["page_address"] = rules.referer_path(request.headers.get("referer", ""), hosts=_hosts(request))
        category = request.GET.get("category", "")
        if category in Category.values:
            initial["category"] = category
    form = FeedbackForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        created = perform(
            request,
            lambda: do_send_feedback(
                request.user, form.to_input(request.FILES.getlist("files")), hosts=_hosts(request)
            ),
            success=_("Your feedback was sent. You will be notified of the answer."),
            form=form,
        ).value
        if created is not None:
            return redirect("feedback:detail", created.pk)
    return render(request, "feedback/form.html", {"form": form, "nav_active": "feedback"})


@login_required
@require_GET
def inbox(request: AuthedRequest) -> HttpResponse:
    require_inbox(request.user)
    everything = queries.inbox_for(request.user)
    filters = queries.Filters.parse(request.GET)
    items = list(filters.apply(everything)[:LIST_LIMIT])
    context = {
        "items": items,
        "truncated": len(items) == LIST_LIMIT,
        "filters": filters,
        "counts": queries.counts(everything),
        "status_choices": Status.choices,
        "category_choices": Category.choices,
        "nav_active": "feedback_inbox",
    }
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "feedback/_inbox_table.html", context)
    return render(request, "feedback/inbox.html", context)


def _history(item: Feedback) -> list[Any]:
    labels = dict(Status.choices)
    entries = list(queries.history(item))
    for entry in entries:
        data = entry.data if isinstance(entry.data, dict) else {}
        entry.status_label = labels.get(data.get("to", ""), "")  # type: ignore[attr-defined]
    return entries


@login_required
@require_GET
def detail(request: AuthedRequest, feedback_id: int) -> HttpResponse:
    item = access_feedback(request.user, feedback_id)
    may_handle = can(request.user, Perm.HANDLE_FEEDBACK, item)
    return render(
        request,
        "feedback/detail.html",
        {
            "item": item,
            "page_link": item.page_address if rules.is_site_path(item.page_address) else "",
            "files": item.files.all(),
            "answers": item.answers.select_related("author"),
            "history": _history(item),
            "may_handle": may_handle,
            "answer_form": AnswerForm() if may_handle else None,
            "status_form": StatusForm(initial={"status": item.status}) if may_handle else None,
            "is_sender": item.sender_id == request.user.pk,
            "nav_active": "feedback_inbox" if may_handle else "feedback",
        },
    )


def _back(item: Feedback) -> str:
    return reverse("feedback:detail", args=[item.pk])


def _step(
    request: AuthedRequest,
    feedback_id: int,
    form_class: type[BaseForm],
    call: Callable[[Feedback, dict[str, Any]], Any],
    success: str,
) -> HttpResponse:
    """A handler's step posted from the item's page: fetch and authorize (404, 403), check the
    form, run the action, back to the item with its message (or the refusal's)."""
    item = access_feedback(request.user, feedback_id, perm=Perm.HANDLE_FEEDBACK)
    form = form_class(request.POST)
    if not form.is_valid():
        flash_form_errors(request, form)
        return redirect(_back(item))
    return perform_and_redirect(request, lambda: call(item, form.cleaned_data), _back(item), success=success)


@login_required
@require_POST
def answer(request: AuthedRequest, feedback_id: int) -> HttpResponse:
    return _step(
        request,
        feedback_id,
        AnswerForm,
        lambda item, data: do_answer_feedback(
            request.user, item, data["text"], then=data["then"], submission_key=data.get("submission_key")
        ),
        _("The answer was sent. The sender is notified."),
    )


@login_required
@require_POST
def set_status(request: AuthedRequest, feedback_id: int) -> HttpResponse:
    return _step(
        request,
        feedback_id,
        StatusForm,
        lambda item, data: do_set_feedback_status(request.user, item, data["status"]),
        _("The status was changed. The sender is notified."),
    )


@login_required
@require_GET
def download(request: AuthedRequest, feedback_file_id: int) -> HttpResponseBase:
    stored = access_file(request.user, feedback_file_id)
    return FileResponse(stored.file.open("rb"), as_attachment=True, filename=stored.name)
