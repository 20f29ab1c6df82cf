"""Reads of transcripts shared by the page, the exports and the minutes to come."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _

from recordings.models import Recording
from transcripts.models import Segment, SegmentRevision, SpeakerKind, Transcript


def transcript_of(recording: Recording) -> Transcript | None:
    return Transcript.objects.filter(recording=recording).first()


def segments(transcript: Transcript, *, with_revisions: bool = False) -> QuerySet[Segment]:
    """The segments in the order they were spoken, with their speakers (and earlier versions)."""
    rows = (
        Segment.objects.filter(transcript=transcript)
        .select_related("speaker", "edited_by")
        .order_by("start", "window", "ordinal")
    )
    if with_revisions:
        rows = rows.prefetch_related(
            Prefetch(
                "revisions",
                queryset=SegmentRevision.objects.select_related("speaker", "replaced_by", "written_by"),
            )
        )
    return rows


def speaker_label(kind: str, speaker_name: str | None) -> str:
    """How a speaker is written in the page and the exports."""
    if kind == SpeakerKind.PERSON and speaker_name:
        return speaker_name
    if kind == SpeakerKind.CHAIR:
        return _("%(name)s (chair)") % {"name": speaker_name} if speaker_name else _("Chair")
    return _("Unknown speaker")


def segment_speaker(segment: Segment | SegmentRevision) -> str:
    return speaker_label(segment.speaker_kind, segment.speaker.display_name if segment.speaker else None)


def clock(seconds: float) -> str:
    """Audio time as H:MM:SS."""
    whole = max(int(seconds), 0)
    return f"{whole // 3600}:{whole % 3600 // 60:02d}:{whole % 60:02d}"
