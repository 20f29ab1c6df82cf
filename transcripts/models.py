"""The transcript of a recording (Điều 6.4a): segments of text with their times, each attributed to
whoever had the floor, corrected by those who run the room with every earlier version kept."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from recordings.models import Recording


class TranscriptStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting to be transcribed")
    RUNNING = "running", _("Being transcribed")
    DONE = "done", _("Transcribed")
    FAILED = "failed", _("Transcription failed")


UNFINISHED = (TranscriptStatus.QUEUED, TranscriptStatus.RUNNING)


class SpeakerKind(models.TextChoices):
    PERSON = "person", _("Had the floor")
    CHAIR = "chair", _("Chair (nobody had the floor)")
    UNKNOWN = "unknown", _("Unknown (outside the meeting)")


class Transcript(models.Model):
    """One per recording. Work goes window by window: `processed_seconds` is the audio end of the
    last committed window and `windows_done` their count, both written in the transaction that
    stores that window's segments, so a resumed run starts exactly where the last commit ended.

    A run holds the transcript by a lease (`lease_token` until `lease_until`); a worker that dies
    loses it when the lease expires, and the watchdog task (`watchdog_at`) resumes the work."""

    recording = models.OneToOneField(Recording, on_delete=models.CASCADE, related_name="transcript")
    status = models.CharField(max_length=8, choices=TranscriptStatus.choices, default=TranscriptStatus.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)  # percent of the audio processed
    processed_seconds = models.FloatField(default=0.0)
    total_seconds = models.FloatField(null=True, blank=True)
    windows_done = models.PositiveIntegerField(default=0)
    work_seconds = models.FloatField(default=0.0)  # compute time spent so far, for the estimate
    backend = models.CharField(max_length=16, blank=True)
    model_name = models.CharField(max_length=120, blank=True)
    error = models.CharField(max_length=500, blank=True)
    queued_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    lease_token = models.CharField(max_length=32, blank=True)
    lease_until = models.DateTimeField(null=True, blank=True)
    watchdog_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("transcript")
        verbose_name_plural = _("transcripts")

    def __str__(self) -> str:
        return f"transcript:{self.recording_id}"

    @property
    def is_unfinished(self) -> bool:
        return self.status in UNFINISHED

    @property
    def eta_seconds(self) -> int | None:
        """Estimated seconds left, at the speed measured so far (None before the first window)."""
        if self.status != TranscriptStatus.RUNNING or not self.total_seconds or self.processed_seconds <= 0:
            return None
        remaining = max(self.total_seconds - self.processed_seconds, 0.0)
        return round(self.work_seconds / self.processed_seconds * remaining)


class Segment(models.Model):
    """A stretch of speech: `start`/`end` are seconds of the recording's audio (what the player
    seeks to), `spoken_at` the wall-clock time it was said. `window` and `ordinal` place it in the
    work: a window's segments are written once, in one transaction (the constraint refuses a
    second copy)."""

    transcript = models.ForeignKey(Transcript, on_delete=models.CASCADE, related_name="segments")
    window = models.PositiveIntegerField()
    ordinal = models.PositiveIntegerField()
    start = models.FloatField()
    end = models.FloatField()
    spoken_at = models.DateTimeField(null=True, blank=True)
    text = models.TextField()
    speaker = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    speaker_kind = models.CharField(max_length=8, choices=SpeakerKind.choices, default=SpeakerKind.UNKNOWN)
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    edited_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["transcript", "start", "window", "ordinal"]
        constraints = [
            models.UniqueConstraint(fields=["transcript", "window", "ordinal"], name="transcript_segment_once")
        ]

    def __str__(self) -> str:
        return f"segment:{self.transcript_id}/{self.window}.{self.ordinal}"


class SegmentRevision(models.Model):
    """A version of a segment that a correction replaced: its text and speaker, who had written it
    (None: the machine), and who replaced it when."""

    segment = models.ForeignKey(Segment, on_delete=models.CASCADE, related_name="revisions")
    text = models.TextField()
    speaker = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    speaker_kind = models.CharField(max_length=8, choices=SpeakerKind.choices)
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    replaced_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    replaced_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["segment", "-replaced_at", "-pk"]

    def __str__(self) -> str:
        return f"revision:{self.segment_id}@{self.replaced_at:%Y-%m-%d %H:%M:%S}"
