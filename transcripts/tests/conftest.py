"""Transcript fixtures: the recordings' meeting (chaired by `leader`, organised by `organiser`,
`secretary` as support staff, two attendees, an outsider of another unit, a PPC leader), media in a
temporary MEDIA_ROOT, a scripted backend that answers without a model, and helpers to make a
recording from a file."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pytest
from django.test import TestCase

from recordings import hooks
from recordings.actions.upload import do_create_recording_from_file
from recordings.models import Recording
from recordings.tests.conftest import (
    _media,
    attendee,
    colleague,
    leader,
    meeting,
    organiser,
    outsider,
    ppc_leader,
    room,
    secretary,
    started,
    tone,
    write,
)
from transcripts.actions import on_recording_ready
from transcripts.engine import Piece
from transcripts.engine.audio import SAMPLE_RATE

__all__ = [
    "_media",
    "attendee",
    "colleague",
    "leader",
    "meeting",
    "organiser",
    "outsider",
    "ppc_leader",
    "room",
    "secretary",
    "started",
]


@pytest.fixture(autouse=True)
def _transcripts_hooked():  # type: ignore[no-untyped-def]
    """Our ready callback, as TranscriptsConfig.ready registers it (another suite may clear hooks)."""
    hooks.on_recording_ready(on_recording_ready)
    yield


class ScriptedBackend:
    """A backend without a model: one piece per window, "w<n>" spanning the window's first
    half; records each window's length in seconds."""

    name = "scripted"
    model_name = "scripted-1"

    def __init__(self) -> None:
        self.windows: list[float] = []

    def transcribe(self, samples: np.ndarray) -> list[Piece]:
        length = len(samples) / SAMPLE_RATE
        self.windows.append(length)
        return [Piece(0.0, length / 2, f"w{len(self.windows) - 1}")]


@pytest.fixture
def scripted(monkeypatch):  # type: ignore[no-untyped-def]
    backend = ScriptedBackend()
    monkeypatch.setattr("transcripts.tasks.get_backend", lambda name=None: backend)
    return backend


def upload(by, meeting, tmp_path: Path, seconds: float, *, started_at: dt.datetime | None = None) -> Recording:  # type: ignore[no-untyped-def]
    """A recording of `seconds` of tone uploaded by `by`, its transcript queued (the hooks run)."""
    path = write(tmp_path, f"rec-{seconds}.wav", tone(seconds, fmt="wav", rate=16000))
    with TestCase.captureOnCommitCallbacks(execute=True):
        return do_create_recording_from_file(by, meeting, path, started_at=started_at)
