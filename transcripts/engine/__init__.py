"""Speech-to-text behind one interface (docs/transcripts.md).

A backend turns one window of audio (16 kHz mono float32 samples, at most a few tens of seconds)
into pieces of text with times relative to the window's start. Which backend runs is a setting,
TRANSCRIPTION_BACKEND: "local" (faster-whisper on this machine, `engine/local.py`) or "openai" (any
server offering OpenAI's `/v1/audio/transcriptions`, `engine/openai_api.py`). The windowing, the
resuming and the attribution to speakers are the same for both (`transcripts/work.py`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import numpy as np
from django.conf import settings

BACKENDS = ("local", "openai")


@dataclass(frozen=True)
class Piece:
    """A stretch of recognised speech: seconds from the start of the window, and its text."""

    start: float
    end: float
    text: str


class BackendError(Exception):
    """The backend could not transcribe (model missing, server unreachable, bad answer)."""


class Backend(Protocol):
    name: str
    model_name: str

    def transcribe(self, samples: np.ndarray) -> list[Piece]: ...


def get_backend(name: str | None = None) -> Backend:
    """The configured backend (or the one named), ready to transcribe."""
    name = name or settings.TRANSCRIPTION_BACKEND
    if name == "local":
        from transcripts.engine.local import LocalBackend

        return LocalBackend.shared()
    if name == "openai":
        from transcripts.engine.openai_api import OpenAIBackend

        return OpenAIBackend.from_settings()
    raise BackendError(f"Unknown transcription backend {name!r}; use one of: {', '.join(BACKENDS)}.")


def clean_pieces(pieces: list[Piece], length: float) -> list[Piece]:
    """Drop empty pieces and keep times inside the window, in order."""
    out = []
    for piece in sorted(pieces, key=lambda p: (p.start, p.end)):
        text = " ".join(piece.text.split())
        start = min(max(piece.start, 0.0), length)
        end = min(max(piece.end, start), length)
        if text:
            out.append(Piece(round(start, 3), round(end, 3), text))
    return out
