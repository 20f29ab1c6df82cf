"""faster-whisper (CTranslate2) on this machine: int8 on the CPU, temperature 0, voice activity
detection on, Vietnamese. The model is loaded once per process; it is assembled from the installed
packages on first use if `make setup` has not done it (engine/model.py), never downloaded."""

from __future__ import annotations

import logging
import threading
from pathlib import Path
from typing import ClassVar

import numpy as np
from django.conf import settings

from transcripts.engine import BackendError, Piece, clean_pieces
from transcripts.engine.audio import SAMPLE_RATE
from transcripts.engine.model import MODEL_NAME, ModelError, prepare_model


class LocalBackend:
    name = "local"
    _shared: ClassVar[LocalBackend | None] = None
    _lock = threading.Lock()

    def __init__(self, directory: Path, *, threads: int = 0, beam_size: int = 1, language: str = "vi") -> None:
        from faster_whisper import WhisperModel

        # faster-whisper logs every window at INFO; the worker's log has no use for it.
        logging.getLogger("faster_whisper").setLevel(logging.WARNING)

        try:
            prepare_model(directory)
        except ModelError as exc:
            raise BackendError(str(exc)) from exc
        self.model_name = MODEL_NAME if directory == Path(settings.TRANSCRIPTION_MODEL_DIR) else directory.name
        self.language = language
        self.beam_size = beam_size
        self.model = WhisperModel(
            str(directory), device="cpu", compute_type="int8", cpu_threads=threads, local_files_only=True
        )

    @classmethod
    def shared(cls) -> LocalBackend:
        """One model per process (loading takes seconds and ~200 MB)."""
        with cls._lock:
            if cls._shared is None:
                cls._shared = cls(
                    Path(settings.TRANSCRIPTION_MODEL_DIR),
                    threads=settings.TRANSCRIPTION_CPU_THREADS,
                    beam_size=settings.TRANSCRIPTION_BEAM_SIZE,
                    language=settings.TRANSCRIPTION_LANGUAGE,
                )
            return cls._shared

    def transcribe(self, samples: np.ndarray) -> list[Piece]:
        if len(samples) == 0:
            return []
        segments, _info = self.model.transcribe(
            samples,
            language=self.language,
            task="transcribe",
            temperature=0.0,
            beam_size=self.beam_size,
            vad_filter=True,
            # Each window stands alone: a resumed window must give what the first run gave.
            condition_on_previous_text=False,
        )
        pieces = [Piece(s.start, s.end, s.text) for s in segments]
        return clean_pieces(pieces, len(samples) / SAMPLE_RATE)
