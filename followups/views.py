"""Pages of "Việc được giao": the person's, a unit's and the PPC Office's lists (htmx filters,
.xlsx export), a task's page with each step's form, and the new-task form of a meeting.

Every page fetches through `followups.access` (404 for outsiders, 403 for a step the user may not
take) and writes through `followups.actions`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.forms import BaseForm
from django.http import FileResponse, Http404, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.models import OrgUnit
from accounts.permissions import Perm, can
from core.fetch import parse_id
from core.http import AuthedRequest, flash_form_errors, perform, perform_and_redirect
from followups import queries, rules
from followups.access import access_extension, access_file, access_task, access_unit
from followups.actions.extensions import do_decide_extension, do_request_extension
from followups.actions.progress import do_confirm_done, do_report_progress, do_request_completion, do_return_task
from followups.actions.tasks import do_accept_task, do_assign_person, do_cancel_task, do_create_task
from followups.forms import (
    ExtensionDecisionForm,
    ExtensionForm,
    NoteForm,
    PersonForm,
    ProgressForm,
    ReasonForm,
    TaskForm,
)
from followups.models import WORKING_STATUSES, ExtensionStatus, Task, TaskStatus
from meetings.access import access_meeting
from meetings.models import AgendaItem, Meeting

LIST_LIMIT = 500


def _list_page(
    request: AuthedRequest, tasks: QuerySet[Task], *, scope: str, title: str, unit: OrgUnit | None = None
) -> HttpResponse:
    filters = queries.parse_filters(request.GET)
    filtered = queries.apply(tasks, filters)
    today = rules.today()
    rows = list(filtered[:LIST_LIMIT])
    for task in rows:
        task.overdue = rules.is_overdue(task, today)  # type: ignore[attr-defined]
    export_query = {**filters.as_query(), "scope": scope, **({"unit": str(unit.pk)} if unit else {})}
    context: dict[str, Any] = {
        "tasks": rows,
        "truncated": len(rows) == LIST_LIMIT,
        "counts": queries.counts(tasks, today),
        "filters": filters,
        "scope": scope,
        "title": title,
        "unit": unit,
        "status_choices": TaskStatus.choices,
        "meetings": Meeting.objects.filter(pk__in=tasks.values("meeting_id")).order_by("-start")[:100],
        "units": (
            OrgUnit.objects.filter(pk__in=tasks.values("assignee_unit_id")).order_by("sort_order", "name")
            if scope == "all"
            else []
        ),
        "export_query": export_query,
        "my_units": queries.units_of(request.user),
        "oversees": can(request.user, Perm.OVERSEE_TASKS),
        "nav_active": "followups",
    }
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "followups/_table.html", context)
    return render(request, "followups/list.html", context)


@login_required
@require_GET
def mine(request: AuthedRequest) -> HttpResponse:
    return _list_page(request, queries.mine(request.user), scope="mine", title=_("My assigned tasks"))


@login_required
@require_GET
def unit_tasks(request: AuthedRequest, unit_id: int) -> HttpResponse:
    unit = access_unit(request.user, unit_id)
    return _list_page(
        request,
        queries.of_unit(unit),
        scope="unit",
        title=_("Tasks assigned to %(unit)s") % {"unit": unit.name},
        unit=unit,
    )


@login_required
@require_GET
def all_units(request: AuthedRequest) -> HttpResponse:
    if not can(request.user, Perm.OVERSEE_TASKS):
        raise Http404
    return _list_page(request, queries.every_unit(), scope="all", title=_("Assigned tasks of every unit"))


@login_required
@require_GET
def export(request: AuthedRequest) -> HttpResponse:
    from followups.export import tasks_workbook

    scope = request.GET.get("scope", "mine")
    if scope == "all":
        if not can(request.user, Perm.OVERSEE_TASKS):
            raise Http404
        tasks, subtitle, name = queries.every_unit(), "Tất cả các đơn vị", "tat-ca"
    elif scope == "unit":
        unit = access_unit(request.user, request.GET.get("unit"))
        tasks, subtitle, name = queries.of_unit(unit), f"Đơn vị thực hiện: {unit.name}", f"don-vi-{unit.pk}"
    else:
        tasks, subtitle, name = queries.mine(request.user), f"Của: {request.user.display_name}", "cua-toi"
    filters = queries.parse_filters(request.GET)
    if scope == "unit":
        filters.unit = None  # the unit is the scope, not a filter
    data = tasks_workbook(queries.apply(tasks, filters), scope=subtitle)
    response = HttpResponse(data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="viec-duoc-giao-{name}.xlsx"'
    return response


def _source(request: AuthedRequest, meeting: Meeting) -> tuple[AgendaItem | None, Any]:
    """The agenda item and conclusion notice the task comes from (?item=, ?notice=), of this meeting."""
    item = notice = None
    item_id = request.GET.get("item") or request.POST.get("item")
    if item_id:
        item = AgendaItem.objects.filter(pk=parse_id(item_id), meeting=meeting).first()
        if item is None:
            raise Http404
    notice_id = request.GET.get("notice") or request.POST.get("notice")
    if notice_id:
        from minutes.models import ConclusionNotice

        notice = ConclusionNotice.objects.filter(pk=parse_id(notice_id), meeting=meeting).first()
        if notice is None:
            raise Http404
    return item, notice


def _prefill(meeting: Meeting, item: AgendaItem | None, notice: Any) -> dict[str, Any]:
    """The conclusion's text as the task's details, and the first concerned unit of the notice."""
    initial: dict[str, Any] = {}
    if item is not None:
        conclusion = getattr(item, "conclusion", None)
        text = conclusion.text if conclusion is not None else ""
        initial["title"] = (text or item.title)[:300]
        initial["description"] = (
            _("Conclusion on “%(item)s”: %(text)s") % {"item": item.title, "text": text} if text else ""
        )
    if notice is not None:
        first = notice.concerned_units.order_by("sort_order", "name").first()
        if first is not None:
            initial["assignee_unit"] = first.pk
    return initial


@login_required
def create(request: AuthedRequest, meeting_id: int) -> HttpResponse:
    meeting = access_meeting(request.user, meeting_id)
    if not can(request.user, Perm.ASSIGN_TASKS, meeting):
        raise PermissionDenied
    item, notice = _source(request, meeting)
    form = TaskForm(request.POST or None, initial=_prefill(meeting, item, notice))
    if request.method == "POST" and form.is_valid():
        created = perform(
            request,
            lambda: do_create_task(request.user, meeting, form.to_input(agenda_item=item, notice=notice)),
            success=_("The task was assigned. The unit is notified."),
            form=form,
        ).value
        if created is not None:
            return redirect("followups:detail", created.pk)
    concerned = list(notice.concerned_units.order_by("sort_order", "name")) if notice is not None else []
    return render(
        request,
        "followups/form.html",
        {"form": form, "meeting": meeting, "item": item, "notice": notice, "concerned": concerned},
    )


@login_required
@require_GET
def detail(request: AuthedRequest, task_id: int) -> HttpResponse:
    task = access_task(request.user, task_id)
    user = request.user
    return render(
        request,
        "followups/detail.html",
        {
            "task": task,
            "overdue": rules.is_overdue(task),
            "reports": task.reports.select_related("author").prefetch_related("files"),
            "extensions": task.extensions.select_related("requested_by", "decided_by"),
            "pending_extension": task.extensions.filter(status=ExtensionStatus.PENDING).first(),
            "history": queries.history(task),
            "may_accept": can(user, Perm.ACCEPT_TASK, task),
            "may_work": can(user, Perm.WORK_ON_TASK, task),
            "may_decide": can(user, Perm.DECIDE_TASK, task),
            "person_form": PersonForm(unit=task.assignee_unit, initial={"person": task.assignee_id}),
            "progress_form": ProgressForm(initial={"percent": task.progress}),
            "note_form": NoteForm(),
            "reason_form": ReasonForm(),
            "cancel_form": ReasonForm(prefix="cancel"),
            "working": task.status in WORKING_STATUSES,
            "extension_form": ExtensionForm(),
            "decision_form": ExtensionDecisionForm(),
            "Status": TaskStatus,
            "nav_active": "followups",
        },
    )


def _back(task: Task) -> str:
    return reverse("followups:detail", args=[task.pk])


def _step(
    request: AuthedRequest,
    task_id: int,
    perm: Perm,
    form: Callable[[Task], BaseForm],
    call: Callable[[Task, dict[str, Any]], Any],
    success: str,
) -> HttpResponse:
    """One step posted from a task's page: fetch and authorize, check the form, run the action,
    back to the task with its message (or the refusal's)."""
    task = access_task(request.user, task_id, perm=perm)
    bound = form(task)
    if not bound.is_valid():
        flash_form_errors(request, bound)
        return redirect(_back(task))
    return perform_and_redirect(request, lambda: call(task, bound.cleaned_data), _back(task), success=success)


@login_required
@require_POST
def accept(request: AuthedRequest, task_id: int) -> HttpResponse:
    return _step(
        request,
        task_id,
        Perm.ACCEPT_TASK,
        lambda task: PersonForm(request.POST, unit=task.assignee_unit),
        lambda task, data: do_accept_task(request.user, task, data.get("person")),
        _("The task was accepted."),
    )


@login_required
@require_POST
def assign(request: AuthedRequest, task_id: int) -> HttpResponse:
    return _step(
        request,
        task_id,
        Perm.ACCEPT_TASK,
        lambda task: PersonForm(request.POST, unit=task.assignee_unit),
        lambda task, data: do_assign_person(request.user, task, data.get("person")),
        _("The person in charge was assigned."),
    )


@login_required
@require_POST
def progress(request: AuthedRequest, task_id: int) -> HttpResponse:
    return _step(
        request,
        task_id,
        Perm.WORK_ON_TASK,
        lambda task: ProgressForm(request.POST),
        lambda task, data: do_report_progress(
            request.user,
            task,
            text=data["text"],
            percent=data["percent"],
            decrease_reason=data.get("decrease_reason") or "",
            files=request.FILES.getlist("files"),
            submission_key=data.get("submission_key"),
        ),
        _("The progress report was sent."),
    )


@login_required
@require_POST
def complete(request: AuthedRequest, task_id: int) -> HttpResponse:
    return _step(
        request,
        task_id,
        Perm.WORK_ON_TASK,
        lambda task: NoteForm(request.POST),
        lambda task, data: do_request_completion(request.user, task, data.get("note") or ""),
        _("Completion was requested. The assigner is asked to confirm."),
    )


@login_required
@require_POST
def confirm(request: AuthedRequest, task_id: int) -> HttpResponse:
    return _step(
        request,
        task_id,
        Perm.DECIDE_TASK,
        lambda task: NoteForm(request.POST),
        lambda task, data: do_confirm_done(request.user, task),
        _("The task is confirmed done."),
    )


@login_required
@require_POST
def send_back(request: AuthedRequest, task_id: int) -> HttpResponse:
    # The reason is checked by the action, so that its message is the one shown.
    return _step(
        request,
        task_id,
        Perm.DECIDE_TASK,
        lambda task: NoteForm(request.POST),
        lambda task, data: do_return_task(request.user, task, request.POST.get("reason", "")),
        _("The task was sent back."),
    )


@login_required
@require_POST
def cancel(request: AuthedRequest, task_id: int) -> HttpResponse:
    return _step(
        request,
        task_id,
        Perm.DECIDE_TASK,
        lambda task: NoteForm(request.POST),
        lambda task, data: do_cancel_task(request.user, task, request.POST.get("cancel-reason", "")),
        _("The task was cancelled."),
    )


@login_required
@require_POST
def extension(request: AuthedRequest, task_id: int) -> HttpResponse:
    return _step(
        request,
        task_id,
        Perm.WORK_ON_TASK,
        lambda task: ExtensionForm(request.POST),
        lambda task, data: do_request_extension(request.user, task, data["new_deadline"], data["reason"]),
        _("The extension request was sent to the assigner."),
    )


@login_required
@require_POST
def decide_extension(request: AuthedRequest, task_id: int) -> HttpResponse:
    approve = request.POST.get("decision") == "approve"
    return _step(
        request,
        task_id,
        Perm.DECIDE_TASK,
        lambda task: ExtensionDecisionForm(request.POST),
        lambda task, data: do_decide_extension(
            request.user,
            access_extension(request.user, task, request.POST.get("extension")),
            approve=data["decision"] == "approve",
            note=data.get("note") or "",
        ),
        _("The extension was approved.") if approve else _("The extension was refused."),
    )


@login_required
@require_GET
def download(request: AuthedRequest, report_file_id: int) -> HttpResponseBase:
    item = access_file(request.user, report_file_id)
    return FileResponse(item.file.open("rb"), as_attachment=True, filename=item.name)
