"""Recordings of a meeting (Điều 6.4a): captured from the console in numbered chunks or uploaded
from the room's sound system, encrypted at rest, released to the chair, the PPC leaders and the
people the chair names."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from meetings.models import Meeting


class RecordingSource(models.TextChoices):
    CONSOLE = "console", _("Recorded from the console")
    UPLOAD = "upload", _("Uploaded file")


class RecordingStatus(models.TextChoices):
    RECORDING = "recording", _("Recording in progress")
    PAUSED = "paused", _("Recording paused")
    # Stopped on the console; waiting for its last chunks, then joined into one file.
    FINISHING = "finishing", _("Finishing the recording")
    STOPPED = "stopped", _("Recording finished")  # the audio is complete
    FAILED = "failed", _("Recording failed")
    PURGED = "purged", _("Audio deleted (retention period over)")


ACTIVE_STATUSES = (RecordingStatus.RECORDING, RecordingStatus.PAUSED)


def recording_path(instance: models.Model, filename: str) -> str:
    return f"recordings/{filename}"


class Recording(models.Model):
    """One recording of a meeting. A console recording's audio is its chunks in `seq` order; an
    uploaded one's is `file`. Every file is encrypted (recordings/crypto.py) under the key whose
    id is `key_id`; `size` is the plaintext size in bytes."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="recordings")
    source = models.CharField(max_length=8, choices=RecordingSource.choices)
    status = models.CharField(max_length=10, choices=RecordingStatus.choices, default=RecordingStatus.RECORDING)
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    started_at = models.DateTimeField(default=timezone.now)  # wall-clock start of the audio
    ended_at = models.DateTimeField(null=True, blank=True)
    duration = models.FloatField(null=True, blank=True)  # seconds of audio, once known
    mime_type = models.CharField(max_length=80, blank=True)
    size = models.BigIntegerField(default=0)
    key_id = models.CharField(max_length=16, blank=True)  # key of `file` (uploads); chunks carry their own
    file = models.FileField(upload_to=recording_path, blank=True, max_length=200)
    original_name = models.CharField(max_length=255, blank=True)
    failure = models.CharField(max_length=500, blank=True)
    # Console: how many chunks the browser made, told when it stopped (None while recording).
    expected_chunks = models.PositiveIntegerField(null=True, blank=True)
    purged_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["meeting", "started_at", "pk"]
        verbose_name = _("recording")
        verbose_name_plural = _("recordings")

    def __str__(self) -> str:
        return f"recording:{self.pk}"

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES


class RecordingChunk(models.Model):
    """A piece of a console recording as the browser sent it: `seq` counts from 0 without gaps
    on the browser's side, so a missing number on ours is a gap."""

    recording = models.ForeignKey(Recording, on_delete=models.CASCADE, related_name="chunks")
    seq = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    size = models.PositiveIntegerField()
    wall_start = models.DateTimeField()
    duration = models.FloatField()
    key_id = models.CharField(max_length=16, blank=True)
    file = models.FileField(upload_to=recording_path, blank=True, max_length=200)
    # The first chunk of a MediaRecorder session: it carries the WebM header (a page reloaded in
    # the middle of a recording starts a new session, continuing the numbers).
    starts_stream = models.BooleanField(default=False)
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["recording", "seq"]
        constraints = [models.UniqueConstraint(fields=["recording", "seq"], name="recording_chunk_seq_unique")]

    def __str__(self) -> str:
        return f"chunk:{self.recording_id}/{self.seq}"


class RecordingPause(models.Model):
    recording = models.ForeignKey(Recording, on_delete=models.CASCADE, related_name="pauses")
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["recording", "started_at"]

    def __str__(self) -> str:
        return f"pause:{self.recording_id}@{self.started_at:%H:%M:%S}"


class RecordingGrant(models.Model):
    """The chair lets `user` listen to the meeting's recordings (and read their transcripts)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="recording_grants")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    granted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    granted_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["meeting", "-granted_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "user"],
                condition=models.Q(revoked_at__isnull=True),
                name="recording_grant_one_active",
            )
        ]

    def __str__(self) -> str:
        return f"grant:{self.meeting_id}/{self.user_id}"


class RecordingNoticeAck(models.Model):
    """A person read the notice that the meeting is recorded (Luật 91/2025, Nghị định 356/2025)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="recording_notice_acks")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    acknowledged_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["meeting", "user"], name="recording_notice_once")]

    def __str__(self) -> str:
        return f"notice:{self.meeting_id}/{self.user_id}"
