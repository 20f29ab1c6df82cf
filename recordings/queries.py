"""Reads of recordings shared by the pages, the player and the apps above (transcripts).

A console recording's audio is its chunks in `seq` order, concatenated (MediaRecorder's pieces of
one WebM stream: only the first carries the header); an upload's is its one file. Paused time is
never in the audio: the recorder is paused and the server refuses chunks stamped inside a pause.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from django.utils import timezone

from recordings import crypto
from recordings.models import Recording, RecordingChunk, RecordingSource, RecordingStatus

# Two chunks whose wall-clock times are closer than this are one stretch of audio: the browser's
# timers and the recorder's buffers are not exact to the millisecond.
STRETCH_TOLERANCE_S = 1.0

SUFFIXES = {
    "audio/webm": ".webm",
    "audio/ogg": ".ogg",
    "audio/wav": ".wav",
    "audio/x-wav": ".wav",
    "audio/mpeg": ".mp3",
    "audio/mp4": ".m4a",
    "audio/x-m4a": ".m4a",
}


class AudioUnavailable(Exception):
    """The recording has no audio to read (deleted by retention, failed, or not started)."""


def suffix_for(mime_type: str) -> str:
    return SUFFIXES.get(mime_type.split(";")[0].strip().lower(), ".bin")


def _chunks(recording: Recording) -> list[RecordingChunk]:
    return list(RecordingChunk.objects.filter(recording=recording).order_by("seq"))


@dataclass(frozen=True)
class Part:
    """A stored file that is a slice [start, start + size) of the recording's audio bytes."""

    name: str
    key_id: str
    start: int
    size: int


def parts(recording: Recording) -> list[Part]:
    """The stored files of the audio, in order, with their byte offsets."""
    if recording.status == RecordingStatus.PURGED:
        return []
    if recording.file:  # an upload, or a console recording once joined
        return [Part(recording.file.name or "", recording.key_id, 0, recording.size)]
    if recording.source == RecordingSource.UPLOAD:
        return []
    result, offset = [], 0
    for chunk in _chunks(recording):
        result.append(Part(chunk.file.name or "", chunk.key_id, offset, chunk.size))
        offset += chunk.size
    return result


def audio_size(recording: Recording) -> int:
    found = parts(recording)
    return found[-1].start + found[-1].size if found else 0


def iter_audio(recording: Recording, start: int = 0, end: int | None = None) -> Iterator[bytes]:
    """The decrypted audio bytes [start, end), decrypting only the files (and frames) that hold
    them: what the player's Range requests read. The database is read now, the files while
    iterating (so the iterator may run in another thread)."""
    return _iter_parts(parts(recording), start, end)


def _iter_parts(found: list[Part], start: int, end: int | None) -> Iterator[bytes]:
    for part in found:
        part_end = part.start + part.size
        if part_end <= start or (end is not None and part.start >= end):
            continue
        lo = max(start - part.start, 0)
        hi = None if end is None or end >= part_end else end - part.start
        yield from crypto.iter_decrypted(part.name, part.key_id, start=lo, end=hi)


@contextlib.contextmanager
def audio_file(recording: Recording) -> Iterator[Path]:
    """The whole decrypted audio as a temporary file (removed on exit), written block by block.
    Raises AudioUnavailable when the recording holds no audio."""
    if not parts(recording):
        raise AudioUnavailable(f"recording {recording.pk} has no audio")
    with tempfile.TemporaryDirectory(prefix="ecabinet-rec-") as folder:
        path = Path(folder) / f"recording-{recording.pk}{suffix_for(recording.mime_type)}"
        with path.open("wb") as out:
            for block in iter_audio(recording):
                out.write(block)
        yield path


def paused_intervals(recording: Recording) -> list[tuple[dt.datetime, dt.datetime]]:
    """(start, end) of every pause, wall-clock; a pause still running ends at the recording's end
    or now."""
    until = recording.ended_at or timezone.now()
    pauses = sorted(recording.pauses.all(), key=lambda p: p.started_at)  # type: ignore[attr-defined]
    return [(pause.started_at, pause.ended_at or until) for pause in pauses]


def timeline(recording: Recording) -> list[tuple[float, float, dt.datetime]]:
    """Stretches (audio start s, audio end s, wall-clock start) of the audio, in order: audio time
    t in [a, b) was spoken at wall + (t - a). Paused time and lost chunks are not in the audio,
    so each starts a new stretch."""
    if recording.source == RecordingSource.UPLOAD:
        if not recording.duration:
            return []
        return [(0.0, float(recording.duration), recording.started_at)]
    stretches: list[list] = []
    audio = 0.0
    wall_end: dt.datetime | None = None
    for chunk in _chunks(recording):
        length = max(float(chunk.duration), 0.0)
        if (
            stretches
            and wall_end is not None
            and abs((chunk.wall_start - wall_end).total_seconds()) <= STRETCH_TOLERANCE_S
        ):
            stretches[-1][1] = audio + length
        else:
            stretches.append([audio, audio + length, chunk.wall_start])
        audio += length
        wall_end = chunk.wall_start + dt.timedelta(seconds=length)
    return [(float(a), float(b), wall) for a, b, wall in stretches]


def missing_seqs(recording: Recording) -> list[int]:
    """Sequence numbers the browser must have sent but that never arrived (below the highest
    received, or below the count the browser gave when it stopped)."""
    return gaps(recording, set(RecordingChunk.objects.filter(recording=recording).values_list("seq", flat=True)))


def gaps(recording: Recording, present: set[int]) -> list[int]:
    """missing_seqs, given the numbers received (read for many recordings at once)."""
    upper = max(max(present, default=-1) + 1, recording.expected_chunks or 0)
    return [n for n in range(upper) if n not in present]


def active_recording(meeting_id: int) -> Recording | None:
    return (
        Recording.objects.filter(
            meeting_id=meeting_id,
            source=RecordingSource.CONSOLE,
            status__in=(RecordingStatus.RECORDING, RecordingStatus.PAUSED),
        )
        .order_by("-started_at")
        .first()
    )


def recording_state(meeting_id: int) -> dict:
    """The meeting's recording indicator, for every screen (one query): None when nothing runs."""
    row = (
        Recording.objects.filter(meeting_id=meeting_id, status__in=(RecordingStatus.RECORDING, RecordingStatus.PAUSED))
        .order_by("-started_at")
        .values("pk", "status")
        .first()
    )
    return {"id": row["pk"], "state": row["status"]} if row else {"id": None, "state": None}
