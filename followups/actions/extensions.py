"""Extension requests: the assignee asks for a later deadline with a reason; the assigner approves
(the deadline moves, and its reminders start again) or refuses."""

from __future__ import annotations

from datetime import date
from functools import partial

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.permissions import Perm
from audit.log import log_action
from followups import notify, rules
from followups.actions.common import (
    clean_text,
    closed_message,
    lock,
    locked_working,
    require,
    require_status,
)
from followups.models import WORKING_STATUSES, ExtensionRequest, ExtensionStatus, Task, TaskStatus


def check_new_deadline(task: Task, new_deadline: date | None) -> date:
    if new_deadline is None:
        raise ValidationError({"new_deadline": _("Please give the new deadline.")}, code="required")
    if new_deadline <= task.deadline:
        raise ValidationError(
            {
                "new_deadline": _("The new deadline must be later than the current one (%(date)s).")
                % {"date": f"{task.deadline:%d/%m/%Y}"}
            },
            code="not_later",
        )
    if new_deadline < rules.today():
        raise ValidationError({"new_deadline": _("The deadline cannot be in the past.")}, code="past_deadline")
    return new_deadline


def do_request_extension(actor: User, task: Task, new_deadline: date | None, reason: str) -> ExtensionRequest:
    reason = clean_text(reason, required=True, field="reason", message=_("Please give the reason for the extension."))
    with transaction.atomic():
        current = locked_working(actor, task)
        clean = check_new_deadline(current, new_deadline)
        if ExtensionRequest.objects.filter(task=current, status=ExtensionStatus.PENDING).exists():
            raise ValidationError(_("An extension request is already waiting for a decision."), code="pending")
        try:
            with transaction.atomic():
                extension = ExtensionRequest.objects.create(
                    task=current,
                    requested_by=actor,
                    current_deadline=current.deadline,
                    new_deadline=clean,
                    reason=reason,
                )
        except IntegrityError:
            raise ValidationError(
                _("An extension request is already waiting for a decision."), code="pending"
            ) from None
        log_action(
            "followup.extension_requested",
            actor=actor,
            target=current,
            unit=current.assignee_unit,
            data={"extension": extension.pk, "new_deadline": clean.isoformat(), "reason": reason[:200]},
        )
        notify.extension_requested(current, clean, reason)
    return extension


def do_decide_extension(actor: User, extension: ExtensionRequest, *, approve: bool, note: str = "") -> ExtensionRequest:
    note = clean_text(note, required=not approve, field="note", message=_("Please say why the extension is refused."))
    with transaction.atomic():
        current = lock(extension.task)
        require(actor, Perm.DECIDE_TASK, current)
        locked = ExtensionRequest.objects.select_for_update().get(pk=extension.pk, task=current)
        if locked.status != ExtensionStatus.PENDING:
            raise ValidationError(_("This extension request has already been decided."), code="decided")
        if approve:
            require_status(current, [*WORKING_STATUSES, TaskStatus.COMPLETION_REQUESTED], closed_message(current))
            if locked.new_deadline < rules.today():
                raise ValidationError(
                    _("The requested deadline has passed: refuse it and ask for a new request."), code="past_deadline"
                )
            current.deadline = locked.new_deadline
            current.save(update_fields=["deadline", "updated_at"])
        locked.status = ExtensionStatus.APPROVED if approve else ExtensionStatus.REFUSED
        locked.decided_by = actor
        locked.decided_at = timezone.now()
        locked.decision_note = note
        locked.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
        log_action(
            "followup.extension_approved" if approve else "followup.extension_refused",
            actor=actor,
            target=current,
            data={"extension": locked.pk, "deadline": current.deadline.isoformat(), "note": note[:200]},
        )
        notify.extension_decided(current, locked.requested_by, approve, note)
        if approve:
            from followups.tasks import schedule_reminders

            transaction.on_commit(partial(schedule_reminders, current.pk, current.deadline))
    return locked
