"""Remove uploads that were never finished (run hourly, e.g. from cron or a systemd timer)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from documents.upload import cleanup_stale


class Command(BaseCommand):
    help = "Delete unfinished document uploads older than DOCUMENT_UPLOAD_STALE_HOURS (24 h) and stray temporary files."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--hours",
            type=int,
            default=settings.DOCUMENT_UPLOAD_STALE_HOURS,
            help="Age in hours after which an unfinished upload is deleted.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        hours = options["hours"]
        if hours < 1:
            raise CommandError("--hours must be at least 1")
        rows, files = cleanup_stale(older_than=timedelta(hours=hours))
        self.stdout.write(f"Deleted {rows} unfinished upload(s) and {files} stray temporary file(s).")
