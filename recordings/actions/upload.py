"""A finished recording from the room's sound system: the resumable upload of the documents app
(documents/upload.py describes the protocol; its `Upload` rows and temporary files are reused, so
`manage.py cleanup_uploads` also clears abandoned audio uploads), checked by its bytes with PyAV,
then encrypted into a STOPPED recording.

`do_create_recording_from_file` is the one way a file becomes a recording: the upload's finish,
the demo data and tests call it.
"""

from __future__ import annotations

import datetime as dt
from functools import partial
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.access import require
from accounts.models import User
from accounts.permissions import Perm
from audit.log import log_action
from documents.actions.uploads import claim_upload, open_upload
from documents.models import Upload
from documents.upload import discard, temp_path
from meetings.models import Meeting
from recordings import crypto, hooks
from recordings.media import MediaError, probe_audio
from recordings.models import Recording, RecordingSource, RecordingStatus

EXTENSIONS = (".wav", ".mp3", ".m4a", ".ogg", ".oga", ".opus", ".webm")
MAX_OPEN_UPLOADS = 5


def check_audio_name_and_size(filename: str, size: int) -> str:
    name = Path(str(filename).replace("\\", "/")).name.strip()[:255]
    if not name or not name.lower().endswith(EXTENSIONS):
        raise ValidationError(_("Choose a sound recording: a WAV, MP3, M4A, OGG or WebM file."), code="bad_extension")
    if size <= 0:
        raise ValidationError(_("The file is empty."), code="empty")
    if size > settings.RECORDINGS_MAX_UPLOAD_BYTES:
        raise ValidationError(
            _("The file is larger than the limit of %(limit)s MB.")
            % {"limit": settings.RECORDINGS_MAX_UPLOAD_BYTES // (1024 * 1024)},
            code="too_large",
        )
    return name


def default_start(meeting: Meeting) -> dt.datetime:
    """Where an uploaded recording starts on the clock when the uploader does not say: the
    meeting's actual start in the room, else its scheduled start."""
    live = getattr(meeting, "live", None)
    started = getattr(live, "started_at", None) if live is not None else None
    return started or meeting.start


def do_start_audio_upload(actor: User, meeting: Meeting, *, filename: str, size: int) -> Upload:
    require(actor, Perm.RUN_RECORDING, meeting)
    name = check_audio_name_and_size(filename, size)
    return open_upload(actor, meeting, name=name, size=size, max_open=MAX_OPEN_UPLOADS)


def do_finish_audio_upload(actor: User, upload: Upload, *, started_at: dt.datetime | None = None) -> Recording:
    """Check the complete file and make it a recording. Refused or not, the upload is gone
    afterwards; a refusal leaves nothing stored."""
    require(actor, Perm.RUN_RECORDING, upload.meeting)
    claim_upload(upload)
    try:
        return do_create_recording_from_file(
            actor, upload.meeting, temp_path(upload), original_name=upload.filename, started_at=started_at
        )
    finally:
        discard(upload)


def do_create_recording_from_file(
    actor: User,
    meeting: Meeting,
    path: Path,
    *,
    original_name: str = "",
    started_at: dt.datetime | None = None,
) -> Recording:
    """A STOPPED recording of `meeting` holding the audio file at `path` (left in place), which
    started at `started_at` on the wall clock (default: the meeting's actual start). Refuses
    (ValidationError, nothing stored) a file that is not audio, is cut short or is too long."""
    require(actor, Perm.RUN_RECORDING, meeting)
    path = Path(path)
    if path.stat().st_size > settings.RECORDINGS_MAX_UPLOAD_BYTES:
        raise ValidationError(_("The file is larger than the limit."), code="too_large")
    try:
        probe = probe_audio(path, max_seconds=settings.RECORDINGS_MAX_SECONDS)
    except MediaError as exc:
        raise ValidationError(str(exc), code="bad_audio") from None
    start = started_at or default_start(meeting)
    with path.open("rb") as source:
        stored = crypto.store_encrypted(crypto.read_blocks(source), suffix=".audio.enc")
    try:
        with transaction.atomic():
            recording = Recording.objects.create(
                meeting=meeting,
                source=RecordingSource.UPLOAD,
                status=RecordingStatus.STOPPED,
                started_by=actor,
                started_at=start,
                ended_at=start + dt.timedelta(seconds=probe.duration),
                duration=probe.duration,
                mime_type=probe.mime_type,
                size=stored.size,
                key_id=stored.key_id,
                file=stored.name,
                original_name=(original_name or path.name)[:255],
            )
            log_action(
                "recording.uploaded",
                actor=actor,
                target=recording,
                data={
                    "meeting": meeting.pk,
                    "file": recording.original_name,
                    "seconds": round(probe.duration, 1),
                    "bytes": stored.size,
                    "sha256": stored.sha256,
                },
            )
            transaction.on_commit(partial(hooks.recording_ready, recording))
    except BaseException:
        crypto.delete_stored(stored.name)
        raise
    return recording


def parse_started_at(raw: str, meeting: Meeting) -> dt.datetime | None:
    """The uploader's wall-clock start (a local datetime-local value); empty: None (default)."""
    text = (raw or "").strip()
    if not text:
        return None
    try:
        value = dt.datetime.fromisoformat(text)
    except ValueError:
        raise ValidationError(_("The start time is not a valid date and time."), code="bad_start") from None
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    return value
