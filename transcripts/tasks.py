"""Transcribing a recording in the background, window by window (conventions §10).

`transcribe_recording(transcript_id)` claims the transcript with a lease, then transcribes windows
(engine/windows.py) for about TRANSCRIPTION_TASK_BUDGET_SECONDS, committing each window's segments
together with the new position and progress in one transaction; then it queues itself for the
rest, so other tasks get the worker in between.

A worker killed in the middle of a window leaves the transcript RUNNING under a lease that nobody
renews. Every run keeps one watchdog queued (the same task, `run_after` the lease's end): when it
runs and the lease has expired, it claims the transcript and resumes from the last committed
window. What the dead worker had of its window was never committed, so that window is done again
from its start: nothing is lost and nothing is stored twice (the constraint on (transcript,
window, ordinal) refuses a second copy even if two runs raced).
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets
import time
from functools import partial
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task

from audit.log import log_action
from recordings.models import Recording
from recordings.queries import AudioUnavailable, audio_file, paused_intervals, timeline
from transcripts.attribution import PAUSED, Floor, floor_of
from transcripts.engine import BackendError, get_backend
from transcripts.engine.audio import AudioError, probe_duration
from transcripts.engine.windows import Done, next_window, transcribe_window
from transcripts.models import UNFINISHED, Segment, Transcript, TranscriptStatus

logger = logging.getLogger("transcripts.tasks")


def schedule(transcript_id: int) -> None:
    """Queue a run once the caller's transaction commits."""
    transaction.on_commit(partial(transcribe_recording.enqueue, transcript_id), robust=True)


class LeaseLost(Exception):
    """Another run holds the transcript now (this one outlived its lease)."""


def _lease_end() -> dt.datetime:
    return timezone.now() + dt.timedelta(seconds=settings.TRANSCRIPTION_LEASE_SECONDS)


def _claim(transcript_id: int, token: str) -> bool:
    """queued, or running under an expired lease → running under our lease; true for one caller."""
    now = timezone.now()
    return bool(
        Transcript.objects.filter(pk=transcript_id, status__in=UNFINISHED)
        .filter(Q(lease_until__isnull=True) | Q(lease_until__lt=now))
        .update(
            status=TranscriptStatus.RUNNING,
            lease_token=token,
            lease_until=_lease_end(),
            started_at=Coalesce("started_at", now),
            error="",
        )
    )


def _arm_watchdog(transcript_id: int) -> None:
    """Keep one run queued for after the current lease, unless one is already waiting."""
    now = timezone.now()
    lease = (
        Transcript.objects.filter(pk=transcript_id, status__in=UNFINISHED).values_list("lease_until", flat=True).first()
    )
    when = max(lease or now, now) + dt.timedelta(seconds=1)
    armed = (
        Transcript.objects.filter(pk=transcript_id, status__in=UNFINISHED)
        .filter(Q(watchdog_at__isnull=True) | Q(watchdog_at__lte=now))
        .update(watchdog_at=when)
    )
    if armed:
        transcribe_recording.using(run_after=when).enqueue(transcript_id)


@task()
def transcribe_recording(transcript_id: int) -> str:
    """Transcribe some windows; returns "done", "more", "failed", "busy" (another run holds it) or
    "skipped" (nothing left to do)."""
    token = secrets.token_hex(16)
    if not _claim(transcript_id, token):
        if Transcript.objects.filter(pk=transcript_id, status__in=UNFINISHED).exists():
            _arm_watchdog(transcript_id)
            return "busy"
        return "skipped"
    _arm_watchdog(transcript_id)
    with translation.override(settings.LANGUAGE_CODE):
        try:
            return _run(transcript_id, token)
        except LeaseLost:
            return "busy"
        except AudioUnavailable as exc:
            logger.warning("Transcript %s: no audio: %s", transcript_id, exc)
            return _fail(
                transcript_id, token, _("The recording has no audio to transcribe (it may have been deleted).")
            )
        except AudioError as exc:
            logger.warning("Transcript %s: unreadable audio: %s", transcript_id, exc)
            return _fail(transcript_id, token, _("The audio could not be read: the file may be damaged."))
        except BackendError as exc:
            logger.warning("Transcript %s: backend failed: %s", transcript_id, exc)
            return _fail(transcript_id, token, _("Speech recognition failed: %(reason)s") % {"reason": exc})
        except Exception:
            logger.exception("Transcript %s failed unexpectedly", transcript_id)
            return _fail(transcript_id, token, _("Transcription stopped because of an unexpected error."))


def _run(transcript_id: int, token: str) -> str:
    transcript = Transcript.objects.select_related("recording__meeting").get(pk=transcript_id)
    recording = transcript.recording
    backend = get_backend()
    deadline = time.monotonic() + settings.TRANSCRIPTION_TASK_BUDGET_SECONDS
    with audio_file(recording) as path:
        stretches = _stretches(recording, path)
        total = stretches[-1][1] if stretches else 0.0
        Transcript.objects.filter(pk=transcript_id, lease_token=token).update(
            total_seconds=total, backend=backend.name, model_name=backend.model_name
        )
        floor = floor_of(recording.meeting, paused_intervals(recording))
        processed = transcript.processed_seconds
        index = transcript.windows_done
        while (
            window := next_window(
                [(a, b) for a, b, _wall in stretches], processed, settings.TRANSCRIPTION_WINDOW_SECONDS
            )
        ) is not None:
            if index > transcript.windows_done and time.monotonic() > deadline:  # at least one window a run
                _release_and_continue(transcript_id, token)
                return "more"
            began = time.monotonic()
            done = transcribe_window(backend, path, window)
            _commit(transcript_id, token, index, done, stretches, floor, total, time.monotonic() - began)
            processed, index = done.end, index + 1
    return _finish(transcript_id, token)


