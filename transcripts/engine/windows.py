"""Cutting audio into windows that the backends transcribe one at a time.

The audio is a list of stretches (audio start, audio end) — a recording's audio joins the pieces
recorded between pauses, so a window never spans two stretches. A window starts where the
previous one ended and lasts at most `length` seconds; a full window ends in its quietest tenth
of a second near the end (audio.quiet_cut), so a word is rarely cut in two. The next window
depends only on where the last one ended, which is what a resumed transcription knows.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from transcripts.engine import Backend, Piece
from transcripts.engine.audio import SAMPLE_RATE, probe_duration, quiet_cut, read_window

# Less audio than this left in a stretch is not worth a window (and ends the stretch).
MIN_WINDOW = 0.05


@dataclass(frozen=True)
class Window:
    start: float
    limit: float  # the latest end: start + length, or the end of the stretch
    stretch_end: float


@dataclass(frozen=True)
class Done:
    """A transcribed window: the audio [start, end) and its pieces, in seconds of the audio."""

    start: float
    end: float
    pieces: list[Piece]


def next_window(stretches: list[tuple[float, float]], processed: float, length: float) -> Window | None:
    for a, b in stretches:
        if processed < b - MIN_WINDOW:
            start = max(processed, a)
            return Window(start, min(start + length, b), b)
    return None


def read(path: Path, window: Window) -> tuple[np.ndarray, float]:
    """The window's samples and where it ends: early at a quiet point when it is a full window in
    the middle of a stretch; at the stretch's end when the file holds less audio than announced."""
    samples = read_window(path, window.start, window.limit)
    # Decoders round: a window a few samples short is still a full one.
    complete = len(samples) >= round((window.limit - window.start - MIN_WINDOW) * SAMPLE_RATE)
    if not complete:  # the file ends here: nothing more in this stretch
        return samples, window.stretch_end
    if window.limit < window.stretch_end:
        search = min(5.0, (window.limit - window.start) / 4)
        samples = samples[: quiet_cut(samples, search)]
        return samples, window.start + len(samples) / SAMPLE_RATE
    return samples, window.limit


def transcribe_window(backend: Backend, path: Path, window: Window) -> Done:
    samples, end = read(path, window)
    pieces = [Piece(window.start + p.start, window.start + p.end, p.text) for p in backend.transcribe(samples)]
    return Done(window.start, end, pieces)


def transcribe_file(path: Path, backend: Backend, length: float) -> Iterator[Done]:
    """Every window of a whole file in order (the operators' command and the benchmark)."""
    stretches = [(0.0, probe_duration(path))]
    processed = 0.0
    while (window := next_window(stretches, processed, length)) is not None:
        done = transcribe_window(backend, path, window)
        processed = done.end
        yield done
