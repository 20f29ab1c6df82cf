"""Background work of follow-up: the deadline reminders and overdue warnings (conventions §10:
tasks take ids and run once; sending twice is prevented by followups.actions.reminders).

Two triggers, like the meetings' reminders and the recordings' purge: when a task is created or
its deadline moves, one `remind_task` is scheduled for each reminder day and for the first day it
would be overdue (at REMINDER_HOUR local time); and `manage.py followup_reminders` (daily from
cron or a systemd timer, `--enqueue` for the worker) sweeps every open task, so a reminder whose
scheduled run was lost is still sent.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.utils import timezone
from django_tasks import task

logger = logging.getLogger(__name__)

REMINDER_HOUR = 8


@task()
def remind_task(task_id: int) -> list[str]:
    from followups.actions.reminders import send_task_reminders

    return send_task_reminders(task_id)


@task()
def send_due_reminders() -> int:
    from followups.actions.reminders import do_send_due_reminders

    return do_send_due_reminders()


def reminder_moments(deadline: dt.date) -> list[dt.datetime]:
    from followups import rules

    days = [deadline - dt.timedelta(days=d) for d in rules.reminder_days()] + [deadline + dt.timedelta(days=1)]
    zone = timezone.get_current_timezone()
    now = timezone.now()
    moments = [dt.datetime.combine(day, dt.time(REMINDER_HOUR), tzinfo=zone) for day in days]
    return [moment for moment in moments if moment > now]


def schedule_reminders(task_id: int, deadline: dt.date) -> None:
    """Enqueue the reminders of this deadline (after commit). A reminder due already is sent by
    the daily sweep."""
    for moment in reminder_moments(deadline):
        try:
            remind_task.using(run_after=moment).enqueue(task_id)
        except Exception:  # noqa: BLE001 - the daily sweep still sends it
            logger.exception("could not schedule the reminder of task %s at %s", task_id, moment)
