"""Retention (Luật 91/2025: personal data kept no longer than needed): the audio of a recording
is deleted RECORDINGS_RETENTION_DAYS after it ended. The recording row, its pauses and chunk list
stay (status PURGED), and so do its transcript and the minutes."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from audit.log import log_action
from recordings import crypto
from recordings.models import Recording, RecordingChunk, RecordingStatus

PURGEABLE = (RecordingStatus.STOPPED, RecordingStatus.FAILED)


def expired(now: dt.datetime | None = None) -> list[int]:
    cutoff = (now or timezone.now()) - dt.timedelta(days=settings.RECORDINGS_RETENTION_DAYS)
    return list(
        Recording.objects.filter(status__in=PURGEABLE)
        .filter(Q(ended_at__lt=cutoff) | Q(ended_at__isnull=True, started_at__lt=cutoff))
        .values_list("pk", flat=True)
    )


def do_purge_recording(recording_id: int) -> bool:
    """Delete one recording's audio; False when another run did it (or it is not purgeable)."""
    with transaction.atomic():
        claimed = Recording.objects.filter(pk=recording_id, status__in=PURGEABLE).update(
            status=RecordingStatus.PURGED, purged_at=timezone.now()
        )
        if not claimed:
            return False
        recording = Recording.objects.select_related("meeting__unit").get(pk=recording_id)
        names: list[str] = [recording.file.name or ""] if recording.file else []
        names += [n for n in RecordingChunk.objects.filter(recording=recording).values_list("file", flat=True) if n]
        RecordingChunk.objects.filter(recording=recording).update(file="")
        Recording.objects.filter(pk=recording_id).update(file="")
        log_action(
            "recording.purged",
            actor=None,
            target=recording,
            unit=recording.meeting.unit,
            data={"meeting": recording.meeting_id, "files": len(names), "days": settings.RECORDINGS_RETENTION_DAYS},
        )
        transaction.on_commit(lambda: _delete_all(names))
    return True


def _delete_all(names: list[str]) -> None:
    for name in names:
        crypto.delete_stored(name)


def do_purge_expired(now: dt.datetime | None = None) -> int:
    return sum(1 for pk in expired(now) if do_purge_recording(pk))
