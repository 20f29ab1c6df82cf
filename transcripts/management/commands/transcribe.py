"""`manage.py transcribe FILE [--backend local|openai] [--json]`: transcribe an audio file with the
configured engine, window by window, and print the segments (start, end, text) as they come; with
--json one JSON object per line. For operators checking a backend or a model; stores nothing."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from transcripts.engine import BACKENDS, BackendError, get_backend
from transcripts.engine.audio import AudioError
from transcripts.engine.windows import transcribe_file


class Command(BaseCommand):
    help = "Transcribe an audio file and print its segments (start, end, text)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="An audio file (wav, mp3, m4a, ogg, webm...).")
        parser.add_argument("--backend", choices=BACKENDS, help="Default: TRANSCRIPTION_BACKEND.")
        parser.add_argument("--json", action="store_true", help="One JSON object per line: start, end, text.")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"{path} is not a file.")
        try:
            backend = get_backend(options["backend"])
            for done in transcribe_file(path, backend, settings.TRANSCRIPTION_WINDOW_SECONDS):
                for piece in done.pieces:
                    if options["json"]:
                        line = json.dumps(
                            {"start": round(piece.start, 2), "end": round(piece.end, 2), "text": piece.text},
                            ensure_ascii=False,
                        )
                    else:
                        line = f"{piece.start:8.2f} {piece.end:8.2f}  {piece.text}"
                    self.stdout.write(line)
                    self.stdout.flush()
        except AudioError as exc:
            raise CommandError(f"{path} cannot be read as audio: {exc}") from exc
        except BackendError as exc:
            raise CommandError(str(exc)) from exc
