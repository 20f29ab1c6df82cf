"""Creating a task from a meeting, its acceptance by the assignee unit, assigning it to a person
inside the unit, and its cancellation by the assigner."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from functools import partial
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import OrgUnit, User
from accounts.permissions import Perm, can
from audit.log import log_action
from followups import notify, rules
from followups.actions.common import clean_text, closed_message, lock, locked_for, require, require_status, save_step
from followups.models import OPEN_STATUSES, WORKING_STATUSES, Task, TaskStatus
from meetings.models import AgendaItem, Meeting


@dataclass(frozen=True)
class TaskInput:
    title: str
    description: str
    assignee_unit: OrgUnit
    assignee: User | None
    deadline: date
    agenda_item: AgendaItem | None = None
    notice: Any = None  # minutes.ConclusionNotice
    submission_key: uuid.UUID | None = None


def check_deadline(deadline: date | None, *, field: str = "deadline") -> date:
    if deadline is None:
        raise ValidationError({field: _("Please give the deadline.")}, code="required")
    if deadline < rules.today():
        raise ValidationError({field: _("The deadline cannot be in the past.")}, code="past_deadline")
    return deadline


def check_person_of_unit(person: User | None, unit: OrgUnit, *, field: str = "assignee") -> User | None:
    if person is None:
        return None
    if person.unit_id != unit.pk or not person.is_active or person.is_external:
        raise ValidationError(
            {field: _("The person in charge must be an active official of the assignee unit.")}, code="not_in_unit"
        )
    return person


def check_task_input(meeting: Meeting, data: TaskInput) -> TaskInput:
    """Clean values, or a ValidationError per field saying what to fix."""
    title = clean_text(data.title, required=True, field="title", message=_("Please say what is to be done."), limit=300)
    description = clean_text(data.description, required=False, field="description", message="")
    unit = data.assignee_unit
    if unit is None or not unit.is_active:
        raise ValidationError({"assignee_unit": _("Please choose an active unit.")}, code="unit")
    person = check_person_of_unit(data.assignee, unit)
    deadline = check_deadline(data.deadline)
    if data.agenda_item is not None and data.agenda_item.meeting_id != meeting.pk:
        raise ValidationError(_("That agenda item is not of this meeting."), code="agenda_item")
    if data.notice is not None and data.notice.meeting_id != meeting.pk:
        raise ValidationError(_("That conclusion notice is not of this meeting."), code="notice")
    return TaskInput(
        title=title,
        description=description,
        assignee_unit=unit,
        assignee=person,
        deadline=deadline,
        agenda_item=data.agenda_item,
        notice=data.notice,
        submission_key=data.submission_key,
    )


def do_create_task(actor: User, meeting: Meeting, data: TaskInput) -> Task:
    """Assign a task from `meeting`. The same form sent twice (same submission key) creates one
    task: the second call returns the first."""
    if not can(actor, Perm.ASSIGN_TASKS, meeting):
        raise PermissionDenied
    clean = check_task_input(meeting, data)
    if clean.submission_key is not None:
        existing = Task.objects.filter(submission_key=clean.submission_key).first()
        if existing is not None:
            return existing
    try:
        with transaction.atomic():
            task = Task.objects.create(
                title=clean.title,
                description=clean.description,
                meeting=meeting,
                agenda_item=clean.agenda_item,
                notice=clean.notice,
                assigned_by=actor,
                assigner_unit=actor.unit or meeting.unit,
                assignee_unit=clean.assignee_unit,
                assignee=clean.assignee,
                deadline=clean.deadline,
                original_deadline=clean.deadline,
                submission_key=clean.submission_key,
            )
            log_action(
                "followup.created",
                actor=actor,
                target=task,
                data={
                    "meeting": meeting.pk,
                    "agenda_item": clean.agenda_item.pk if clean.agenda_item else None,
                    "notice": clean.notice.pk if clean.notice else None,
                    "assignee_unit": clean.assignee_unit.pk,
                    "assignee": clean.assignee.pk if clean.assignee else None,
                    "deadline": clean.deadline.isoformat(),
                },
            )
            notify.created(task)
            _schedule(task)
    except IntegrityError:
        # The same form arrived twice at once: the other request created it.
        existing = Task.objects.filter(submission_key=clean.submission_key).first() if clean.submission_key else None
        if existing is None:
            raise
        return existing
    return task


def _schedule(task: Task) -> None:
    from followups.tasks import schedule_reminders

    transaction.on_commit(partial(schedule_reminders, task.pk, task.deadline))


def do_accept_task(actor: User, task: Task, person: User | None = None) -> Task:
    """The assignee unit's leader or receiver accepts; with a person (named now or by the
    assigner) the task is at once assigned to them."""
    with transaction.atomic():
        current = lock(task)
        require(actor, Perm.ACCEPT_TASK, current)
        require_status(
            current,
            [TaskStatus.NEW],
            closed_message(current) or _("This task has already been accepted."),
        )
        if person is not None:
            current.assignee = check_person_of_unit(person, current.assignee_unit)
        current.status = TaskStatus.ASSIGNED if current.assignee_id else TaskStatus.ACCEPTED
        current.accepted_by = actor
        current.accepted_at = timezone.now()
        current.save(update_fields=["assignee", "status", "accepted_by", "accepted_at", "updated_at"])
        log_action(
            "followup.accepted",
            actor=actor,
            target=current,
            unit=current.assignee_unit,
            data={"assignee": current.assignee_id},
        )
        notify.accepted(current)
        notify.person_assigned(current)
    return current


def do_assign_person(actor: User, task: Task, person: User | None) -> Task:
    """Name (or change) the person in charge inside the unit, after acceptance."""
    with transaction.atomic():
        current = lock(task)
        require(actor, Perm.ACCEPT_TASK, current)
        if current.status == TaskStatus.NEW:
            raise ValidationError(_("Accept the task before assigning it inside the unit."), code="status")
        require_status(current, WORKING_STATUSES, closed_message(current) or _("The task is waiting for the assigner."))
        if person is None:
            raise ValidationError({"person": _("Please choose the person in charge.")}, code="required")
        current.assignee = check_person_of_unit(person, current.assignee_unit, field="person")
        if current.status == TaskStatus.ACCEPTED:
            current.status = TaskStatus.ASSIGNED
        current.save(update_fields=["assignee", "status", "updated_at"])
        log_action(
            "followup.assigned", actor=actor, target=current, unit=current.assignee_unit, data={"assignee": person.pk}
        )
        notify.person_assigned(current)
    return current


def do_cancel_task(actor: User, task: Task, reason: str) -> Task:
    """The assigner withdraws a task that is not done, saying why."""
    reason = clean_text(reason, required=True, field="reason", message=_("Please give the reason for cancelling."))
    with transaction.atomic():
        current = locked_for(actor, task, Perm.DECIDE_TASK, OPEN_STATUSES, "")
        changes = {"status": TaskStatus.CANCELLED, "cancel_reason": reason, "cancelled_at": timezone.now()}
        save_step(actor, current, "followup.cancelled", changes, data={"reason": reason[:200]})
        notify.cancelled(current)
    return current
