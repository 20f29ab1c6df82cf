"""Background work of recordings: joining a stopped console recording into one file, and
deleting audio past its retention period (conventions §10: tasks take ids and run once)."""

from __future__ import annotations

import logging
import tempfile
from functools import partial
from pathlib import Path

from django.db import transaction
from django_tasks import task

from recordings import crypto, hooks
from recordings.media import MediaError, join_webm_segments
from recordings.models import Recording, RecordingChunk, RecordingStatus

logger = logging.getLogger(__name__)


def _segments(recording: Recording, folder: Path) -> list[Path]:
    """The decrypted chunks written as one file per MediaRecorder session (each starts with the
    chunk that carries the WebM header)."""
    paths: list[Path] = []
    handle = None
    try:
        for chunk in RecordingChunk.objects.filter(recording=recording).order_by("seq"):
            if chunk.starts_stream or chunk.seq == 0 or handle is None:
                if handle is not None:
                    handle.close()
                path = folder / f"segment-{len(paths)}.webm"
                paths.append(path)
                handle = path.open("wb")
            crypto.decrypt_all(chunk.file.name or "", chunk.key_id, handle)
    finally:
        if handle is not None:
            handle.close()
    return paths


@task()
def finalize_recording(recording_id: int, allow_gaps: bool = False) -> str:
    """Join a FINISHING console recording's chunks into one WebM file (encrypted), then mark it
    STOPPED and call the `on_recording_ready` hooks. Without `allow_gaps`, only once every chunk
    has arrived."""
    recording = Recording.objects.filter(pk=recording_id, status=RecordingStatus.FINISHING).first()
    if recording is None:
        return "skipped"
    count = RecordingChunk.objects.filter(recording=recording).count()
    if not allow_gaps and count != recording.expected_chunks:
        return "incomplete"
    with tempfile.TemporaryDirectory(prefix="ecabinet-join-") as folder:
        work = Path(folder)
        try:
            segments = _segments(recording, work)
            joined = work / "joined.webm"
            duration = join_webm_segments(segments, joined)
        except MediaError as exc:
            logger.warning("recording %s could not be joined: %s", recording_id, exc)
            return _fail(recording_id, str(exc))
        with joined.open("rb") as source:
            stored = crypto.store_encrypted(crypto.read_blocks(source), suffix=".webm.enc")
    with transaction.atomic():
        current = Recording.objects.select_for_update().filter(pk=recording_id).first()
        if current is None or current.status != RecordingStatus.FINISHING or current.file:
            transaction.on_commit(partial(crypto.delete_stored, stored.name))
            return "skipped"
        current.file = stored.name  # type: ignore[assignment]
        current.key_id = stored.key_id
        current.size = stored.size
        current.duration = duration
        current.mime_type = "audio/webm"
        current.status = RecordingStatus.STOPPED
        current.save(update_fields=["file", "key_id", "size", "duration", "mime_type", "status"])
        from audit.log import log_action

        log_action(
            "recording.finished",
            actor=None,
            target=current,
            unit=current.meeting.unit,
            data={"meeting": current.meeting_id, "seconds": round(duration, 1), "chunks": count},
        )
        transaction.on_commit(partial(hooks.recording_ready, current))
    return "stopped"


def _fail(recording_id: int, reason: str) -> str:
    from audit.log import log_action

    with transaction.atomic():
        current = Recording.objects.select_for_update().filter(pk=recording_id).first()
        if current is None or current.status != RecordingStatus.FINISHING:
            return "skipped"
        current.status = RecordingStatus.FAILED
        current.failure = reason[:500]
        current.save(update_fields=["status", "failure"])
        log_action(
            "recording.failed", actor=None, target=current, unit=current.meeting.unit, data={"reason": reason[:200]}
        )
    return "failed"


@task()
def purge_expired_recordings() -> int:
    """Delete the audio of recordings past RECORDINGS_RETENTION_DAYS (recordings.actions.retention)."""
    from recordings.actions.retention import do_purge_expired

    return do_purge_expired()
