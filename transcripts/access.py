"""Fetch-and-authorize for transcripts (conventions §4): a transcript is reached through its
recording, so whoever may not listen to the recording gets 404 for its transcript, its exports
and its corrections alike."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied

from accounts.permissions import Perm, can
from core.fetch import get_or_404
from core.http import AnyUser
from recordings.access import access_recording
from recordings.models import Recording
from transcripts.models import Segment


def access_transcript_recording(user: AnyUser, recording_id: Any, perm: Perm = Perm.LISTEN_RECORDING) -> Recording:
    """The recording whose transcript `user` may read (404 otherwise); with `perm` EDIT_TRANSCRIPT
    they must also be allowed to correct it (403: they already see it)."""
    recording = access_recording(user, recording_id, Perm.LISTEN_RECORDING)
    if perm != Perm.LISTEN_RECORDING and not can(user, perm, recording.meeting):
        raise PermissionDenied
    return recording


def access_segment(user: AnyUser, recording_id: Any, segment_id: Any, perm: Perm = Perm.EDIT_TRANSCRIPT) -> Segment:
    """A segment of the recording's transcript; 404 unless `user` reads it, 403 unless `perm`."""
    recording = access_transcript_recording(user, recording_id, Perm.LISTEN_RECORDING)
    segment = get_or_404(
        Segment.objects.select_related("transcript__recording__meeting", "speaker").filter(
            transcript__recording=recording
        ),
        segment_id,
    )
    if perm != Perm.LISTEN_RECORDING and not can(user, perm, recording.meeting):
        raise PermissionDenied
    return segment
