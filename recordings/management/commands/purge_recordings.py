"""Delete the audio of recordings past RECORDINGS_RETENTION_DAYS (run daily from cron or a
systemd timer, like cleanup_uploads; `--enqueue` hands it to the worker instead)."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from recordings.actions.retention import do_purge_expired
from recordings.tasks import purge_expired_recordings


class Command(BaseCommand):
    help = "Delete recordings' audio past the retention period (transcripts and minutes stay)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--enqueue", action="store_true", help="run it in the background worker")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["enqueue"]:
            purge_expired_recordings.enqueue()
            self.stdout.write("Enqueued.")
            return
        self.stdout.write(f"{do_purge_expired()} recording(s) purged.")
