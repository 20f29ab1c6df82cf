"""Recording from the console (Điều 6.4a): start, store numbered chunks, pause, resume, stop.

Chunks are stored idempotently: the same number with the same SHA-256 is answered "already
stored", with another SHA-256 refused; a chunk whose wall-clock start falls inside a pause is
refused (nothing is recorded while paused). Storing a chunk is not audited (the recording's start,
pauses and stop are) and holds no transaction while it is encrypted.

Stopping tells the server how many chunks the browser made: once they have all arrived the
recording is joined into one file by a task (recordings.tasks.finalize_recording), then STOPPED
and the `on_recording_ready` hooks run.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from functools import partial

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.access import require
from accounts.models import User
from accounts.permissions import Perm
from audit.log import log_action
from live import events
from meetings.models import Meeting, MeetingStatus
from recordings import crypto
from recordings.models import Recording, RecordingChunk, RecordingPause, RecordingSource, RecordingStatus
from recordings.queries import missing_seqs, recording_state

CHUNK_MAX_BYTES = 2 * 1024 * 1024  # under DATA_UPLOAD_MAX_MEMORY_SIZE: the body is read whole
CHUNK_MAX_SECONDS = 60.0
# Browser clocks drift: a chunk may be stamped this far before the start or after now.
CLOCK_SLACK = dt.timedelta(minutes=2)
CONSOLE_MIME = "audio/webm;codecs=opus"
OPEN_STATUSES = (RecordingStatus.RECORDING, RecordingStatus.PAUSED, RecordingStatus.FINISHING)


def _emit_state(meeting_id: int) -> None:
    events.emit(meeting_id, "recording", recording_state(meeting_id))


def _locked(recording: Recording) -> Recording:
    return Recording.objects.select_for_update().select_related("meeting").get(pk=recording.pk)


def do_start_recording(actor: User, meeting: Meeting) -> Recording:
    """A new console recording of a meeting in progress, or the one already running (a console
    reloaded in the middle of the meeting continues it)."""
    require(actor, Perm.RUN_RECORDING, meeting)
    if meeting.status != MeetingStatus.IN_PROGRESS:
        raise ValidationError(_("Recording starts once the meeting has started."), code="not_in_progress")
    with transaction.atomic():
        Meeting.objects.select_for_update().filter(pk=meeting.pk).exists()  # one start at a time
        running = (
            Recording.objects.filter(
                meeting=meeting,
                source=RecordingSource.CONSOLE,
                status__in=(RecordingStatus.RECORDING, RecordingStatus.PAUSED),
            )
            .order_by("-started_at")
            .first()
        )
        if running is not None:
            return running
        recording = Recording.objects.create(
            meeting=meeting,
            source=RecordingSource.CONSOLE,
            status=RecordingStatus.RECORDING,
            started_by=actor,
            started_at=timezone.now(),
            mime_type=CONSOLE_MIME,
        )
        log_action("recording.started", actor=actor, target=recording, data={"meeting": meeting.pk})
        _emit_state(meeting.pk)
    return recording


@dataclass(frozen=True)
class ChunkResult:
    stored: bool  # False: it was there already (a resend)
    missing: list[int]
    status: str


def check_chunk(
    recording: Recording, *, seq: int, sha256: str, wall_start: dt.datetime, duration: float, data: bytes
) -> None:
    """Refuse a chunk that cannot be part of the recording, with the reason."""
    if recording.status not in OPEN_STATUSES:
        raise ValidationError(_("This recording is finished; no more audio can be added."), code="closed")
    if seq < 0 or (recording.expected_chunks is not None and seq >= recording.expected_chunks):
        raise ValidationError(_("This piece of audio is not part of the recording."), code="bad_seq")
    if not data or len(data) > CHUNK_MAX_BYTES:
        raise ValidationError(_("The piece of audio is empty or too large."), code="bad_size")
    if not 0 < duration <= CHUNK_MAX_SECONDS:
        raise ValidationError(_("The piece of audio has an impossible length."), code="bad_duration")
    if hashlib.sha256(data).hexdigest() != sha256.lower():
        raise ValidationError(
            _("The piece of audio arrived damaged (its checksum does not match). It will be sent again."),
            code="bad_sha",
        )
    if wall_start < recording.started_at - CLOCK_SLACK or wall_start > timezone.now() + CLOCK_SLACK:
        raise ValidationError(_("The piece of audio has an impossible time."), code="bad_time")
    for pause in recording.pauses.all():  # type: ignore[attr-defined]
        if pause.started_at <= wall_start and (pause.ended_at is None or wall_start < pause.ended_at):
            raise ValidationError(
                _("The recording was paused at that time: audio from a pause is not kept."), code="paused"
            )


def do_store_chunk(
    actor: User,
    recording: Recording,
    *,
    seq: int,
    sha256: str,
    wall_start: dt.datetime,
    duration: float,
    data: bytes,
    starts_stream: bool = False,
) -> ChunkResult:
    """Store chunk `seq` once. A resend with the same SHA-256 is acknowledged without storing it
    again; a different SHA-256 under a stored number is refused (code "conflict")."""
    require(actor, Perm.RUN_RECORDING, recording.meeting)
    sha256 = sha256.lower()
    existing = RecordingChunk.objects.filter(recording=recording, seq=seq).values_list("sha256", flat=True).first()
    if existing is not None:
        return _known(recording, existing, sha256)
    recording.refresh_from_db(fields=["status", "expected_chunks", "started_at"])
    check_chunk(recording, seq=seq, sha256=sha256, wall_start=wall_start, duration=duration, data=data)
    stored = crypto.store_encrypted([data], suffix=".chunk")
    try:
        with transaction.atomic():
            current = _locked(recording)
            if current.status not in OPEN_STATUSES:
                raise ValidationError(_("This recording is finished; no more audio can be added."), code="closed")
            if current.expected_chunks is not None and seq >= current.expected_chunks:
                raise ValidationError(_("This piece of audio is not part of the recording."), code="bad_seq")
            RecordingChunk.objects.create(
                recording=current,
                seq=seq,
                sha256=sha256,
                size=stored.size,
                wall_start=wall_start,
                duration=duration,
                key_id=stored.key_id,
                file=stored.name,
                starts_stream=starts_stream,
            )
            complete = _complete(current)
            if complete:
                transaction.on_commit(partial(_schedule_finalize, current.pk))
    except IntegrityError:  # the same chunk, sent twice at once: the other request stored it
        crypto.delete_stored(stored.name)
        existing = RecordingChunk.objects.filter(recording=recording, seq=seq).values_list("sha256", flat=True).get()
        return _known(recording, existing, sha256)
    except BaseException:
        crypto.delete_stored(stored.name)
        raise
    return ChunkResult(stored=True, missing=missing_seqs(recording), status=current.status)


def _known(recording: Recording, existing: str, sha256: str) -> ChunkResult:
    if existing != sha256:
        raise ValidationError(_("A different piece of audio was already stored under this number."), code="conflict")
    status = Recording.objects.filter(pk=recording.pk).values_list("status", flat=True).get()
    return ChunkResult(stored=False, missing=missing_seqs(recording), status=status)


def _complete(recording: Recording) -> bool:
    """A stopped recording whose chunks have all arrived."""
    if recording.status != RecordingStatus.FINISHING or recording.expected_chunks is None:
        return False
    count = RecordingChunk.objects.filter(recording=recording, seq__lt=recording.expected_chunks).count()
    return count == recording.expected_chunks


def _schedule_finalize(recording_id: int, allow_gaps: bool = False) -> None:
    from recordings.tasks import finalize_recording

    finalize_recording.enqueue(recording_id, allow_gaps)


def do_pause_recording(actor: User, recording: Recording) -> RecordingPause:
    require(actor, Perm.RUN_RECORDING, recording.meeting)
    with transaction.atomic():
        current = _locked(recording)
        if current.status != RecordingStatus.RECORDING:
            raise ValidationError(_("The recording is not running."), code="not_running")
        pause = RecordingPause.objects.create(recording=current, started_at=timezone.now(), by=actor)
        current.status = RecordingStatus.PAUSED
        current.save(update_fields=["status"])
        log_action("recording.paused", actor=actor, target=current, data={"meeting": current.meeting_id})
        _emit_state(current.meeting_id)
    return pause


def do_resume_recording(actor: User, recording: Recording) -> RecordingPause:
    require(actor, Perm.RUN_RECORDING, recording.meeting)
    with transaction.atomic():
        current = _locked(recording)
        if current.status != RecordingStatus.PAUSED:
            raise ValidationError(_("The recording is not paused."), code="not_paused")
        pause = RecordingPause.objects.filter(recording=current, ended_at__isnull=True).order_by("-started_at").first()
        now = timezone.now()
        if pause is not None:
            pause.ended_at = now
            pause.save(update_fields=["ended_at"])
        else:  # cannot happen through the actions; keep the recording usable
            pause = RecordingPause.objects.create(recording=current, started_at=now, ended_at=now, by=actor)
        current.status = RecordingStatus.RECORDING
        current.save(update_fields=["status"])
        log_action(
            "recording.resumed",
            actor=actor,
            target=current,
            data={"meeting": current.meeting_id, "paused_seconds": round((now - pause.started_at).total_seconds())},
        )
        _emit_state(current.meeting_id)
    return pause


def do_stop_recording(actor: User, recording: Recording, *, chunk_count: int) -> Recording:
    """Stop: the browser made `chunk_count` chunks (numbers 0..chunk_count-1). The recording is
    FINISHING until they have all arrived, then joined and STOPPED."""
    require(actor, Perm.RUN_RECORDING, recording.meeting)
    if chunk_count < 0:
        raise ValidationError(_("The recording's number of pieces is invalid."), code="bad_count")
    with transaction.atomic():
        current = _locked(recording)
        if current.status not in (RecordingStatus.RECORDING, RecordingStatus.PAUSED):
            if current.status == RecordingStatus.FINISHING and current.expected_chunks == chunk_count:
                return current  # a repeated stop
            raise ValidationError(_("The recording is not running."), code="not_running")
        highest = (
            RecordingChunk.objects.filter(recording=current).order_by("-seq").values_list("seq", flat=True).first()
        )
        if highest is not None and highest >= chunk_count:
            raise ValidationError(_("The recording's number of pieces is invalid."), code="bad_count")
        now = timezone.now()
        RecordingPause.objects.filter(recording=current, ended_at__isnull=True).update(ended_at=now)
        current.status = RecordingStatus.FINISHING
        current.ended_at = now
        current.expected_chunks = chunk_count
        current.save(update_fields=["status", "ended_at", "expected_chunks"])
        log_action(
            "recording.stopped",
            actor=actor,
            target=current,
            data={"meeting": current.meeting_id, "chunks": chunk_count},
        )
        _emit_state(current.meeting_id)
        if _complete(current):
            transaction.on_commit(partial(_schedule_finalize, current.pk))
    return current


def do_close_with_gaps(actor: User, recording: Recording) -> Recording:
    """Give up waiting for chunks that will never come (the browser that held them is gone, or
    the console was closed while recording): the recording is finished with what arrived, and
    its gaps stay listed."""
    require(actor, Perm.RUN_RECORDING, recording.meeting)
    with transaction.atomic():
        current = _locked(recording)
        if current.status in (RecordingStatus.RECORDING, RecordingStatus.PAUSED):
            highest = (
                RecordingChunk.objects.filter(recording=current).order_by("-seq").values_list("seq", flat=True).first()
            )
            now = timezone.now()
            RecordingPause.objects.filter(recording=current, ended_at__isnull=True).update(ended_at=now)
            current.status = RecordingStatus.FINISHING
            current.ended_at = now
            current.expected_chunks = (highest + 1) if highest is not None else 0
            current.save(update_fields=["status", "ended_at", "expected_chunks"])
            _emit_state(current.meeting_id)
        elif current.status != RecordingStatus.FINISHING:
            raise ValidationError(_("Only a stopped recording waiting for audio can be closed."), code="not_finishing")
        missing = missing_seqs(current)
        log_action(
            "recording.closed_with_gaps",
            actor=actor,
            target=current,
            data={"meeting": current.meeting_id, "missing": missing[:1000]},
        )
        transaction.on_commit(partial(_schedule_finalize, current.pk, allow_gaps=True))
    return current
