"""Background work of the quarterly report: the reminder before the deadline (conventions §10:
sending twice is prevented by the ReportReminderSent row, reports/actions.py).

`manage.py report_reminders` runs daily from cron or a systemd timer (`--enqueue` hands it to the
worker); each unit is reminded once per quarter, REPORTS_REMINDER_DAYS days before the 25th of the
quarter's last month, however often it runs.
"""

from __future__ import annotations

from django_tasks import task


@task()
def send_report_reminders() -> int:
    from reports.actions import do_send_report_reminders

    return do_send_report_reminders()
