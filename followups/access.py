"""Fetch-and-authorize: 404 for anyone who may not see the task, 403 for a step they may not take
on a task they can see (docs/conventions.md §4)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404

from accounts.models import OrgUnit
from accounts.permissions import Perm, can
from core.fetch import parse_id
from core.http import AnyUser
from followups.models import ExtensionRequest, ProgressFile, Task


def access_task(user: AnyUser, task_id: object, *, perm: Perm | None = None) -> Task:
    try:
        task = Task.objects.select_related(
            "meeting",
            "meeting__unit",
            "agenda_item",
            "notice",
            "assigned_by",
            "assigner_unit",
            "assignee_unit",
            "assignee",
        ).get(pk=parse_id(task_id))
    except Task.DoesNotExist:
        raise Http404 from None
    if not can(user, Perm.VIEW_TASK, task):
        raise Http404
    if perm is not None and not can(user, perm, task):
        raise PermissionDenied
    return task


def access_extension(user: AnyUser, task: Task, extension_id: object) -> ExtensionRequest:
    try:
        return ExtensionRequest.objects.select_related("requested_by").get(pk=parse_id(extension_id), task=task)
    except ExtensionRequest.DoesNotExist:
        raise Http404 from None


def access_file(user: AnyUser, file_id: object) -> ProgressFile:
    try:
        item = ProgressFile.objects.select_related("report__task").get(pk=parse_id(file_id))
    except ProgressFile.DoesNotExist:
        raise Http404 from None
    access_task(user, item.report.task_id)
    return item


def access_unit(user: AnyUser, unit_id: object) -> OrgUnit:
    try:
        unit = OrgUnit.objects.get(pk=parse_id(unit_id))
    except OrgUnit.DoesNotExist:
        raise Http404 from None
    if not can(user, Perm.VIEW_UNIT_TASKS, unit):
        raise Http404
    return unit
