"""What the follow-up actions share: the locked re-read of a task and the status checks."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.permissions import Perm, can
from audit.log import log_action
from followups.models import WORKING_STATUSES, Task, TaskStatus


def lock(task: Task) -> Task:
    """The task re-read under a row lock (caller is atomic): every step sees the latest status."""
    return (
        Task.objects.select_for_update(of=("self",))
        .select_related("meeting", "assignee_unit", "assigned_by", "assignee")
        .get(pk=task.pk)
    )


def require(actor: User, perm: Perm, task: Task) -> None:
    if not can(actor, perm, task):
        raise PermissionDenied


def require_status(task: Task, allowed: Iterable[str], message: str) -> None:
    if task.status not in tuple(allowed):
        raise ValidationError(message, code="status")


def closed_message(task: Task) -> str:
    if task.status == TaskStatus.DONE:
        return _("This task is already done.")
    if task.status == TaskStatus.CANCELLED:
        return _("This task was cancelled.")
    return ""


def locked_for(actor: User, task: Task, perm: Perm, allowed: Iterable[str], refusal: str) -> Task:
    """The task under its row lock (caller is atomic), once `actor` may take the step (`perm`,
    else PermissionDenied) and its status is one of `allowed` (else a ValidationError: why not)."""
    current = lock(task)
    require(actor, perm, current)
    allowed = tuple(allowed)
    if current.status == TaskStatus.NEW and TaskStatus.NEW not in allowed and set(allowed) & set(WORKING_STATUSES):
        raise ValidationError(_("The unit must accept the task first."), code="status")
    require_status(current, allowed, closed_message(current) or refusal)
    return current


def locked_working(actor: User, task: Task) -> Task:
    """`locked_for` the assignee's steps on accepted work (progress, completion, extension)."""
    return locked_for(
        actor,
        task,
        Perm.WORK_ON_TASK,
        WORKING_STATUSES,
        _("Completion has already been requested; wait for the assigner."),
    )


def save_step(actor: User, task: Task, code: str, changes: dict[str, Any], **audit: Any) -> None:
    """Apply `changes` to the locked task, save them and write the step's audit entry."""
    for name, value in changes.items():
        setattr(task, name, value)
    task.save(update_fields=[*changes, "updated_at"])
    log_action(code, actor=actor, target=task, **audit)


def clean_text(value: str, *, required: bool, field: str, message: str, limit: int = 5000) -> str:
    text = (value or "").strip()
    if required and not text:
        raise ValidationError({field: message}, code="required")
    if len(text) > limit:
        raise ValidationError({field: _("Please keep this under %(n)s characters.") % {"n": limit}}, code="too_long")
    return text