def _stretches(recording: Recording, path: Path) -> list[tuple[float, float, dt.datetime]]:
    """The recording's timeline, or the whole file from the recording's start when it has none."""
    found = [(a, b, wall) for a, b, wall in timeline(recording) if b > a]
    if found:
        return found
    length = probe_duration(path)
    return [(0.0, length, recording.started_at)] if length > 0 else []


def _wall(stretches: list[tuple[float, float, dt.datetime]], at: float) -> dt.datetime:
    """Wall-clock time of audio second `at` (in the last stretch starting at or before it)."""
    a, _b, wall = stretches[0]
    for start, end, moment in stretches:
        if start <= at:
            a, _b, wall = start, end, moment
    return wall + dt.timedelta(seconds=at - a)


def _commit(
    transcript_id: int,
    token: str,
    index: int,
    done: Done,
    stretches: list[tuple[float, float, dt.datetime]],
    floor: Floor,
    total: float,
    spent: float,
) -> None:
    """Store one window's segments with the new position, or nothing if the lease was lost."""
    rows = []
    for piece in done.pieces:
        # A window lies in one stretch, so its pieces map linearly from their start.
        spoken_at = _wall(stretches, piece.start)
        spoken_end = spoken_at + dt.timedelta(seconds=piece.end - piece.start)
        kind, user_id = floor.attribute(spoken_at, spoken_end)
        if kind == PAUSED:
            continue
        rows.append((piece, spoken_at, kind, user_id))
    with transaction.atomic():
        transcript = Transcript.objects.select_for_update().filter(pk=transcript_id).first()
        if transcript is None or transcript.lease_token != token or transcript.status != TranscriptStatus.RUNNING:
            raise LeaseLost
        if abs(transcript.processed_seconds - done.start) > 1e-6 or transcript.windows_done != index:
            raise LeaseLost
        Segment.objects.bulk_create(
            Segment(
                transcript_id=transcript_id,
                window=index,
                ordinal=ordinal,
                start=piece.start,
                end=piece.end,
                spoken_at=spoken_at,
                text=piece.text,
                speaker_id=user_id,
                speaker_kind=kind,
            )
            for ordinal, (piece, spoken_at, kind, user_id) in enumerate(rows)
        )
        Transcript.objects.filter(pk=transcript_id).update(
            processed_seconds=done.end,
            windows_done=index + 1,
            progress=min(99, int(100 * done.end / total)) if total else 0,
            work_seconds=transcript.work_seconds + spent,
            lease_until=_lease_end(),
        )


def _release_and_continue(transcript_id: int, token: str) -> None:
    with transaction.atomic():
        released = Transcript.objects.filter(
            pk=transcript_id, lease_token=token, status=TranscriptStatus.RUNNING
        ).update(lease_until=None, lease_token="")
        if released:
            schedule(transcript_id)


def _finish(transcript_id: int, token: str) -> str:
    with transaction.atomic():
        transcript = (
            Transcript.objects.select_for_update().select_related("recording__meeting__unit").get(pk=transcript_id)
        )
        if transcript.lease_token != token or transcript.status != TranscriptStatus.RUNNING:
            return "busy"
        transcript.status = TranscriptStatus.DONE
        transcript.progress = 100
        transcript.finished_at = timezone.now()
        transcript.lease_token, transcript.lease_until = "", None
        transcript.save(update_fields=["status", "progress", "finished_at", "lease_token", "lease_until"])
        log_action(
            "transcript.finished",
            actor=None,
            target=transcript,
            unit=transcript.recording.meeting.unit,
            data={
                "recording": transcript.recording_id,
                "segments": transcript.segments.count(),  # type: ignore[attr-defined]
                "seconds": round(transcript.total_seconds or 0, 1),
                "backend": transcript.backend,
                "model": transcript.model_name,
            },
        )
    return "done"


def _fail(transcript_id: int, token: str, reason: str) -> str:
    with transaction.atomic():
        transcript = (
            Transcript.objects.select_for_update()
            .select_related("recording__meeting__unit")
            .filter(pk=transcript_id)
            .first()
        )
        if transcript is None or transcript.lease_token != token or transcript.status != TranscriptStatus.RUNNING:
            return "busy"
        transcript.status = TranscriptStatus.FAILED
        transcript.error = reason[:500]
        transcript.finished_at = timezone.now()
        transcript.lease_token, transcript.lease_until = "", None
        transcript.save(update_fields=["status", "error", "finished_at", "lease_token", "lease_until"])
        log_action(
            "transcript.failed",
            actor=None,
            target=transcript,
            unit=transcript.recording.meeting.unit,
            data={"recording": transcript.recording_id, "error": transcript.error},
        )
    return TranscriptStatus.FAILED
