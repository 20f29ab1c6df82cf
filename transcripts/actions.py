"""Every write of the transcripts app (conventions §2): queueing a recording's transcription (from
the recordings app's ready hook), retrying a failed one, correcting a segment's text or speaker
(the replaced version is kept), and the audit entries of reading and exporting a transcript."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.access import require
from accounts.models import User
from accounts.permissions import Perm
from audit.log import log_action
from live.models import Attendance, SpeakRequest
from meetings.models import Invitation, Meeting
from recordings.models import Recording, RecordingStatus
from transcripts import tasks
from transcripts.models import Segment, SegmentRevision, SpeakerKind, Transcript, TranscriptStatus

MAX_SEGMENT_TEXT = 5000
CHAIR = "chair"
UNKNOWN = "unknown"


def on_recording_ready(recording: Recording) -> None:
    """The recordings app's ready hook (registered in TranscriptsConfig.ready)."""
    do_queue_transcription(recording)


def do_queue_transcription(recording: Recording) -> Transcript | None:
    """The transcript of a recording whose audio is complete, queued for the worker; a recording
    that already has one keeps it. Called by the system (the recording-ready hook), no actor."""
    with transaction.atomic():
        current = Recording.objects.select_for_update().select_related("meeting").get(pk=recording.pk)
        if current.status != RecordingStatus.STOPPED:
            return None
        transcript, created = Transcript.objects.get_or_create(
            recording=current,
            defaults={"total_seconds": current.duration, "backend": settings.TRANSCRIPTION_BACKEND},
        )
        if created:
            log_action(
                "transcript.queued",
                actor=None,
                target=transcript,
                unit=current.meeting.unit,
                data={"recording": current.pk, "backend": transcript.backend},
            )
            tasks.schedule(transcript.pk)
    return transcript


def do_retry_transcription(actor: User, transcript: Transcript) -> Transcript:
    """A failed transcription starts again where it stopped (the windows already stored stay)."""
    require(actor, Perm.EDIT_TRANSCRIPT, transcript.recording.meeting)
    with transaction.atomic():
        current = Transcript.objects.select_for_update().get(pk=transcript.pk)
        if current.status != TranscriptStatus.FAILED:
            raise ValidationError(_("Only a failed transcription can be started again."), code="not_failed")
        current.status = TranscriptStatus.QUEUED
        current.error = ""
        current.finished_at = None
        current.backend = settings.TRANSCRIPTION_BACKEND
        current.save(update_fields=["status", "error", "finished_at", "backend"])
        log_action("transcript.retried", actor=actor, target=current, data={"recording": current.recording_id})
        tasks.schedule(current.pk)
    return current


def speaker_candidates(meeting: Meeting) -> list[User]:
    """Who a segment may be attributed to: the chair, the people invited by name or named by their
    unit, whoever checked in, and whoever had the floor; by name."""
    ids = {meeting.chair_id}
    ids |= set(Invitation.objects.filter(meeting=meeting, user__isnull=False).values_list("user_id", flat=True))
    ids |= set(Attendance.objects.filter(meeting=meeting, user__isnull=False).values_list("user_id", flat=True))
    ids |= set(SpeakRequest.objects.filter(meeting=meeting).values_list("user_id", flat=True))
    return sorted(User.objects.filter(pk__in=ids), key=lambda u: (u.display_name.lower(), u.pk))


def check_correction(segment: Segment, text: str, speaker: str) -> tuple[str, str, User | None]:
    """The cleaned text, and the speaker as (kind, user): `speaker` is "chair", "unknown" or the id
    of one of the meeting's people (speaker_candidates)."""
    meeting = segment.transcript.recording.meeting
    errors: dict[str, str] = {}
    cleaned = " ".join(str(text or "").split())
    if not cleaned:
        errors["text"] = _("Write the text of the segment; it cannot be empty.")
    elif len(cleaned) > MAX_SEGMENT_TEXT:
        errors["text"] = _("The text is too long (at most %(limit)s characters).") % {"limit": MAX_SEGMENT_TEXT}
    kind, user = SpeakerKind.UNKNOWN, None
    choice = str(speaker or "").strip()
    if choice == CHAIR:
        kind, user = SpeakerKind.CHAIR, meeting.chair
    elif choice == UNKNOWN:
        kind, user = SpeakerKind.UNKNOWN, None
    else:
        found = next((u for u in speaker_candidates(meeting) if str(u.pk) == choice), None)
        if found is None:
            errors["speaker"] = _("Choose the speaker among the people of the meeting.")
        else:
            kind, user = SpeakerKind.PERSON, found
    if errors:
        raise ValidationError(errors)
    return cleaned, kind, user


def do_correct_segment(actor: User, segment: Segment, *, text: str, speaker: str) -> Segment:
    """Replace a segment's text and speaker; the version it replaces is kept as a revision."""
    meeting = segment.transcript.recording.meeting
    require(actor, Perm.EDIT_TRANSCRIPT, meeting)
    cleaned, kind, user = check_correction(segment, text, speaker)
    with transaction.atomic():
        current = Segment.objects.select_for_update().get(pk=segment.pk)
        if (
            current.text == cleaned
            and current.speaker_kind == kind
            and current.speaker_id == (user.pk if user else None)
        ):
            return current  # nothing changed: no new version
        old = {"text": current.text, "speaker": current.speaker_id, "kind": current.speaker_kind}
        SegmentRevision.objects.create(
            segment=current,
            text=current.text,
            speaker_id=current.speaker_id,
            speaker_kind=current.speaker_kind,
            written_by_id=current.edited_by_id,
            replaced_by=actor,
        )
        current.text, current.speaker, current.speaker_kind = cleaned, user, kind
        current.edited_by, current.edited_at = actor, timezone.now()
        current.save(update_fields=["text", "speaker", "speaker_kind", "edited_by", "edited_at"])
        log_action(
            "transcript.segment.corrected",
            actor=actor,
            target=current,
            data={
                "recording": current.transcript.recording_id,
                "before": old,
                "after": {"text": cleaned, "speaker": current.speaker_id, "kind": kind},
            },
        )
    return current


def do_log_transcript_read(actor: User, recording: Recording, *, how: str) -> None:
    """Audit a reading of the transcript: `how` is "page", "docx" or "srt"."""
    require(actor, Perm.LISTEN_RECORDING, recording.meeting)
    code = "transcript.viewed" if how == "page" else "transcript.exported"
    log_action(code, actor=actor, target=recording, data={"meeting": recording.meeting_id, "format": how})
