"""Send the due deadline reminders and overdue warnings of assigned tasks (run daily from cron or
a systemd timer, like purge_recordings; `--enqueue` hands it to the worker instead). Each
reminder is sent once, however often this runs."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from followups.actions.reminders import do_send_due_reminders
from followups.tasks import send_due_reminders


class Command(BaseCommand):
    help = "Send the due reminders and overdue warnings of assigned tasks (each once)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--enqueue", action="store_true", help="run it in the background worker")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["enqueue"]:
            send_due_reminders.enqueue()
            self.stdout.write("Enqueued.")
            return
        self.stdout.write(f"{do_send_due_reminders()} reminder(s) sent.")
