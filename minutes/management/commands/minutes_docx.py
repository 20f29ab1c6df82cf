"""`manage.py minutes_docx MEETING_ID OUT.docx`: the current version of a meeting's minutes as a
Word document in the NĐ 30 layout, for archive scripts (no permission check: a shell account)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from minutes.export import minutes_docx
from minutes.models import Minutes


class Command(BaseCommand):
    help = "Write the current version of a meeting's minutes as .docx."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("meeting_id", type=int)
        parser.add_argument("out", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        minutes = (
            Minutes.objects.select_related("meeting__chair", "meeting__unit", "secretary", "issuing_unit__parent")
            .filter(meeting_id=options["meeting_id"])
            .first()
        )
        if minutes is None:
            raise CommandError(f"Meeting {options['meeting_id']} has no minutes.")
        version = minutes.current_version
        if version is None:
            raise CommandError(f"The minutes of meeting {options['meeting_id']} have no text.")
        out: Path = options["out"]
        out.write_bytes(minutes_docx(minutes, version.body))
        status = "approved" if minutes.is_approved else "draft"
        self.stdout.write(f"Wrote version {version.number} ({status}) of the minutes to {out}")
