"""Reminders before the deadline and overdue warnings, each sent once.

Once per task, kind, days-before and deadline: the `ReminderSent` row is inserted first, under a
unique constraint, and the notifications go out in the same transaction. A second run (the daily
sweep and the task scheduled for that moment, or two workers at once) fails to insert the row and
sends nothing; a rolled-back run leaves no row and nothing sent. An approved extension gives the
new deadline its own reminders.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.db import IntegrityError, transaction

from audit.log import log_action
from followups import notify, rules
from followups.models import OPEN_STATUSES, ReminderKind, ReminderSent, Task


def _claim(task: Task, kind: str, days_before: int) -> bool:
    """Insert the row that says this reminder is sent; False when it already was. Caller is atomic."""
    try:
        with transaction.atomic():
            ReminderSent.objects.create(task=task, kind=kind, days_before=days_before, deadline=task.deadline)
    except IntegrityError:
        return False
    return True


def send_task_reminders(task_id: int, on: date | None = None) -> list[str]:
    """The reminder due today for one task, if any and not sent yet. Returns what was sent."""
    on = on or rules.today()
    sent: list[str] = []
    with transaction.atomic():
        task = (
            Task.objects.select_for_update(of=("self",))
            .select_related("assignee_unit", "assignee", "assigned_by", "meeting")
            .filter(pk=task_id, status__in=OPEN_STATUSES)
            .first()
        )
        if task is None:
            return sent
        if rules.is_overdue(task, on):
            if _claim(task, ReminderKind.OVERDUE, 0):
                notify.overdue_warning(task)
                sent.append("overdue")
        else:
            days = rules.reminder_due(task, on)
            if days is not None and _claim(task, ReminderKind.BEFORE, days):
                notify.deadline_reminder(task, (task.deadline - on).days)  # what is left, said as it is
                sent.append(f"before:{days}")
        if sent:
            log_action(
                "followup.reminded",
                actor=None,
                target=task,
                unit=task.assignee_unit,
                data={"sent": sent, "deadline": task.deadline.isoformat()},
            )
    return sent


def do_send_due_reminders(on: date | None = None) -> int:
    """Every open task's due reminder (the daily sweep). Returns how many were sent."""
    on = on or rules.today()
    horizon = on + timedelta(days=max(rules.reminder_days(), default=0))
    ids = list(Task.objects.filter(status__in=OPEN_STATUSES, deadline__lte=horizon).values_list("pk", flat=True))
    return sum(len(send_task_reminders(task_id, on)) for task_id in ids)
