"""Rules for the follow-up Perms of accounts.permissions (registered in FollowupsConfig.ready).

- Assign tasks from a meeting (ASSIGN_TASKS, obj: the meeting): its chair and its organiser (with
  the administrators of the organising unit, as for every organiser page), once the meeting has
  started; external guests never.
- See a task (VIEW_TASK): whoever assigned it, the source meeting's chair and organiser, the
  person in charge, the assignee unit's leaders, document receiver and administrators, and the
  PPC Office (rules.oversees_all). Everyone else gets 404.
- Accept a task and assign it inside the unit (ACCEPT_TASK): the assignee unit's leader or
  document receiver (rules.answers_for).
- Work on it (WORK_ON_TASK: progress, completion request, extension request): the person in
  charge, or who answers for the assignee unit.
- Decide on it (DECIDE_TASK: confirm done, send back, cancel, decide an extension): the assigner,
  or the source meeting's chair or organiser.
- A unit's list (VIEW_UNIT_TASKS, obj: the unit): who answers for it and its administrators.
- Every unit's list (OVERSEE_TASKS): the PPC Office.
Whether the step fits the task's status is the action's check (a clear message, not a 403).
"""

from __future__ import annotations

from accounts.models import OrgUnit, User
from accounts.permissions import Perm, administers, is_guest, register_rule
from followups import rules
from followups.models import Task
from meetings.models import Meeting, MeetingStatus
from meetings.permissions import is_organiser

ASSIGNING_MEETING_STATUSES = (MeetingStatus.IN_PROGRESS, MeetingStatus.ENDED)


def runs_meeting_followup(user: User, meeting: Meeting) -> bool:
    return not is_guest(user) and (meeting.chair_id == user.pk or is_organiser(user, meeting))


@register_rule(Perm.ASSIGN_TASKS)
def assign_tasks(user: User, meeting: Meeting) -> bool:
    return meeting.status in ASSIGNING_MEETING_STATUSES and runs_meeting_followup(user, meeting)


@register_rule(Perm.DECIDE_TASK)
def decide_task(user: User, task: Task) -> bool:
    if is_guest(user):
        return False
    return task.assigned_by_id == user.pk or runs_meeting_followup(user, task.meeting)


@register_rule(Perm.ACCEPT_TASK)
def accept_task(user: User, task: Task) -> bool:
    return rules.answers_for(user, task.assignee_unit)


@register_rule(Perm.WORK_ON_TASK)
def work_on_task(user: User, task: Task) -> bool:
    return (task.assignee_id == user.pk and not is_guest(user)) or rules.answers_for(user, task.assignee_unit)


@register_rule(Perm.VIEW_TASK)
def view_task(user: User, task: Task) -> bool:
    if is_guest(user):
        return False
    return (
        work_on_task(user, task)
        or decide_task(user, task)
        or administers(user, task.assignee_unit)
        or rules.oversees_all(user)
    )


@register_rule(Perm.VIEW_UNIT_TASKS)
def view_unit_tasks(user: User, unit: OrgUnit) -> bool:
    return not is_guest(user) and (rules.answers_for(user, unit) or administers(user, unit) or rules.oversees_all(user))


@register_rule(Perm.OVERSEE_TASKS)
def oversee_tasks(user: User, obj: object) -> bool:
    return rules.oversees_all(user)
