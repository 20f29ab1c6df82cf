"""Who hears of each step of an assigned task, in the app and by email and SMS as each person
chose (notifications.actions.do_notify). Called inside the step's action."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import Right, RightGrant, User
from followups.models import Task
from notifications.actions import do_notify


def url_of(task: Task) -> str:
    return reverse("followups:detail", args=[task.pk])


def _date(value: object) -> str:
    return f"{value:%d/%m/%Y}"


def unit_answerers(task: Task) -> list[User]:
    """The assignee unit's document receiver and leaders (rules.answers_for)."""
    unit = task.assignee_unit
    leaders = RightGrant.objects.filter(right=Right.LEADER).values("user_id")
    q = Q(unit=unit, pk__in=leaders)
    if unit.document_receiver_id is not None:
        q |= Q(pk=unit.document_receiver_id)
    return list(User.objects.filter(q, is_active=True, is_external=False))


def assignees(task: Task) -> list[User]:
    """The person in charge, or, while nobody is named, who answers for the unit."""
    if task.assignee is not None and task.assignee.is_active:
        return [task.assignee]
    return unit_answerers(task)


def assigners(task: Task) -> list[User]:
    return [task.assigned_by] if task.assigned_by.is_active else []


def _send(recipients: Iterable[User], task: Task, event: str, title: str, body: str = "") -> None:
    people = list({u.pk: u for u in recipients}.values())
    if people:
        do_notify(people, event=event, title=title, body=body, url=url_of(task), target=task)


def created(task: Task) -> None:
    _send(
        [*unit_answerers(task), *([task.assignee] if task.assignee else [])],
        task,
        "followup.created",
        _("New task for your unit: %(title)s") % {"title": task.title},
        _("Assigned by %(who)s after the meeting “%(meeting)s”; deadline %(deadline)s. Please accept it.")
        % {"who": task.assigned_by.display_name, "meeting": task.meeting.title, "deadline": _date(task.deadline)},
    )


def accepted(task: Task) -> None:
    _send(
        assigners(task),
        task,
        "followup.accepted",
        _("Task accepted: %(title)s") % {"title": task.title},
        _("%(unit)s accepted the task.") % {"unit": task.assignee_unit.name},
    )


def person_assigned(task: Task) -> None:
    if task.assignee is not None:
        _send(
            [task.assignee],
            task,
            "followup.assigned",
            _("A task is assigned to you: %(title)s") % {"title": task.title},
            _("Deadline %(deadline)s.") % {"deadline": _date(task.deadline)},
        )


def progress_reported(task: Task, percent: int) -> None:
    _send(
        assigners(task),
        task,
        "followup.progress",
        _("Progress reported (%(percent)s%%): %(title)s") % {"percent": percent, "title": task.title},
    )


def completion_requested(task: Task) -> None:
    _send(
        assigners(task),
        task,
        "followup.completion_requested",
        _("Please confirm the task is done: %(title)s") % {"title": task.title},
        task.completion_note,
    )


def confirmed(task: Task) -> None:
    _send(
        [*assignees(task), *unit_answerers(task)],
        task,
        "followup.done",
        _("Task confirmed done: %(title)s") % {"title": task.title},
    )


def returned(task: Task) -> None:
    _send(
        [*assignees(task)],
        task,
        "followup.returned",
        _("Task sent back: %(title)s") % {"title": task.title},
        task.returned_reason,
    )


def cancelled(task: Task) -> None:
    _send(
        [*assignees(task), *unit_answerers(task)],
        task,
        "followup.cancelled",
        _("Task cancelled: %(title)s") % {"title": task.title},
        task.cancel_reason,
    )


def extension_requested(task: Task, new_deadline: object, reason: str) -> None:
    _send(
        assigners(task),
        task,
        "followup.extension_requested",
        _("Extension requested until %(date)s: %(title)s") % {"date": _date(new_deadline), "title": task.title},
        reason,
    )


def extension_decided(task: Task, requester: User, approved: bool, note: str) -> None:
    title = (
        _("Extension approved, new deadline %(date)s: %(title)s") % {"date": _date(task.deadline), "title": task.title}
        if approved
        else _("Extension refused: %(title)s") % {"title": task.title}
    )
    _send([requester, *assignees(task)], task, "followup.extension_decided", title, note)


def deadline_reminder(task: Task, days: int) -> None:
    if days == 0:
        title = _("Deadline today: %(title)s") % {"title": task.title}
    else:
        title = ngettext(
            "Deadline in %(days)s day (%(date)s): %(title)s", "Deadline in %(days)s days (%(date)s): %(title)s", days
        ) % {
            "days": days,
            "date": _date(task.deadline),
            "title": task.title,
        }
    _send(assignees(task), task, "followup.reminder", title)


def overdue_warning(task: Task) -> None:
    _send(
        [*assignees(task), *unit_answerers(task), *assigners(task)],
        task,
        "followup.overdue",
        _("Overdue since %(date)s: %(title)s") % {"date": _date(task.deadline), "title": task.title},
        _("The task assigned to %(unit)s is past its deadline and not done.") % {"unit": task.assignee_unit.name},
    )
