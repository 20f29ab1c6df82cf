"""Remind the administrators of each unit that has not submitted this quarter's report (run daily
from cron or a systemd timer; `--enqueue` hands it to the worker). Each unit once per quarter."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from reports.actions import do_send_report_reminders
from reports.tasks import send_report_reminders


class Command(BaseCommand):
    help = "Send the quarterly report reminders that are due (each unit once per quarter)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--enqueue", action="store_true", help="run it in the background worker")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["enqueue"]:
            send_report_reminders.enqueue()
            self.stdout.write("Enqueued.")
            return
        self.stdout.write(f"{do_send_report_reminders()} unit(s) reminded.")
