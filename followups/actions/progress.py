"""Progress reports (text, percentage, files), the assignee's completion request, and the
assigner's confirmation or sending back."""

from __future__ import annotations

import uuid
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.permissions import Perm
from audit.log import log_action
from followups import notify
from followups.actions.common import (
    clean_text,
    closed_message,
    lock,
    locked_for,
    locked_working,
    require,
    require_status,
    save_step,
)
from followups.models import WORKING_STATUSES, ProgressFile, ProgressReport, Task, TaskStatus
from opinions.actions.attachments import CheckedFile, check_attachments


def check_percent(value: Any) -> int:
    try:
        percent = int(value)
    except (TypeError, ValueError):
        raise ValidationError(
            {"percent": _("Give the progress as a whole number from 0 to 100.")}, code="percent"
        ) from None
    if not 0 <= percent <= 100:
        raise ValidationError({"percent": _("Give the progress as a whole number from 0 to 100.")}, code="percent")
    return percent


def do_report_progress(
    actor: User,
    task: Task,
    *,
    text: str,
    percent: Any,
    decrease_reason: str = "",
    files: list[Any] | None = None,
    submission_key: uuid.UUID | None = None,
) -> ProgressReport:
    """A progress report; the percentage may go down only with a reason. The same form sent twice
    (same submission key) stores one report. Files are checked by content first; one bad file
    refuses the whole report."""
    text = clean_text(text, required=True, field="text", message=_("Please describe the progress."))
    value = check_percent(percent)
    reason = clean_text(decrease_reason, required=False, field="decrease_reason", message="")
    checked: list[CheckedFile] = check_attachments(list(files or []))
    with transaction.atomic():
        current = lock(task)
        require(actor, Perm.WORK_ON_TASK, current)
        if submission_key is not None:
            sent = ProgressReport.objects.filter(task=current, submission_key=submission_key).first()
            if sent is not None:
                return sent
        if current.status == TaskStatus.NEW:
            raise ValidationError(_("The unit must accept the task before reporting progress."), code="status")
        require_status(
            current,
            WORKING_STATUSES,
            closed_message(current)
            or _("Progress can be reported only on an accepted task that is not waiting for confirmation."),
        )
        if value < current.progress and not reason:
            raise ValidationError(
                {
                    "decrease_reason": _("The progress is lower than the last report (%(last)s%%): please say why.")
                    % {"last": current.progress}
                },
                code="decrease_without_reason",
            )
        try:
            with transaction.atomic():
                report = ProgressReport.objects.create(
                    task=current,
                    author=actor,
                    text=text,
                    percent=value,
                    decrease_reason=reason,
                    submission_key=submission_key,
                )
        except IntegrityError:
            return ProgressReport.objects.get(task=current, submission_key=submission_key)
        for item in checked:
            item.store(ProgressFile(report=report))
        current.progress = value
        current.status = TaskStatus.IN_PROGRESS
        current.save(update_fields=["progress", "status", "updated_at"])
        log_action(
            "followup.progress",
            actor=actor,
            target=current,
            unit=current.assignee_unit,
            data={"report": report.pk, "percent": value, "files": [f.sha256 for f in checked]},
        )
        notify.progress_reported(current, value)
    return report


def do_request_completion(actor: User, task: Task, note: str = "") -> Task:
    """The assignee says the work is done; the assigner confirms it or sends it back."""
    note = clean_text(note, required=False, field="note", message="")
    with transaction.atomic():
        current = locked_working(actor, task)
        changes = {
            "status": TaskStatus.COMPLETION_REQUESTED,
            "completion_requested_at": timezone.now(),
            "completion_note": note,
        }
        save_step(actor, current, "followup.completion_requested", changes, unit=current.assignee_unit)
        notify.completion_requested(current)
    return current


def do_confirm_done(actor: User, task: Task) -> Task:
    """The assigner confirms the work requested as complete."""
    with transaction.atomic():
        current = locked_for(
            actor,
            task,
            Perm.DECIDE_TASK,
            [TaskStatus.COMPLETION_REQUESTED],
            _("Only a task whose completion was requested can be confirmed."),
        )
        changes = {"status": TaskStatus.DONE, "progress": 100, "done_by": actor, "done_at": timezone.now()}
        save_step(actor, current, "followup.done", changes)
        notify.confirmed(current)
    return current


def do_return_task(actor: User, task: Task, reason: str) -> Task:
    """The assigner sends a completion request back, saying what is missing."""
    reason = clean_text(reason, required=True, field="reason", message=_("Please say why the task is sent back."))
    with transaction.atomic():
        current = locked_for(
            actor,
            task,
            Perm.DECIDE_TASK,
            [TaskStatus.COMPLETION_REQUESTED],
            _("Only a task whose completion was requested can be sent back."),
        )
        changes = {"status": TaskStatus.IN_PROGRESS, "returned_reason": reason}
        save_step(actor, current, "followup.returned", changes, data={"reason": reason[:200]})
        notify.returned(current)
    return current
