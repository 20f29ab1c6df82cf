"""What the transcripts app holds about a person, for their data export (core.personal_data):
the segments attributed to them (what they said, as transcribed and corrected) and the
corrections they made to any transcript."""

from __future__ import annotations

from typing import Any

from accounts.models import User
from transcripts.models import Segment, SegmentRevision


def export(user: User) -> dict[str, Any]:
    spoken = [
        {
            "meeting": {"id": s.transcript.recording.meeting_id, "title": s.transcript.recording.meeting.title},
            "spoken_at": s.spoken_at,
            "start_seconds": s.start,
            "end_seconds": s.end,
            "text": s.text,
            "corrected": s.edited_at is not None,
        }
        for s in Segment.objects.filter(speaker=user)
        .select_related("transcript__recording__meeting")
        .order_by("transcript_id", "start", "window", "ordinal")
    ]
    corrections = [
        {
            "meeting_id": r.segment.transcript.recording.meeting_id,
            "segment_start_seconds": r.segment.start,
            "replaced_text": r.text,
            "replaced_at": r.replaced_at,
        }
        for r in SegmentRevision.objects.filter(replaced_by=user)
        .select_related("segment__transcript__recording")
        .order_by("replaced_at", "pk")
    ]
    return {"segments_attributed_to_me": spoken, "corrections_i_made": corrections}
